/**
 * Call setup through a real Asterisk with the project's dialplan, against
 * the same dialplan with the caller-name lookup replaced by a constant: what
 * the per-call HTTP lookup costs on the wire. Alternating rounds, same run.
 * The SIP test tool drives the calls (sip.js over WebSocket, callee agents
 * in-process); times include the digest challenge round trip.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findAsterisk } from '../asterisk/pbx.mjs';
import { accountFromApi, runLoad, type SipAccount } from '../asterisk/sip-tool/src';
import { startStack, type Stack } from '../asterisk/tests/stack';
import { ms, table, type Section } from './report';

const LOOKUP_LINE = /^ same => n,Set\(HASH\(rc\)=\$\{CURL\(.*$/m;

async function accounts(stack: Stack, n: number): Promise<SipAccount[]> {
  const out: SipAccount[] = [];
  for (let i = 0; i < n; i++) {
    const login = `bench${i}@pbx.test`;
    const res = await fetch(`${stack.api.publicUrl}/api/auth/sign-up`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login, password: 'correct horse battery', nickname: `Bench ${i}` }),
    });
    if (res.status !== 201) throw new Error(`sign-up failed: ${res.status}`);
    out.push((await accountFromApi(stack.api.publicUrl, login, 'correct horse battery')).account);
  }
  return out;
}

export async function runPbxBench(quick: boolean): Promise<Section> {
  const bin = findAsterisk(process.env);
  const title = 'PBX: call setup with the caller-name lookup, and with a constant';
  if (!bin) return { title, lines: ['skipped: no Asterisk binary (set ASTERISK_BIN or put asterisk on PATH)'] };
  const stack = await startStack(bin, { apiProcess: true });
  try {
    const people = await accounts(stack, 8);
    const dialplanFile = join(stack.dir, 'pbx', 'etc', 'extensions.conf');
    const withLookup = readFileSync(dialplanFile, 'utf8');
    if (!LOOKUP_LINE.test(withLookup)) throw new Error('cannot find the lookup line in extensions.conf');
    // The same dialplan, the HTTP lookup swapped for the answer it would give.
    const constant = withLookup.replace(
      LOOKUP_LINE,
      [
        ' same => n,Set(HASH(rc,status)=verified)',
        ' same => n,Set(HASH(rc,name)=Bench)',
        ' same => n,Set(HASH(rc,num)=${CALLER})',
      ].join('\n'),
    );
    const use = async (text: string) => {
      writeFileSync(dialplanFile, text);
      await stack.cli('dialplan reload');
    };
    const count = quick ? 60 : 300;
    // One call at a time: what is measured is the PBX's path, not queueing in the load generator.
    const options = { count, concurrency: 1, timeoutMs: 8000 };
    await runLoad('call', people, { ...options, count: 20 }); // warm caches
    const rounds: { variant: string; result: Awaited<ReturnType<typeof runLoad>> }[] = [];
    for (const variant of ['lookup', 'constant', 'lookup', 'constant', 'lookup', 'constant']) {
      await use(variant === 'lookup' ? withLookup : constant);
      rounds.push({ variant, result: await runLoad('call', people, options) });
    }
    const rows = rounds.map(({ variant, result }) => {
      const callee = result.timings.inviteToCallee!;
      const ringing = result.timings.inviteToRinging!;
      return [
        variant,
        `${result.succeeded}/${result.count}`,
        ms(callee.p50),
        ms(callee.p90),
        ms(callee.p99),
        ms(ringing.p50),
        ms(ringing.p99),
      ];
    });
    const median = (variant: string) => {
      const p50s = rounds.filter((r) => r.variant === variant).map((r) => r.result.timings.inviteToCallee!.p50);
      return p50s.reduce((a, b) => a + b, 0) / p50s.length;
    };
    const added = median('lookup') - median('constant');
    return {
      title,
      lines: [
        `${count} calls per round, one at a time, alternating rounds; a real Asterisk with the project's config, the API on loopback.`,
        '',
        ...table(['dialplan', 'calls', 'INVITE→callee p50', 'p90', 'p99', 'INVITE→180 p50', 'p99'], rows),
        '',
        `The lookup adds ${ms(added)} ms at the median (INVITE → INVITE at the callee), goal < 2 ms.`,
      ],
    };
  } finally {
    await stack.stop();
  }
}
