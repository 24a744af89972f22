/**
 * The wire format the page words errors from: every refused field comes back
 * in `error.problems` as `{ path, problem, message, ...values }`, where
 * `problem` is a stable name (never English prose) so the page can say it in
 * the person's language beside the field it is about.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, createTestApp, makeAdmin, signUp, snapshot, type TestApp } from '../testing';

let t: TestApp;
beforeEach(() => {
  t = createTestApp();
});
afterEach(() => t.close());

type Problem = { path: string; problem: string; message: string; [value: string]: unknown };
const problems = (body: any): Problem[] => body.error.problems;

describe('error.problems: field, stable problem name and its values', () => {
  it('names a missing field, a wrong type and a field that is not asked for', async () => {
    const res = await call(t, 'POST', '/api/auth/sign-up', {
      body: { login: 'new@example.test', password: 42, nickname: 'Mei', extra: 1 },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
    expect(problems(res.body)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'password', problem: 'wrong_type', expected: 'string' }),
        expect.objectContaining({ path: 'body', problem: 'unknown_field', keys: 'extra' }),
      ]),
    );
    const missing = await call(t, 'POST', '/api/auth/sign-up', {
      body: { login: 'new@example.test', nickname: 'Mei' },
    });
    expect(problems(missing.body)).toEqual([expect.objectContaining({ path: 'password', problem: 'required' })]);
  });

  it('names the hidden character in a legal name, and the document number format', async () => {
    const p = await signUp(t);
    const before = snapshot(t.db);
    const res = await call(t, 'POST', '/api/me/verification', {
      cookie: p.cookie,
      body: { legalName: '张\u202e三', idNumber: '12#' },
    });
    expect(res.status).toBe(400);
    expect(problems(res.body)).toEqual([
      expect.objectContaining({ path: 'legalName', problem: 'hidden_char', char: 'U+202E' }),
      expect.objectContaining({ path: 'idNumber', problem: 'id_format' }),
    ]);
    expect(snapshot(t.db)).toEqual(before);
  });

  it('says why a legal name is refused, one problem per field', async () => {
    const p = await signUp(t);
    const digits = await call(t, 'POST', '/api/me/verification', {
      cookie: p.cookie,
      body: { legalName: 'Agent 007', idNumber: 'G12345678' },
    });
    expect(problems(digits.body)).toEqual([expect.objectContaining({ path: 'legalName', problem: 'letters' })]);
    const long = await call(t, 'POST', '/api/me/verification', {
      cookie: p.cookie,
      body: { legalName: '张'.repeat(41), idNumber: 'G12345678' },
    });
    expect(problems(long.body)).toEqual([
      expect.objectContaining({ path: 'legalName', problem: 'too_long', maximum: 40 }),
    ]);
    const empty = await call(t, 'POST', '/api/me/verification', {
      cookie: p.cookie,
      body: { legalName: '   ', idNumber: 'G12345678' },
    });
    expect(problems(empty.body)).toEqual([expect.objectContaining({ path: 'legalName', problem: 'empty' })]);
  });

  it('names a nickname that claims a status, and the claim', async () => {
    const res = await call(t, 'POST', '/api/auth/sign-up', {
      body: { login: 'claim@example.test', password: 'correct horse battery', nickname: 'Mei (verified)' },
    });
    expect(problems(res.body)).toEqual([
      expect.objectContaining({ path: 'nickname', problem: 'status_claim', claim: expect.any(String) }),
    ]);
  });

  it.each([
    ['an address with a non-ASCII local part', 'мэй@example.test', 'email_local'],
    ['an address with no real domain', 'mei@localhost', 'email_domain'],
    ['a phone number without its country code', '13800138000', 'phone_country'],
    ['something that is neither', 'mei', 'login_kind'],
    ['a login with a zero-width space', 'mei\u200b@example.test', 'hidden_char'],
  ])('names what is wrong with %s', async (_what, login, problem) => {
    const res = await call(t, 'POST', '/api/auth/sign-up', {
      body: { login, password: 'correct horse battery', nickname: 'Mei' },
    });
    expect(res.status).toBe(400);
    expect(problems(res.body)).toEqual([expect.objectContaining({ path: 'login', problem })]);
  });

  it.each(['password12', '1234567890', 'aaaaaaaaaa', 'QWERTYUIOP', '0987654321', 'abcabcabcabc', '1212121212'])(
    'refuses %s as too easy to guess, at sign-up and as a new password, and writes nothing',
    async (guessable) => {
      const before = snapshot(t.db);
      const res = await call(t, 'POST', '/api/auth/sign-up', {
        body: { login: 'guess@example.test', password: guessable, nickname: 'Mei' },
      });
      expect(res.status).toBe(400);
      expect(problems(res.body)).toEqual([expect.objectContaining({ path: 'password', problem: 'too_common' })]);
      expect(snapshot(t.db)).toEqual(before);
      const p = await signUp(t);
      const change = await call(t, 'POST', '/api/me/password', {
        cookie: p.cookie,
        body: { currentPassword: p.password, newPassword: guessable },
      });
      expect(problems(change.body)).toEqual([expect.objectContaining({ path: 'newPassword', problem: 'too_common' })]);
    },
  );

  it('accepts a few unrelated words', async () => {
    const res = await call(t, 'POST', '/api/auth/sign-up', {
      body: { login: 'words@example.test', password: 'violet tram 1984 kettle', nickname: 'Mei' },
    });
    expect(res.status).toBe(201);
  });

  it('points a decision without a reason at the reason field', async () => {
    const p = await signUp(t);
    await call(t, 'POST', '/api/me/verification', {
      cookie: p.cookie,
      body: { legalName: '张三', idNumber: 'G12345678' },
    });
    const admin = await signUp(t);
    makeAdmin(t.db, admin.me.id);
    const id = (await call(t, 'GET', '/api/admin/verifications?status=pending', { cookie: admin.cookie })).body
      .verifications[0].id;
    const before = snapshot(t.db);
    const res = await call(t, 'POST', `/api/admin/verifications/${id}/reject`, { cookie: admin.cookie, body: {} });
    expect(res.status).toBe(400);
    expect(problems(res.body)).toEqual([expect.objectContaining({ path: 'reason', problem: 'required' })]);
    const blank = await call(t, 'POST', `/api/admin/verifications/${id}/reject`, {
      cookie: admin.cookie,
      body: { reason: '  ' },
    });
    expect(problems(blank.body)).toEqual([expect.objectContaining({ path: 'reason', problem: 'empty' })]);
    expect(snapshot(t.db)).toEqual(before);
  });
});
