/**
 * Placing one call: INVITE with WebRTC-shaped SDP (sip.js answers the
 * digest challenge itself), then wait for a final response, hang up after
 * `hangupAfterMs` if answered, CANCEL if nothing final came in `timeoutMs`.
 *
 * Timings are taken at the socket (the wire tap), not when sip.js gets
 * round to its callbacks.
 *
 *   INVITE ──▶ 401 ──▶ INVITE+auth ──▶ 100 ──▶ 180 (ringingAt) ──▶ 200 (answeredAt) ──▶ ACK … BYE
 *   inviteSentAt is the first INVITE: what a person waits for includes the challenge.
 */
import { Inviter, SessionState, UserAgent, type Core } from 'sip.js';
import type { SipAccount } from './account';
import { connect, type Connection } from './connection';
import { parseSipMessage, header } from './sip-message';
import { now, sleep, withTimeout } from './time';

export const CALL_OUTCOMES = ['answered', 'rejected', 'timeout', 'failed'] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

export type CallResult = {
  /**
   * answered: a 2xx came; rejected: a final 3xx–6xx came (see statusCode);
   * timeout: no final response in time (the INVITE was cancelled);
   * failed: the INVITE could not be sent or no response ever crossed the wire.
   */
  outcome: CallOutcome;
  statusCode?: number;
  reason?: string;
  /** The first INVITE left the socket (or, when none did, the attempt started); ms since the epoch. */
  inviteSentAt: number;
  /** The first 180/183 arrived. */
  ringingAt?: number;
  /** The 2xx arrived. */
  answeredAt?: number;
  /** The PBX ended the answered call: when, and its Reason header (e.g. `Q.850;cause=44`), if any. */
  remoteBye?: { at: number; reason: string | null };
};

export type PlaceCallOptions = {
  /** From display name; none by default (the PBX must set it anyway). */
  fromDisplayName?: string;
  /** From user part, in the account's domain; the account's user by default. */
  fromUser?: string;
  /** A whole From URI; wins over `fromUser`. */
  fromUri?: string;
  /** Whole header lines added to the INVITE, e.g. `P-Asserted-Identity: <sip:1@x>`. */
  extraHeaders?: string[];
  /** Bounds connecting, and waiting for a final response. */
  timeoutMs: number;
  /** How long to stay in the call once answered before sending BYE (0: at once). */
  hangupAfterMs: number;
  log?: (line: string) => void;
};

/** Places one call from `account` to `extension` (in the account's domain). Never rejects. */
export async function placeCall(
  account: SipAccount,
  extension: string,
  options: PlaceCallOptions,
): Promise<CallResult> {
  const started = now();
  let connection: Connection;
  try {
    connection = await connect(account, {
      timeoutMs: options.timeoutMs,
      log: options.log,
    });
  } catch (error) {
    return { outcome: 'failed', reason: message(error), inviteSentAt: started };
  }
  try {
    return await placeCallOn(connection, extension, options);
  } finally {
    await connection.close();
  }
}

/** `placeCall` over a connection that is already open (and stays open): for load runs that reuse one socket. */
export async function placeCallOn(
  connection: Connection,
  extension: string,
  options: Omit<PlaceCallOptions, 'log'>,
): Promise<CallResult> {
  const started = now();
  const { account, ua } = connection;
  const target = UserAgent.makeURI(`sip:${extension}@${account.domain}`);
  if (!target) return { outcome: 'failed', reason: `not a valid SIP URI: sip:${extension}@…`, inviteSentAt: started };
  const fromUri = options.fromUri ?? (options.fromUser ? `sip:${options.fromUser}@${account.domain}` : undefined);
  let inviter: Inviter;
  try {
    inviter = new Inviter(ua, target, {
      params: { fromDisplayName: options.fromDisplayName, fromUri },
      extraHeaders: options.extraHeaders,
    });
  } catch (error) {
    return { outcome: 'failed', reason: message(error), inviteSentAt: started };
  }

  const callId = inviter.request.callId;
  const times: Partial<Pick<CallResult, 'inviteSentAt' | 'ringingAt' | 'answeredAt' | 'remoteBye'>> = {};
  const stopListening = connection.listen((direction, text, at) => {
    if (!text.includes(callId)) return;
    const msg = parseSipMessage(text);
    if (!msg || header(msg, 'call-id') !== callId) return;
    if (direction === 'received' && msg.method === 'BYE')
      times.remoteBye ??= { at, reason: header(msg, 'reason') ?? null };
    if (!/\bINVITE$/i.test(header(msg, 'cseq') ?? '')) return;
    if (direction === 'sent' && msg.method === 'INVITE') times.inviteSentAt ??= at;
    if (direction === 'received' && msg.status !== undefined) {
      if (msg.status === 180 || msg.status === 183) times.ringingAt ??= at;
      if (msg.status >= 200 && msg.status < 300) times.answeredAt ??= at;
    }
  });

  try {
    const final = new Promise<Omit<CallResult, 'inviteSentAt'>>((resolve) => {
      const settle = (response: Core.IncomingResponse, outcome: CallOutcome) => {
        const { statusCode, reasonPhrase, data } = response.message;
        // sip.js reports its own timeouts and transport errors as responses that never crossed the wire.
        if (!data) resolve({ outcome: 'failed', reason: `no response (sip.js ${statusCode} ${reasonPhrase})` });
        else resolve({ outcome, statusCode, reason: reasonPhrase });
      };
      inviter
        .invite({
          requestDelegate: {
            onAccept: (response) => settle(response, 'answered'),
            onReject: (response) => settle(response, 'rejected'),
            onRedirect: (response) => settle(response, 'rejected'),
          },
        })
        .catch((error: unknown) => resolve({ outcome: 'failed', reason: message(error) }));
    });
    const result = await withTimeout(final, options.timeoutMs, '').catch(() => undefined);
    if (!result) {
      if (inviter.state === SessionState.Initial || inviter.state === SessionState.Establishing) {
        await inviter.cancel().catch(() => undefined);
      }
      return {
        outcome: 'timeout',
        reason: `no final response within ${options.timeoutMs} ms`,
        ...times,
        inviteSentAt: times.inviteSentAt ?? started,
      };
    }
    if (result.outcome === 'answered') await hangUp(inviter, options);
    return { ...result, ...times, inviteSentAt: times.inviteSentAt ?? started };
  } finally {
    stopListening();
  }
}

/** Stays `hangupAfterMs` (less if the callee hangs up), then BYE and wait for it to finish, within `timeoutMs`. */
async function hangUp(inviter: Inviter, options: Pick<PlaceCallOptions, 'hangupAfterMs' | 'timeoutMs'>): Promise<void> {
  const ended = new AbortController();
  const onState = (state: SessionState) => {
    if (state === SessionState.Terminated) ended.abort();
  };
  inviter.stateChange.addListener(onState);
  try {
    if (inviter.state === SessionState.Terminated) return;
    await sleep(options.hangupAfterMs, ended.signal);
    if (inviter.state !== SessionState.Established) return;
    await inviter.bye().catch(() => undefined);
    await sleep(options.timeoutMs, ended.signal);
  } finally {
    inviter.stateChange.removeListener(onState);
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
