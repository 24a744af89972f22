/**
 * `call <extension>`: places a call and reports its outcome. With callee
 * credentials the tool registers the callee itself, answers, and compares
 * what the callee's INVITE carried with the expectation.
 */
import type { Expected } from '../account';
import { startAgent, type Agent, type IncomingCall } from '../agent';
import { placeCall, type CallResult } from '../place-call';
import {
  callerAccount,
  calleeAccount,
  CALLEE_CREDENTIALS,
  CALLEE_HELP,
  COMMON,
  CREDENTIALS,
  CREDENTIALS_HELP,
  describeAccount,
  EXIT,
  EXPECTATIONS,
  expectations,
  ms,
  parse,
  printable,
  seconds,
  UsageError,
  type Io,
} from './shared';

export const CALL_USAGE = `Usage: npm run sip -- call <extension> [credentials] [callee] [--expect-name <name>]
         [--expect-status <status>] [--expect-num <number>] [--hold 1] [--timeout 15] [--json] [--verbose]

Calls <extension> (the callee's own extension when omitted and a callee is given) and reports
the outcome: answered, or the final status code. With a callee the tool answers the call
itself and checks what the callee was sent: From display name, From number and
X-RealCall-Name-Status against --expect-* (by default, what the API's privacy preview says a
callee sees, when the caller signs in through the API; the number defaults to the caller's
extension). --hold is how long the caller stays in the call before BYE.
Exit status 0 when answered and everything matched, 1 otherwise.

${CREDENTIALS_HELP}

${CALLEE_HELP}`;

export type Comparison = { field: 'name' | 'status' | 'num'; expected: string; saw: string | null; ok: boolean };

/** Compares what the callee saw with each expectation that is set; a missing status is never a match. */
export function compare(seen: IncomingCall, expected: Partial<Expected>): Comparison[] {
  const saw = { name: seen.displayName, status: seen.nameStatus, num: seen.fromUser };
  return (['name', 'status', 'num'] as const)
    .filter((field) => expected[field] !== undefined)
    .map((field) => ({ field, expected: expected[field]!, saw: saw[field], ok: saw[field] === expected[field] }));
}

export async function callCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    ...COMMON,
    ...CREDENTIALS,
    ...CALLEE_CREDENTIALS,
    ...EXPECTATIONS,
    hold: { type: 'string' },
  });
  if (values.help) {
    io.out(CALL_USAGE);
    return EXIT.ok;
  }
  if (positionals.length > 1) throw new UsageError(`call takes one extension, not ${positionals.join(' ')}`);
  const timeoutMs = seconds(values.timeout, 15, '--timeout');
  const holdMs = seconds(values.hold, 1, '--hold');
  const log = values.verbose ? io.err : undefined;
  const caller = await callerAccount(values, io, timeoutMs);
  const callee = await calleeAccount(values, io, caller.account, timeoutMs);
  const extension = positionals[0] ?? callee?.account.user;
  if (!extension) throw new UsageError('call needs an extension to call (or a callee)');
  const expected = expectations(values, caller.expected, caller.account);

  let agent: Agent | undefined;
  let result: CallResult;
  let seen: IncomingCall | undefined;
  try {
    // The callee holds until the caller hangs up; its own timer is only a backstop.
    if (callee) agent = await startAgent(callee.account, { answer: 'accept', holdMs: timeoutMs + holdMs, log });
    result = await placeCall(caller.account, extension, { timeoutMs, hangupAfterMs: holdMs, log });
    seen = agent?.calls[0];
  } finally {
    await agent?.stop();
  }
  const checks = seen ? compare(seen, expected) : [];
  const ok =
    result.outcome === 'answered' &&
    (!callee || (seen !== undefined && seen.parsedBySipJs && checks.every((c) => c.ok)));

  if (values.json) {
    io.out(
      JSON.stringify(
        {
          command: 'call',
          ok,
          caller: describeAccount(caller.account),
          extension,
          ...result,
          ...(callee ? { callee: describeAccount(callee.account), expected, seen: seen ?? null, checks } : {}),
        },
        null,
        2,
      ),
    );
    return ok ? EXIT.ok : EXIT.failed;
  }

  const since = (at: number | undefined) => (at === undefined ? undefined : at - result.inviteSentAt);
  const status = result.statusCode ? ` (${result.statusCode} ${result.reason ?? ''})`.trimEnd() : '';
  io.out(`call ${caller.account.user} → ${extension}: ${result.outcome}${status}`);
  if (result.outcome !== 'answered' && result.reason && !result.statusCode) io.out(`  ${result.reason}`);
  if (result.ringingAt !== undefined) io.out(`  INVITE → 180: ${ms(since(result.ringingAt))}`);
  if (result.answeredAt !== undefined) io.out(`  INVITE → 200: ${ms(since(result.answeredAt))}`);
  if (callee) {
    if (!seen) {
      io.out(`  ✗ the callee ${callee.account.user} never received the INVITE`);
    } else {
      io.out(
        `  callee saw: name ${printable(seen.displayName)}, status ${printable(seen.nameStatus)}, number ${printable(seen.fromUser)}`,
      );
      if (!seen.parsedBySipJs) io.out('  ✗ sip.js could not parse that INVITE: a browser softphone would not ring');
      for (const c of checks) {
        io.out(
          c.ok
            ? `  ✓ ${c.field} ${printable(c.saw)} as expected`
            : `  ✗ ${c.field}: saw ${printable(c.saw)}, expected ${printable(c.expected)}`,
        );
      }
      if (checks.length === 0) io.out('  (no expectation given: nothing compared)');
    }
  }
  return ok ? EXIT.ok : EXIT.failed;
}
