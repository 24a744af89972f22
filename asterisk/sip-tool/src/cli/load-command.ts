/**
 * `load register|call`: many registrations or calls from an accounts file,
 * with set-up time percentiles and failures.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { accountFromApi, checkAccount, type SipAccount } from '../account';
import { LOAD_KINDS, runLoad, TIMING_LABELS, type LoadKind, type TimingName } from '../load';
import { COMMON, count, EXIT, ms, parse, seconds, UsageError, type Io } from './shared';

export const LOAD_USAGE = `Usage: npm run sip -- load register --accounts <file.json> [--count 100] [--concurrency 10] [--timeout 10] [--json]
       npm run sip -- load call --accounts <file.json> [--count 100] [--concurrency 10] [--hold 0] [--timeout 10] [--json]

<file.json> is an array of { "login", "password" } (as \`npm run seed:demo -- --json\` prints;
resolved through --api or REALCALL_API_URL) or of { "wsUrl", "domain", "user", "secret" }.
register: --count registrations (each: connect, REGISTER, unregister), accounts in turn.
call: --count calls; accounts pair up in order (1st calls 2nd, 3rd calls 4th, …), the callees
answered by the tool; each pair carries one call at a time, so concurrency is at most the
number of pairs. Timings: INVITE sent → INVITE at the callee, → 180 and → 200 at the caller,
from the first INVITE (the digest challenge included).
Exit status 1 when any attempt failed.`;

const accountsFile = z.array(
  z.union([
    z.object({ wsUrl: z.string(), domain: z.string(), user: z.string(), secret: z.string() }),
    z.object({ login: z.string(), password: z.string() }),
  ]),
);

async function loadAccounts(file: string, api: string | undefined, timeoutMs: number): Promise<SipAccount[]> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = accountsFile.safeParse(raw);
  if (!parsed.success) {
    throw new UsageError(`${file} must be an array of {login, password} or {wsUrl, domain, user, secret}`);
  }
  const accounts: SipAccount[] = [];
  for (const [i, entry] of parsed.data.entries()) {
    if ('login' in entry) {
      if (!api) throw new UsageError(`${file} has logins: give --api (or REALCALL_API_URL)`);
      // One at a time: sign-in is rate limited per login, and this is set-up, not the load.
      accounts.push((await accountFromApi(api, entry.login, entry.password, { timeoutMs })).account);
    } else {
      accounts.push(checkAccount(entry, `${file}[${i}]: `));
    }
  }
  return accounts;
}

export async function loadCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    ...COMMON,
    accounts: { type: 'string' },
    api: { type: 'string' },
    count: { type: 'string' },
    concurrency: { type: 'string' },
    hold: { type: 'string' },
  });
  if (values.help) {
    io.out(LOAD_USAGE);
    return EXIT.ok;
  }
  const kind = positionals[0] as LoadKind | undefined;
  if (!kind || !LOAD_KINDS.includes(kind) || positionals.length > 1) {
    throw new UsageError('load takes one of: register, call');
  }
  if (!values.accounts) throw new UsageError('load needs --accounts <file.json>');
  const timeoutMs = seconds(values.timeout, 10, '--timeout');
  const accounts = await loadAccounts(values.accounts, values.api ?? io.env.REALCALL_API_URL, timeoutMs);
  const result = await runLoad(kind, accounts, {
    count: count(values.count, 100, '--count')!,
    concurrency: count(values.concurrency, 10, '--concurrency')!,
    timeoutMs,
    hangupAfterMs: seconds(values.hold, 0, '--hold'),
    log: values.verbose ? io.err : undefined,
  });
  const ok = result.failures.length === 0;
  if (values.json) {
    io.out(JSON.stringify({ command: 'load', ok, ...result }, null, 2));
    return ok ? EXIT.ok : EXIT.failed;
  }
  io.out(
    `load ${kind}: ${result.succeeded} of ${result.count} succeeded, concurrency ${result.concurrency}, ${(result.wallMs / 1000).toFixed(1)} s`,
  );
  const names = Object.keys(result.timings) as TimingName[];
  if (names.length) {
    const width = Math.max(...names.map((n) => TIMING_LABELS[n].length));
    io.out(`${''.padEnd(width)}  ${['p50', 'p90', 'p99', 'max'].map((h) => h.padStart(10)).join('')}`);
    for (const name of names) {
      const p = result.timings[name]!;
      io.out(
        `${TIMING_LABELS[name].padEnd(width)}  ${[p.p50, p.p90, p.p99, p.max].map((v) => ms(v).padStart(10)).join('')}`,
      );
    }
  }
  if (!ok) {
    io.out('failures:');
    for (const f of result.failures) io.out(`  ${String(f.count).padStart(5)}× ${f.reason}`);
  }
  return ok ? EXIT.ok : EXIT.failed;
}
