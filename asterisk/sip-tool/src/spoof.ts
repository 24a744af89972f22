/**
 * The spoofing matrix: calls from a caller to a callee the tool registers
 * itself, each trying one forgery of the caller's identity, judged by what
 * the callee was actually sent.
 *
 * A forgery *got through* when the callee saw a name, status or number other
 * than the expected presentation (the API's privacy preview), or when any
 * trace of the forged values reached it in an identity header (From,
 * P-Asserted-Identity, P-Preferred-Identity, Remote-Party-ID, Diversion,
 * History-Info) or any X- header. A call the PBX refused outright is
 * blocked, with its status code reported.
 */
import type { Expected, SipAccount } from './account';
import { startAgent, type IncomingCall } from './agent';
import { Core, Inviter, SessionState, UserAgent } from 'sip.js';
import { connect } from './connection';
import { placeCall, type CallOutcome, type PlaceCallOptions } from './place-call';
import { sleep, withTimeout } from './time';

/** A bank's customer-service name and its hotline number: the classic impersonation. */
export const FORGED_NAME = '中国银行客服';
export const FORGED_NUMBER = '95566';

export type Forgery = Pick<PlaceCallOptions, 'fromDisplayName' | 'fromUser' | 'fromUri' | 'extraHeaders'>;

export type SpoofContext = {
  domain: string;
  /** The callee's extension. */
  callee: string;
  /** A real extension other than the caller's, to impersonate. */
  otherExtension: string;
  expected: Expected;
};

export type Technique = {
  id: string;
  description: string;
  /** The forgery to send, and the strings whose presence at the callee proves it passed. */
  forge(ctx: SpoofContext): { forgery: Forgery; traces: string[] };
};

/** A status to forge that differs from the expected one, so a forged header that passes shows up. */
const forgedStatus = (ctx: SpoofContext) => (ctx.expected.status === 'verified' ? 'masked' : 'verified');
const identity = (ctx: SpoofContext) => `"${FORGED_NAME}" <sip:${FORGED_NUMBER}@${ctx.domain}>`;

export const TECHNIQUES: readonly Technique[] = [
  {
    id: 'from-display-name',
    description: `From display name set to "${FORGED_NAME}"`,
    forge: () => ({ forgery: { fromDisplayName: FORGED_NAME }, traces: [FORGED_NAME] }),
  },
  {
    id: 'from-display-name-lookalike',
    description: 'From display name copying a verified-looking name with a fake mark',
    forge: () => ({ forgery: { fromDisplayName: '王小明 ✓ 已实名认证' }, traces: ['已实名认证', '✓'] }),
  },
  {
    id: 'p-asserted-identity',
    description: `P-Asserted-Identity with ${FORGED_NUMBER} and a bank's name`,
    forge: (ctx) => ({
      forgery: { extraHeaders: [`P-Asserted-Identity: ${identity(ctx)}`] },
      traces: [FORGED_NAME, FORGED_NUMBER],
    }),
  },
  {
    id: 'p-preferred-identity',
    description: `P-Preferred-Identity with ${FORGED_NUMBER} and a bank's name`,
    forge: (ctx) => ({
      forgery: { extraHeaders: [`P-Preferred-Identity: ${identity(ctx)}`] },
      traces: [FORGED_NAME, FORGED_NUMBER],
    }),
  },
  {
    id: 'remote-party-id',
    description: `Remote-Party-ID (screen=yes) with ${FORGED_NUMBER} and a bank's name`,
    forge: (ctx) => ({
      forgery: { extraHeaders: [`Remote-Party-ID: ${identity(ctx)};party=calling;screen=yes;privacy=off`] },
      traces: [FORGED_NAME, FORGED_NUMBER],
    }),
  },
  {
    id: 'status-header',
    description: 'a forged X-RealCall-Name-Status header',
    forge: (ctx) => ({ forgery: { extraHeaders: [`X-RealCall-Name-Status: ${forgedStatus(ctx)}`] }, traces: [] }),
  },
  {
    id: 'status-header-lowercase',
    description: 'the forged status header in lower case (x-realcall-name-status)',
    forge: (ctx) => ({ forgery: { extraHeaders: [`x-realcall-name-status: ${forgedStatus(ctx)}`] }, traces: [] }),
  },
  {
    id: 'status-header-twice',
    description: 'the forged status header sent twice',
    forge: (ctx) => ({
      forgery: {
        extraHeaders: [`X-RealCall-Name-Status: ${forgedStatus(ctx)}`, `X-RealCall-Name-Status: ${forgedStatus(ctx)}`],
      },
      traces: [],
    }),
  },
  {
    id: 'bidi-override',
    description: 'display name with a right-to-left override (U+202E) that renders as the bank',
    forge: () => ({ forgery: { fromDisplayName: '客服\u202E行银国中' }, traces: ['\u202E', '行银国中'] }),
  },
  {
    id: 'control-characters',
    description: 'display name with control characters (BEL, ESC) as quoted-pairs',
    // Escaped (backslash, BEL) they are valid SIP (RFC 3261 quoted-pair), so the PBX must clean them, not just fail to parse;
    // raw, the PBX's own responses would echo an unparseable From and sip.js would drop them.
    forge: () => ({
      forgery: { fromDisplayName: '中国银行\\\u0007客服\\\u001b[0m' },
      traces: ['\u0007', '\u001b'],
    }),
  },
  {
    id: 'quote-escape',
    description: 'display name with \\" and a second URI inside, to confuse the parser',
    // sip.js wraps the name in quotes as given: the \" stays an escaped quote on the wire.
    forge: (ctx) => ({
      forgery: { fromDisplayName: `${FORGED_NAME}\\" <sip:${FORGED_NUMBER}@${ctx.domain}>;x=\\"` },
      traces: [FORGED_NAME, FORGED_NUMBER],
    }),
  },
  {
    id: 'long-display-name',
    description: 'a 200-character display name',
    forge: () => ({ forgery: { fromDisplayName: FORGED_NAME.repeat(34).slice(0, 200) }, traces: [FORGED_NAME] }),
  },
  {
    id: 'diversion',
    description: `Diversion claiming the call was redirected from ${FORGED_NUMBER}`,
    forge: (ctx) => ({
      forgery: { extraHeaders: [`Diversion: ${identity(ctx)};reason=unconditional;counter=1;privacy=off`] },
      traces: [FORGED_NAME, FORGED_NUMBER],
    }),
  },
  {
    id: 'history-info',
    description: `History-Info claiming the call was retargeted from ${FORGED_NUMBER}`,
    forge: (ctx) => ({
      forgery: {
        extraHeaders: [
          `History-Info: <sip:${FORGED_NUMBER}@${ctx.domain}>;index=1`,
          `History-Info: <sip:${ctx.callee}@${ctx.domain}?Reason=SIP%3Bcause%3D302>;index=1.1`,
        ],
      },
      traces: [FORGED_NUMBER],
    }),
  },
  {
    id: 'from-user',
    description: 'From user part of another extension (Asterisk identifies the endpoint by it)',
    forge: (ctx) => ({ forgery: { fromUser: ctx.otherExtension }, traces: [ctx.otherExtension] }),
  },
  {
    id: 'anonymous-from',
    description: 'anonymous From ("Anonymous" <sip:anonymous@anonymous.invalid>)',
    forge: () => ({
      forgery: { fromDisplayName: 'Anonymous', fromUri: 'sip:anonymous@anonymous.invalid' },
      traces: ['anonymous.invalid'],
    }),
  },
];

export type SpoofRow = {
  technique: string;
  description: string;
  outcome: CallOutcome;
  statusCode?: number;
  /** What the callee saw; null when no INVITE reached it. */
  sawName: string | null;
  sawStatus: string | null;
  sawNumber: string | null;
  gotThrough: boolean;
  /** Why it got through, or notes; one sentence each. */
  evidence: string[];
};

/** Headers where a caller's identity claims could surface at the callee. */
const IDENTITY_HEADERS = [
  'from',
  'p-asserted-identity',
  'p-preferred-identity',
  'remote-party-id',
  'diversion',
  'history-info',
];

/** Where each trace appears in the callee's identity and X- headers. Numbers match only as whole digit runs. */
function tracesAt(call: IncomingCall, traces: string[], expected: Expected): string[] {
  const found: string[] = [];
  const names = Object.keys(call.headers).filter((name) => IDENTITY_HEADERS.includes(name) || name.startsWith('x-'));
  for (const trace of traces) {
    // The expected presentation itself is no trace of a forgery.
    if (trace === expected.name || trace === expected.num) continue;
    const pattern = /^\d+$/.test(trace)
      ? new RegExp(`(?<!\\d)${trace}(?!\\d)`)
      : new RegExp(trace.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    const where = names.filter((name) => call.headers[name]!.some((value) => pattern.test(value)));
    if (where.length) found.push(`forged ${JSON.stringify(trace)} reached the callee in ${where.join(', ')}`);
  }
  return found;
}

/**
 * Judges one attempt: what the callee saw (if anything) against the
 * expectation and the technique's traces. An answered call the callee never
 * saw counts as through: nothing proves what was shown.
 */
export function judge(
  outcome: CallOutcome,
  calls: readonly IncomingCall[],
  expected: Expected,
  traces: string[],
): Pick<SpoofRow, 'sawName' | 'sawStatus' | 'sawNumber' | 'gotThrough' | 'evidence'> {
  const first = calls[0];
  if (!first) {
    if (outcome === 'answered') {
      return {
        sawName: null,
        sawStatus: null,
        sawNumber: null,
        gotThrough: true,
        evidence: ['the call was answered, but not by the tool’s callee: what was shown cannot be checked'],
      };
    }
    return { sawName: null, sawStatus: null, sawNumber: null, gotThrough: false, evidence: [] };
  }
  const evidence: string[] = [];
  for (const call of calls) {
    if (call.displayName !== expected.name) {
      evidence.push(`callee saw name ${JSON.stringify(call.displayName)}, expected ${JSON.stringify(expected.name)}`);
    }
    if (call.nameStatus !== expected.status) {
      evidence.push(
        `callee saw status ${call.nameStatus === null ? '(no header)' : JSON.stringify(call.nameStatus)}, expected ${JSON.stringify(expected.status)}`,
      );
    }
    if (call.fromUser !== expected.num) {
      evidence.push(`callee saw number ${JSON.stringify(call.fromUser)}, expected ${JSON.stringify(expected.num)}`);
    }
    evidence.push(...tracesAt(call, traces, expected));
  }
  const gotThrough = evidence.length > 0;
  if (calls.some((call) => !call.parsedBySipJs)) {
    evidence.push('sip.js could not parse the INVITE: a browser softphone would not even ring');
  }
  return {
    sawName: first.displayName,
    sawStatus: first.nameStatus,
    sawNumber: first.fromUser,
    gotThrough,
    evidence,
  };
}

export type SpoofOptions = {
  /** Technique ids to run; all by default. */
  only?: string[];
  /** The extension to impersonate in `from-user`; the callee's by default (a real extension that is not the caller). */
  otherExtension?: string;
  /** Bounds each call; 8 s by default. */
  timeoutMs?: number;
  /** Called as each row is decided, for live output. */
  onRow?: (row: SpoofRow) => void;
  log?: (line: string) => void;
};

/** After a call that was not answered, how long an INVITE to the callee may still be on its way. */
const LATE_INVITE_MS = 250;

/**
 * Runs every technique (or `options.only`) as one call from `caller` to
 * `callee`, which the tool registers and answers itself, one at a time.
 * Rejects only when the callee cannot be registered.
 */
export async function runSpoofMatrix(
  caller: SipAccount,
  callee: SipAccount,
  expected: Expected,
  options: SpoofOptions = {},
): Promise<SpoofRow[]> {
  const timeoutMs = options.timeoutMs ?? 8_000;
  const techniques = options.only ? TECHNIQUES.filter((t) => options.only!.includes(t.id)) : TECHNIQUES;
  const ctx: SpoofContext = {
    domain: caller.domain,
    callee: callee.user,
    otherExtension: options.otherExtension ?? callee.user,
    expected,
  };
  // The caller hangs up as soon as it is answered; the callee holds longer so it never races the caller's BYE.
  const agent = await startAgent(callee, { answer: 'accept', holdMs: timeoutMs, timeoutMs, log: options.log });
  const rows: SpoofRow[] = [];
  try {
    for (const technique of techniques) {
      const { forgery, traces } = technique.forge(ctx);
      const before = agent.calls.length;
      const result = await placeCall(caller, callee.user, {
        ...forgery,
        timeoutMs,
        hangupAfterMs: 0,
        log: options.log,
      });
      if (result.outcome !== 'answered' && agent.calls.length === before) await sleep(LATE_INVITE_MS);
      const row: SpoofRow = {
        technique: technique.id,
        description: technique.description,
        outcome: result.outcome,
        ...(result.statusCode === undefined ? {} : { statusCode: result.statusCode }),
        ...judge(result.outcome, agent.calls.slice(before), expected, traces),
      };
      rows.push(row);
      options.onRow?.(row);
    }
  } finally {
    await agent.stop();
  }
  return rows;
}

/**
 * Forgeries sent inside a call once it is answered: a re-INVITE (what hold
 * and an ICE restart send), INFO, MESSAGE and NOTIFY, each carrying a
 * forged identity and the PBX's own presentation headers with a better
 * status. What the callee is shown may change mid-call only by the PBX's
 * NOTIFY from the API (api/src/services/ami.ts), so a row *got through*
 * when any request reaching the callee in that call carries a forged trace,
 * or is a presentation NOTIFY at all (nothing changed at the API).
 */
/** In the order they are tried: the answered ones first, the ones Asterisk leaves unanswered last. */
export const MID_CALL_TECHNIQUES = ['hold', 'resume', 're-invite', 'update', 'notify', 'info', 'message'] as const;
export type MidCallTechnique = (typeof MID_CALL_TECHNIQUES)[number];

export type MidCallRow = {
  technique: MidCallTechnique;
  /** The caller's request was answered with this status (or never answered: null). */
  statusCode: number | null;
  /** What reached the callee in its dialog, by method. */
  reached: string[];
  gotThrough: boolean;
  evidence: string[];
};

type Answered = { onAccept: (r: Core.IncomingResponse) => void; onReject: (r: Core.IncomingResponse) => void };

/** A delegate that resolves with the final status of the request it is given to. */
function finalStatus(resolve: (code: number | null) => void): Answered {
  return {
    onAccept: (r) => resolve(r.message.statusCode ?? null),
    onReject: (r) => resolve(r.message.statusCode ?? null),
  };
}

export async function runMidCallForgeries(
  caller: SipAccount,
  callee: SipAccount,
  expected: Expected,
  options: { timeoutMs?: number; log?: (line: string) => void } = {},
): Promise<MidCallRow[]> {
  const timeoutMs = options.timeoutMs ?? 8_000;
  // Without media, Asterisk's rtp_timeout (8 s) ends the call (sdp.ts): the matrix is done by then
  // (every technique waits at most 1.2 s).
  const agent = await startAgent(callee, { answer: 'accept', holdMs: timeoutMs * 2, timeoutMs, log: options.log });
  // Closing is bounded short: sip.js would otherwise wait out the unanswered INFO and MESSAGE (32 s).
  const connection = await connect(caller, { timeoutMs: 3000, log: options.log });
  const forged = [
    `P-Asserted-Identity: "${FORGED_NAME}" <sip:${FORGED_NUMBER}@${caller.domain}>`,
    `Remote-Party-ID: "${FORGED_NAME}" <sip:${FORGED_NUMBER}@${caller.domain}>;party=calling;screen=yes`,
    `X-RealCall-Name-Status: ${expected.status === 'verified' ? 'masked' : 'verified'}`,
    `X-RealCall-Name: ${encodeURIComponent(FORGED_NAME)}`,
  ];
  const traces = [FORGED_NAME, encodeURIComponent(FORGED_NAME), FORGED_NUMBER];
  const rows: MidCallRow[] = [];
  try {
    const target = UserAgent.makeURI(`sip:${callee.user}@${caller.domain}`);
    if (!target) throw new Error(`not a SIP URI: sip:${callee.user}@${caller.domain}`);
    const inviter = new Inviter(connection.ua, target);
    const established = new Promise<void>((resolve, reject) => {
      inviter.stateChange.addListener((state) => {
        if (state === SessionState.Established) resolve();
        if (state === SessionState.Terminated) reject(new Error('the call ended before it was answered'));
      });
    });
    await inviter.invite();
    await withTimeout(established, timeoutMs, 'the call was not answered');
    const leg = await agent.nextCall(timeoutMs);
    const body = { contentDisposition: 'render', contentType: 'text/plain', content: FORGED_NAME };
    // Each resolves with the final status of what the caller sent, or null if sending failed.
    const ask = (sendWith: (delegate: Answered) => Promise<unknown> | void) =>
      new Promise<number | null>((resolve) => {
        Promise.resolve(sendWith(finalStatus(resolve))).catch(() => resolve(null));
      });
    const reInvite = (sdhOptions: { hold?: boolean }) =>
      ask((d) =>
        inviter.invite({
          requestOptions: { extraHeaders: forged },
          requestDelegate: d,
          sessionDescriptionHandlerOptions: sdhOptions as object,
        }),
      );
    const send: Record<MidCallTechnique, () => Promise<number | null>> = {
      're-invite': () => reInvite({}),
      // Hold and resume are re-INVITEs the PBX passes on to the callee (moh_passthrough): only its own headers go.
      hold: () => reInvite({ hold: true }),
      resume: () => reInvite({ hold: false }),
      // sip.js has no UPDATE of its own: one is built in the dialog and sent as a plain non-INVITE request.
      update: () =>
        ask((d) => {
          // The session's dialog is a SessionDialog, which is a Dialog: it builds in-dialog requests.
          const dialog = inviter.dialog as Core.SessionDialog | undefined;
          if (!dialog) throw new Error('no dialog');
          const message = dialog.createOutgoingRequestMessage('UPDATE', { extraHeaders: forged });
          new Core.UserAgentClient(Core.NonInviteClientTransaction, dialog.userAgentCore, message, d);
        }),
      info: () => ask((d) => inviter.info({ requestOptions: { extraHeaders: forged, body }, requestDelegate: d })),
      message: () =>
        ask((d) => inviter.message({ requestOptions: { extraHeaders: forged, body }, requestDelegate: d })),
      notify: () =>
        ask((d) => {
          if (!inviter.dialog) throw new Error('no dialog');
          inviter.dialog.notify(d, {
            extraHeaders: ['Event: x-realcall-presentation', 'Subscription-State: terminated', ...forged],
          });
        }),
    };
    for (const technique of MID_CALL_TECHNIQUES) {
      const before = agent.requests.length;
      // Asterisk answers the re-INVITE and refuses the NOTIFY (400); INFO and MESSAGE go unanswered.
      const statusCode = await withTimeout(send[technique](), 1200, 'no answer').catch(() => null);
      await sleep(250);
      const reached = agent.requests.slice(before).filter((r) => r.callId === leg.callId);
      const evidence = reached.flatMap((r) => [
        ...traces.filter((trace) => r.text.includes(trace)).map((trace) => `${r.method} carried ${trace}`),
        ...(r.method === 'NOTIFY' && /x-realcall-presentation/i.test(r.headers.event?.join(' ') ?? '')
          ? ['a presentation NOTIFY reached the callee']
          : []),
      ]);
      rows.push({
        technique,
        statusCode,
        reached: reached.map((r) => r.method),
        gotThrough: evidence.length > 0,
        evidence,
      });
    }
    if (inviter.state === SessionState.Established) await inviter.bye().catch(() => undefined);
  } finally {
    // Bounded, but slow: sip.js holds the unanswered INFO and MESSAGE until its transport is torn down (~30 s).
    await connection.close();
    await agent.stop();
  }
  return rows;
}
