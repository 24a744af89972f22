/**
 * A verified name that holds against a hostile user, through the real app
 * on a real SQLite file: one document verifies one person, look-alike
 * logins are one account or refused by name, nicknames cannot pass for a
 * status, old logins are brought into canonical form without merging.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { normaliseStoredLogins } from '../services/logins';
import { call, createTestApp, makeAdmin, signUp, snapshot, type TestApp } from '../testing';

let t: TestApp;
let admin: Awaited<ReturnType<typeof signUp>>;
beforeEach(async () => {
  t = createTestApp({ REALCALL_PHONE_COUNTRY: 'CN' });
  admin = await signUp(t, { login: 'admin@realcall.test', nickname: 'Admin' });
  makeAdmin(t.db, admin.me.id);
});
afterEach(() => t.close());

async function submit(person: { cookie: string }, legalName: string, idNumber: string): Promise<number> {
  const res = await call(t, 'POST', '/api/me/verification', { cookie: person.cookie, body: { legalName, idNumber } });
  expect(res.status).toBe(201);
  return res.body.verification.id as number;
}
const approve = (id: number, body: Record<string, unknown> = {}) =>
  call(t, 'POST', `/api/admin/verifications/${id}/approve`, { cookie: admin.cookie, body });
const lookup = (caller: string) =>
  t.internal.request(`/internal/asterisk/caller-name?caller=${caller}&callee=1999`, {
    headers: { 'x-realcall-secret': t.config.internalSecret },
  });

describe('one document, one person', () => {
  it('shows the admin who else holds the document, refuses a second approval, and verifies only one extension', async () => {
    const zhang = await signUp(t, { nickname: '三丰' });
    const copy = await signUp(t, { nickname: 'Copy' });
    const third = await signUp(t, { nickname: 'Third' });
    const first = await submit(zhang, '张三丰', '110105194912310021');
    expect((await approve(first)).status).toBe(200);
    const second = await submit(copy, '张三丰', '1101 0519 4912 3100 21');
    const thirdId = await submit(third, '张三丰', '110105194912310021');

    const queue = await call(t, 'GET', '/api/admin/verifications?status=pending', { cookie: admin.cookie });
    const item = queue.body.verifications.find((v: { id: number }) => v.id === second);
    expect(item.sameDocument).toEqual(
      expect.arrayContaining([
        {
          verificationId: first,
          status: 'verified',
          person: { id: zhang.me.id, nickname: '三丰', extension: zhang.me.extension },
        },
        {
          verificationId: thirdId,
          status: 'pending',
          person: { id: third.me.id, nickname: 'Third', extension: third.me.extension },
        },
      ]),
    );

    const before = snapshot(t.db);
    const refused = await approve(second);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({
      code: 'document_in_use',
      other: { verificationId: first, extension: zhang.me.extension, nickname: '三丰' },
    });
    expect(snapshot(t.db)).toEqual(before);
    const verifiedNames = await Promise.all(
      [zhang, copy, third].map(async (p) => (await lookup(p.me.extension)).text()),
    );
    expect(
      verifiedNames.filter((answer) => answer.startsWith('status=masked') || answer.startsWith('status=verified')),
    ).toHaveLength(1);
  });

  it('approves with revokeOther only with a reason, revoking the other in the same audited step', async () => {
    const zhang = await signUp(t);
    const real = await signUp(t);
    const first = await submit(zhang, '张三丰', 'P9876543');
    await approve(first);
    const second = await submit(real, '张三丰', 'P9876543');
    const noReason = await approve(second, { revokeOther: true });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.code).toBe('reason_required');
    const ok = await approve(second, { revokeOther: true, reason: 'the document holder came in person' });
    expect(ok.status).toBe(200);
    expect(ok.body.verification.status).toBe('verified');
    // The reason is about the other person: never shown to the one approved, on their own page or the admin's row.
    expect(ok.body.verification.reason).toBeNull();
    const mine = await call(t, 'GET', '/api/me/verification', { cookie: real.cookie });
    expect(mine.body.verification).toMatchObject({ status: 'verified', reason: null });
    const old = await call(t, 'GET', `/api/admin/verifications/${first}`, { cookie: admin.cookie });
    expect(old.body.verification).toMatchObject({
      status: 'revoked',
      reason: expect.stringContaining('came in person'),
    });
    const audit = await call(t, 'GET', '/api/admin/audit', { cookie: admin.cookie });
    expect(audit.body.entries.slice(0, 2).map((e: { action: string }) => e.action)).toEqual([
      'verification.approve',
      'verification.revoke.same_document',
    ]);
    expect(await (await lookup(zhang.me.extension)).text()).toMatch(/^status=unverified/);
  });

  it('refuses a CSV row that would verify a second person with the same document', async () => {
    const zhang = await signUp(t);
    await approve(await submit(zhang, '张三丰', 'P55555555'));
    const other = await signUp(t, { login: 'other@corp.test' });
    const csv = 'login,legal_name,id_number,status\nother@corp.test,张三丰,P55555555,verified\n';
    const res = await call(t, 'POST', '/api/admin/verifications/import', {
      cookie: admin.cookie,
      raw: csv,
      headers: { 'content-type': 'text/csv' },
    });
    expect(res.body).toEqual({
      dryRun: false,
      imported: 0,
      unchanged: [],
      errors: [{ line: 2, code: 'document_in_use', message: expect.stringContaining(zhang.me.extension) }],
      rows: [
        {
          line: 2,
          login: 'other@corp.test',
          status: 'verified',
          legalName: '张三丰',
          idLast4: '5555',
          outcome: 'error',
          code: 'document_in_use',
          message: expect.any(String),
          other: { nickname: zhang.me.nickname, extension: zhang.me.extension },
          person: { id: other.me.id, nickname: other.me.nickname, extension: other.me.extension },
        },
      ],
    });
    expect((await call(t, 'GET', '/api/me/verification', { cookie: other.cookie })).body.verification.status).toBe(
      'none',
    );
  });
});

describe('look-alike logins', () => {
  const signUpAs = (login: string) =>
    call(t, 'POST', '/api/auth/sign-up', { body: { login, password: 'correct horse battery', nickname: 'Look' } });

  it('makes each look-alike of an existing login the same login (taken), or refuses it by name', async () => {
    expect((await signUpAs('zhang@demo.realcall.test')).status).toBe(201);
    expect((await signUpAs('+8613800138000')).status).toBe(201);
    const before = snapshot(t.db);
    for (const same of [
      'ｚhang@demo.realcall.test',
      'ZHANG@demo.realcall.test',
      '8613800138000',
      '0086 138 0013 8000',
      '138-0013-8000',
    ]) {
      const res = await signUpAs(same);
      expect(res.status, same).toBe(409);
      expect(res.body.error.code).toBe('login_taken');
    }
    for (const [raw, named] of [
      ['zhang\u200b@demo.realcall.test', 'U+200B'],
      ['\u202egnahz@demo.realcall.test', 'U+202E'],
      ['zh\u0000ang@demo.realcall.test', 'U+0000'],
      ['zh\u0001ang@demo.realcall.test', 'U+0001'],
      ['jose\u0301@demo.realcall.test', 'ASCII'],
    ]) {
      const res = await signUpAs(raw!);
      expect(res.status, JSON.stringify(raw)).toBe(400);
      expect(res.body.error.message).toContain(named);
    }
    expect(snapshot(t.db)).toEqual(before);
  });

  it('signs in with any spelling of the one login', async () => {
    await signUpAs('li@demo.realcall.test');
    const res = await call(t, 'POST', '/api/auth/sign-in', {
      body: { login: 'ＬＩ@Demo.RealCall.Test', password: 'correct horse battery' },
    });
    expect(res.status).toBe(200);
    expect(res.body.me.login).toBe('li@demo.realcall.test');
  });

  it('brings logins stored before the rules into canonical form once, reporting conflicts instead of merging', () => {
    const insert = t.db.$client.prepare("INSERT INTO users (login, password_hash, nickname) VALUES (?, 'x', ?)");
    insert.run('Old.Person@Example.ORG', 'Old');
    insert.run('ｚhang@demo.realcall.test', 'Impostor'); // the same login as the next row, in full-width
    insert.run('zhang@demo.realcall.test', 'Zhang');
    insert.run('8613800138000', 'Phone');
    insert.run('bad\u200blogin@example.org', 'Invisible');
    t.db.$client.prepare("DELETE FROM app_meta WHERE key = 'logins_normalised'").run();
    const report = normaliseStoredLogins(t.db, t.config.logins);
    expect(report.changed).toBe(2);
    expect(report.conflicts).toEqual([
      expect.objectContaining({ login: 'ｚhang@demo.realcall.test', wouldBe: 'zhang@demo.realcall.test' }),
    ]);
    expect(report.refused).toEqual([expect.objectContaining({ login: 'bad\u200blogin@example.org' })]);
    const logins = t.db.$client.prepare('SELECT login, login_kind FROM users ORDER BY id').all();
    expect(logins).toEqual(
      expect.arrayContaining([
        { login: 'old.person@example.org', login_kind: 'email' },
        { login: 'ｚhang@demo.realcall.test', login_kind: 'email' },
        { login: 'zhang@demo.realcall.test', login_kind: 'email' },
        { login: '+8613800138000', login_kind: 'phone' },
      ]),
    );
    const audit = t.db.$client
      .prepare("SELECT action FROM audit_log WHERE action LIKE 'login.%' ORDER BY id")
      .pluck()
      .all();
    expect(audit).toEqual(['login.normalise.conflict', 'login.normalise.refused']);
    // Once per database: a second run does nothing.
    expect(normaliseStoredLogins(t.db, t.config.logins)).toEqual({ changed: 0, conflicts: [], refused: [] });
  });
});

describe('nicknames cannot pass for a status', () => {
  it.each([
    ['张三丰 (verified)', 'verified'],
    ['Real Name: Bob', 'realname'],
    ['Bob ✔', '✔'],
    ['已认证 客服', '认证'],
    ['实名 张三', '实名'],
    ['官方客服', '官方'],
    ['V E R I F I E D', 'verified'],
    ['ＶＥＲＩＦＩＥＤ', 'verified'],
  ])('refuses %j', async (nickname, claim) => {
    const p = await signUp(t);
    const before = snapshot(t.db);
    const res = await call(t, 'PATCH', '/api/me', { cookie: p.cookie, body: { nickname } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(`"${claim}"`);
    expect(snapshot(t.db)).toEqual(before);
  });

  it('refuses a character with a pile of combining marks, and keeps plain accented names', async () => {
    const p = await signUp(t);
    const zalgo = `a${'\u0301'.repeat(150)}`;
    const res = await call(t, 'PATCH', '/api/me', { cookie: p.cookie, body: { nickname: zalgo } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/stack marks/);
    for (const fine of ['Nguyễn Văn A', 'José', 'Zoë', '明明']) {
      expect((await call(t, 'PATCH', '/api/me', { cookie: p.cookie, body: { nickname: fine } })).status, fine).toBe(
        200,
      );
    }
  });

  it('never lets the directory hand out a stored nickname whole when it is not a safe display name', async () => {
    const p = await signUp(t);
    t.db.$client.prepare('UPDATE users SET nickname = ? WHERE id = ?').run(`Z${'\u0301'.repeat(150)}oe`, p.me.id);
    const res = await call(t, 'GET', `/api/people/${p.me.extension}`, { cookie: admin.cookie });
    expect(Array.from(res.body.person.nickname as string).length).toBeLessThanOrEqual(8);
  });
});

describe('personal data is never cached', () => {
  it('answers every /api route with Cache-Control: no-store', async () => {
    const p = await signUp(t);
    for (const path of [
      '/api/me',
      '/api/me/verification',
      '/api/me/privacy/preview',
      '/api/me/sip',
      '/api/directory?q=a',
    ]) {
      const res = await call(t, 'GET', path, { cookie: p.cookie });
      expect(res.headers.get('cache-control'), path).toBe('no-store');
    }
    for (const path of ['/api/admin/verifications', '/api/admin/people', '/api/admin/audit']) {
      const res = await call(t, 'GET', path, { cookie: admin.cookie });
      expect(res.headers.get('cache-control'), path).toBe('no-store');
    }
    expect((await call(t, 'GET', '/api/me')).headers.get('cache-control')).toBe('no-store');
  });
});
