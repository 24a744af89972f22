/**
 * The media of one call in the browser: the peer connection sip.js made,
 * mute that takes the track off the sender (nothing at all is sent, not
 * even silence), and the release of every track when the call ends.
 */
import { type Session, Web } from 'sip.js';

/** The browser's session description handler (peer connection, streams), when the session has one. */
export function webSdh(session: Session | undefined): Web.SessionDescriptionHandler | undefined {
  const sdh = session?.sessionDescriptionHandler;
  return sdh instanceof Web.SessionDescriptionHandler ? sdh : undefined;
}

export class CallMedia {
  /** The microphone track while it is off the sender (muted). */
  private parked: MediaStreamTrack | null = null;

  constructor(private readonly session: Session) {}

  get peerConnection(): RTCPeerConnection | undefined {
    return webSdh(this.session)?.peerConnection;
  }

  get remoteStream(): MediaStream | null {
    return webSdh(this.session)?.remoteMediaStream ?? null;
  }

  /** Takes the microphone off the sender, or puts it back; false when there is no sender yet. */
  async setMuted(muted: boolean): Promise<boolean> {
    const sender = this.audioSender();
    if (!sender) return false;
    if (muted && !this.parked) {
      this.parked = sender.track;
      await sender.replaceTrack(null);
    } else if (!muted && this.parked) {
      await sender.replaceTrack(this.parked);
      this.parked = null;
    }
    return true;
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
