/**
 * The microphone and audio output a person calls with: what this browser
 * lists, which of them the person chose (remembered in this browser, '' for
 * the system default), and what to use right now — the choice while it is
 * plugged in, the system default while it is not. The choice stays
 * remembered when its device goes away, so plugging it back in brings it
 * back. No Lit, no rendering: `<rc-device-picker>` shows it, the phone and
 * the call screen ask it what to use.
 */
import { t } from '../i18n/i18n';

export type DeviceKind = 'input' | 'output';

/** One microphone or output as the browser lists it (copied out of its MediaDeviceInfo). */
export type AudioDevice = { id: string; groupId: string; label: string };

/** The person's choice; '' means the system default. */
export type DeviceChoice = { input: string; output: string };

/** A chosen device that is not listed now; `label` is its name when this page saw it earlier, else ''. */
export type MissingDevice = { id: string; label: string };

/** What listeners hear on every change; `unplugged` names the kinds whose chosen device has just gone. */
export type DevicesEvent = { unplugged: DeviceKind[] };

const STORAGE_KEY = 'rc.devices';
/** Chromium's id for the entry that follows the system's default device (its label names that device). */
const SYSTEM_DEFAULT_ID = 'default';
const SPEAKER_LABEL = /speaker|扬声器/i;
/** Entries that stand for whichever device the system picks, not one device of their own. */
const ALIASES = new Set([SYSTEM_DEFAULT_ID, 'communications']);
const KINDS: Record<DeviceKind, MediaDeviceKind> = { input: 'audioinput', output: 'audiooutput' };

/** The remembered choice; defaults for anything missing or unreadable (never throws). */
function readChoice(): DeviceChoice {
  try {
    const parsed = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as unknown;
    if (parsed && typeof parsed === 'object') {
      const { input, output } = parsed as Record<string, unknown>;
      return { input: typeof input === 'string' ? input : '', output: typeof output === 'string' ? output : '' };
    }
  } catch {
    // corrupt or unreadable storage: the system defaults
  }
  return { input: '', output: '' };
}

function writeChoice(choice: DeviceChoice): void {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(choice));
  } catch {
    // storage full or disabled: the choice lasts for this page only
  }
}

/** A device's name: its label, or "Microphone 2" / "Output 2" (`index` is its place in its list) when the browser gives none. */
export function deviceName(kind: DeviceKind, device: AudioDevice, index: number): string {
  if (device.label) return device.label;
  return t(kind === 'input' ? 'devices.microphoneN' : 'devices.outputN', { n: index + 1 });
}

/** Whether an entry is the one that follows the system default (the picker's "System default" stands for it). */
export const isSystemDefault = (device: AudioDevice): boolean => device.id === SYSTEM_DEFAULT_ID;

/**
 * The output the call screen's one-tap speaker toggle switches to: a
 * loudspeaker-named output (/speaker|扬声器/i) that is not the device the
 * call plays on when the toggle is off (`current`, a sink id; '' = the
 * system default). Null when there is none, and then there is no toggle.
 * Aliases ("default", "communications") are never the target; a device is
 * told apart from `current` by its groupId too, so "Default - Speakers" and
 * "Speakers" are one device. Pure.
 */
export function speakerTarget(outputs: readonly AudioDevice[], current: string): AudioDevice | null {
  // With no alias entry the browser lists the system default first.
  const playing = outputs.find((d) => d.id === (current || SYSTEM_DEFAULT_ID)) ?? (current ? undefined : outputs[0]);
  const sameDevice = (d: AudioDevice) =>
    !!playing && (d.id === playing.id || (d.groupId !== '' && d.groupId === playing.groupId));
  return outputs.find((d) => !ALIASES.has(d.id) && SPEAKER_LABEL.test(d.label) && !sameDevice(d)) ?? null;
}

/**
 * This browser's microphones and outputs and the person's choice of them.
 * Construct one per page; it lists at once (`ready`) and again on every
 * `devicechange`, and re-reads the remembered choice each time (another tab
 * of this browser may have changed it). `dispose()` stops listening.
 */
export class AudioDevices {
  /** Microphones as listed, the system-default entry included; none before the first listing. */
  inputs: readonly AudioDevice[] = [];
  /** Outputs as listed, the system-default entry included. */
  outputs: readonly AudioDevice[] = [];
  /** The browser hides names (and often ids) until the microphone is allowed. */
  labelsHidden = false;
  /** The first listing. */
  readonly ready: Promise<void>;

  private chosen: DeviceChoice = readChoice();
  private absent: Record<DeviceKind, MissingDevice | null> = { input: null, output: null };
  /** Kinds the browser lists without ids (no permission yet). */
  private hiddenIds = new Set<MediaDeviceKind>();
  /** Names of devices seen on this page, to name one that was unplugged. */
  private readonly seen = new Map<string, string>();
  private readonly listeners = new Set<(event: DevicesEvent) => void>();
  private listing = 0;
  private asking: Promise<boolean> | null = null;
  private readonly onDeviceChange = () => void this.refresh();
  private readonly onStorage = (e: StorageEvent) => {
    if (e.key === STORAGE_KEY) void this.refresh();
  };

  /** `media`: the browser's media devices (null outside secure contexts: then nothing is listed). */
  constructor(private readonly media: MediaDevices | null = navigator.mediaDevices ?? null) {
    media?.addEventListener('devicechange', this.onDeviceChange);
    window.addEventListener('storage', this.onStorage);
    this.ready = this.refresh();
  }

  /** Whether this browser can play a call on a chosen output (`HTMLMediaElement.setSinkId`). */
  static get outputSupported(): boolean {
    return 'setSinkId' in HTMLMediaElement.prototype;
  }

  dispose(): void {
    this.media?.removeEventListener('devicechange', this.onDeviceChange);
    window.removeEventListener('storage', this.onStorage);
    this.listeners.clear();
  }

  /** The remembered choice, present or not. */
  get choice(): DeviceChoice {
    return { ...this.chosen };
  }

  /** The chosen device of a kind when it is not listed now (the system default is used instead), else null. */
  missing(kind: DeviceKind): MissingDevice | null {
    return this.absent[kind];
  }

  /** Remembers a choice in this browser ('' = system default) and tells listeners. */
  choose(change: Partial<DeviceChoice>): void {
    this.chosen = { ...this.chosen, ...change };
    writeChoice(this.chosen);
    this.settle();
  }

  /**
   * What to ask getUserMedia for: the chosen microphone exactly while it is
   * listed, the system default (`true`) when it is not — a remembered but
   * unplugged microphone never fails a call. While the browser hides ids
   * (no permission yet) that is the default too: Chromium ignores an
   * `ideal` deviceId, so there is no gentler way to prefer it.
   */
  microphoneConstraints(): MediaTrackConstraints | true {
    const id = this.chosen.input;
    return id && this.inputs.some((d) => d.id === id) ? { deviceId: { exact: id } } : true;
  }

  /** The sink id to play calls on now: the chosen output while it is listed, else '' (the system default). */
  outputFor(): string {
    const id = this.chosen.output;
    return this.outputs.some((d) => d.id === id) ? id : '';
  }

  /** Calls `listener` on every change (a new listing, a choice); returns the unsubscribe. */
  subscribe(listener: (event: DevicesEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Asks for the microphone once (the browser then shows device names),
   * stops it at once and lists again. Whether it was allowed; asking again
   * while a request is open joins it.
   */
  requestLabels(): Promise<boolean> {
    this.asking ??= (async () => {
      try {
        const stream = await this.media?.getUserMedia({ audio: true });
        if (!stream) return false;
        for (const track of stream.getTracks()) track.stop();
        return true;
      } catch {
        return false;
      } finally {
        await this.refresh();
        this.asking = null;
      }
    })();
    return this.asking;
  }

  /** Lists the devices and re-reads the choice; listeners hear of it. Only the latest listing counts. */
  async refresh(): Promise<void> {
    const listing = ++this.listing;
    let devices: MediaDeviceInfo[] = [];
    try {
      devices = (await this.media?.enumerateDevices()) ?? [];
    } catch {
      // no listing (a detached frame, a browser bug): as if there were no devices
    }
    if (listing !== this.listing) return;
    const audio = devices.filter((d) => d.kind === KINDS.input || d.kind === KINDS.output);
    // Before permission browsers list one entry per kind with neither id nor name: not a device to offer.
    const pick = (kind: MediaDeviceKind) =>
      audio
        .filter((d) => d.kind === kind && d.deviceId !== '')
        .map((d) => ({ id: d.deviceId, groupId: d.groupId, label: d.label }));
    this.inputs = pick(KINDS.input);
    this.outputs = pick(KINDS.output);
    this.labelsHidden = audio.some((d) => d.label === '');
    this.hiddenIds = new Set(audio.filter((d) => d.deviceId === '').map((d) => d.kind));
    for (const d of [...this.inputs, ...this.outputs]) if (d.label) this.seen.set(d.id, d.label);
    this.chosen = readChoice();
    this.settle();
  }

  private idsHidden(kind: DeviceKind): boolean {
    return this.hiddenIds.has(KINDS[kind]);
  }

  /** Works out which choices are missing now and tells listeners, naming the kinds that just went missing. */
  private settle(): void {
    const unplugged: DeviceKind[] = [];
    for (const kind of ['input', 'output'] as const) {
      const id = this.chosen[kind];
      const listed = kind === 'input' ? this.inputs : this.outputs;
      // Hidden ids say nothing about what is plugged in.
      const gone = id !== '' && !this.idsHidden(kind) && !listed.some((d) => d.id === id);
      const was = this.absent[kind];
      this.absent[kind] = gone ? { id, label: this.seen.get(id) ?? '' } : null;
      if (gone && was?.id !== id) unplugged.push(kind);
    }
    for (const listener of this.listeners) listener({ unplugged });
  }
}
