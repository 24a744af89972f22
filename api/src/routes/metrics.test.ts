/**
 * GET /internal/metrics through the real app on a real SQLite file: what
 * it refuses, and that what it reports is exactly what happened.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../app';
import { parseExposition, sampleValue, type Family } from '../prometheus.test-support';
import { createAmiPbx } from '../services/ami';
import { call, createTestApp, freeTcpPort, signUp, type TestApp } from '../testing';

let t: TestApp;
beforeEach(() => {
  t = createTestApp();
});
afterEach(() => t.close());

const secret = () => ({ 'x-realcall-secret': t.config.internalSecret });

/** Scrapes the internal listener and reads the answer strictly. */
async function scrape(app: Pick<TestApp, 'internal'> = t): Promise<Map<string, Family>> {
  const res = await app.internal.request('/internal/metrics', { headers: secret() });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return parseExposition(await res.text());
}

const requests = (families: Map<string, Family>) => families.get('realcall_http_requests_total')?.samples ?? [];

describe('GET /internal/metrics', () => {
  it('is refused without the shared secret, as everything on the internal listener is', async () => {
    const refusals: Record<string, string>[] = [
      {},
      { 'x-realcall-secret': 'wrong' },
      { authorization: 'Basic cHJvbWV0aGV1czp4' },
    ];
    for (const headers of refusals) {
      const res = await t.internal.request('/internal/metrics', { headers });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    }
    // Not on the public listener at all (there it is just a path the web softphone does not have).
    const pub = await call(t, 'GET', '/internal/metrics', { headers: secret() });
    expect(pub.status).not.toBe(200);
    expect(String(pub.body)).not.toContain('realcall_');
    const basic = `Basic ${Buffer.from(`asterisk:${t.config.internalSecret}`).toString('base64')}`;
    expect((await t.internal.request('/internal/metrics', { headers: { authorization: basic } })).status).toBe(200);
  });

  it('counts lookups exactly, by route pattern and status, and times each one', async () => {
    const caller = await signUp(t, { nickname: 'Caller' });
    const callee = await signUp(t, { nickname: 'Callee' });
    const lookup = (from: string) =>
      t.internal.request(`/internal/asterisk/caller-name?caller=${from}&callee=${callee.me.extension}`, {
        headers: secret(),
      });
    expect((await lookup(caller.me.extension)).status).toBe(200);
    expect((await lookup(caller.me.extension)).status).toBe(200);
    expect((await lookup('4099999')).status).toBe(404);
    // Refused before any lookup: counted as a request, not timed.
    expect((await lookup('no%20spaces')).status).toBe(400);
    const realtime = await t.internal.request('/internal/asterisk/realtime/ps_auths/single', {
      method: 'POST',
      headers: { ...secret(), 'content-type': 'application/x-www-form-urlencoded' },
      body: `id=${caller.me.extension}`,
    });
    expect(realtime.status).toBe(200);
    const people = await call(t, 'GET', `/api/people/${callee.me.extension}`, { cookie: caller.cookie });
    expect(people.status).toBe(200);

    const m = await scrape();
    const route = '/internal/asterisk/caller-name';
    const counted = (labels: Record<string, string>) => sampleValue(m, 'realcall_http_requests_total', labels);
    expect(counted({ listener: 'internal', route, method: 'GET', status: '200' })).toBe(2);
    expect(counted({ listener: 'internal', route, method: 'GET', status: '404' })).toBe(1);
    expect(counted({ listener: 'internal', route, method: 'GET', status: '400' })).toBe(1);
    expect(counted({ listener: 'internal', route: '/internal/asterisk/realtime/:family/single', status: '200' })).toBe(
      1,
    );
    expect(counted({ listener: 'public', route: '/api/people/:extension', method: 'GET', status: '200' })).toBe(1);
    expect(counted({ listener: 'public', route: '/api/auth/sign-up', method: 'POST', status: '201' })).toBe(2);
    // Patterns only: no extension, query or other raw path in any label.
    for (const s of requests(m)) expect(s.labels.route).not.toMatch(/\d{4}|\?/);

    expect(sampleValue(m, 'realcall_caller_name_lookup_seconds_count')).toBe(3);
    expect(sampleValue(m, 'realcall_caller_name_lookup_seconds_bucket', { le: '+Inf' })).toBe(3);
    const sum = sampleValue(m, 'realcall_caller_name_lookup_seconds_sum');
    expect(sum).toBeGreaterThan(0);
    expect(sum).toBeLessThan(1);
    expect(sampleValue(m, 'realcall_realtime_lookup_seconds_count', { family: 'ps_auths', kind: 'single' })).toBe(1);
    expect(sampleValue(m, 'realcall_realtime_lookup_seconds_count', { family: 'ps_aors', kind: 'single' })).toBe(0);
  });

  it('keeps one series for any number of unknown paths: a flood of made-up paths grows nothing', async () => {
    const before = requests(await scrape()).length;
    for (let i = 0; i < 1000; i++) {
      const path = `/internal/${Math.random().toString(36).slice(2)}/${i}?x=${i}`;
      expect((await t.internal.request(path, { headers: secret() })).status).toBe(404);
    }
    const m = await scrape();
    // One new series for all of them (and one for the first scrape itself).
    expect(requests(m).length).toBeLessThanOrEqual(before + 2);
    expect(sampleValue(m, 'realcall_http_requests_total', { route: 'unmatched', status: '404' })).toBe(1000);
    expect(sampleValue(m, 'realcall_http_requests_total', { route: '/internal/metrics', status: '200' })).toBe(1);
    // Methods are bounded too.
    await t.internal.request('/internal/health', { method: 'BREW', headers: secret() });
    expect(requests(await scrape()).some((s) => s.labels.method === 'OTHER')).toBe(true);
  });

  it("reports the PBX outbox: rows a real change left while AMI is unreachable, and the oldest one's age", async () => {
    expect(sampleValue(await scrape(), 'realcall_ami_outbox_rows')).toBe(0);
    expect(sampleValue(await scrape(), 'realcall_ami_outbox_oldest_seconds')).toBe(0);
    // The app as the server builds it with AMI configured, pointed at a port where nothing listens.
    const pbx = createAmiPbx(
      t.db,
      { host: '127.0.0.1', port: await freeTcpPort(), user: 'realcall', secret: 'x' },
      () => {},
    );
    try {
      const app = { ...t, ...createApp({ db: t.db, config: t.config, pbx, log: () => {} }) };
      const person = await signUp(app, { nickname: 'Before' });
      expect((await call(app, 'PATCH', '/api/me', { cookie: person.cookie, body: { nickname: 'After' } })).status).toBe(
        200,
      );
      let m = await scrape(app);
      expect(sampleValue(m, 'realcall_ami_outbox_rows')).toBe(1);
      expect(sampleValue(m, 'realcall_ami_outbox_oldest_seconds')).toBeLessThan(5);
      // A change that has waited a minute and a half shows as such.
      t.db.$client.prepare('UPDATE pbx_outbox SET created_at = created_at - 90000').run();
      m = await scrape(app);
      expect(sampleValue(m, 'realcall_ami_outbox_oldest_seconds')).toBeGreaterThanOrEqual(90);
      expect(sampleValue(m, 'realcall_ami_outbox_oldest_seconds')).toBeLessThan(95);
    } finally {
      pbx.close();
    }
  });

  it('reports the process, the database file and how late the event loop runs', async () => {
    await signUp(t);
    let m = await scrape();
    expect(sampleValue(m, 'process_resident_memory_bytes')).toBeGreaterThan(10 * 1024 * 1024);
    expect(sampleValue(m, 'nodejs_heap_used_bytes')).toBeGreaterThan(1024 * 1024);
    expect(sampleValue(m, 'process_open_fds')).toBeGreaterThan(3);
    // WAL mode: the sign-up's write is in the -wal file next to the database.
    expect(sampleValue(m, 'realcall_sqlite_wal_bytes')).toBeGreaterThan(0);
    // The first scrape starts the measurement.
    expect(sampleValue(m, 'realcall_event_loop_delay_seconds', { quantile: '0.99' })).toBeNaN();
    await new Promise((r) => setTimeout(r, 100));
    const blockedUntil = Date.now() + 250;
    while (Date.now() < blockedUntil) {
      // A handler that hogs the loop for 250 ms.
    }
    await new Promise((r) => setTimeout(r, 100));
    m = await scrape();
    // (Bounds generous enough for a machine busy with other work.)
    expect(sampleValue(m, 'realcall_event_loop_delay_seconds', { quantile: '0.5' })).toBeLessThan(0.15);
    expect(sampleValue(m, 'realcall_event_loop_delay_seconds', { quantile: '1' })).toBeGreaterThan(0.2);
    expect(sampleValue(m, 'realcall_event_loop_delay_seconds_count')).toBeGreaterThan(3);
    // Each scrape starts a new window: the block is not in the next one.
    await new Promise((r) => setTimeout(r, 100));
    expect(sampleValue(await scrape(), 'realcall_event_loop_delay_seconds', { quantile: '1' })).toBeLessThan(0.2);
  });
});
