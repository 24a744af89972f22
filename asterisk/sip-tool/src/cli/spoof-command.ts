/** `spoof`: one call per forgery technique; reports what the callee saw and whether the forgery got through. */
import { runSpoofMatrix, TECHNIQUES, type SpoofRow } from '../spoof';
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
  parse,
  printable,
  seconds,
  UsageError,
  type Io,
} from './shared';

export const SPOOF_USAGE = `Usage: npm run sip -- spoof [credentials] [callee] [--expect-name <name> --expect-status <status>]
         [--expect-num <number>] [--other-extension <ext>] [--only <technique,…>] [--list]
         [--timeout 8] [--json] [--verbose]

Places one call from the caller to the callee per technique, each forging the caller's
identity one way (see --list), and reports what the callee was sent. A forgery got through
when the callee saw a name, status or number other than expected, or any trace of the forged
values in From, P-Asserted-Identity, P-Preferred-Identity, Remote-Party-ID, Diversion,
History-Info or an X- header. A call the PBX refuses outright is blocked (its status shown).
The expectation is the API's privacy preview when the caller signs in through the API, or
--expect-name and --expect-status (the number defaults to the caller's extension).
--other-extension is the extension to impersonate in From (default: the callee's).
Exit status 1 when any forgery got through, 0 when all were blocked.

${CREDENTIALS_HELP}

${CALLEE_HELP}`;

function describe(row: SpoofRow): string[] {
  const mark = row.gotThrough ? '✗ GOT THROUGH' : '✓ blocked    ';
  const outcome = `${row.outcome}${row.statusCode ? ` ${row.statusCode}` : ''}`;
  const saw =
    row.sawName === null && row.sawStatus === null && row.sawNumber === null
      ? 'callee saw nothing'
      : `callee saw ${printable(row.sawName)} ${printable(row.sawStatus)} <${row.sawNumber ?? '?'}>`;
  return [
    `${mark}  ${row.technique.padEnd(28)} ${outcome.padEnd(13)} ${saw}`,
    ...row.evidence.map(
      (e) => `                 ${e.replace(/"(?:[^"\\]|\\.)*"/g, (q) => printable(JSON.parse(q) as string))}`,
    ),
  ];
}

export async function spoofCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    ...COMMON,
    ...CREDENTIALS,
    ...CALLEE_CREDENTIALS,
    ...EXPECTATIONS,
    'other-extension': { type: 'string' },
    only: { type: 'string' },
    list: { type: 'boolean' },
  });
  if (values.help) {
    io.out(SPOOF_USAGE);
    return EXIT.ok;
  }
  if (values.list) {
    for (const t of TECHNIQUES) io.out(`${t.id.padEnd(28)} ${t.description}`);
    return EXIT.ok;
  }
  if (positionals.length) throw new UsageError(`spoof takes no positional arguments (${positionals.join(' ')})`);
  const only = values.only?.split(',').map((s) => s.trim());
  const unknown = only?.filter((id) => !TECHNIQUES.some((t) => t.id === id)) ?? [];
  if (unknown.length) throw new UsageError(`unknown technique(s): ${unknown.join(', ')} (see --list)`);
  const timeoutMs = seconds(values.timeout, 8, '--timeout');
  const caller = await callerAccount(values, io, timeoutMs);
  const callee = await calleeAccount(values, io, caller.account, timeoutMs);
  if (!callee)
    throw new UsageError(
      'spoof needs a callee for the tool to register (--callee-user/--callee-secret or --callee-api-login)',
    );
  const expected = expectations(values, caller.expected, caller.account);
  if (expected.name === undefined || expected.status === undefined) {
    throw new UsageError(
      'spoof needs an expectation: sign the caller in through --api, or give --expect-name and --expect-status',
    );
  }
  const full = { name: expected.name, status: expected.status, num: expected.num ?? caller.account.user };
  if (!values.json) {
    io.out(
      `spoof: ${caller.account.user} → ${callee.account.user}; a callee should see ${printable(full.name)} ${full.status} <${full.num}>`,
    );
  }
  const rows = await runSpoofMatrix(caller.account, callee.account, full, {
    only,
    otherExtension: values['other-extension'],
    timeoutMs,
    log: values.verbose ? io.err : undefined,
    onRow: values.json ? undefined : (row) => describe(row).forEach((l) => io.out(l)),
  });
  const through = rows.filter((r) => r.gotThrough);
  if (values.json) {
    io.out(
      JSON.stringify(
        {
          command: 'spoof',
          ok: through.length === 0,
          caller: describeAccount(caller.account),
          callee: describeAccount(callee.account),
          expected: full,
          rows,
        },
        null,
        2,
      ),
    );
  } else {
    io.out(`${rows.length} technique(s): ${rows.length - through.length} blocked, ${through.length} got through`);
  }
  return through.length === 0 ? EXIT.ok : EXIT.failed;
}
