/** `answer`: registers and waits for calls, printing what each INVITE carried; answers or rejects them. */
import { startAgent, type IncomingCall } from '../agent';
import { sleep, TimeoutError } from '../time';
import {
  callerAccount,
  COMMON,
  count,
  CREDENTIALS,
  CREDENTIALS_HELP,
  describeAccount,
  EXIT,
  parse,
  printable,
  seconds,
  type Io,
} from './shared';

export const ANSWER_USAGE = `Usage: npm run sip -- answer [credentials] [--count N] [--hold 1] [--reject] [--timeout 60] [--json] [--verbose]

Registers and waits for calls until --count calls came or --timeout seconds passed (Ctrl-C
also stops it). For each call it prints the From display name, the From user (the number
shown) and the X-RealCall-Name-Status the PBX delivered ("(none)" when missing), then answers
with 200 OK and hangs up after --hold seconds, or with --reject answers 486 Busy Here.
Exit status 1 when fewer than --count calls came, 0 otherwise.

${CREDENTIALS_HELP}`;

function line(call: IncomingCall): string {
  const time = new Date(call.receivedAt).toISOString().slice(11, 23);
  const note = call.parsedBySipJs ? '' : '  ✗ sip.js cannot parse this INVITE: a browser would not ring';
  return `${time}  from ${printable(call.displayName)} <${call.fromUser || '?'}>  status ${printable(call.nameStatus)}${note}`;
}

export async function answerCommand(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, {
    ...COMMON,
    ...CREDENTIALS,
    count: { type: 'string' },
    hold: { type: 'string' },
    reject: { type: 'boolean' },
  });
  if (values.help) {
    io.out(ANSWER_USAGE);
    return EXIT.ok;
  }
  const timeoutMs = seconds(values.timeout, 60, '--timeout');
  const holdMs = seconds(values.hold, 1, '--hold');
  const wanted = count(values.count, undefined, '--count');
  const { account } = await callerAccount(values, io, Math.min(timeoutMs, 10_000));
  const agent = await startAgent(account, {
    answer: values.reject ? 'reject' : 'accept',
    holdMs,
    timeoutMs: Math.min(timeoutMs, 10_000),
    log: values.verbose ? io.err : undefined,
  });
  const deadline = Date.now() + timeoutMs;
  if (!values.json) {
    io.out(
      `registered ${account.user}@${account.domain}; waiting ${wanted ? `for ${wanted} call(s), ` : ''}up to ${timeoutMs / 1000} s`,
    );
  }
  const interrupted = new Promise<undefined>((resolve) =>
    io.signal?.addEventListener('abort', () => resolve(undefined), { once: true }),
  );
  let printed = 0;
  const printNew = () => {
    if (values.json) return;
    for (const call of agent.calls.slice(printed)) io.out(line(call));
    printed = agent.calls.length;
  };
  try {
    while (wanted === undefined || agent.calls.length < wanted) {
      const left = deadline - Date.now();
      if (left <= 0 || io.signal?.aborted) break;
      const call = await Promise.race([agent.nextCall(left), interrupted]).catch((error: unknown) => {
        if (error instanceof TimeoutError) return undefined;
        throw error;
      });
      printNew();
      if (!call) break;
    }
    // Let the last answered call run its --hold before unregistering.
    if (!values.reject && agent.calls.length > 0 && !io.signal?.aborted) await sleep(holdMs + 100, io.signal);
    printNew();
  } finally {
    await agent.stop();
  }
  const ok = wanted === undefined || agent.calls.length >= wanted;
  if (values.json) {
    io.out(JSON.stringify({ command: 'answer', ok, account: describeAccount(account), calls: agent.calls }, null, 2));
  } else {
    io.out(`${agent.calls.length} call(s)${wanted && !ok ? `, ${wanted} wanted` : ''}`);
  }
  return ok ? EXIT.ok : EXIT.failed;
}
