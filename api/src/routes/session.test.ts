/**
 * A session that was cut short says why: its row is kept, ended, until it
 * would have expired, and a request with its cookie gets 401 `session_ended`
 * with the reason, so the page can tell the person what happened instead of
 * just showing the sign-in form.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pruneSessions, SESSION_DAYS } from '../services/people';
import { call, cookieFrom, createTestApp, makeAdmin, signUp, snapshot, type TestApp } from '../testing';

let t: TestApp;
beforeEach(() => {
  t = createTestApp();
});
afterEach(() => t.close());

const DAY = 24 * 60 * 60 * 1000;

async function signInAgain(login: string, password: string): Promise<string> {
  const res = await call(t, 'POST', '/api/auth/sign-in', { body: { login, password } });
  expect(res.status).toBe(200);
  return cookieFrom(res.headers);
}

const me = (cookie: string) => call(t, 'GET', '/api/me', { cookie });

describe('a cut session says why', () => {
  it('tells every page of a person an admin disabled that the account was disabled, and still after enabling', async () => {
    const p = await signUp(t);
    const laptop = await signInAgain(p.login, p.password);
    const admin = await signUp(t);
    makeAdmin(t.db, admin.me.id);
    const disable = await call(t, 'POST', `/api/admin/people/${p.me.id}/disable`, {
      cookie: admin.cookie,
      body: { reason: 'Fraud report' },
    });
    expect(disable.status).toBe(204);
    for (const cookie of [p.cookie, laptop]) {
      const res = await me(cookie);
      expect(res.status).toBe(401);
      expect(res.body.error).toEqual({ code: 'session_ended', message: expect.any(String), reason: 'disabled' });
    }
    // Signing in is unchanged: told so only once the password is right.
    const signIn = await call(t, 'POST', '/api/auth/sign-in', { body: { login: p.login, password: p.password } });
    expect([signIn.status, signIn.body.error.code]).toEqual([403, 'account_disabled']);

    await call(t, 'POST', `/api/admin/people/${p.me.id}/enable`, { cookie: admin.cookie, body: { reason: 'Cleared' } });
    // Enabling lets the person sign in again; it does not bring the old sessions back.
    expect((await me(p.cookie)).body.error).toMatchObject({ code: 'session_ended', reason: 'disabled' });
    const fresh = await signInAgain(p.login, p.password);
    expect((await me(fresh)).status).toBe(200);
    // The admin's own session was not touched.
    expect((await me(admin.cookie)).status).toBe(200);
  });

  it('says a session expired once its 14 days are over, until it is pruned; then the cookie is simply unknown', async () => {
    const p = await signUp(t);
    t.clock.now += SESSION_DAYS * DAY + 1;
    const res = await me(p.cookie);
    expect(res.status).toBe(401);
    expect(res.body.error).toEqual({ code: 'session_ended', message: expect.any(String), reason: 'expired' });
    expect(pruneSessions(t.db, t.clock.now)).toBe(1);
    expect((await me(p.cookie)).body.error).toEqual({ code: 'unauthorized', message: expect.any(String) });
  });

  it('keeps an ended session until it would have expired, then prunes it like any other', async () => {
    const p = await signUp(t);
    expect((await call(t, 'POST', '/api/auth/sign-out-everywhere', { cookie: p.cookie })).status).toBe(204);
    expect(snapshot(t.db).sessions).toEqual([
      expect.objectContaining({ user_id: p.me.id, ended_at: t.clock.now, ended_reason: 'signed_out_everywhere' }),
    ]);
    t.clock.now += DAY;
    expect(pruneSessions(t.db, t.clock.now)).toBe(0);
    expect((await me(p.cookie)).body.error.reason).toBe('signed_out_everywhere');
    t.clock.now += SESSION_DAYS * DAY;
    expect(pruneSessions(t.db, t.clock.now)).toBe(1);
    expect(snapshot(t.db).sessions).toEqual([]);
  });

  it('ends nothing but a live session: an ended one keeps the reason it ended with', async () => {
    const p = await signUp(t);
    const phone = await signInAgain(p.login, p.password);
    await call(t, 'POST', '/api/me/password', {
      cookie: p.cookie,
      body: { currentPassword: p.password, newPassword: 'a whole new password' },
    });
    await call(t, 'POST', '/api/auth/sign-out-everywhere', { cookie: p.cookie });
    expect((await me(phone)).body.error.reason).toBe('password_changed');
    expect((await me(p.cookie)).body.error.reason).toBe('signed_out_everywhere');
  });

  it('forgets a signed-out session at once: its cookie is unknown, not ended', async () => {
    const p = await signUp(t);
    const laptop = await signInAgain(p.login, p.password);
    expect((await call(t, 'POST', '/api/auth/sign-out', { cookie: laptop })).status).toBe(204);
    expect((await me(laptop)).body.error.code).toBe('unauthorized');
    expect(snapshot(t.db).sessions).toHaveLength(1);
    expect((await me(p.cookie)).status).toBe(200);
  });

  it('answers a token it never issued with plain unauthorized, and an ended session changes nothing', async () => {
    const p = await signUp(t);
    expect((await me(`rc_session=${'A'.repeat(43)}`)).body.error.code).toBe('unauthorized');
    await call(t, 'POST', '/api/auth/sign-out-everywhere', { cookie: p.cookie });
    const before = snapshot(t.db);
    for (const [method, path, body] of [
      ['PATCH', '/api/me', { nickname: 'Back Again' }],
      ['POST', '/api/auth/sign-out-everywhere', undefined],
      ['POST', '/api/me/password', { currentPassword: p.password, newPassword: 'another new password' }],
    ] as const) {
      const res = await call(t, method, path, { cookie: p.cookie, body });
      expect([res.status, res.body.error.code], `${method} ${path}`).toEqual([401, 'session_ended']);
    }
    expect(snapshot(t.db)).toEqual(before);
  });
});
