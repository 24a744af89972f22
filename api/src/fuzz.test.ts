/**
 * Bad input, generated: thousands of requests to every public and internal
 * route — wrong types, huge bodies, broken UTF-8, wrong content types,
 * missing or wrong secrets, as nobody, a person or an admin — and for each:
 * never a 5xx, a 4xx always carries `{ error: { code, message } }`, and a
 * rejected request leaves the database exactly as it was.
 *
 * (Some refusals write by design, and only what they are meant to: a
 * refused sign-in, a wrong password on DELETE /api/me or POST
 * /api/me/password and a refused SIP rotation count the attempt in
 * `login_throttle`; a wrong login code counts it in `login_codes`. Those
 * tables are left out of the comparison for those routes only.)
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { png } from './images.test-support';
import { openSession, personForSession } from './services/people';
import { createTestApp, makeAdmin, signUp, snapshot, type TestApp } from './testing';

type Who = 'nobody' | 'person' | 'admin';
type Route = { method: string; path: (p: string, id: string) => string; internal?: boolean; body?: 'json' | 'raw' };

const ROUTES: Route[] = [
  { method: 'POST', path: () => '/api/auth/sign-up', body: 'json' },
  { method: 'POST', path: () => '/api/auth/sign-in', body: 'json' },
  { method: 'POST', path: () => '/api/auth/sign-out' },
  { method: 'POST', path: () => '/api/auth/sign-out-everywhere' },
  { method: 'GET', path: () => '/api/me' },
  { method: 'PATCH', path: () => '/api/me', body: 'json' },
  { method: 'DELETE', path: () => '/api/me', body: 'json' },
  { method: 'POST', path: () => '/api/me/password', body: 'json' },
  { method: 'GET', path: () => '/api/me/sip' },
  { method: 'POST', path: () => '/api/me/sip/rotate' },
  { method: 'POST', path: () => '/api/me/login/code' },
  { method: 'POST', path: () => '/api/me/login/confirm', body: 'json' },
  { method: 'GET', path: () => '/api/me/verification' },
  { method: 'POST', path: () => '/api/me/verification', body: 'json' },
  { method: 'PUT', path: () => '/api/me/verification', body: 'json' },
  { method: 'DELETE', path: () => '/api/me/verification' },
  { method: 'GET', path: () => '/api/me/privacy' },
  { method: 'PUT', path: () => '/api/me/privacy', body: 'json' },
  { method: 'GET', path: () => '/api/me/privacy/preview' },
  { method: 'PUT', path: () => '/api/me/avatar', body: 'raw' },
  { method: 'POST', path: () => '/api/me/connection', body: 'json' },
  { method: 'GET', path: (p) => `/api/directory?q=${p}` },
  { method: 'GET', path: (p) => `/api/people/${p}` },
  { method: 'GET', path: (p) => `/api/people/${p}/avatar` },
  { method: 'GET', path: (p) => `/api/admin/verifications?status=${p}&limit=${p}&before=${p}` },
  { method: 'GET', path: (_p, id) => `/api/admin/verifications/${id}` },
  { method: 'POST', path: (_p, id) => `/api/admin/verifications/${id}/approve`, body: 'json' },
  { method: 'POST', path: (_p, id) => `/api/admin/verifications/${id}/reject`, body: 'json' },
  { method: 'POST', path: (_p, id) => `/api/admin/verifications/${id}/revoke`, body: 'json' },
  { method: 'POST', path: () => '/api/admin/verifications/import', body: 'raw' },
  { method: 'GET', path: (p) => `/api/admin/people?q=${p}&limit=${p}` },
  { method: 'POST', path: (_p, id) => `/api/admin/people/${id}/disable`, body: 'json' },
  { method: 'POST', path: (_p, id) => `/api/admin/people/${id}/enable`, body: 'json' },
  { method: 'GET', path: (p) => `/api/admin/audit?limit=${p}&before=${p}` },
  { method: 'GET', path: (p) => `/api/${p}` },
  { method: 'GET', path: (p, id) => `/internal/asterisk/caller-name?caller=${p}&callee=${id}`, internal: true },
  { method: 'POST', path: (p) => `/internal/asterisk/realtime/${p}/single`, internal: true, body: 'raw' },
  { method: 'POST', path: () => '/internal/asterisk/realtime/ps_endpoints/single', internal: true, body: 'raw' },
  { method: 'POST', path: () => '/internal/asterisk/realtime/ps_auths/multi', internal: true, body: 'raw' },
  { method: 'POST', path: () => '/internal/asterisk/realtime/ps_aors/update', internal: true, body: 'raw' },
  { method: 'GET', path: (p) => `/internal/asterisk/${p}`, internal: true },
  { method: 'GET', path: (p) => `/internal/metrics?${p}`, internal: true },
];

/** Text that is hostile in many ways: controls, bidi, quotes, SQL and LIKE wildcards, huge, non-BMP. */
const nasty = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '0',
    '-1',
    '1e309',
    'NaN',
    '%',
    '_',
    "'; DROP TABLE users;--",
    '\u202e',
    '"',
    '\\',
    '../..',
    '张三丰',
    '1001',
    '9'.repeat(400),
    // Look-alike logins: full-width, invisible, bidi, NUL, decomposed, phone numbers three ways.
    'ｚhang@demo.realcall.test',
    'zhang\u200b@demo.realcall.test',
    '\u202egnahz@demo.realcall.test',
    'zh\u0000ang@demo.realcall.test',
    'jose\u0301@demo.realcall.test',
    '+8613800138000',
    '8613800138000',
    '0086 138 0013 8000',
    '张三丰 (verified)',
    `a${'\u0301'.repeat(150)}`,
  ),
  fc.string({ minLength: 5000, maxLength: 20_000 }),
);

const jsonBody = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.record(
    {
      login: nasty,
      password: nasty,
      currentPassword: nasty,
      newPassword: nasty,
      nickname: nasty,
      legalName: nasty,
      idNumber: nasty,
      namePrivacy: fc.oneof(nasty, fc.constantFrom('full', 'masked', 'hidden')),
      reason: nasty,
      code: fc.oneof(nasty, fc.stringMatching(/^[0-9]{6}$/)),
      revokeOther: fc.oneof(fc.boolean(), nasty),
    },
    { requiredKeys: [] },
  ),
);

/** Bytes: valid JSON text, broken UTF-8, a real image, CSV, or garbage, possibly huge. */
const rawBody = fc.oneof(
  jsonBody.map((v) => new TextEncoder().encode(JSON.stringify(v))),
  fc.uint8Array({ maxLength: 2000 }),
  fc.constant(new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])),
  fc.constant(new Uint8Array(png(4, 4))),
  fc.constant(new TextEncoder().encode('login,legal_name,id_number,status\nx@y.test,A,B1234567,verified\n')),
  fc.constant(new Uint8Array(300 * 1024)),
  nasty.map((s) => new TextEncoder().encode(s)),
  // LIKE bodies that once backtracked for minutes, and too many conditions.
  fc.integer({ min: 1, max: 6000 }).map((n) => new TextEncoder().encode(`password_digest%20LIKE=${'%25'.repeat(n)}x`)),
  fc
    .integer({ min: 1, max: 40 })
    .map((n) => new TextEncoder().encode(Array.from({ length: n }, () => 'id%20LIKE=%25').join('&'))),
);

const contentType = fc.constantFrom(
  undefined,
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'text/csv',
  'image/png',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
);

describe('every route, with generated bad input', () => {
  let t: TestApp;
  const cookies: Record<Who, string | undefined> = { nobody: undefined, person: undefined, admin: undefined };
  const ids: Record<Who, number> = { nobody: 0, person: 0, admin: 0 };

  /** Sign-out (or a fuzzed DELETE) may end a session: open a fresh one so every request runs as whom it says. */
  const cookieFor = (who: Who): string | undefined => {
    const cookie = cookies[who];
    if (!cookie || personForSession(t.db, cookie.slice('rc_session='.length), t.clock.now)) return cookie;
    cookies[who] = `rc_session=${openSession(t.db, ids[who], t.clock.now).token}`;
    return cookies[who];
  };

  beforeAll(async () => {
    t = createTestApp();
    const admin = await signUp(t, { login: 'fuzz-admin@example.test' });
    makeAdmin(t.db, admin.me.id);
    cookies.admin = admin.cookie;
    ids.admin = admin.me.id;
    const person = await signUp(t, { login: 'fuzz-person@example.test' });
    cookies.person = person.cookie;
    ids.person = person.me.id;
  });
  afterAll(() => t.close());

  it('never answers 5xx, always explains a 4xx, and changes nothing when it refuses', async () => {
    let requests = 0;
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        fc.constantFrom<Who>('nobody', 'person', 'admin'),
        nasty,
        fc.oneof(nasty, fc.integer({ min: -5, max: 50 }).map(String)),
        fc.oneof(
          jsonBody.map((v) => ({ kind: 'json' as const, v })),
          rawBody.map((v) => ({ kind: 'raw' as const, v })),
        ),
        contentType,
        fc.constantFrom('right', 'wrong', 'missing', 'basic'),
        async (route, who, param, id, body, type, secret) => {
          requests += 1;
          const headers: Record<string, string> = {};
          const cookie = cookieFor(who);
          if (cookie) headers.cookie = cookie;
          if (type) headers['content-type'] = type;
          if (route.internal) {
            if (secret === 'right') headers['x-realcall-secret'] = t.config.internalSecret;
            if (secret === 'wrong') headers['x-realcall-secret'] = 'not-the-secret';
            if (secret === 'basic')
              headers.authorization = `Basic ${Buffer.from(`asterisk:${t.config.internalSecret}`).toString('base64')}`;
          }
          const path = route.path(encodeURIComponent(param), encodeURIComponent(id));
          const payload =
            route.method === 'GET' ? undefined : body.kind === 'json' ? JSON.stringify(body.v) : (body.v as Uint8Array);
          const before = snapshot(t.db);
          const app = route.internal ? t.internal : t.public;
          const res = await app.request(path, { method: route.method, headers, body: payload });
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          const text = await res.text();
          expect(res.status, `${route.method} ${path}`).toBeLessThan(500);
          if (res.status >= 400) {
            const parsed = JSON.parse(text) as { error: { code: unknown; message: unknown } };
            expect(typeof parsed.error.code).toBe('string');
            expect(typeof parsed.error.message).toBe('string');
            const after = snapshot(t.db);
            if (
              ['/api/auth/sign-in', '/api/me/sip/rotate', '/api/me/password'].includes(path) ||
              (path === '/api/me' && route.method === 'DELETE')
            ) {
              delete before.login_throttle;
              delete after.login_throttle;
            }
            if (path === '/api/me/login/confirm') {
              delete before.login_codes;
              delete after.login_codes;
            }
            expect(after, `${route.method} ${path} → ${res.status} wrote to the database`).toEqual(before);
          }
        },
      ),
      { numRuns: 2500 },
    );
    console.log(
      `[fuzz] ${requests} requests; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`,
    );
    // The run is only worth something if requests got through as well as being refused.
    expect(requests).toBe(2500);
    expect([...statuses.keys()].some((s) => s < 300)).toBe(true);
    expect([...statuses.keys()].filter((s) => s >= 400).length).toBeGreaterThan(4);
  }, 180_000);
});
