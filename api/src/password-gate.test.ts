/**
 * An unauthenticated scrypt flood cannot starve the server: over real HTTP,
 * one address's burst of sign-ins is refused past its share, a full queue is
 * refused at once, and meanwhile another person signs in and the page
 * answers. Stale throttle rows are pruned.
 */
import { serve, type ServerType } from '@hono/node-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from './app';
import { createPasswordGate } from './services/password-gate';
import { pruneThrottle, throttleAttempt, SIGN_IN } from './services/throttle';
import { createTestApp, freeTcpPort, signUp, type TestApp } from './testing';

let t: TestApp;
let server: ServerType | undefined;
let base: string;

/** The test app's database and config behind a real listener, with the gate's limits given. */
async function listen(limits: Parameters<typeof createApp>[0]['gateLimits']) {
  const app = createApp({ db: t.db, config: t.config, log: () => {}, ...(limits ? { gateLimits: limits } : {}) });
  const port = await freeTcpPort();
  await new Promise<void>((resolveListen) => {
    server = serve({ fetch: app.public.fetch, hostname: '127.0.0.1', port }, () => resolveListen());
  });
  base = `http://127.0.0.1:${port}`;
}

beforeEach(() => {
  // Behind a proxy that says who the client is: how several addresses are told apart on loopback.
  t = createTestApp({ REALCALL_TRUST_PROXY: 'yes' });
});
afterEach(async () => {
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
  t.close();
});

const signIn = (login: string, password: string, from: string) =>
  fetch(`${base}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
    body: JSON.stringify({ login, password }),
  });

describe('the password gate over real HTTP', () => {
  it("refuses one address's flood past its share, while another person signs in and the page answers", async () => {
    await signUp(t, { login: 'real@corp.test', password: 'the real password' });
    await listen(undefined);
    const flood = Array.from({ length: 32 }, (_, i) =>
      signIn(`random${i}@flood.test`, 'wrong password', '203.0.113.7'),
    );
    const real = signIn('real@corp.test', 'the real password', '198.51.100.20');
    const health = fetch(`${base}/api/health`);
    const [answers, mine, page] = await Promise.all([Promise.all(flood), real, health]);
    expect(mine.status).toBe(200);
    expect(page.status).toBe(200);
    const statuses = answers.map((r) => r.status);
    // Only its share was checked (how many depends on how fast they arrive); the rest were refused without scrypt.
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(30);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(2);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    expect(answers.find((r) => r.status === 429)?.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('refuses at once with 503 and Retry-After when the queue is full, whoever asks', async () => {
    await listen({ concurrency: 1, maxQueue: 3, perAddress: { inFlight: 4, perMinute: 30 } });
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => signIn(`p${i}@corp.test`, 'wrong password', `198.51.100.${i + 1}`)),
    );
    const busy = answers.filter((r) => r.status === 503);
    expect(busy.length).toBeGreaterThan(0);
    expect(await busy[0]!.json()).toMatchObject({ error: { code: 'busy' } });
    expect(busy[0]!.headers.get('retry-after')).toBe('2');
    expect(answers.every((r) => r.status === 401 || r.status === 503)).toBe(true);
  });

  it('limits one address to 30 password checks a minute', async () => {
    await listen({ concurrency: 2, maxQueue: 64, perAddress: { inFlight: 1, perMinute: 30 } });
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++)
      statuses.push((await signIn(`one${i}@corp.test`, 'wrong password', '192.0.2.9')).status);
    expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(30)).toEqual([429, 429]);
  });
});

describe('the gate itself', () => {
  /** Work that finishes only when the test says so. */
  const held = () => {
    let finish!: () => void;
    const done = new Promise<void>((r) => (finish = r));
    return { work: () => done, finish };
  };

  it('runs at most `concurrency` at once, hands each finished slot to the next in line, and caps each address', async () => {
    const gate = createPasswordGate({ concurrency: 2, maxQueue: 10, perAddress: { inFlight: 3, perMinute: 100 } });
    const jobs = Array.from({ length: 3 }, held);
    const runs = jobs.map((j) => gate.run('a', j.work));
    await new Promise((r) => setImmediate(r));
    expect(gate.load()).toEqual({ running: 2, queued: 1 });
    await expect(gate.run('a', () => Promise.resolve())).rejects.toMatchObject({ status: 429 });
    const other = held();
    const fromB = gate.run('b', other.work);
    expect(gate.load()).toEqual({ running: 2, queued: 2 });
    jobs[0]!.finish();
    await runs[0];
    expect(gate.load()).toEqual({ running: 2, queued: 1 });
    for (const j of [...jobs.slice(1), other]) j.finish();
    await Promise.all([...runs, fromB]);
    expect(gate.load()).toEqual({ running: 0, queued: 0 });
  });

  it('refuses with 503 once the queue is full', async () => {
    const gate = createPasswordGate({ concurrency: 1, maxQueue: 1, perAddress: { inFlight: 9, perMinute: 100 } });
    const [one, two] = [held(), held()];
    const runs = [gate.run('a', one.work), gate.run('b', two.work)];
    await expect(gate.run('c', () => Promise.resolve())).rejects.toMatchObject({ status: 503, code: 'busy' });
    one.finish();
    two.finish();
    await Promise.all(runs);
  });
});

describe('throttle rows', () => {
  it('are pruned once their window is over and no lock holds, and kept while a lock does', () => {
    const start = Date.parse('2026-12-01T08:00:00Z');
    throttleAttempt(t.db, 'old@corp.test', start);
    for (let i = 0; i < SIGN_IN.max; i++) throttleAttempt(t.db, 'locked@corp.test', start + SIGN_IN.windowMs);
    throttleAttempt(t.db, 'fresh@corp.test', start + SIGN_IN.windowMs * 2);
    // The second row's lock still holds (it ends at start + 2 windows); the first row's window is long over.
    const pruned = pruneThrottle(t.db, start + SIGN_IN.windowMs * 2 - 1000);
    expect(pruned).toBe(1);
    const left = t.db.$client.prepare('SELECT login FROM login_throttle ORDER BY login').pluck().all();
    expect(left).toEqual(['fresh@corp.test', 'locked@corp.test']);
  });
});
