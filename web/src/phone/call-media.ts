/**
 * The media of one call in the browser: the peer connection sip.js made,
 * mute and hold that take the track off the sender (nothing at all is sent,
 * not even silence), and the release of every track when the call ends.
 */
import { type Session, Web } from 'sip.js';

/** What the phone asks the microphone for: a chosen device exactly, or the system default (`true`). */
export type MicrophoneChoice = () => MediaTrackConstraints | true;

/**
 * Opens the microphone the person chose; when that device is gone (unplugged
 * between listing and opening), the system default instead: a call never
 * fails for a remembered device. What sip.js uses for every call's media.
 */
export async function openMicrophone(choice: MicrophoneChoice): Promise<MediaStream> {
  const audio = choice();
  try {
    return await navigator.mediaDevices.getUserMedia({ audio, video: false });
  } catch (err) {
    const gone = err instanceof DOMException && ['OverconstrainedError', 'NotFoundError'].includes(err.name);
    if (audio === true || !gone) throw err;
    return navigator.mediaDevices.getUserMedia({ audio: true, video: false });
  }
}

/** The browser's session description handler (peer connection, streams), when the session has one. */
export function webSdh(session: Session | undefined): Web.SessionDescriptionHandler | undefined {
  const sdh = session?.sessionDescriptionHandler;
  return sdh instanceof Web.SessionDescriptionHandler ? sdh : undefined;
}

export class CallMedia {
  /** The microphone track while it is off the sender (muted or held). */
  private parked: MediaStreamTrack | null = null;
  private muted = false;
  private held = false;

  constructor(private readonly session: Session) {}

  get peerConnection(): RTCPeerConnection | undefined {
    return webSdh(this.session)?.peerConnection;
  }

  get remoteStream(): MediaStream | null {
    return webSdh(this.session)?.remoteMediaStream ?? null;
  }

  /** Takes the microphone off the sender, or puts it back (unless held); false when there is no sender yet. */
  async setMuted(muted: boolean): Promise<boolean> {
    if (!this.audioSender()) return false;
    this.muted = muted;
    await this.applySending();
    return true;
  }

  /** While held the microphone is off the sender too, whatever mute says. */
  async setHeld(held: boolean): Promise<void> {
    this.held = held;
    await this.applySending();
  }

  /** The microphone is on the sender exactly when neither muted nor held. */
  private async applySending(): Promise<void> {
    const sender = this.audioSender();
    if (!sender) return;
    const off = this.muted || this.held;
    if (off && !this.parked && sender.track) {
      this.parked = sender.track;
      await sender.replaceTrack(null);
    } else if (!off && this.parked) {
      await sender.replaceTrack(this.parked);
      this.parked = null;
    }
  }

  /**
   * Puts another microphone on the call (the person chose one, or theirs was
   * unplugged): the new track replaces the old on the sender, or, while
   * muted or held, waits off it; the old one is stopped.
   */
  async replaceMicrophone(stream: MediaStream): Promise<void> {
    const track = stream.getAudioTracks()[0];
    const local = webSdh(this.session)?.localMediaStream;
    if (!track || !local) return;
    const old = this.parked ?? this.audioSender()?.track ?? null;
    if (this.parked) this.parked = track;
    else await this.audioSender()?.replaceTrack(track);
    if (old) {
      old.stop();
      local.removeTrack(old);
    }
    local.addTrack(track);
  }

  /** Stops every local track (the parked one too); sip.js closes the peer connection. */
  release(): void {
    const sdh = webSdh(this.session);
    sdh?.localMediaStream?.getTracks().forEach((t) => t.stop());
    this.parked?.stop();
    this.parked = null;
    sdh?.close();
  }

  private audioSender(): RTCRtpSender | undefined {
    return this.peerConnection
      ?.getSenders()
      .find((s) => s.track?.kind === 'audio' || (s.track === null && this.parked !== null));
  }
}

/** An offer or answer with no ICE candidate at all: there is no network path to offer. */
export class NoMediaPathError extends Error {
  override name = 'NoMediaPathError';
}

/**
 * Makes a session description handler refuse to produce an offer or answer
 * without one `a=candidate` line (no network yet, or relay-only with the
 * relay unreachable). Sent anyway, its `c=IN IP4 0.0.0.0` would be taken by
 * Asterisk for hold (res_pjsip_sdp_rtp: a null address means held), and its
 * recvonly answer with no address is one sip.js cannot apply, so it hangs
 * up. The local description is rolled back, so the call keeps its old path
 * and a later ICE restart can try again.
 */
export function guardOffers<T extends { getDescription: Web.SessionDescriptionHandler['getDescription'] }>(sdh: T): T {
  const original = sdh.getDescription.bind(sdh);
  sdh.getDescription = async (options, modifiers) => {
    const description = await original(options, modifiers);
    if (/^a=candidate:/m.test(description.body)) return description;
    const pc = sdh instanceof Web.SessionDescriptionHandler ? sdh.peerConnection : undefined;
    if (pc?.signalingState === 'have-local-offer') await pc.setLocalDescription({ type: 'rollback' });
    throw new NoMediaPathError('No network path for audio: no ICE candidate could be gathered.');
  };
  return sdh;
}

/** How long gathering goes on after the first relay candidate, for the relay's other transports. */
const AFTER_RELAY_MS = 150;

/**
 * Sends the offer or answer once a relay candidate is in it (Asterisk takes
 * no trickled candidates, so sip.js waits for gathering to complete). A relay
 * candidate covers every network, so waiting longer only waits for servers a
 * firewall may never let answer: without this, a network that drops UDP
 * holds every call for the whole gathering timeout. Uses sip.js's own hook
 * for a custom completion strategy (`iceGatheringComplete`).
 */
export function finishGatheringOnRelay(sdh: Web.SessionDescriptionHandler): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  sdh.peerConnectionDelegate = {
    onicecandidate: (event) => {
      if (event.candidate?.type !== 'relay' || timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        sdh.iceGatheringComplete();
      }, AFTER_RELAY_MS);
    },
  };
}
