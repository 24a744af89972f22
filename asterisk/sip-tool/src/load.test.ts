import { afterEach, expect, test } from 'vitest';
import { percentiles, runLoad } from './load';
import { startScriptedPbx, type ScriptedPbx } from './scripted-pbx.test-support';

let pbx: ScriptedPbx | undefined;
afterEach(async () => {
  await pbx?.close();
  pbx = undefined;
});

test('percentiles are nearest-rank', () => {
  const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 … 1, unsorted on purpose
  expect(percentiles(values)).toEqual({ count: 100, p50: 50, p90: 90, p99: 99, max: 100 });
  expect(percentiles([7])).toEqual({ count: 1, p50: 7, p90: 7, p99: 7, max: 7 });
  expect(percentiles([])).toBeUndefined();
});

async function accounts(n: number) {
  const all: Record<string, { secret: string }> = {};
  for (let i = 0; i < n; i++) all[`${2001 + i}`] = { secret: `secret ${i}` };
  pbx = await startScriptedPbx({ accounts: all });
  return Object.entries(all).map(([user, { secret }]) => ({ wsUrl: pbx!.wsUrl, domain: pbx!.domain, user, secret }));
}

test('load register: percentiles over the successes, failures grouped by reason', async () => {
  const good = await accounts(2);
  const bad = { ...good[0]!, secret: 'wrong' };
  const result = await runLoad('register', [...good, bad], { count: 9, concurrency: 4, timeoutMs: 2000 });
  expect(result).toMatchObject({ kind: 'register', count: 9, concurrency: 4, succeeded: 6 });
  expect(result.failures).toEqual([{ reason: '401 Unauthorized', count: 3 }]);
  expect(result.timings.register).toMatchObject({ count: 6 });
  expect(result.timings.register!.p50).toBeLessThanOrEqual(result.timings.register!.max);
  expect(result.timings.connect?.count).toBe(6);
});

test('load call: pairs call each other, one call per pair at a time, timed at both ends', async () => {
  const four = await accounts(4);
  const result = await runLoad('call', four, { count: 6, concurrency: 10, timeoutMs: 2000 });
  expect(result).toMatchObject({ kind: 'call', count: 6, concurrency: 2, succeeded: 6, failures: [] });
  for (const name of ['inviteToCallee', 'inviteToRinging', 'inviteToAnswered'] as const) {
    expect(result.timings[name]).toMatchObject({ count: 6 });
  }
  // The callee gets the INVITE before the caller can hear it ring.
  expect(result.timings.inviteToCallee!.p50).toBeLessThanOrEqual(result.timings.inviteToRinging!.p50);
  // 2001 called 2002 and 2003 called 2004, and nobody else.
  const invites = pbx!.received.filter((m) => m.method === 'INVITE' && m.headers.authorization);
  expect(new Set(invites.map((m) => `${m.headers.from![0]!.match(/sip:(\d+)@/)![1]}→${m.requestUri}`))).toEqual(
    new Set([`2001→sip:2002@${pbx!.domain}`, `2003→sip:2004@${pbx!.domain}`]),
  );
});

test('load call needs a pair', async () => {
  const one = await accounts(1);
  await expect(runLoad('call', one, { count: 1, concurrency: 1, timeoutMs: 1000 })).rejects.toThrow(/at least two/);
});
