/**
 * The phone: sip.js wrapped behind a small typed state and listeners. No DOM
 * and no Lit here — components render the snapshot, the controller (in
 * state/) feeds it browser events, and this class alone touches sip.js.
 *
 * What it adds to sip.js:
 * - registration that survives a transport drop: unregister is not needed
 *   (the socket is gone), so it reconnects with capped exponential backoff
 *   and jitter, then registers again, saying all along what it is doing;
 * - two lines (call-line.ts): a call arriving during a call waits beside it
 *   with the caller's name and status; the person declines it, or holds the
 *   first and answers, and switches between them; a third caller hears busy;
 * - after a reconnect or a failed ICE connection during a call, a re-INVITE
 *   with an ICE restart, so media comes back after a network change;
 * - the caller's name exactly as the PBX sent it (From display name and the
 *   X-RealCall-Name-Status header), never upgraded, and changed mid-call
 *   only by the PBX's own NOTIFY (name-status.ts);
 * - how a call ended, read off the PBX's answer (end-reasons.ts);
 * - RFC 4733 DTMF through the media path, mute and hold that stop sending
 *   audio, and a release of every track and peer connection when a call ends
 *   (call-media.ts).
 */
import {
  Invitation,
  Inviter,
  Registerer,
  RegistererState,
  type SessionDescriptionHandlerFactory,
  UserAgent,
  type UserAgentOptions,
  Web,
} from 'sip.js';
import { type Backoff, reconnectDelay } from './backoff';
import { AUDIO_ONLY, CallLine, type CallView } from './call-line';
import {
  finishGatheringOnRelay,
  guardOffers,
  type MicrophoneChoice,
  NoMediaPathError,
  openMicrophone,
} from './call-media';
import { NAME_STATUS_HEADER, presentCaller } from './name-status';
import { nextRegistration, type RegistrationCause, type RegistrationState } from './states';

export { END_REASONS, type EndReason } from './end-reasons';
export type { CallView } from './call-line';

/** What GET /api/me/sip gives the signed-in person. */
export type SipAccount = {
  wsUrl: string;
  uri: string;
  authUser: string;
  secret: string;
  realm: string;
  extension: string;
} & IceSettings;

/** What GET /api/me/ice gives (and /api/me/sip includes): STUN, the relay's credentials, and when they expire. */
export type IceSettings = {
  iceServers: RTCIceServer[];
  iceTransportPolicy: RTCIceTransportPolicy;
  /** When the relay credentials stop working (ms since the epoch); null without a relay. */
  expiresAt: number | null;
};

/** How long the phone waits for the PBX to answer a check of the signalling path before opening a new one. */
const SIGNALLING_PROBE_MS = 1000;
/** A WebSocket opened this recently for a network change is not replaced again for the next events of the same change. */
const FRESH_SOCKET_MS = 3000;
/**
 * How soon a lost WebSocket is tried again while a call is under way: at
 * once, then at most every 400 ms. Right after a network switch the first
 * try often fails only because the new route is a few milliseconds behind
 * the new link; the PBX's rtp_timeout (8 s) leaves no room for backing off.
 */
const IN_CALL_BACKOFF: Backoff = { initialMs: 50, maxMs: 400 };

export type PhoneSnapshot = {
  registration: RegistrationState;
  /** Why the registration is not (yet) registered, as a name the page words (states.ts). */
  cause: RegistrationCause | null;
  /** The technical detail behind `cause` (e.g. the WebSocket's close code), for logs and support. */
  reason: string | null;
  /** When the next reconnection attempt happens, while reconnecting. */
  retryAt: number | null;
  /** The call the person is looking at: the one they talk on, else the one ringing, else one just ended. */
  call: CallView | null;
  /** Every call this phone has, oldest first: at most two live ones, and ended ones until dismissed. */
  calls: CallView[];
};

/** Nothing amiss with the registration: no cause, no detail, no retry pending. */
const NO_TROUBLE = { cause: null, reason: null, retryAt: null } as const;

/** A phone that was never started, or was stopped. */
export const IDLE_PHONE: PhoneSnapshot = { registration: 'offline', ...NO_TROUBLE, call: null, calls: [] };

export type PhoneOptions = {
  /** Extra sip.js options (tests pass a logger level; nothing here changes identity). */
  userAgentOptions?: Partial<UserAgentOptions>;
  backoff?: Backoff;
  now?: () => number;
  /** How long sip.js waits for ICE candidates before sending an offer or answer. */
  iceGatheringTimeoutMs?: number;
  /** Which microphone to open for a call (state/devices.ts); the system default when absent. */
  microphone?: MicrophoneChoice;
};

/** How many calls a phone holds at once: one to talk on, one waiting or on hold. */
export const MAX_LINES = 2;

/** Why the phone refused to do something; `code` is for the page to put in words. */
export const PHONE_ERRORS = [
  'not-extension',
  'not-tone',
  'not-registered',
  'busy-here',
  'self',
  'no-call',
  'hold-refused',
  'no-media-path',
] as const;
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
  private snapshot: PhoneSnapshot = IDLE_PHONE;
  private readonly listeners = new Set<(s: PhoneSnapshot) => void>();
  private ua: UserAgent | undefined;
  private registerer: Registerer | undefined;
  private lines: CallLine[] = [];
  /** The line the person looks at (`call` in the snapshot). */
  private focused: CallLine | undefined;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private attempts = 0;
  private stopping = false;
  private callIds = 0;
  private readonly now: () => number;
  private readonly backoff: Backoff;
  /** The ICE servers and policy new calls use (renewed by `setIce`). */
  private ice: IceSettings;
  private recovering: Promise<void> | undefined;
  /** When the phone last replaced its WebSocket because the network changed. */
  private freshSocketAt = -Infinity;

  /** Told of each caller turned away busy because both lines were taken (for recent calls). */
  onBusyHere: ((peer: CallView['peer']) => void) | undefined;
  /**
   * Told when this phone's own connection starts reconnecting under a call,
   * and when it is connected again: the page tells the other side of its
   * calls through the API (it may not hear us meanwhile).
   */
  onOwnConnection: ((state: 'reconnecting' | 'connected') => void) | undefined;
  /** Whether `onOwnConnection` last said "reconnecting". */
  private saidReconnecting = false;

  constructor(
    private readonly account: SipAccount,
    private readonly options: PhoneOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    // Bounded: a page whose PBX was away for a while is back within 15 s of its return.
    this.backoff = options.backoff ?? { initialMs: 1000, maxMs: 15_000 };
    this.ice = {
      iceServers: account.iceServers,
      iceTransportPolicy: account.iceTransportPolicy ?? 'all',
      expiresAt: account.expiresAt ?? null,
    };
  }

  /** When the relay credentials in use expire (null: no relay, nothing to renew). */
  get iceExpiresAt(): number | null {
    return this.ice.expiresAt;
  }

  /**
   * Fresh relay credentials: new calls use them, and so does the next ICE
   * restart of each call under way.
   */
  setIce(settings: IceSettings): void {
    this.ice = settings;
    for (const line of this.live()) {
      const pc = line.media.peerConnection;
      if (!pc || pc.connectionState === 'closed') continue;
      try {
        pc.setConfiguration({ ...pc.getConfiguration(), iceServers: settings.iceServers });
      } catch {
        // A closed or closing connection: its call is ending anyway.
      }
    }
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
      sessionDescriptionHandlerFactory: this.descriptionHandlers(),
      sessionDescriptionHandlerFactoryOptions: {
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
        this.update({ registration: 'registered', ...NO_TROUBLE });
      }
    });
    this.update({ registration: 'connecting', ...NO_TROUBLE });
    try {
      await ua.start();
    } catch (err) {
      this.onDisconnected(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /** Unregisters, hangs up every call, disconnects; the phone can be started again. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.reconnectTimer);
    await Promise.all(this.live().map((line) => line.end().catch(() => undefined)));
    const ua = this.ua;
    this.ua = undefined;
    if (this.registerer?.state === RegistererState.Registered) {
      await this.registerer.unregister().catch(() => undefined);
    }
    this.registerer = undefined;
    await ua?.stop().catch(() => undefined);
    this.update({ registration: 'offline', ...NO_TROUBLE });
  }

  /**
   * The browser's network changed (`online`, a new connection type): try
   * now instead of waiting for the backoff, and find every call a new path.
   */
  networkChanged(): void {
    if (!this.ua || this.stopping) return;
    for (const line of this.live()) line.networkChanged();
    // With a call under way there is no time to ask whether the old socket still works: the
    // browser says the network changed, so a new socket is opened at once.
    void this.recover({ probe: this.live().length === 0 });
  }

  /** Tries to reach the PBX now instead of at the end of the current wait (the page's "Try now"). */
  tryNow(): void {
    if (!this.ua || this.stopping || this.snapshot.registration !== 'reconnecting') return;
    clearTimeout(this.reconnectTimer);
    void this.reconnect();
  }

  /** Calls an extension. Refused for one's own number, while another call exists, or when not registered. */
  async call(extension: string): Promise<void> {
    if (!/^[0-9]{3,10}$/.test(extension)) throw new PhoneError('not-extension', 'An extension is 3 to 10 digits.');
    // The PBX refuses it too (403); asking would only ring one's own other devices.
    if (extension === this.account.extension) throw new PhoneError('self', 'That is your own number.');
    if (!this.ua || this.snapshot.registration !== 'registered') {
      throw new PhoneError('not-registered', 'The phone is not registered.');
    }
    if (this.live().length > 0) throw new PhoneError('busy-here', 'Hang up the current call first.');
    const host = UserAgent.makeURI(this.account.uri)!.host;
    const target = UserAgent.makeURI(`sip:${extension}@${host}`);
    if (!target) throw new PhoneError('not-extension', 'Cannot call that number.');
    const inviter = new Inviter(this.ua, target, { sessionDescriptionHandlerOptions: AUDIO_ONLY });
    const line = this.adopt(inviter, 'outgoing', { number: extension, name: '', status: null });
    // No candidate at all (relay-only and the relay unreachable): the call ends saying why.
    await inviter
      .invite({
        requestDelegate: {
          onProgress: (response) => {
            const code = response.message.statusCode;
            if ((code === 180 || code === 183) && line.view.state === 'outgoing') line.move('ringing');
          },
          onReject: (response) => line.rejected(response),
        },
      })
      .catch((err: unknown) => {
        if (!(err instanceof NoMediaPathError)) throw err;
        line.endReason = 'no-media';
        throw new PhoneError('no-media-path', err.message);
      });
  }

  /**
   * Accepts a ringing call (the one in view, or the waiting one by id). The
   * call being talked on is put on hold first; if the PBX refuses the hold,
   * the new call is not answered (two open microphones would be worse).
   */
  async answer(id?: number): Promise<void> {
    const line = this.lineFor(id, ['incoming', 'waiting']);
    if (!(line?.session instanceof Invitation)) throw new PhoneError('no-call', 'There is no call to answer.');
    const talking = this.live().find((l) => l !== line && l.view.state === 'active');
    if (talking && !(await talking.hold(true))) {
      throw new PhoneError('hold-refused', 'The current call could not be put on hold.');
    }
    this.focus(line);
    try {
      await line.session.accept({ sessionDescriptionHandlerOptions: AUDIO_ONLY });
    } catch (err) {
      if (!(err instanceof NoMediaPathError)) throw err;
      line.endReason = 'no-media';
      await line.session.reject({ statusCode: 488 }).catch(() => undefined);
      throw new PhoneError('no-media-path', err.message);
    }
  }

  /** Declines a ringing call (603 Decline): the one in view, or the waiting one by id. */
  async decline(id?: number): Promise<void> {
    const line = this.lineFor(id, ['incoming', 'waiting']);
    if (line) await line.end('declined');
  }

  /** Ends a call in whatever state it is (cancel, reject or bye): the one in view, or by id. */
  async hangup(id?: number): Promise<void> {
    const line = id === undefined ? this.focused : this.lines.find((l) => l.view.id === id);
    if (line?.live) await line.end();
  }

  /** Holds or resumes the call in view. Resuming while another call is talked on holds that one first. */
  async setHeld(held: boolean): Promise<void> {
    const line = this.focused;
    if (!line || !(line.view.state === 'active' || line.view.state === 'held')) {
      throw new PhoneError('no-call', 'There is no call to hold.');
    }
    if ((line.view.state === 'held') === held) return;
    if (!held) await this.holdOthers(line);
    if (!(await line.hold(held))) throw new PhoneError('hold-refused', 'The PBX did not accept the change.');
  }

  /** Puts the call in view on hold and resumes (or answers) the other one. */
  async switchTo(id: number): Promise<void> {
    const line = this.lines.find((l) => l.view.id === id && l.live);
    if (!line) throw new PhoneError('no-call', 'There is no such call.');
    if (line.view.state === 'waiting') return this.answer(id);
    await this.holdOthers(line);
    this.focus(line);
    if (line.view.state === 'held' && !(await line.hold(false))) {
      throw new PhoneError('hold-refused', 'The PBX did not accept the change.');
    }
  }

  /** Mute stops sending audio altogether (the track is taken off the sender), and unmute puts it back. */
  async setMuted(muted: boolean): Promise<void> {
    await this.focused?.setMuted(muted);
  }

  /** Sends one DTMF tone as RFC 4733 telephone-events in the media stream (what Asterisk expects). */
  sendDtmf(tone: string): boolean {
    if (!/^[0-9*#A-D]$/.test(tone)) throw new PhoneError('not-tone', 'DTMF is one of 0-9 * # A-D.');
    const line = this.focused;
    if (line?.view.state !== 'active' || !line.session.sessionDescriptionHandler) return false;
    return line.session.sessionDescriptionHandler.sendDtmf(tone, { duration: 120, interToneGap: 70 });
  }

  /** Forgets ended calls (the one given, or all): the UI calls it once the person has seen how they ended. */
  dismissEndedCall(id?: number): void {
    const before = this.lines.length;
    this.lines = this.lines.filter((l) => l.live || (id !== undefined && l.view.id !== id));
    if (this.lines.length === before) return;
    if (this.focused && !this.lines.includes(this.focused)) this.focused = this.pickFocus();
    this.publish();
  }

  /** The person chose another microphone, or theirs went away: every call under way moves to what is chosen now. */
  async microphoneChanged(): Promise<void> {
    for (const line of this.live()) {
      if (line.view.state === 'active' || line.view.state === 'held') {
        await line.media.replaceMicrophone(await openMicrophone(this.microphone));
      }
    }
  }

  /** Re-INVITE with an ICE restart on every call under way: how media recovers after a network change. */
  restartIce(): void {
    for (const line of this.live()) {
      if (line.view.state === 'active' || line.view.state === 'held') void line.restartIce();
    }
  }

  /**
   * A call's media path broke, or the network changed. The re-INVITE that
   * asks for a new path needs a signalling path first: a WebSocket that
   * outlived its network looks open but carries nothing (TCP does not notice
   * a lost address for minutes). So the PBX is asked something small (unless
   * `probe` is false); no answer in 1 s and a new WebSocket replaces the old
   * one (registering again and re-INVITEing every call over it, see
   * `onConnected`). Asterisk follows the call to the new socket: a
   * re-INVITE's Contact is rewritten to the socket it came on, and the
   * dialog is not pinned to the old one.
   */
  private recover({ probe = true }: { probe?: boolean } = {}): Promise<void> {
    this.recovering ??= (async () => {
      try {
        const ua = this.ua;
        if (!ua || this.stopping) return;
        if (!ua.isConnected()) {
          clearTimeout(this.reconnectTimer);
          return await this.reconnect();
        }
        // Several network events arrive for one change: one new socket that worked is enough.
        if (!probe && this.now() - this.freshSocketAt < FRESH_SOCKET_MS) return;
        if (probe && (await this.signallingAnswers(ua))) return this.restartIce();
        this.update({
          registration: 'reconnecting',
          cause: 'network-changed',
          reason: 'network changed',
          retryAt: null,
        });
        // The old socket's closing handshake may never finish; the transport opens the new one meanwhile.
        // If it cannot (no address yet), the transport reports the failure and the phone retries
        // (scheduleReconnect: quickly while a call is under way).
        void ua.transport.disconnect().catch(() => undefined);
        await ua.transport.connect().then(
          () => (this.freshSocketAt = this.now()),
          () => undefined,
        );
      } finally {
        this.recovering = undefined;
      }
    })();
    return this.recovering;
  }

  /** Whether the PBX answers an OPTIONS over the current WebSocket within SIGNALLING_PROBE_MS (any answer will do). */
  private signallingAnswers(ua: UserAgent): Promise<boolean> {
    return new Promise((resolve) => {
      const uri = UserAgent.makeURI(this.account.uri);
      const target = uri && UserAgent.makeURI(`sip:${uri.host}`);
      if (!uri || !target) return resolve(false);
      const timer = setTimeout(() => resolve(false), SIGNALLING_PROBE_MS);
      const answered = () => {
        clearTimeout(timer);
        resolve(true);
      };
      try {
        const message = ua.userAgentCore.makeOutgoingRequestMessage('OPTIONS', target, uri, target, {});
        ua.userAgentCore.request(message, { onAccept: answered, onReject: answered, onProgress: answered });
      } catch {
        clearTimeout(timer);
        resolve(false);
      }
    });
  }

  /**
   * sip.js's browser media with this phone's choices: the chosen microphone
   * (or the system default when it is gone), the ICE servers and policy of
   * now (renewed credentials included), and no offer or answer without a
   * single candidate (guardOffers).
   */
  private descriptionHandlers(): SessionDescriptionHandlerFactory {
    const base = Web.defaultSessionDescriptionHandlerFactory(() => openMicrophone(this.microphone));
    return (session, options) => {
      const sdh = base(session, {
        ...options,
        // Never sip.js's default STUN server: only what the API configured.
        peerConnectionConfiguration: {
          iceServers: this.ice.iceServers,
          iceTransportPolicy: this.ice.iceTransportPolicy,
        },
      });
      finishGatheringOnRelay(sdh);
      return guardOffers(sdh);
    };
  }

  // ---------------------------------------------------------------------------

  private readonly microphone: MicrophoneChoice = () => this.options.microphone?.() ?? true;

  private live(): CallLine[] {
    return this.lines.filter((l) => l.live);
  }

  private lineFor(id: number | undefined, states: CallView['state'][]): CallLine | undefined {
    const line = id === undefined ? this.focused : this.lines.find((l) => l.view.id === id);
    return line && states.includes(line.view.state) ? line : undefined;
  }

  /** Holds every other call that is being talked on, so that only `keep` has the microphone. */
  private async holdOthers(keep: CallLine): Promise<void> {
    for (const other of this.live()) {
      if (other !== keep && other.view.state === 'active' && !(await other.hold(true))) {
        throw new PhoneError('hold-refused', 'The current call could not be put on hold.');
      }
    }
  }

  private onInvite(invitation: Invitation): void {
    // What the PBX says of the caller: From's display name and its status header, never better.
    const caller = presentCaller(
      invitation.remoteIdentity.displayName,
      invitation.request.getHeader(NAME_STATUS_HEADER),
      invitation.remoteIdentity.uri.user ?? '',
    );
    const live = this.live();
    // Both lines taken: the caller hears busy, and is kept in recents.
    if (live.length >= MAX_LINES || this.snapshot.registration !== 'registered') {
      void invitation.reject({ statusCode: 486 }).catch(() => undefined);
      if (live.length > 0) this.onBusyHere?.(caller);
      return;
    }
    // A call under way: this one waits beside it (call waiting), without taking the screen.
    this.adopt(invitation, live.length > 0 ? 'waiting' : 'incoming', caller);
  }

  private adopt(
    session: Inviter | Invitation,
    state: 'outgoing' | 'incoming' | 'waiting',
    peer: CallView['peer'],
  ): CallLine {
    const line = new CallLine(
      session,
      {
        id: ++this.callIds,
        direction: state === 'outgoing' ? 'outgoing' : 'incoming',
        state,
        peer,
        startedAt: this.now(),
      },
      {
        changed: () => this.publish(),
        ended: (ended) => this.ended(ended),
        broke: () => void this.recover(),
      },
      this.now,
    );
    this.lines = [...this.lines.filter((l) => l.live), line];
    if (state !== 'waiting') this.focused = line;
    this.publish();
    return line;
  }

  /** A call ended: the person's view moves to a call still under way, if there is one. */
  private ended(line: CallLine): void {
    if (this.focused !== line) return this.publish();
    const next = this.pickFocus();
    if (!next) return;
    if (next.view.state === 'waiting') next.move('incoming');
    this.focus(next);
  }

  /** A live call, the one talked on first; else the ended call in view stays. */
  private pickFocus(): CallLine | undefined {
    const live = this.live();
    return (
      live.find((l) => l.view.state === 'active') ??
      live.find((l) => l.view.state !== 'waiting') ??
      live[0] ??
      (this.focused && this.lines.includes(this.focused) ? this.focused : this.lines.at(-1))
    );
  }

  private focus(line: CallLine): void {
    this.focused = line;
    this.publish();
  }

  private publish(): void {
    this.update({ call: this.focused?.view ?? null, calls: this.lines.map((l) => l.view) });
    const answered = this.live().filter((l) => l.view.answeredAt !== null);
    const reconnecting = answered.some((l) => l.view.connection.state === 'reconnecting');
    if (reconnecting === this.saidReconnecting) return;
    this.saidReconnecting = reconnecting;
    // A call that ended while reconnecting leaves nobody to tell.
    if (reconnecting || answered.length > 0) this.onOwnConnection?.(reconnecting ? 'reconnecting' : 'connected');
  }

  private async onConnected(): Promise<void> {
    clearTimeout(this.reconnectTimer);
    if (this.stopping || !this.registerer) return;
    this.update({ registration: 'connecting', ...NO_TROUBLE });
    try {
      await this.registerer.register({
        requestDelegate: {
          // Not the registerer's state change: after a reconnect it is still "Registered" from before.
          onAccept: () => {
            this.attempts = 0;
            this.update({ registration: 'registered', ...NO_TROUBLE });
          },
          onReject: (response) => {
            const code = response.message.statusCode;
            const refused = code === 401 || code === 403 || code === 407;
            this.update({
              registration: refused ? 'failed' : 'reconnecting',
              cause: refused ? 'credentials' : 'refused',
              reason: refused
                ? 'credentials refused'
                : `registration refused (${code} ${response.message.reasonPhrase})`,
            });
            if (!refused) this.scheduleReconnect();
          },
        },
      });
    } catch (err) {
      this.update({
        registration: 'reconnecting',
        cause: 'pbx-unreachable',
        reason: err instanceof Error ? err.message : String(err),
      });
      this.scheduleReconnect();
    }
    // Media may be stranded on the old path: ask for a new one.
    this.restartIce();
  }

  private onDisconnected(error?: Error): void {
    if (this.stopping || !this.ua) return;
    // Never connected since start (or since the last loss): the PBX is not answering at all.
    const cause = this.snapshot.registration === 'connecting' ? 'pbx-unreachable' : 'connection-lost';
    this.update({ registration: 'reconnecting', cause, reason: error ? error.message : 'disconnected' });
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopping) return;
    clearTimeout(this.reconnectTimer);
    // A call under way has the PBX's rtp_timeout (8 s) to get its new path: no backing off then.
    const inCall = this.live().some((l) => l.view.state === 'active' || l.view.state === 'held');
    const delay = reconnectDelay(this.attempts, inCall ? IN_CALL_BACKOFF : this.backoff);
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
      this.update({
        registration: 'reconnecting',
        cause: 'pbx-unreachable',
        reason: err instanceof Error ? err.message : 'connection failed',
      });
      this.scheduleReconnect();
    }
  }

  private update(patch: Partial<PhoneSnapshot>): void {
    const registration = patch.registration
      ? nextRegistration(this.snapshot.registration, patch.registration)
      : this.snapshot.registration;
    this.snapshot = { ...this.snapshot, ...patch, registration };
    for (const listener of this.listeners) listener(this.snapshot);
  }
}
