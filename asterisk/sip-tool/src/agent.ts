/**
 * The answering agent: a registered callee that records what every incoming
 * INVITE carried — From display name and user, the PBX's
 * X-RealCall-Name-Status, every header — then answers it (200 OK with
 * WebRTC-shaped SDP, BYE after `holdMs`) or rejects it.
 *
 * Records are read from the raw message as it came off the socket, not from
 * sip.js's parse: display-name escapes are undone exactly once, repeated
 * headers are all kept, and an INVITE sip.js cannot parse (which a browser
 * would drop without ringing) is still recorded, with `parsedBySipJs: false`.
 */
import { SessionState, type Invitation } from 'sip.js';
import type { SipAccount } from './account';
import { connect, sipJsParses, type Connection, type WireListener } from './connection';
import { describeRegistration, registerConnection } from './register';
import { header, parseNameAddr, parseSipMessage } from './sip-message';
import { TimeoutError } from './time';

/** The header the PBX adds to every INVITE it sends a callee. */
export const NAME_STATUS_HEADER = 'x-realcall-name-status';

export type IncomingCall = {
  /** The From display name as the callee's UA reads it ('' when none). */
  displayName: string;
  /** The From URI's user part: the number the callee is shown. */
  fromUser: string;
  /**
   * X-RealCall-Name-Status as received: null when absent, the value when
   * present once, all values joined by ", " when repeated (which then
   * matches no status: a doubled header is never taken as either value).
   */
  nameStatus: string | null;
  /** Every header's values by lower-cased name. */
  headers: Record<string, string[]>;
  /** When the INVITE came off the socket (ms since the epoch, sub-ms precision). */
  receivedAt: number;
  callId: string;
  /** False when sip.js could not parse the INVITE: a browser softphone would never have rung. */
  parsedBySipJs: boolean;
};

/** A request the PBX sent within (or to cancel) a call: how the tests see a call end or change. */
export type CallRequest = {
  /** INVITE here is a re-INVITE (its To has a tag); an initial INVITE is an IncomingCall. */
  method: 'CANCEL' | 'BYE' | 'NOTIFY' | 'INVITE' | 'UPDATE' | 'INFO' | 'MESSAGE';
  callId: string;
  /** Every header's values by lower-cased name. */
  headers: Record<string, string[]>;
  receivedAt: number;
  text: string;
};

export type AgentOptions = {
  /** accept: 200 OK; reject: `rejectCode`; ring: never answer (the PBX gives up or cancels). */
  answer: 'accept' | 'reject' | 'ring';
  /** Wait this long before accepting (another device of the same person may answer first). */
  answerAfterMs?: number;
  /** After answering, hang up after this long (unless the caller does first). */
  holdMs: number;
  /** The rejection's status code; 486 Busy Here by default. */
  rejectCode?: number;
  /** Bounds registering and stopping; 10 s by default. */
  timeoutMs?: number;
  /** How long each registration asks to live (sip.js refreshes it before then); 60 s by default. */
  expiresSeconds?: number;
  /** Sees every SIP message on the agent's socket (the soak counts REGISTER outcomes with it). */
  onWire?: WireListener;
  log?: (line: string) => void;
};

export type Agent = {
  readonly account: SipAccount;
  /** Every incoming call so far, oldest first. */
  readonly calls: readonly IncomingCall[];
  /** Every CANCEL, BYE, NOTIFY and in-dialog request the PBX sent, oldest first (with its raw text). */
  readonly requests: readonly CallRequest[];
  /** Successful registrations so far: 1 after start, more after each reconnect (a PBX restart). */
  readonly registrations: number;
  /** The next call not yet taken with `nextCall` (possibly one already recorded); rejects with TimeoutError after `timeoutMs`. */
  nextCall(timeoutMs: number): Promise<IncomingCall>;
  /** Hangs up what is still up, unregisters and closes the socket. */
  stop(): Promise<void>;
};

/** How long a re-REGISTER after a reconnect may go unanswered before it is sent again. */
const REREGISTER_ANSWER_MS = 4000;

/** Reads a raw initial INVITE into a record; undefined for anything else (responses, re-INVITEs, other methods). */
export function readIncomingInvite(text: string, receivedAt: number, parsedBySipJs: boolean): IncomingCall | undefined {
  const message = parseSipMessage(text);
  if (message?.method !== 'INVITE') return undefined;
  const to = header(message, 'to');
  if (to && parseNameAddr(to).params.tag) return undefined;
  const from = parseNameAddr(header(message, 'from') ?? '');
  const statuses = message.headers[NAME_STATUS_HEADER] ?? [];
  return {
    displayName: from.displayName,
    fromUser: from.user,
    nameStatus: statuses.length === 0 ? null : statuses.join(', '),
    headers: message.headers,
    receivedAt,
    callId: header(message, 'call-id') ?? '',
    parsedBySipJs,
  };
}

/**
 * Registers `account` and starts answering. Rejects (with nothing left
 * open) when the connection or the registration fails, with one line such
 * as "registration failed: 401 Unauthorized".
 */
export async function startAgent(account: SipAccount, options: AgentOptions): Promise<Agent> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const log = options.log;
  const calls: IncomingCall[] = [];
  const requests: CallRequest[] = [];
  const seen = new Set<string>();
  const waiters: { resolve: (call: IncomingCall) => void; reject: (error: Error) => void }[] = [];
  const hangups = new Set<NodeJS.Timeout>();
  let taken = 0;
  let stopped = false;

  const onInvite = (invitation: Invitation) => {
    if (stopped) return;
    let hangup: NodeJS.Timeout | undefined;
    invitation.stateChange.addListener((state) => {
      if (state === SessionState.Terminated && hangup) {
        clearTimeout(hangup);
        hangups.delete(hangup);
      }
    });
    const warn = (what: string) => (error: unknown) =>
      log?.(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);
    if (options.answer === 'reject') {
      invitation.reject({ statusCode: options.rejectCode ?? 486 }).catch(warn('reject'));
      return;
    }
    if (options.answer === 'ring') return;
    const accept = async () => {
      if (options.answerAfterMs) await new Promise((r) => setTimeout(r, options.answerAfterMs));
      if (stopped || invitation.state !== SessionState.Initial) return;
      await invitation.accept();
    };
    accept()
      .then(() => {
        if (stopped || invitation.state !== SessionState.Established) return;
        hangup = setTimeout(() => {
          hangups.delete(hangup!);
          if (invitation.state === SessionState.Established) invitation.bye().catch(warn('BYE'));
        }, options.holdMs);
        hangups.add(hangup);
      })
      .catch(warn('accept'));
  };

  // A PBX restart closes the socket: reconnect with backoff and register again, as a softphone does.
  // A REGISTER refused on a live socket (a PBX still booting answers before its realtime backend is
  // up) is retried on that socket: asking a connected transport to reconnect does nothing at all.
  let registrations = 0;
  let retry: NodeJS.Timeout | undefined;
  let attempts = 0;
  const held: { registerer?: Awaited<ReturnType<typeof registerConnection>>['registerer'] } = {};
  const recover = (why: string) => {
    if (stopped) return;
    const delay = Math.min(2000, 250 * 2 ** attempts);
    attempts += 1;
    log?.(`${why}; trying again in ${delay} ms`);
    clearTimeout(retry);
    retry = setTimeout(() => {
      if (stopped) return;
      if (connection.ua.isConnected()) onConnect();
      else connection.ua.reconnect().catch(() => recover('reconnect failed'));
    }, delay);
  };
  // A REGISTER sent while the PBX is still booting can go unanswered (seen: a socket accepted, the
  // REGISTER never answered): give each one a few seconds, then try again. Each try uses a fresh
  // Registerer, because sip.js keeps an unanswered one "waiting" for its 32 s transaction timer and
  // refuses to send another meanwhile. A replaced Registerer is left to lapse, never disposed:
  // disposing sends an un-REGISTER for the contact the new one just bound.
  let registering = false;
  const onConnect = () => {
    if (stopped || registering || !held.registerer) return;
    registering = true;
    void registerConnection(connection, REREGISTER_ANSWER_MS, options.expiresSeconds).then(({ result, registerer }) => {
      registering = false;
      if (stopped) return;
      if (result.ok) {
        held.registerer = registerer;
        attempts = 0;
        registrations += 1;
        log?.('registered again');
      } else {
        recover(`REGISTER ${result.statusCode ?? ''} ${result.reason}`.replace(/\s+/g, ' '));
      }
    });
  };
  const connection: Connection = await connect(account, {
    timeoutMs,
    onInvite,
    log,
    onDisconnect: () => recover('connection lost'),
    onConnect,
  });
  connection.listen((direction, text, at) => {
    if (direction !== 'received') return;
    const method = /^(CANCEL|BYE|NOTIFY|INVITE|UPDATE|INFO|MESSAGE) /.exec(text)?.[1] as
      CallRequest['method'] | undefined;
    const message = method ? parseSipMessage(text) : undefined;
    const inDialog = message !== undefined && parseNameAddr(header(message, 'to') ?? '').params.tag !== undefined;
    if (method && message && (method !== 'INVITE' || inDialog)) {
      const callId = header(message, 'call-id') ?? '';
      requests.push({ method, callId, headers: message.headers, receivedAt: at, text });
      return;
    }
    if (!text.startsWith('INVITE ')) return;
    const call = readIncomingInvite(text, at, sipJsParses(connection, text));
    if (!call) return;
    // Over a WebSocket nothing is retransmitted, but a proxy in between may; count each call once.
    const key = `${call.callId} ${call.headers.cseq?.[0] ?? ''}`;
    if (seen.has(key)) return;
    seen.add(key);
    calls.push(call);
    const waiter = waiters.shift();
    if (waiter) {
      taken += 1;
      waiter.resolve(call);
    }
  });

  if (options.onWire) connection.listen(options.onWire);
  const first = await registerConnection(connection, timeoutMs, options.expiresSeconds);
  if (!first.result.ok) {
    stopped = true;
    await connection.close();
    throw new Error(describeRegistration(first.result));
  }
  held.registerer = first.registerer;
  registrations = 1;

  return {
    account,
    calls,
    requests,
    get registrations() {
      return registrations;
    },
    nextCall(waitMs) {
      if (taken < calls.length) return Promise.resolve(calls[taken++]!);
      if (stopped) return Promise.reject(new Error('the agent has stopped'));
      return new Promise<IncomingCall>((resolve, reject) => {
        const waiter = {
          resolve: (call: IncomingCall) => {
            clearTimeout(timer);
            resolve(call);
          },
          reject: (error: Error) => {
            clearTimeout(timer);
            reject(error);
          },
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new TimeoutError(`no call arrived within ${waitMs} ms`));
        }, waitMs);
        waiters.push(waiter);
      });
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(retry);
      for (const timer of hangups) clearTimeout(timer);
      hangups.clear();
      for (const waiter of waiters.splice(0)) waiter.reject(new Error('the agent has stopped'));
      // sip.js's graceful stop sends BYE for calls still up and unregisters.
      await connection.close();
    },
  };
}
