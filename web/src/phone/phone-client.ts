/**
 * The phone: sip.js wrapped behind a small typed state and listeners. No DOM
 * and no Lit here — components render the snapshot, the controller (in
 * state/) feeds it browser events, and this class alone touches sip.js.
 *
 * What it adds to sip.js:
 * - registration that survives a transport drop: unregister is not needed
 *   (the socket is gone), so it reconnects with capped exponential backoff
 *   and jitter, then registers again, saying all along what it is doing;
 * - after a reconnect or a failed ICE connection during a call, a re-INVITE
 *   with an ICE restart, so media comes back after a network change;
 * - the caller's name exactly as the PBX sent it (From display name and the
 *   X-RealCall-Name-Status header), never upgraded, and changed mid-call
 *   only by the PBX's own NOTIFY (name-status.ts);
 * - how a call ended, read off the PBX's answer (end-reasons.ts);
 * - RFC 4733 DTMF through the media path, mute that stops sending audio,
 *   and a release of every track and peer connection when a call ends
 *   (call-media.ts).
 */
import {
  type Core,
  Invitation,
  Inviter,
  Registerer,
  RegistererState,
  SessionState,
  UserAgent,
  type Session,
  type UserAgentOptions,
} from 'sip.js';
import { type Backoff, reconnectDelay } from './backoff';
import { CallMedia } from './call-media';
import { type EndReason, reasonForBye, reasonForCancel, reasonForResponse } from './end-reasons';
import { NAME_HEADER, type NameStatus, NAME_STATUS_HEADER, presentCaller, readPresentationUpdate } from './name-status';
import { type CallState, nextCall, nextRegistration, type RegistrationState } from './states';

export { END_REASONS, type EndReason } from './end-reasons';

/** What GET /api/me/sip gives the signed-in person. */
export type SipAccount = {
  wsUrl: string;
  uri: string;
  authUser: string;
  secret: string;
  realm: string;
  extension: string;
  iceServers: RTCIceServer[];
};

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
  startedAt: number;
  answeredAt: number | null;
  endedAt: number | null;
  endReason: EndReason | null;
  muted: boolean;
  remoteStream: MediaStream | null;
};

export type PhoneSnapshot = {
  registration: RegistrationState;
  /** Why the registration is not (yet) registered, for people: e.g. "connection lost". */
  reason: string | null;
  /** When the next reconnection attempt happens, while reconnecting. */
  retryAt: number | null;
  call: CallView | null;
};

export type PhoneOptions = {
  /** Extra sip.js options (tests pass a logger level; nothing here changes identity). */
  userAgentOptions?: Partial<UserAgentOptions>;
  backoff?: Backoff;
  now?: () => number;
  /** How long sip.js waits for ICE candidates before sending an offer or answer. */
  iceGatheringTimeoutMs?: number;
};

const AUDIO_ONLY = { constraints: { audio: true, video: false } };

/** Why the phone refused to do something; `code` is for the page to put in words. */
export const PHONE_ERRORS = ['not-extension', 'not-tone', 'not-registered', 'busy-here', 'self', 'no-call'] as const;
export type PhoneErrorCode = (typeof PHONE_ERRORS)[number];

export class PhoneError extends Error {
  override name = 'PhoneError';
  constructor(
    readonly code: PhoneErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export class PhoneClient {
  private snapshot: PhoneSnapshot = { registration: 'offline', reason: null, retryAt: null, call: null };
  private readonly listeners = new Set<(s: PhoneSnapshot) => void>();
  private ua: UserAgent | undefined;
  private registerer: Registerer | undefined;
  private session: Session | undefined;
  private media: CallMedia | undefined;
  private sessionEndedByUs = false;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private attempts = 0;
  private stopping = false;
  private callIds = 0;
  private readonly now: () => number;
  private readonly backoff: Backoff;

  constructor(
    private readonly account: SipAccount,
    private readonly options: PhoneOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.backoff = options.backoff ?? { initialMs: 1000, maxMs: 30_000 };
  }

  get state(): PhoneSnapshot {
    return this.snapshot;
  }

  /** Calls `listener` now and on every change; returns the unsubscribe function. */
  subscribe(listener: (s: PhoneSnapshot) => void): () => void {
    this.listeners.add(listener);
    listener(this.snapshot);
    return () => this.listeners.delete(listener);
  }

  /** Connects and registers. Resolves once the first attempt is made, whatever its outcome. */
  async start(): Promise<void> {
    if (this.ua) return;
    this.stopping = false;
    const domain = UserAgent.makeURI(this.account.uri)?.host;
    const uri = UserAgent.makeURI(this.account.uri);
    if (!uri || !domain) throw new PhoneError('not-extension', `not a SIP URI: ${this.account.uri}`);
    const ua = new UserAgent({
      uri,
      transportOptions: { server: this.account.wsUrl, connectionTimeout: 5, keepAliveInterval: 25 },
      authorizationUsername: this.account.authUser,
      authorizationPassword: this.account.secret,
      // Never sip.js's default STUN server: only what the API configured (often none).
      sessionDescriptionHandlerFactoryOptions: {
        peerConnectionConfiguration: { iceServers: this.account.iceServers },
        iceGatheringTimeout: this.options.iceGatheringTimeoutMs ?? 2000,
      },
      logBuiltinEnabled: false,
      userAgentString: 'RealCall web',
      ...this.options.userAgentOptions,
      delegate: {
        onConnect: () => void this.onConnected(),
        onDisconnect: (error) => this.onDisconnected(error),
        onInvite: (invitation) => this.onInvite(invitation),
      },
    });
    this.ua = ua;
    this.registerer = new Registerer(ua, { expires: 300 });
    this.registerer.stateChange.addListener((state) => {
      if (state === RegistererState.Registered) {
        this.attempts = 0;
        this.update({ registration: 'registered', reason: null, retryAt: null });
      }
    });
    this.update({ registration: 'connecting', reason: null, retryAt: null });
    try {
      await ua.start();
    } catch (err) {
      this.onDisconnected(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /** Unregisters, hangs up, disconnects; the phone can be started again. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.reconnectTimer);
    await this.hangup().catch(() => undefined);
    const ua = this.ua;
    this.ua = undefined;
    if (this.registerer?.state === RegistererState.Registered) {
      await this.registerer.unregister().catch(() => undefined);
    }
    this.registerer = undefined;
    await ua?.stop().catch(() => undefined);
    this.update({ registration: 'offline', reason: null, retryAt: null });
  }

  /** The network came back (browser `online`): try now instead of waiting for the backoff. */
  networkChanged(): void {
    if (!this.ua || this.stopping) return;
    if (!this.ua.isConnected()) {
      clearTimeout(this.reconnectTimer);
      void this.reconnect();
    } else if (this.snapshot.call?.state === 'active') {
      void this.restartIce();
    }
  }

  /** Calls an extension. Refused for one's own number, while another call exists, or when not registered. */
  async call(extension: string): Promise<void> {
    if (!/^[0-9]{3,10}$/.test(extension)) throw new PhoneError('not-extension', 'An extension is 3 to 10 digits.');
    // The PBX refuses it too (403); asking would only ring one's own other devices.
    if (extension === this.account.extension) throw new PhoneError('self', 'That is your own number.');
    if (!this.ua || this.snapshot.registration !== 'registered') {
      throw new PhoneError('not-registered', 'The phone is not registered.');
    }
    if (this.session) throw new PhoneError('busy-here', 'Hang up the current call first.');
    const host = UserAgent.makeURI(this.account.uri)!.host;
    const target = UserAgent.makeURI(`sip:${extension}@${host}`);
    if (!target) throw new PhoneError('not-extension', 'Cannot call that number.');
    const inviter = new Inviter(this.ua, target, { sessionDescriptionHandlerOptions: AUDIO_ONLY });
    this.adopt(inviter, 'outgoing', { number: extension, name: '', status: null });
    await inviter.invite({
      requestDelegate: {
        onProgress: (response) => {
          const code = response.message.statusCode;
          if ((code === 180 || code === 183) && this.snapshot.call?.state === 'outgoing') this.setCall('ringing');
        },
        onReject: (response) => this.rejected(response),
      },
    });
  }

  /** Accepts the incoming call. */
  async answer(): Promise<void> {
    if (!(this.session instanceof Invitation) || this.snapshot.call?.state !== 'incoming') {
      throw new PhoneError('no-call', 'There is no call to answer.');
    }
    await this.session.accept({ sessionDescriptionHandlerOptions: AUDIO_ONLY });
  }

  /** Declines the incoming call (603 Decline). */
  async decline(): Promise<void> {
    if (!(this.session instanceof Invitation) || this.snapshot.call?.state !== 'incoming') return;
    this.sessionEndedByUs = true;
    this.endReasonOverride = 'declined';
    await this.session.reject({ statusCode: 603 });
  }

  /** Ends the call in whatever state it is: cancel, reject or bye. */
  async hangup(): Promise<void> {
    const session = this.session;
    if (!session) return;
    this.sessionEndedByUs = true;
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

  /** Mute stops sending audio altogether (the track is taken off the sender), and unmute puts it back. */
  async setMuted(muted: boolean): Promise<void> {
    const call = this.snapshot.call;
    if (!this.media || !call || call.muted === muted) return;
    if (await this.media.setMuted(muted)) this.update({ call: { ...this.snapshot.call!, muted } });
  }

  /** Sends one DTMF tone as RFC 4733 telephone-events in the media stream (what Asterisk expects). */
  sendDtmf(tone: string): boolean {
    if (!/^[0-9*#A-D]$/.test(tone)) throw new PhoneError('not-tone', 'DTMF is one of 0-9 * # A-D.');
    if (this.snapshot.call?.state !== 'active' || !this.session?.sessionDescriptionHandler) return false;
    return this.session.sessionDescriptionHandler.sendDtmf(tone, { duration: 120, interToneGap: 70 });
  }

  /** Forgets an ended call (the UI calls it once the person has seen how it ended). */
  dismissEndedCall(): void {
    if (this.snapshot.call?.state === 'ended') this.update({ call: null });
  }

  /** Re-INVITE with an ICE restart: how media recovers after a network change. */
  async restartIce(): Promise<void> {
    const session = this.session;
    if (!session || session.state !== SessionState.Established) return;
    await session
      .invite({ sessionDescriptionHandlerOptions: { ...AUDIO_ONLY, offerOptions: { iceRestart: true } } as object })
      .catch(() => undefined);
  }

  // ---------------------------------------------------------------------------

  /** Told of each caller turned away busy because a call was under way (for recent calls). */
  onBusyHere: ((peer: CallView['peer']) => void) | undefined;

  private endReasonOverride: EndReason | undefined;

  private onInvite(invitation: Invitation): void {
    // What the PBX says of the caller: From's display name and its status header, never better.
    const caller = presentCaller(
      invitation.remoteIdentity.displayName,
      invitation.request.getHeader(NAME_STATUS_HEADER),
      invitation.remoteIdentity.uri.user ?? '',
    );
    // One call at a time: a second caller hears busy (documented in web/README.md), and is kept in recents.
    if (this.session || this.snapshot.registration !== 'registered') {
      void invitation.reject({ statusCode: 486 }).catch(() => undefined);
      if (this.session) this.onBusyHere?.(caller);
      return;
    }
    this.adopt(invitation, 'incoming', caller);
    invitation.delegate = {
      ...invitation.delegate,
      // Another device of this person answered, or the caller gave up: the CANCEL's Reason says which.
      onCancel: (cancel) => {
        if (this.session === invitation) this.endReasonOverride = reasonForCancel(cancel.request.getHeader('reason'));
      },
    };
  }

  private adopt(session: Session, direction: CallView['direction'], peer: CallView['peer']): void {
    this.session = session;
    this.media = new CallMedia(session);
    this.sessionEndedByUs = false;
    this.endReasonOverride = undefined;
    session.delegate = {
      // The other side's BYE: a hang-up, or the PBX ending a call whose media vanished.
      onBye: (bye) => {
        if (this.session === session) this.endReasonOverride = reasonForBye(bye.request.getHeader('reason'));
      },
      // Only the PBX is in this dialog; its NOTIFY carries the API's new presentation of the caller.
      onNotify: (notification) => {
        const request = notification.request;
        void notification.accept();
        if (this.session !== session || direction !== 'incoming') return;
        const updated = readPresentationUpdate(
          request.getHeader('event'),
          request.getHeader(NAME_STATUS_HEADER),
          request.getHeader(NAME_HEADER),
          this.snapshot.call?.peer.number ?? '',
        );
        const call = this.snapshot.call;
        if (updated && call) this.update({ call: { ...call, peer: updated, peerChangedAt: this.now() } });
      },
    };
    this.update({
      call: {
        id: ++this.callIds,
        direction,
        state: direction,
        peer,
        peerChangedAt: null,
        startedAt: this.now(),
        answeredAt: null,
        endedAt: null,
        endReason: null,
        muted: false,
        remoteStream: null,
      },
    });
    session.stateChange.addListener((state) => {
      if (this.session !== session) return;
      if (state === SessionState.Established) this.established();
      if (state === SessionState.Terminated) this.terminated();
    });
  }

  private established(): void {
    const pc = this.media?.peerConnection;
    pc?.addEventListener('iceconnectionstatechange', () => {
      if (pc.iceConnectionState === 'failed') void this.restartIce();
    });
    this.setCall('active', { answeredAt: this.now(), remoteStream: this.media?.remoteStream ?? null });
  }

  private terminated(): void {
    this.media?.release();
    this.media = undefined;
    this.session = undefined;
    // sip.js ends the session before it hands over the final response (see `rejected`):
    // settle how the call ended once that has run.
    queueMicrotask(() => {
      const call = this.snapshot.call;
      if (!call || call.state === 'ended') return;
      const reason: EndReason =
        this.endReasonOverride ??
        (call.state === 'active'
          ? this.sessionEndedByUs
            ? 'hangup'
            : 'remote-hangup'
          : call.direction === 'incoming'
            ? this.sessionEndedByUs
              ? 'declined'
              : 'missed'
            : this.sessionEndedByUs
              ? 'cancelled'
              : 'failed');
      this.setCall('ended', { endedAt: this.now(), endReason: reason, remoteStream: null, muted: false });
    });
  }

  /** The final response of an outgoing call, mapped to how it ended (read by `terminated`). */
  private rejected(response: Core.IncomingResponse): void {
    if (!this.sessionEndedByUs) this.endReasonOverride = reasonForResponse(response.message.statusCode ?? 0);
  }

  private async onConnected(): Promise<void> {
    clearTimeout(this.reconnectTimer);
    if (this.stopping || !this.registerer) return;
    this.update({ registration: 'connecting', reason: null, retryAt: null });
    try {
      await this.registerer.register({
        requestDelegate: {
          // Not the registerer's state change: after a reconnect it is still "Registered" from before.
          onAccept: () => {
            this.attempts = 0;
            this.update({ registration: 'registered', reason: null, retryAt: null });
          },
          onReject: (response) => {
            const code = response.message.statusCode;
            const refused = code === 401 || code === 403 || code === 407;
            this.update({
              registration: refused ? 'failed' : 'reconnecting',
              reason: refused
                ? 'credentials refused'
                : `registration refused (${code} ${response.message.reasonPhrase})`,
            });
            if (!refused) this.scheduleReconnect();
          },
        },
      });
    } catch (err) {
      this.update({ registration: 'reconnecting', reason: err instanceof Error ? err.message : String(err) });
      this.scheduleReconnect();
    }
    // Media may be stranded on the old path: ask for a new one.
    if (this.snapshot.call?.state === 'active') void this.restartIce();
  }

  private onDisconnected(error?: Error): void {
    if (this.stopping || !this.ua) return;
    this.update({ registration: 'reconnecting', reason: error ? 'connection lost' : 'disconnected' });
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopping) return;
    clearTimeout(this.reconnectTimer);
    const delay = reconnectDelay(this.attempts, this.backoff);
    this.attempts += 1;
    this.update({ retryAt: this.now() + delay });
    this.reconnectTimer = setTimeout(() => void this.reconnect(), delay);
  }

  private async reconnect(): Promise<void> {
    if (!this.ua || this.stopping) return;
    this.update({ registration: 'connecting', retryAt: null });
    try {
      if (this.ua.isConnected()) await this.onConnected();
      else await this.ua.reconnect();
    } catch (err) {
      this.update({ registration: 'reconnecting', reason: err instanceof Error ? err.message : 'connection failed' });
      this.scheduleReconnect();
    }
  }

  private setCall(state: CallState, patch: Partial<CallView> = {}): void {
    const call = this.snapshot.call;
    if (!call) return;
    this.update({ call: { ...call, ...patch, state: nextCall(call.state, state) } });
  }

  private update(patch: Partial<PhoneSnapshot>): void {
    const registration = patch.registration
      ? nextRegistration(this.snapshot.registration, patch.registration)
      : this.snapshot.registration;
    this.snapshot = { ...this.snapshot, ...patch, registration };
    for (const listener of this.listeners) listener(this.snapshot);
  }
}
