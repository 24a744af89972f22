/**
 * Who may do what, checked across every route: a person reaches only their
 * own data (there is no route that takes another person's id outside
 * /api/admin), a non-admin reaches no admin route, every state-changing
 * route refuses a cross-site request, and the session cookie carries the
 * right flags.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, createTestApp, makeAdmin, signUp, snapshot, type TestApp } from './testing';

let t: TestApp;
beforeEach(() => {
  t = createTestApp({
    NODE_ENV: 'production',
    REALCALL_COOKIE_SECURE: 'true',
    // Production requires PBX control; these tests record what the PBX is asked instead.
    REALCALL_AMI_URL: 'tcp://127.0.0.1:9',
    REALCALL_AMI_USER: 'realcall',
    REALCALL_AMI_SECRET: 'Zt5Qw8Er2Ty7Ui1Op4As6Df9Gh3Jk0Lz',
  });
});
afterEach(() => t.close());

/** Every route that changes something, with a body that would be accepted. */
const WRITES: [string, string, unknown][] = [
  ['POST', '/api/auth/sign-up', { login: 'new@example.test', password: 'correct horse battery', nickname: 'New' }],
  ['POST', '/api/auth/sign-in', { login: 'a@example.test', password: 'a password here' }],
  ['POST', '/api/auth/sign-out', undefined],
  ['POST', '/api/auth/sign-out-everywhere', undefined],
  ['PATCH', '/api/me', { nickname: 'Changed' }],
  ['DELETE', '/api/me', { password: 'a password here' }],
  ['POST', '/api/me/password', { currentPassword: 'a password here', newPassword: 'another password here' }],
  ['POST', '/api/me/sip/rotate', undefined],
  ['POST', '/api/me/verification', { legalName: '张三', idNumber: 'X1234567' }],
  ['PUT', '/api/me/verification', { legalName: '张三', idNumber: 'X1234567' }],
  ['DELETE', '/api/me/verification', undefined],
  ['PUT', '/api/me/privacy', { namePrivacy: 'full' }],
  ['POST', '/api/me/connection', { state: 'reconnecting' }],
  ['DELETE', '/api/me/avatar', undefined],
  ['POST', '/api/admin/verifications/1/approve', {}],
  ['POST', '/api/admin/people/2/disable', { reason: 'x' }],
];

describe('each person reaches only their own data', () => {
  it('gives each person their own SIP secret, verification and preview, whatever they send', async () => {
    const a = await signUp(t, { login: 'a@example.test', password: 'a password here', nickname: 'A' });
    const b = await signUp(t, { login: 'b@example.test', nickname: 'B' });
    await call(t, 'POST', '/api/me/verification', {
      cookie: b.cookie,
      body: { legalName: '李四', idNumber: 'B1234567' },
    });
    // Query strings and extra ids are ignored: /api/me is always the caller.
    const sip = await call(t, 'GET', `/api/me/sip?user=${b.me.extension}&id=${b.me.id}`, { cookie: a.cookie });
    expect(sip.body.authUser).toBe(a.me.extension);
    const verification = await call(t, 'GET', `/api/me/verification?id=${b.me.id}`, { cookie: a.cookie });
    expect(verification.body.verification).toEqual({ status: 'none' });
    const preview = await call(t, 'GET', '/api/me/privacy/preview', { cookie: a.cookie });
    expect(preview.body.preview.options.full.num).toBe(a.me.extension);
    // The directory never shows a legal name, nor a login.
    const found = await call(t, 'GET', `/api/directory?q=${b.me.extension}`, { cookie: a.cookie });
    expect(JSON.stringify(found.body)).not.toMatch(/李四|b@example/);
  });

  it('does not let a person decide their own verification or disable anyone', async () => {
    const a = await signUp(t);
    const b = await signUp(t);
    await call(t, 'POST', '/api/me/verification', {
      cookie: a.cookie,
      body: { legalName: '张三', idNumber: 'A1234567' },
    });
    const before = snapshot(t.db);
    expect((await call(t, 'POST', '/api/admin/verifications/1/approve', { cookie: a.cookie, body: {} })).status).toBe(
      403,
    );
    expect(
      (await call(t, 'POST', `/api/admin/people/${b.me.id}/disable`, { cookie: a.cookie, body: { reason: 'x' } }))
        .status,
    ).toBe(403);
    expect((await call(t, 'GET', '/api/admin/verifications', { cookie: a.cookie })).status).toBe(403);
    expect(snapshot(t.db)).toEqual(before);
  });

  it('forgets a session token it never issued, even a well-formed one', async () => {
    expect((await call(t, 'GET', '/api/me', { cookie: `rc_session=${'A'.repeat(43)}` })).status).toBe(401);
    expect((await call(t, 'GET', '/api/me', { cookie: 'rc_session=../../etc/passwd' })).status).toBe(401);
  });
});

describe('the session cookie', () => {
  it('is httpOnly, SameSite=Strict, Secure in production, on the whole site, and expires', async () => {
    const res = await call(t, 'POST', '/api/auth/sign-up', {
      body: { login: 'c@example.test', password: 'correct horse battery', nickname: 'C' },
    });
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).toMatch(/Expires=/);
  });
});

describe('cross-site requests', () => {
  it.each(WRITES)('refuse %s %s from another site, writing nothing', async (method, path, body) => {
    const admin = await signUp(t, { login: 'a@example.test', password: 'a password here' });
    makeAdmin(t.db, admin.me.id);
    await signUp(t);
    const before = snapshot(t.db);
    const attempts: Record<string, string>[] = [
      { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      { origin: 'https://evil.example' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
    ];
    for (const headers of attempts) {
      const res = await call(t, method, path, { cookie: admin.cookie, body, headers });
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(res.body.error.code).toBe('cross_site');
    }
    expect(snapshot(t.db)).toEqual(before);
  });

  it('answer no CORS preflight: a browser on another site cannot even send JSON', async () => {
    const res = await t.public.request('/api/me/privacy', {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'PUT' },
    });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('send the security headers on every answer', async () => {
    const res = await t.public.request('/api/health');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });
});
