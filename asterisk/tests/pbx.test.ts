/**
 * A real Asterisk with the project's config, against the real API. Runs when
 * an Asterisk binary is found; otherwise prints one line and skips.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExposition, sampleValue } from '../../api/src/prometheus.test-support';
import { call, makeAdmin } from '../../api/src/testing';
import { asteriskOrSkip, startStack, type Stack } from './stack';

const bin = asteriskOrSkip('asterisk: pbx');

/** A JSON request to the stack's real public listener. */
async function http(stack: Stack, method: string, path: string, body?: unknown, cookie?: string) {
  const res = await fetch(`${stack.api.publicUrl}${path}`, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(cookie ? { cookie } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return {
    status: res.status,
    body: text ? JSON.parse(text) : undefined,
    cookie: /rc_session=[^;]+/.exec(res.headers.get('set-cookie') ?? '')?.[0],
  };
}
void call;

describe.skipIf(!bin)('Asterisk with RealCall config', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack(bin!);
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  }, 30_000);

  const signUp = (login: string, nickname: string) =>
    http(stack, 'POST', '/api/auth/sign-up', { login, password: 'correct horse battery', nickname });

  it('has no recorder, spy or audio exporter at runtime', async () => {
    for (const app of [
      'MixMonitor',
      'ChanSpy',
      'ExtenSpy',
      'Record',
      'VoiceMail',
      'Monitor',
      'AudioSocket',
      'Dictate',
    ]) {
      const out = await stack.cli(`core show application ${app}`);
      expect(out, app).toMatch(/not registered/i);
    }
    for (const fn of ['MIXMONITOR', 'AUDIOHOOK_INHERIT']) {
      expect(await stack.cli(`core show function ${fn}`), fn).toMatch(/No function by that name registered/i);
    }
    expect(await stack.cli('manager show command MixMonitor')).not.toMatch(/Action: MixMonitor/);
    expect(await stack.cli('module show like mixmonitor')).toMatch(/0 modules loaded/);
    expect(await stack.cli('module show like voicemail')).toMatch(/0 modules loaded/);
    expect(await stack.cli('cdr show status')).toMatch(/Logging:\s+Disabled/);
  });

  it('keeps its listeners on loopback', async () => {
    expect(await stack.cli('http show status')).toMatch(/Bound to 127\.0\.0\.1:/);
    expect(await stack.cli('manager show settings')).toMatch(/127\.0\.0\.1/);
    expect(await stack.cli('pjsip show transports')).toMatch(/udp-loopback\s+udp\s+\d+\s+\d+\s+127\.0\.0\.1:/);
  });

  it('serves Prometheus its metrics on the WebSocket’s HTTP server, only with the Basic auth it was given', async () => {
    const { url, user, password } = stack.metrics;
    const basic = (u: string, p: string) => ({ authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });
    for (const headers of [{}, basic(user, `${password}x`), basic('asterisk', password)]) {
      const refused = await fetch(url, { headers });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toMatch(/^Basic realm="RealCall PBX metrics"/);
      expect(await refused.text()).not.toContain('asterisk_');
    }
    const res = await fetch(url, { headers: basic(user, password) });
    expect(res.status).toBe(200);
    const families = parseExposition(await res.text());
    expect(sampleValue(families, 'asterisk_core_uptime_seconds')).toBeGreaterThanOrEqual(0);
    expect(families.get('asterisk_core_properties')?.samples.map((s) => s.labels.version)).toEqual([
      expect.stringMatching(/^22\./),
    ]);
    expect(sampleValue(families, 'asterisk_channels_count')).toBeGreaterThanOrEqual(0);
    expect(sampleValue(families, 'asterisk_calls_count')).toBeGreaterThanOrEqual(0);
    expect(sampleValue(families, 'asterisk_endpoints_count')).toBeGreaterThanOrEqual(0);
    expect(await stack.cli('module show like prometheus')).toMatch(/res_prometheus\.so\s.*Running/);
  });

  it('serves a person created through the API as a WebRTC endpoint at once, with identity options off', async () => {
    const p = await http(stack, 'POST', '/api/auth/sign-up', {
      login: 'rt@example.test',
      password: 'correct horse battery',
      nickname: 'RT',
    });
    expect(p.status).toBe(201);
    const ext = p.body.me.extension as string;
    const shown = await stack.cli(`pjsip show endpoint ${ext}`);
    for (const line of [
      /webrtc\s+:\s+yes/,
      /media_encryption\s+:\s+dtls/,
      /ice_support\s+:\s+true/,
      /use_avpf\s+:\s+true/,
      /rtcp_mux\s+:\s+true/,
      /direct_media\s+:\s+false/,
      /moh_passthrough\s+:\s+true/,
      /trust_id_inbound\s+:\s+false/,
      /send_pai\s+:\s+false/,
      /send_rpid\s+:\s+false/,
      /send_diversion\s+:\s+false/,
      /dtmf_mode\s+:\s+rfc4733/,
      /allow\s+:\s+\(opus\|ulaw\)/,
      /context\s+:\s+realcall-users/,
      /from_domain\s+:\s+realcall\.test/,
    ]) {
      expect(shown).toMatch(line);
    }
    const auth = await stack.cli(`pjsip show auth ${ext}`);
    expect(auth).toMatch(/password_digest\s+:\s+MD5:[0-9a-f]{32}/);
    expect(auth).not.toMatch(/^\s*password[ \t]+:[ \t]*\S/m);
  });

  it('forgets a disabled person at once over AMI: cache expired, endpoint gone', async () => {
    const admin = await signUp('boss@example.test', 'Boss');
    makeAdmin(stack.api.db, admin.body.me.id);
    const p = await signUp('gone@example.test', 'Gone');
    const ext = p.body.me.extension as string;
    expect(await stack.cli(`pjsip show endpoint ${ext}`)).toMatch(new RegExp(`Endpoint:\\s+${ext}`));
    expect(await stack.cli('sorcery memory cache dump res_pjsip/endpoint')).toMatch(new RegExp(`\\b${ext}\\b`));
    const disabled = await http(
      stack,
      'POST',
      `/api/admin/people/${p.body.me.id}/disable`,
      { reason: 'test' },
      admin.cookie,
    );
    expect(disabled.status).toBe(204);
    await stack.api.pbx.flush();
    expect(await stack.cli('sorcery memory cache dump res_pjsip/endpoint')).not.toMatch(new RegExp(`\\b${ext}\\b`));
    expect(await stack.cli(`pjsip show endpoint ${ext}`)).toMatch(/Unable to find object/);
  });

  it('lets nothing delay a disable: with 10,000 routine expiries queued it reaches the PBX ahead of them', async () => {
    const admin = await signUp('boss2@example.test', 'Boss');
    makeAdmin(stack.api.db, admin.body.me.id);
    const p = await signUp('revoked@example.test', 'Revoked');
    const ext = p.body.me.extension as string;
    expect(await stack.cli(`pjsip show endpoint ${ext}`)).toMatch(new RegExp(`Endpoint:\\s+${ext}`));
    // 10,000 routine rows (as rotations by many people would leave), due now, queued first.
    const sql = stack.api.db.$client;
    const now = Date.now();
    sql.transaction(() => {
      const insert = sql.prepare('INSERT INTO pbx_outbox (extension, hang_up, next_attempt_at) VALUES (?, 0, ?)');
      for (let i = 0; i < 10_000; i++) insert.run(String(900000 + i), now);
    })();
    const disabled = await http(
      stack,
      'POST',
      `/api/admin/people/${p.body.me.id}/disable`,
      { reason: 'test' },
      admin.cookie,
    );
    expect(disabled.status).toBe(204);
    const pending = sql.prepare('SELECT count(*) FROM pbx_outbox WHERE extension = ?').pluck();
    const routineLeft = sql.prepare('SELECT count(*) FROM pbx_outbox WHERE hang_up = 0').pluck();
    while ((pending.get(ext) as number) > 0) await new Promise((r) => setTimeout(r, 5));
    // The disable was carried out while nearly all the routine rows still waited.
    expect(routineLeft.get() as number).toBeGreaterThan(9_000);
    expect(await stack.cli('sorcery memory cache dump res_pjsip/endpoint')).not.toMatch(new RegExp(`\\b${ext}\\b`));
    expect(await stack.cli(`pjsip show endpoint ${ext}`)).toMatch(/Unable to find object/);
    // Leave the PBX as the other tests expect it.
    sql.prepare('DELETE FROM pbx_outbox WHERE hang_up = 0').run();
  }, 60_000);
});
