import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, cookieFrom, createTestApp, signUp, snapshot, type TestApp } from '../testing';
import { MAX_ATTEMPTS } from '../services/throttle';

let t: TestApp;
beforeEach(() => {
  t = createTestApp();
});
afterEach(() => t.close());

describe('POST /api/auth/sign-up', () => {
  it('creates a person with an extension, signs them in, and stores no plain password', async () => {
    const res = await call(t, 'POST', '/api/auth/sign-up', {
      body: { login: ' Alice@Example.TEST ', password: 'correct horse battery', nickname: ' 小爱 ' },
    });
    expect(res.status).toBe(201);
    expect(res.body.me).toMatchObject({
      login: 'alice@example.test',
      nickname: '小爱',
      role: 'user',
      extension: '1001',
      namePrivacy: 'masked',
      verificationStatus: 'none',
      hasAvatar: false,
    });
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/rc_session=[\w-]{43}/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const rows = snapshot(t.db);
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain('correct horse battery');
    expect((rows.users?.[0] as { password_hash: string }).password_hash).toMatch(/^scrypt\$14\$8\$1\$/);
    // The session is stored only as a hash of the cookie's token.
    expect(stored).not.toContain(cookieFrom(res.headers).slice('rc_session='.length));

    const me = await call(t, 'GET', '/api/me', { cookie: cookieFrom(res.headers) });
    expect(me.status).toBe(200);
    expect(me.body.me.extension).toBe('1001');
  });

  it('gives each person the next extension', async () => {
    const a = await signUp(t);
    const b = await signUp(t);
    expect([a.me.extension, b.me.extension]).toEqual(['1001', '1002']);
  });

  it('accepts a phone number as login, normalised', async () => {
    const res = await call(t, 'POST', '/api/auth/sign-up', {
      body: { login: '+86 138-0013-8000', password: 'correct horse battery', nickname: 'Phone' },
    });
    expect(res.status).toBe(201);
    expect(res.body.me.login).toBe('+8613800138000');
  });

  it.each([
    ['no body at all', undefined, 'invalid_input'],
    [
      'a login that is neither e-mail nor phone',
      { login: 'alice', password: 'correct horse battery', nickname: 'A' },
      'invalid_input',
    ],
    ['a short password', { login: 'a@b.test', password: 'short', nickname: 'A' }, 'invalid_input'],
    ['an empty nickname', { login: 'a@b.test', password: 'correct horse battery', nickname: '   ' }, 'invalid_input'],
    [
      'a nickname with a bidi override',
      { login: 'a@b.test', password: 'correct horse battery', nickname: 'ab\u202ecd' },
      'invalid_input',
    ],
    [
      'a nickname with quotes',
      { login: 'a@b.test', password: 'correct horse battery', nickname: '"Bank"' },
      'invalid_input',
    ],
    [
      'a nickname of 33 characters',
      { login: 'a@b.test', password: 'correct horse battery', nickname: '张'.repeat(33) },
      'invalid_input',
    ],
    [
      'a number where a string belongs',
      { login: 5, password: 'correct horse battery', nickname: 'A' },
      'invalid_input',
    ],
    [
      'an unknown field',
      { login: 'a@b.test', password: 'correct horse battery', nickname: 'A', role: 'admin' },
      'invalid_input',
    ],
  ])('refuses %s with 400 and writes nothing', async (_what, body, code) => {
    const before = snapshot(t.db);
    const res = await call(t, 'POST', '/api/auth/sign-up', { body: body ?? {} });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.message).toEqual(expect.any(String));
    expect(snapshot(t.db)).toEqual(before);
  });

  it('refuses malformed JSON and a non-JSON body without writing', async () => {
    const before = snapshot(t.db);
    const broken = await call(t, 'POST', '/api/auth/sign-up', {
      raw: '{"login":',
      headers: { 'content-type': 'application/json' },
    });
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('invalid_json');
    const form = await call(t, 'POST', '/api/auth/sign-up', {
      raw: 'login=a%40b.test&password=correct+horse+battery&nickname=A',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(415);
    expect(form.body.error.code).toBe('unsupported_media_type');
    expect(snapshot(t.db)).toEqual(before);
  });

  it('refuses a login that is taken, in any case, and changes nothing', async () => {
    await signUp(t, { login: 'bob@example.test' });
    const before = snapshot(t.db);
    const res = await call(t, 'POST', '/api/auth/sign-up', {
      body: { login: 'BOB@example.test', password: 'another password', nickname: 'Bob 2' },
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('login_taken');
    expect(snapshot(t.db)).toEqual(before);
  });

  it('refuses a body over 16 KiB with 413', async () => {
    const res = await call(t, 'POST', '/api/auth/sign-up', {
      body: { login: 'a@b.test', password: 'x'.repeat(20_000), nickname: 'A' },
    });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('too_large');
  });
});

describe('POST /api/auth/sign-in and sign-out', () => {
  it('signs in with the right password and out again', async () => {
    const p = await signUp(t, { login: 'carol@example.test', password: 'carol password 1' });
    const res = await call(t, 'POST', '/api/auth/sign-in', {
      body: { login: 'Carol@example.test', password: 'carol password 1' },
    });
    expect(res.status).toBe(200);
    expect(res.body.me.login).toBe('carol@example.test');
    const cookie = cookieFrom(res.headers);
    expect(cookie).not.toBe(p.cookie);
    const out = await call(t, 'POST', '/api/auth/sign-out', { cookie });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/rc_session=;/);
    expect((await call(t, 'GET', '/api/me', { cookie })).status).toBe(401);
    // The other session is untouched.
    expect((await call(t, 'GET', '/api/me', { cookie: p.cookie })).status).toBe(200);
  });

  it('gives the same answer for a wrong password and an unknown login', async () => {
    await signUp(t, { login: 'dave@example.test', password: 'dave password 1' });
    const wrong = await call(t, 'POST', '/api/auth/sign-in', {
      body: { login: 'dave@example.test', password: 'nope nope nope' },
    });
    const unknown = await call(t, 'POST', '/api/auth/sign-in', {
      body: { login: 'nobody@example.test', password: 'nope nope nope' },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.headers.get('set-cookie')).toBeNull();
  });

  it(`locks a login after ${MAX_ATTEMPTS} attempts, even with the right password, until the lock expires`, async () => {
    await signUp(t, { login: 'erin@example.test', password: 'erin password 1' });
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      const res = await call(t, 'POST', '/api/auth/sign-in', {
        body: { login: 'erin@example.test', password: `guess ${i} guess` },
      });
      expect(res.status).toBe(401);
    }
    const locked = await call(t, 'POST', '/api/auth/sign-in', {
      body: { login: 'erin@example.test', password: 'erin password 1' },
    });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('too_many_requests');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    t.clock.now += 16 * 60 * 1000;
    const later = await call(t, 'POST', '/api/auth/sign-in', {
      body: { login: 'erin@example.test', password: 'erin password 1' },
    });
    expect(later.status).toBe(200);
  });

  it('holds the lock under a burst of parallel guesses', async () => {
    await signUp(t, { login: 'frank@example.test', password: 'frank password 1' });
    const burst = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        call(t, 'POST', '/api/auth/sign-in', { body: { login: 'frank@example.test', password: `burst ${i} guess` } }),
      ),
    );
    // Every guess is counted before any is checked; the password gate may refuse some sooner still.
    const checked = burst.filter((r) => r.status === 401).length;
    expect(checked).toBeGreaterThan(0);
    expect(checked).toBeLessThanOrEqual(MAX_ATTEMPTS);
    expect(burst.filter((r) => r.status === 429)).toHaveLength(30 - checked);
    const right = await call(t, 'POST', '/api/auth/sign-in', {
      body: { login: 'frank@example.test', password: 'frank password 1' },
    });
    expect(right.status).toBe(429);
  });

  it('does not let a disabled person sign in, and tells them why only once their password was right', async () => {
    const p = await signUp(t, { login: 'gina@example.test', password: 'gina password 1' });
    t.db.$client.prepare('UPDATE users SET disabled = 1 WHERE id = ?').run(p.me.id);
    const before = snapshot(t.db).sessions;
    const res = await call(t, 'POST', '/api/auth/sign-in', {
      body: { login: 'gina@example.test', password: 'gina password 1' },
    });
    expect(res.status).toBe(403);
    expect(res.body.error).toEqual({
      code: 'account_disabled',
      message: 'This account has been disabled by an administrator.',
    });
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(snapshot(t.db).sessions).toEqual(before);
    // A wrong password for the disabled account answers exactly as for a login nobody has.
    const wrong = await call(t, 'POST', '/api/auth/sign-in', {
      body: { login: 'gina@example.test', password: 'not her password' },
    });
    const unknown = await call(t, 'POST', '/api/auth/sign-in', {
      body: { login: 'nobody-at-all@example.test', password: 'not her password' },
    });
    expect([wrong.status, wrong.body]).toEqual([unknown.status, unknown.body]);
    expect(wrong.status).toBe(401);
    expect((await call(t, 'GET', '/api/me', { cookie: p.cookie })).status).toBe(401);
  });

  it('expires sessions after 14 days', async () => {
    const p = await signUp(t);
    t.clock.now += 15 * 24 * 60 * 60 * 1000;
    expect((await call(t, 'GET', '/api/me', { cookie: p.cookie })).status).toBe(401);
  });
});

describe('POST /api/auth/sign-out-everywhere', () => {
  it('ends every session of the person, this one too, clears the cookie, and leaves other people signed in', async () => {
    const p = await signUp(t, { login: 'hana@example.test', password: 'hana password 1' });
    const phone = cookieFrom(
      (await call(t, 'POST', '/api/auth/sign-in', { body: { login: p.login, password: p.password } })).headers,
    );
    const other = await signUp(t);
    const res = await call(t, 'POST', '/api/auth/sign-out-everywhere', { cookie: p.cookie });
    expect(res.status).toBe(204);
    expect(res.headers.get('set-cookie')).toMatch(/rc_session=;/);
    for (const cookie of [p.cookie, phone]) {
      const after = await call(t, 'GET', '/api/me', { cookie });
      expect(after.status).toBe(401);
      expect(after.body.error).toMatchObject({ code: 'session_ended', reason: 'signed_out_everywhere' });
    }
    expect((await call(t, 'GET', '/api/me', { cookie: other.cookie })).status).toBe(200);
    // Signing in again works as ever.
    const back = await call(t, 'POST', '/api/auth/sign-in', { body: { login: p.login, password: p.password } });
    expect((await call(t, 'GET', '/api/me', { cookie: cookieFrom(back.headers) })).status).toBe(200);
  });

  it("stops every device's phone too: a new SIP secret, and the PBX forgets the old one", async () => {
    const p = await signUp(t);
    const sipBefore = (await call(t, 'GET', '/api/me/sip', { cookie: p.cookie })).body;
    expect((await call(t, 'POST', '/api/auth/sign-out-everywhere', { cookie: p.cookie })).status).toBe(204);
    expect(t.pbxCalls).toContainEqual({ extension: p.me.extension, hangUp: false });
    const again = cookieFrom(
      (await call(t, 'POST', '/api/auth/sign-in', { body: { login: p.login, password: p.password } })).headers,
    );
    const sipAfter = (await call(t, 'GET', '/api/me/sip', { cookie: again })).body;
    expect(sipAfter.secret).not.toBe(sipBefore.secret);
  });

  it('refuses anonymous callers and writes nothing', async () => {
    await signUp(t);
    const before = snapshot(t.db);
    const res = await call(t, 'POST', '/api/auth/sign-out-everywhere');
    expect([res.status, res.body.error.code]).toEqual([401, 'unauthorized']);
    expect(snapshot(t.db)).toEqual(before);
  });
});

describe('cross-site requests', () => {
  it('refuses a state-changing request from another site, and writes nothing', async () => {
    const before = snapshot(t.db);
    const res = await call(t, 'POST', '/api/auth/sign-up', {
      body: { login: 'x@example.test', password: 'correct horse battery', nickname: 'X' },
      headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('cross_site');
    expect(snapshot(t.db)).toEqual(before);
  });

  it('accepts the same origin', async () => {
    const res = await call(t, 'POST', '/api/auth/sign-up', {
      body: { login: 'y@example.test', password: 'correct horse battery', nickname: 'Y' },
      headers: { origin: 'http://localhost', 'sec-fetch-site': 'same-origin' },
    });
    expect(res.status).toBe(201);
  });
});
