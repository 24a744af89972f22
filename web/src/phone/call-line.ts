/**
 * One call of the phone (a "line"): its sip.js session, its media, what the
 * PBX said of the other party, hold both ways, and how it ended. The phone
 * (phone-client.ts) keeps up to two lines — one to talk on and one waiting
 * or held — and decides which one the person sees.
 */
import { type Core, Invitation, Inviter, SessionState, type Session } from 'sip.js';
import { CallMedia } from './call-media';
import { type Connection, ConnectionMonitor, NO_CONNECTION } from './connection';
import { type EndReason, reasonForBye, reasonForCancel, reasonForResponse } from './end-reasons';
import { offerHolds } from './hold';
import { NAME_HEADER, type NameStatus, NAME_STATUS_HEADER, readPresentationUpdate } from './name-status';
import { PEER_CONNECTION_HEADER, PEER_RECONNECTING_FOR_MS, readPeerConnection } from './peer-connection';
import { type CallState, nextCall } from './states';

export type CallView = {
  id: number;
  direction: 'outgoing' | 'incoming';
  state: CallState;
  /**
   * The other party. For an incoming call, what the PBX delivered; for an
   * outgoing one the PBX tells the caller nothing, so `status` is null and
   * `name` empty: the UI may show the directory's card, labelled as such.
   */
  peer: { number: string; name: string; status: NameStatus | null };
  /** When the PBX last told us, mid-call, a new name or status for the other party (null: never). */
  peerChangedAt: number | null;
  /** The other party put this call on hold (the PBX's re-INVITE said so). */
  remoteHeld: boolean;
  /** The other party's network changed and it is finding a new path: it may not hear us meanwhile (peer-connection.ts). */
  peerReconnecting: boolean;
  startedAt: number;
  answeredAt: number | null;
  endedAt: number | null;
  endReason: EndReason | null;
  muted: boolean;
  remoteStream: MediaStream | null;
  /** Whether media flows, by which path, and how well (connection.ts); NO_CONNECTION before the answer. */
  connection: Connection;
};

export const AUDIO_ONLY = { constraints: { audio: true, video: false } };

/** What a line tells the phone. */
export type LineEvents = {
  changed(line: CallLine): void;
  ended(line: CallLine): void;
  /** The call's media path broke: the phone checks its signalling, then asks for a new path. */
  broke(line: CallLine): void;
};

/** How long an ICE restart may take to connect before the next try; and the pause between tries. */
const RESTART_WAIT_MS = 3000;
const RESTART_RETRY_MS = 1000;

export class CallLine {
  view: CallView;
  readonly media: CallMedia;
  /** This side ended it (hang up, cancel, decline): the default reasons depend on it. */
  endedByUs = false;
  /** How it ended, when something more precise than the defaults said so. */
  endReason: EndReason | undefined;
  /** Watches the media path once answered (connection.ts). */
  private monitor: ConnectionMonitor | undefined;
  /** An ICE restart loop is running (one at a time). */
  private restarting = false;
  /** Ends a "reconnecting" the other side never took back. */
  private peerTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly session: Session,
    view: Omit<
      CallView,
      | 'peerChangedAt'
      | 'remoteHeld'
      | 'peerReconnecting'
      | 'answeredAt'
      | 'endedAt'
      | 'endReason'
      | 'muted'
      | 'remoteStream'
      | 'connection'
    >,
    private readonly events: LineEvents,
    private readonly now: () => number,
  ) {
    this.view = {
      ...view,
      peerChangedAt: null,
      remoteHeld: false,
      peerReconnecting: false,
      answeredAt: null,
      endedAt: null,
      endReason: null,
      muted: false,
      remoteStream: null,
      connection: NO_CONNECTION,
    };
    this.media = new CallMedia(session);
    session.delegate = {
      // The other side's BYE: a hang-up, or the PBX ending a call whose media vanished.
      onBye: (bye) => {
        this.endReason = reasonForBye(bye.request.getHeader('reason'));
      },
      // Only the PBX is in this dialog. Its NOTIFY says how the other side's connection is, or
      // (to a callee) carries the API's new presentation of the caller.
      onNotify: (notification) => {
        const request = notification.request;
        void notification.accept();
        const reconnecting = readPeerConnection(request.getHeader('event'), request.getHeader(PEER_CONNECTION_HEADER));
        if (reconnecting !== undefined) return this.peerReconnecting(reconnecting);
        if (this.view.direction !== 'incoming') return;
        const updated = readPresentationUpdate(
          request.getHeader('event'),
          request.getHeader(NAME_STATUS_HEADER),
          request.getHeader(NAME_HEADER),
          this.view.peer.number,
        );
        if (updated) this.patch({ peer: updated, peerChangedAt: this.now() });
      },
      // A re-INVITE the PBX sent and sip.js answered: the other side held or resumed (hold.ts).
      onInvite: (request, _response, statusCode) => {
        if (statusCode !== 200) return;
        const remoteHeld = offerHolds(typeof request.body === 'string' ? request.body : undefined);
        if (remoteHeld !== this.view.remoteHeld) this.patch({ remoteHeld });
      },
    };
    if (session instanceof Invitation) {
      // Another device of this person answered, or the caller gave up: the CANCEL's Reason says which.
      session.delegate = {
        ...session.delegate,
        onCancel: (cancel) => {
          this.endReason = reasonForCancel(cancel.request.getHeader('reason'));
        },
      };
    }
    session.stateChange.addListener((state) => {
      if (state === SessionState.Established) this.established();
      if (state === SessionState.Terminated) this.terminated();
    });
  }

  get live(): boolean {
    return this.view.state !== 'ended';
  }

  /** A state move through the table in states.ts (an illegal one throws). */
  move(state: CallState, patch: Partial<CallView> = {}): void {
    this.patch({ ...patch, state: nextCall(this.view.state, state) });
  }

  patch(patch: Partial<CallView>): void {
    this.view = { ...this.view, ...patch };
    this.events.changed(this);
  }

  /** The final response of an outgoing call, mapped to how it ended (read once the session ends). */
  rejected(response: Core.IncomingResponse): void {
    if (!this.endedByUs) this.endReason = reasonForResponse(response.message.statusCode ?? 0);
  }

  /** Ends the call in whatever state it is: cancel, reject or bye. */
  async end(reason?: EndReason): Promise<void> {
    const session = this.session;
    this.endedByUs = true;
    if (reason) this.endReason = reason;
    switch (session.state) {
      case SessionState.Initial:
      case SessionState.Establishing:
        if (session instanceof Inviter) await session.cancel();
        else if (session instanceof Invitation) await session.reject({ statusCode: 603 });
        break;
      case SessionState.Established:
        await session.bye();
        break;
      default:
        break;
    }
  }

  /**
   * Holds or resumes with a re-INVITE (a=sendonly, then a=sendrecv). While
   * held the microphone is off the sender, so not a packet leaves this side
   * even though sendonly would allow it; false when the PBX refused.
   */
  async hold(held: boolean): Promise<boolean> {
    if (this.session.state !== SessionState.Established) return false;
    if (held) await this.media.setHeld(true);
    const accepted = await this.reInvite({ hold: held });
    if (!accepted) {
      if (held) await this.media.setHeld(false);
      return false;
    }
    if (!held) await this.media.setHeld(false);
    this.move(held ? 'held' : 'active');
    return true;
  }

  /**
   * Finds a new media path after a network change, keeping the call: a
   * re-INVITE with an ICE restart (hold kept as it is), tried again each
   * second until ICE connects or the call ends. An offer with no candidate
   * (no network yet) is never sent: the PBX would take its 0.0.0.0 for hold
   * (see `guardOffers` in call-media.ts).
   */
  async restartIce(): Promise<void> {
    if (this.restarting) return;
    this.restarting = true;
    try {
      while (this.live && this.session.state === SessionState.Established) {
        const sent = await this.reInvite({ hold: this.view.state === 'held', offerOptions: { iceRestart: true } });
        if (sent && (await this.connectedWithin(RESTART_WAIT_MS))) return;
        if (!this.live || this.view.connection.state === 'ok') return;
        await new Promise((r) => setTimeout(r, RESTART_RETRY_MS));
      }
    } finally {
      this.restarting = false;
    }
  }

  /** This device's network changed: the path may be gone even before ICE notices. */
  networkChanged(): void {
    this.monitor?.networkChanged();
  }

  /** The other side said it is reconnecting (believed for PEER_RECONNECTING_FOR_MS at most), or connected again. */
  private peerReconnecting(reconnecting: boolean): void {
    clearTimeout(this.peerTimer);
    if (!this.live) return;
    if (reconnecting) this.peerTimer = setTimeout(() => this.peerReconnecting(false), PEER_RECONNECTING_FOR_MS);
    if (this.view.peerReconnecting !== reconnecting) this.patch({ peerReconnecting: reconnecting });
  }

  /** Resolves true once ICE is connected again, or false after `ms`. */
  private connectedWithin(ms: number): Promise<boolean> {
    const pc = this.media.peerConnection;
    return new Promise((resolve) => {
      if (!pc) return resolve(false);
      const done = (ok: boolean) => {
        clearTimeout(timer);
        pc.removeEventListener('iceconnectionstatechange', check);
        resolve(ok);
      };
      const check = () => {
        if (pc.iceConnectionState === 'connected' || pc.iceConnectionState === 'completed') done(true);
      };
      const timer = setTimeout(() => done(false), ms);
      pc.addEventListener('iceconnectionstatechange', check);
      check();
    });
  }

  async setMuted(muted: boolean): Promise<void> {
    if (this.view.muted !== muted && (await this.media.setMuted(muted))) this.patch({ muted });
  }

  /**
   * A re-INVITE; sip.js keeps these options for the re-INVITEs the PBX sends
   * us too, so our answer to them keeps our hold. Resolves whether accepted.
   */
  private reInvite(options: { hold: boolean; offerOptions?: RTCOfferOptions }): Promise<boolean> {
    return new Promise((resolve) => {
      this.session
        .invite({
          sessionDescriptionHandlerOptions: { ...AUDIO_ONLY, ...options },
          requestDelegate: { onAccept: () => resolve(true), onReject: () => resolve(false) },
        })
        .catch(() => resolve(false));
    });
  }

  private established(): void {
    const pc = this.media.peerConnection;
    if (pc) {
      this.monitor = new ConnectionMonitor(
        pc,
        {
          changed: (connection) => {
            if (this.live) this.patch({ connection });
          },
          broke: () => this.events.broke(this),
        },
        () => this.view.state === 'active' && !this.view.remoteHeld,
        this.now,
      );
    }
    this.move('active', {
      answeredAt: this.now(),
      remoteStream: this.media.remoteStream,
      connection: this.monitor?.connection ?? NO_CONNECTION,
    });
  }

  private terminated(): void {
    this.monitor?.stop();
    clearTimeout(this.peerTimer);
    this.media.release();
    // Answered, and no media ever got through before the screen said so: that is why it ended,
    // whoever hung up (not "hung up" or "connection lost").
    // ('failed' is only ever said of a connection that never connected: connection.ts.)
    if (this.view.answeredAt !== null && this.view.connection.state === 'failed') {
      this.endReason = 'no-media';
    }
    // sip.js ends the session before it hands over the final response (see `rejected`):
    // settle how the call ended once that has run.
    queueMicrotask(() => {
      if (!this.live) return;
      const talked = this.view.answeredAt !== null;
      const reason: EndReason =
        this.endReason ??
        (talked
          ? this.endedByUs
            ? 'hangup'
            : 'remote-hangup'
          : this.view.direction === 'incoming'
            ? this.endedByUs
              ? 'declined'
              : 'missed'
            : this.endedByUs
              ? 'cancelled'
              : 'failed');
      this.move('ended', {
        endedAt: this.now(),
        endReason: reason,
        remoteStream: null,
        muted: false,
        remoteHeld: false,
        peerReconnecting: false,
      });
      this.events.ended(this);
    });
  }
}
