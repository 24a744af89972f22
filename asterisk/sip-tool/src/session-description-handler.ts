/**
 * A browserless sip.js SessionDescriptionHandler: it offers and answers
 * WebRTC-shaped SDP (./sdp.ts) and holds no media, sockets or timers, so
 * `close()` only has to refuse further use.
 *
 * Offer/answer state, as sip.js drives it:
 *
 *   outgoing call   getDescription() → offer ──▶ setDescription(answer)
 *   incoming call   setDescription(offer) ──▶ getDescription() → answer
 *   re-INVITE       either of the above again; `o=` version grows
 */
import type {
  BodyAndContentType,
  Session,
  SessionDescriptionHandler,
  SessionDescriptionHandlerFactory,
  SessionDescriptionHandlerOptions,
} from 'sip.js';
import { newOrigin, sdpShape, webrtcAnswer, webrtcOffer, type SdpOrigin } from './sdp';

const SDP = 'application/sdp';

export class WebRtcShapedSdh implements SessionDescriptionHandler {
  private readonly origin: SdpOrigin;
  /** A remote offer waiting for our answer. */
  private remoteOffer: string | undefined;
  /** True after we sent an offer and until its answer arrives. */
  private offering = false;
  private closed = false;
  /** The last SDP the other side sent, for reports. */
  remoteSdp: string | undefined;

  constructor() {
    this.origin = newOrigin();
  }

  close(): void {
    this.closed = true;
  }

  /** An answer to the pending offer, or an offer; `hold` offers a=sendonly, as a phone putting the call on hold. */
  getDescription(options?: SessionDescriptionHandlerOptions & { hold?: boolean }): Promise<BodyAndContentType> {
    if (this.closed) return Promise.reject(new Error('session description handler closed'));
    try {
      let body: string;
      if (this.remoteOffer !== undefined) {
        body = webrtcAnswer(this.origin, this.remoteOffer);
        this.remoteOffer = undefined;
      } else {
        body = webrtcOffer(this.origin, options?.hold ? 'sendonly' : 'sendrecv');
        this.offering = true;
      }
      this.origin.version += 1;
      return Promise.resolve({ body, contentType: SDP });
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  hasDescription(contentType: string): boolean {
    return contentType.split(';')[0]?.trim().toLowerCase() === SDP;
  }

  setDescription(sdp: string): Promise<void> {
    if (this.closed) return Promise.reject(new Error('session description handler closed'));
    if (sdpShape(sdp).protocol === undefined) return Promise.reject(new Error('remote SDP has no audio section'));
    this.remoteSdp = sdp;
    if (this.offering) {
      this.offering = false;
    } else {
      this.remoteOffer = sdp;
    }
    return Promise.resolve();
  }

  rollbackDescription(): Promise<void> {
    this.offering = false;
    this.remoteOffer = undefined;
    return Promise.resolve();
  }

  /** DTMF needs media; this tool checks signalling only. */
  sendDtmf(): boolean {
    return false;
  }
}

/** The factory a sip.js UserAgent takes (`sessionDescriptionHandlerFactory`). */
export const webrtcShapedFactory: SessionDescriptionHandlerFactory = (_session: Session) => new WebRtcShapedSdh();
