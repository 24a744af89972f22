/**
 * Where the call screen plays the call: the output chosen in the device
 * picker (state/devices.ts), or the system default while it is unplugged,
 * and the one-tap speaker toggle, offered only when an output named like a
 * loudspeaker exists besides that one. A Lit controller of the screen: it
 * follows device changes and sets the `<audio>` element's sink.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { AudioDevices, type AudioDevice, speakerTarget } from '../../state/devices';

type SinkAudio = HTMLAudioElement & { setSinkId?: (id: string) => Promise<void>; sinkId?: string };

export class CallOutput implements ReactiveController {
  /** The speaker toggle is on. */
  speakerOn = false;
  private devices: AudioDevices | null = null;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly audio: () => SinkAudio | null,
  ) {
    host.addController(this);
  }

  /** Follows these devices (the screen's `devices` property). */
  use(devices: AudioDevices | null): void {
    if (devices === this.devices && this.unsubscribe) return;
    this.unsubscribe?.();
    this.devices = devices;
    // A device plugged in or out, or chosen: the speaker toggle and the output follow.
    this.unsubscribe = devices?.subscribe(() => {
      this.host.requestUpdate();
      void this.apply();
    });
  }

  hostDisconnected(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** The loudspeaker the toggle switches to, or null: then there is no toggle. */
  get speaker(): AudioDevice | null {
    if (!this.devices || !AudioDevices.outputSupported) return null;
    return speakerTarget(this.devices.outputs, this.devices.outputFor());
  }

  async toggleSpeaker(): Promise<void> {
    this.speakerOn = !this.speakerOn;
    this.host.requestUpdate();
    await this.apply();
  }

  /** Plays on the speaker while the toggle is on, else on the chosen output (or the default). */
  async apply(): Promise<void> {
    const audio = this.audio();
    if (!audio?.setSinkId || !this.devices) return;
    const speaker = this.speakerOn ? this.speaker : null;
    if (this.speakerOn && !speaker) this.speakerOn = false;
    const sink = speaker?.id ?? this.devices.outputFor();
    if (audio.sinkId === sink) return;
    try {
      await audio.setSinkId(sink);
    } catch {
      // The device went away meanwhile: the next device event sets it again.
    }
  }
}
