/**
 * How long a disable takes to reach a real Asterisk (the person's cached
 * endpoint, auth and AOR expired over AMI, their calls hung up), with an
 * empty outbox and with 10,000 routine expiries queued ahead of it — the
 * flood one account could once cause with secret rotations. Alternating
 * rounds in the same run; the goal is ≤ 1 s with the queue full.
 */
import { findAsterisk } from '../asterisk/pbx.mjs';
import { startStack, type Stack } from '../asterisk/tests/stack';
import { makeAdmin } from '../api/src/testing';
import { ms, ratio, table, type Section } from './report';

type Answer = {
  status: number;
  body: { me: { id: number; extension: string } } | undefined;
  cookie: string | undefined;
};

async function json(stack: Stack, path: string, body: unknown, cookie?: string): Promise<Answer> {
  const res = await fetch(`${stack.api.publicUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: text ? (JSON.parse(text) as Answer['body']) : undefined,
    cookie: /rc_session=[^;]+/.exec(res.headers.get('set-cookie') ?? '')?.[0],
  };
}

export async function runRevocationBench(quick: boolean): Promise<Section> {
  const title = 'Revocation: a disable reaching the PBX, with and without 10,000 routine expiries queued';
  const bin = findAsterisk(process.env);
  if (!bin) return { title, lines: ['skipped: no Asterisk binary (set ASTERISK_BIN or put asterisk on PATH)'] };
  const stack = await startStack(bin);
  try {
    const admin = await json(stack, '/api/auth/sign-up', {
      login: 'bench-admin@pbx.test',
      password: 'correct horse battery',
      nickname: 'Admin',
    });
    makeAdmin(stack.api.db, admin.body!.me.id);
    const sql = stack.api.db.$client;
    const pending = sql.prepare('SELECT count(*) FROM pbx_outbox WHERE extension = ?').pluck();
    const queue = (n: number) =>
      sql.transaction(() => {
        const insert = sql.prepare('INSERT INTO pbx_outbox (extension, hang_up, next_attempt_at) VALUES (?, 0, ?)');
        const now = Date.now();
        for (let i = 0; i < n; i++) insert.run(String(900000 + i), now);
      })();
    const rounds = quick ? 3 : 7;
    const samples: Record<'empty' | 'queued', number[]> = { empty: [], queued: [] };
    let n = 0;
    for (let round = 0; round < rounds; round++) {
      for (const variant of ['empty', 'queued'] as const) {
        sql.prepare('DELETE FROM pbx_outbox').run();
        if (variant === 'queued') queue(10_000);
        n += 1;
        const person = await json(stack, '/api/auth/sign-up', {
          login: `revoked${n}@pbx.test`,
          password: 'correct horse battery',
          nickname: `R${n}`,
        });
        const ext = person.body!.me.extension;
        await stack.cli(`pjsip show endpoint ${ext}`); // cached, as a registered person's is
        const started = performance.now();
        const res = await json(
          stack,
          `/api/admin/people/${person.body!.me.id}/disable`,
          { reason: 'bench' },
          admin.cookie,
        );
        if (res.status !== 204) throw new Error(`disable failed: ${res.status}`);
        while ((pending.get(ext) as number) > 0) await new Promise((r) => setTimeout(r, 1));
        samples[variant].push(performance.now() - started);
      }
    }
    sql.prepare('DELETE FROM pbx_outbox').run();
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const max = (xs: number[]) => Math.max(...xs);
    const [empty, queued] = [median(samples.empty), median(samples.queued)];
    return {
      title,
      lines: [
        `${rounds} alternating rounds; from the disable's 204 to its outbox row carried out (three cache expiries and a hang-up over AMI) on a real Asterisk.`,
        '',
        ...table(
          ['outbox ahead of the disable', 'p50 ms', 'max ms'],
          [
            ['empty', ms(empty), ms(max(samples.empty))],
            ['10,000 routine expiries', ms(queued), ms(max(samples.queued))],
          ],
        ),
        '',
        `With the queue full a disable takes ${ratio(queued, empty)} the time it takes with none (${ms(queued)} ms; goal ≤ 1000 ms).`,
      ],
    };
  } finally {
    await stack.stop();
  }
}
