import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pbxOutbox } from '../../../db/schema';
import { createAmiPbx } from '../services/ami';
import { deriveKeys } from '../services/secrets';
import { importVerifications } from '../services/verification-import';
import { call, createTestApp, makeAdmin, signUp, snapshot, type TestApp } from '../testing';

let t: TestApp;
let admin: Awaited<ReturnType<typeof signUp>>;
beforeEach(async () => {
  t = createTestApp();
  admin = await signUp(t, { login: 'admin@realcall.test', nickname: 'Admin' });
  makeAdmin(t.db, admin.me.id);
});
afterEach(() => t.close());

async function submitted(legalName = '张三丰', idNumber = '110105194912310021') {
  const p = await signUp(t);
  const res = await call(t, 'POST', '/api/me/verification', { cookie: p.cookie, body: { legalName, idNumber } });
  expect(res.status).toBe(201);
  const list = await call(t, 'GET', '/api/admin/verifications?status=pending', { cookie: admin.cookie });
  const item = list.body.verifications.find((v: { person: { id: number } }) => v.person.id === p.me.id);
  return { person: p, id: item.id as number };
}

describe('admin routes: who may', () => {
  it('refuses anonymous callers (401) and people who are not admins (403), writing nothing', async () => {
    const { id } = await submitted();
    const user = await signUp(t);
    const routes = [
      ['GET', '/api/admin/verifications'],
      ['GET', `/api/admin/verifications/${id}`],
      ['POST', `/api/admin/verifications/${id}/approve`],
      ['POST', `/api/admin/verifications/${id}/reject`],
      ['POST', `/api/admin/verifications/${id}/revoke`],
      ['POST', '/api/admin/verifications/import'],
      ['GET', '/api/admin/people'],
      ['POST', `/api/admin/people/${user.me.id}/disable`],
      ['POST', `/api/admin/people/${user.me.id}/enable`],
      ['GET', '/api/admin/audit'],
    ] as const;
    const before = snapshot(t.db);
    for (const [method, path] of routes) {
      const body = method === 'POST' ? { reason: 'because' } : undefined;
      const anon = await call(t, method, path, { body });
      expect(anon.status, `${method} ${path} anonymous`).toBe(401);
      const plain = await call(t, method, path, { body, cookie: user.cookie });
      expect(plain.status, `${method} ${path} as a user`).toBe(403);
      expect(plain.body.error.code).toBe('forbidden');
    }
    expect(snapshot(t.db)).toEqual(before);
  });
});

describe('verification queue', () => {
  it('lists by status with the person, never the document number', async () => {
    const { person } = await submitted('李小龙', 'P1234567');
    const res = await call(t, 'GET', '/api/admin/verifications?status=pending', { cookie: admin.cookie });
    expect(res.status).toBe(200);
    expect(res.body.verifications).toHaveLength(1);
    expect(res.body.verifications[0]).toMatchObject({
      status: 'pending',
      legalName: '李小龙',
      idLast4: '4567',
      person: { id: person.me.id, login: person.login, extension: person.me.extension },
    });
    expect(JSON.stringify(res.body)).not.toContain('P1234567');
    expect(
      (await call(t, 'GET', '/api/admin/verifications?status=verified', { cookie: admin.cookie })).body.verifications,
    ).toEqual([]);
  });

  it('pages newest first', async () => {
    const ids = [(await submitted()).id, (await submitted()).id, (await submitted()).id];
    const first = await call(t, 'GET', '/api/admin/verifications?limit=2', { cookie: admin.cookie });
    expect(first.body.verifications.map((v: { id: number }) => v.id)).toEqual([ids[2], ids[1]]);
    const next = await call(t, 'GET', `/api/admin/verifications?limit=2&before=${ids[1]}`, { cookie: admin.cookie });
    expect(next.body.verifications.map((v: { id: number }) => v.id)).toEqual([ids[0]]);
  });

  it('names the person each audit entry is about (nickname and extension, never the legal name), filters and pages', async () => {
    const a = await submitted('张三丰', 'E12345678');
    const b = await submitted('李小龙', 'F12345678');
    for (const v of [a, b]) {
      await call(t, 'POST', `/api/admin/verifications/${v.id}/approve`, { cookie: admin.cookie, body: {} });
    }
    await call(t, 'POST', `/api/admin/verifications/${a.id}/revoke`, {
      cookie: admin.cookie,
      body: { reason: 'Document reported stolen' },
    });
    const all = (await call(t, 'GET', '/api/admin/audit', { cookie: admin.cookie })).body.entries;
    const about = (e: { person: { nickname: string; extension: string } | null }) => e.person;
    expect(about(all[0])).toEqual({
      id: a.person.me.id,
      nickname: a.person.me.nickname,
      extension: a.person.me.extension,
    });
    expect(JSON.stringify(all)).not.toMatch(/张三丰|李小龙/);
    // By person, by action, and both.
    const ofA = (await call(t, 'GET', `/api/admin/audit?person=${a.person.me.id}`, { cookie: admin.cookie })).body;
    expect(ofA.entries.map((e: { action: string }) => e.action)).toEqual([
      'verification.revoke',
      'verification.approve',
    ]);
    const approvals = (await call(t, 'GET', '/api/admin/audit?action=verification.approve', { cookie: admin.cookie }))
      .body.entries;
    expect(approvals.map((e: { person: { id: number } }) => e.person.id)).toEqual([b.person.me.id, a.person.me.id]);
    const both = await call(t, 'GET', `/api/admin/audit?action=verification.approve&person=${b.person.me.id}`, {
      cookie: admin.cookie,
    });
    expect(both.body.entries).toHaveLength(1);
    // Pages: limit, then before the last one seen.
    const first = (await call(t, 'GET', '/api/admin/audit?limit=2', { cookie: admin.cookie })).body.entries;
    const next = (await call(t, 'GET', `/api/admin/audit?limit=2&before=${first[1].id}`, { cookie: admin.cookie })).body
      .entries;
    expect(first).toHaveLength(2);
    expect(next[0].id).toBeLessThan(first[1].id);
    expect([...first, ...next].map((e: { id: number }) => e.id)).toEqual(
      all.slice(0, 4).map((e: { id: number }) => e.id),
    );
    // Every action the API writes can be filtered by, underscores included.
    const sameDoc = await call(t, 'GET', '/api/admin/audit?action=verification.revoke.same_document', {
      cookie: admin.cookie,
    });
    expect(sameDoc.status).toBe(200);
    expect(sameDoc.body.entries).toEqual([]);
    // Bad filters are refused by name, and change nothing.
    const bad = await call(t, 'GET', '/api/admin/audit?action=DROP%20TABLE', { cookie: admin.cookie });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('action');
  });

  it('approves, then revokes with a reason, auditing each change with before and after', async () => {
    const { id, person } = await submitted();
    const approved = await call(t, 'POST', `/api/admin/verifications/${id}/approve`, {
      cookie: admin.cookie,
      body: {},
    });
    expect(approved.status).toBe(200);
    expect(approved.body.verification.status).toBe('verified');
    expect((await call(t, 'GET', '/api/me', { cookie: person.cookie })).body.me.verificationStatus).toBe('verified');

    const noReason = await call(t, 'POST', `/api/admin/verifications/${id}/revoke`, { cookie: admin.cookie, body: {} });
    expect(noReason.status).toBe(400);
    const revoked = await call(t, 'POST', `/api/admin/verifications/${id}/revoke`, {
      cookie: admin.cookie,
      body: { reason: 'Document reported stolen' },
    });
    expect(revoked.body.verification).toMatchObject({ status: 'revoked', reason: 'Document reported stolen' });

    const audit = await call(t, 'GET', '/api/admin/audit', { cookie: admin.cookie });
    // The oldest entry is the admin's own promotion, made by the command line.
    expect(audit.body.entries.at(-1)).toMatchObject({
      action: 'user.promote',
      actorId: null,
      targetUserId: admin.me.id,
    });
    audit.body.entries.pop();
    expect(audit.body.entries).toHaveLength(2);
    expect(audit.body.entries[0]).toMatchObject({
      actorId: admin.me.id,
      actorLogin: 'admin@realcall.test',
      action: 'verification.revoke',
      targetType: 'verification',
      targetId: id,
      targetUserId: person.me.id,
      beforeStatus: 'verified',
      afterStatus: 'revoked',
      reason: 'Document reported stolen',
    });
    expect(audit.body.entries[1]).toMatchObject({
      action: 'verification.approve',
      beforeStatus: 'pending',
      afterStatus: 'verified',
    });
    expect(Date.parse(audit.body.entries[0].at)).toBeGreaterThan(0);

    // Revoked: the person may submit again.
    const again = await call(t, 'POST', '/api/me/verification', {
      cookie: person.cookie,
      body: { legalName: '张三丰', idNumber: '110105194912310021' },
    });
    expect(again.status).toBe(201);
  });

  it('a same-document revocation keeps the admin’s reason as typed and names whom the document was approved for', async () => {
    const first = await submitted('张三丰', 'S12345678');
    const second = await submitted('张三丰', 'S12345678');
    await call(t, 'POST', `/api/admin/verifications/${first.id}/approve`, { cookie: admin.cookie, body: {} });
    const approved = await call(t, 'POST', `/api/admin/verifications/${second.id}/approve`, {
      cookie: admin.cookie,
      body: { reason: 'Borrowed (the holder came in)', revokeOther: true },
    });
    expect(approved.status).toBe(200);
    const entries = (
      await call(t, 'GET', '/api/admin/audit?action=verification.revoke.same_document', { cookie: admin.cookie })
    ).body.entries;
    expect(entries).toEqual([
      expect.objectContaining({
        targetId: first.id,
        targetUserId: first.person.me.id,
        reason: 'Borrowed (the holder came in)',
        person: { id: first.person.me.id, nickname: first.person.me.nickname, extension: first.person.me.extension },
        relatedUserId: second.person.me.id,
        related: {
          id: second.person.me.id,
          nickname: second.person.me.nickname,
          extension: second.person.me.extension,
        },
      }),
    ]);
    // Entries about one person only have no other person.
    const approvals = (await call(t, 'GET', '/api/admin/audit?action=verification.approve', { cookie: admin.cookie }))
      .body.entries;
    expect(approvals.map((e: { related: unknown }) => e.related)).toEqual([null, null]);
    expect(JSON.stringify(entries)).not.toMatch(/张三丰|S12345678/);
  });

  it('rejects with a reason the person then sees', async () => {
    const { id, person } = await submitted();
    const res = await call(t, 'POST', `/api/admin/verifications/${id}/reject`, {
      cookie: admin.cookie,
      body: { reason: 'The photo is unreadable' },
    });
    expect(res.body.verification.status).toBe('rejected');
    const mine = await call(t, 'GET', '/api/me/verification', { cookie: person.cookie });
    expect(mine.body.verification).toMatchObject({ status: 'rejected', reason: 'The photo is unreadable' });
  });

  it('refuses a move the state machine does not have, and writes nothing', async () => {
    const { id } = await submitted();
    const before = snapshot(t.db);
    const revoke = await call(t, 'POST', `/api/admin/verifications/${id}/revoke`, {
      cookie: admin.cookie,
      body: { reason: 'x' },
    });
    expect(revoke.status).toBe(409);
    expect(revoke.body.error).toEqual({
      code: 'invalid_transition',
      message: 'Only a verified verification can be revoked; this one is pending.',
    });
    expect(snapshot(t.db)).toEqual(before);
    await call(t, 'POST', `/api/admin/verifications/${id}/reject`, { cookie: admin.cookie, body: { reason: 'no' } });
    const approve = await call(t, 'POST', `/api/admin/verifications/${id}/approve`, { cookie: admin.cookie, body: {} });
    expect(approve.status).toBe(409);
  });

  it.each([
    ['a verification that does not exist', '/api/admin/verifications/999/approve', {}, 404],
    ['an id that is not a number', '/api/admin/verifications/abc/approve', {}, 400],
    ['a negative id', '/api/admin/verifications/-1/approve', {}, 400],
    ['an empty reason', '/api/admin/verifications/1/reject', { reason: '   ' }, 400],
    ['a reason of 501 characters', '/api/admin/verifications/1/reject', { reason: 'x'.repeat(501) }, 400],
    ['an unknown field', '/api/admin/verifications/1/approve', { status: 'verified' }, 400],
  ])('refuses %s and writes nothing', async (_what, path, body, status) => {
    await submitted();
    const before = snapshot(t.db);
    const res = await call(t, 'POST', path, { cookie: admin.cookie, body });
    expect(res.status).toBe(status);
    expect(res.body.error.code).toEqual(expect.any(String));
    expect(snapshot(t.db)).toEqual(before);
  });

  it('refuses a bad status filter', async () => {
    const res = await call(t, 'GET', '/api/admin/verifications?status=approved', { cookie: admin.cookie });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/pending, verified, rejected, revoked/);
  });
});

describe('CSV import', () => {
  const importCsv = (csv: string | Uint8Array, type = 'text/csv', dryRun = false) =>
    call(t, 'POST', `/api/admin/verifications/import${dryRun ? '?dryRun=1' : ''}`, {
      cookie: admin.cookie,
      raw: typeof csv === 'string' ? csv : csv,
      headers: { 'content-type': type },
    });

  it('imports good rows and reports each bad row by line, never half-writing one', async () => {
    const pending = await submitted('赵敏', 'Z9876543');
    const fresh = await signUp(t, { login: 'fresh@example.test' });
    const mismatch = await submitted('周芷若', 'Q1111111');
    const csv = [
      'login,legal_name,id_number,status,reason',
      `${pending.person.login},赵敏,Z9876543,verified,`,
      `fresh@example.test,"Smith, John",X5555555,verified,offline check`,
      'nobody@example.test,无名,N0000001,verified,',
      `${mismatch.person.login},周芷若,Q2222222,verified,`,
      `fresh@example.test,Again,X5555555,rejected,dup`,
      `${admin.login},Ad Min,A1234567,maybe,`,
      `${admin.login},Ad Min,A1234567,rejected,`,
      `${admin.login},"Bad""Name",A1234567,verified,`,
    ].join('\r\n');
    const res = await importCsv(csv);
    expect(res.status).toBe(200);
    expect(res.body.imported).toBe(1);
    expect(res.body.errors).toEqual([
      { line: 3, code: 'invalid_field', message: expect.stringMatching(/^legal_name:/) },
      { line: 4, code: 'unknown_login', message: 'no person signs in as nobody@example.test' },
      { line: 5, code: 'id_mismatch', message: expect.stringMatching(/does not match/) },
      { line: 6, code: 'duplicate_row', message: expect.any(String) },
      { line: 7, code: 'invalid_field', message: 'status: must be verified or rejected' },
      { line: 8, code: 'duplicate_row', message: expect.any(String) },
      { line: 9, code: 'duplicate_row', message: expect.any(String) },
    ]);
    // Line 2 decided the pending record; line 3 ("Smith, John" has a comma inside quotes) was refused for the comma.
    const list = (await call(t, 'GET', '/api/admin/verifications', { cookie: admin.cookie })).body.verifications;
    const decided = list.find((v: { person: { id: number } }) => v.person.id === pending.person.me.id);
    expect(decided).toMatchObject({ id: pending.id, status: 'verified', legalName: '赵敏' });
    expect(list.find((v: { person: { id: number } }) => v.person.id === fresh.me.id)).toBeUndefined();
    expect(list.find((v: { person: { id: number } }) => v.person.id === mismatch.person.me.id).status).toBe('pending');
    const audit = (await call(t, 'GET', '/api/admin/audit', { cookie: admin.cookie })).body.entries.filter(
      (e: { targetType: string }) => e.targetType === 'verification',
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: 'verification.import.approve',
      targetId: pending.id,
      beforeStatus: 'pending',
      afterStatus: 'verified',
    });
  });

  it('writes a new decided record for someone with none, and refuses someone already verified', async () => {
    const fresh = await signUp(t, { login: 'new@example.test' });
    const first = await importCsv('login,legal_name,id_number,status\nnew@example.test,Jane Doe,D7654321,verified\n');
    expect(first.body).toEqual({
      dryRun: false,
      imported: 1,
      unchanged: [],
      errors: [],
      rows: [
        {
          line: 2,
          login: 'new@example.test',
          status: 'verified',
          legalName: 'Jane Doe',
          idLast4: '4321',
          outcome: 'imported',
          person: { id: fresh.me.id, nickname: fresh.me.nickname, extension: fresh.me.extension },
        },
      ],
    });
    expect((await call(t, 'GET', '/api/me/verification', { cookie: fresh.cookie })).body.verification).toMatchObject({
      status: 'verified',
      legalName: 'Jane Doe',
      idLast4: '4321',
    });
    // Another document for someone already verified is refused: revoke first.
    const second = await importCsv('login,legal_name,id_number,status\nnew@example.test,Jane Doe,E7654321,verified\n');
    expect(second.body).toMatchObject({
      imported: 0,
      unchanged: [],
      errors: [{ line: 2, code: 'already_verified', message: expect.any(String) }],
      rows: [{ line: 2, outcome: 'error', code: 'already_verified', person: { id: fresh.me.id } }],
    });
  });

  it('is idempotent: the same file twice changes nothing the second time and says each row is already recorded', async () => {
    const pending = await submitted('赵敏', 'Z9876543');
    const fresh = await signUp(t, { login: 'twice@example.test' });
    const csv = [
      'login,legal_name,id_number,status,reason',
      `${pending.person.login},赵敏,Z9876543,verified,`,
      `twice@example.test,Jane Doe,D7654321,rejected,document unreadable`,
    ].join('\n');
    const first = await importCsv(csv);
    expect(first.body).toMatchObject({ imported: 2, unchanged: [], errors: [] });
    const before = snapshot(t.db);
    t.clock.now += 60_000;
    const second = await importCsv(csv);
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({
      imported: 0,
      unchanged: [
        { line: 2, code: 'already_recorded', message: expect.stringMatching(/already verified with this document/) },
        { line: 3, code: 'already_recorded', message: expect.stringMatching(/already rejected with this document/) },
      ],
      errors: [],
      rows: [
        { line: 2, outcome: 'unchanged', code: 'already_recorded', person: { id: pending.person.me.id } },
        { line: 3, outcome: 'unchanged', code: 'already_recorded', person: { id: fresh.me.id } },
      ],
    });
    // Not a record, not an audit entry more.
    expect(snapshot(t.db)).toEqual(before);
    // A different decision for the same document is a new decision, not a repeat.
    const changed = await importCsv(
      'login,legal_name,id_number,status\ntwice@example.test,Jane Doe,D7654321,verified\n',
    );
    expect(changed.body).toMatchObject({ imported: 1, unchanged: [], errors: [] });
    void fresh;
  });

  it('never decides a record before it was submitted', async () => {
    const pending = await submitted('赵敏', 'Z9876543');
    await signUp(t, { login: 'order@example.test' });
    t.clock.now -= 3_600_000; // an admin whose clock runs behind the database's
    await importCsv(
      [
        'login,legal_name,id_number,status',
        `${pending.person.login},赵敏,Z9876543,verified`,
        'order@example.test,Jane Doe,D7654321,verified',
      ].join('\n'),
    );
    const rows = t.db.$client
      .prepare('SELECT submitted_at AS submittedAt, decided_at AS decidedAt FROM verifications')
      .all() as { submittedAt: number; decidedAt: number }[];
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row.decidedAt).toBeGreaterThanOrEqual(row.submittedAt);
  });

  it.each([
    [
      'a wrong header',
      'user,name,id,status\nx@y.test,A,B1234567,verified\n',
      { problem: 'csv_header', expected: 'login,legal_name,id_number,status[,reason]' },
    ],
    ['only a header', 'login,legal_name,id_number,status\n', { problem: 'csv_empty' }],
    [
      'an unterminated quote',
      'login,legal_name,id_number,status\nx@y.test,"A,B1234567,verified\n',
      { problem: 'csv_syntax', line: 2 },
    ],
    [
      'a stray quote',
      'login,legal_name,id_number,status\nx@y.test,A"B,B1234567,verified\n',
      { problem: 'csv_syntax', line: 2 },
    ],
    [
      'broken UTF-8',
      Buffer.concat([
        Buffer.from('login,legal_name,id_number,status\nx@y.test,'),
        Buffer.from([0xff, 0xfe]),
        Buffer.from(',B1234567,verified\n'),
      ]),
      { problem: 'csv_encoding' },
    ],
    [
      'too many rows',
      `login,legal_name,id_number,status\n${'x@y.test,A,B1234567,verified\n'.repeat(5001)}`,
      { problem: 'csv_too_many', maximum: 5000 },
    ],
  ])('refuses the whole file for %s, writing nothing (and so does its preview)', async (_what, csv, problem) => {
    await signUp(t, { login: 'x@y.test' });
    const before = snapshot(t.db);
    for (const dryRun of [false, true]) {
      const res = await importCsv(typeof csv === 'string' ? csv : new Uint8Array(csv), 'text/csv', dryRun);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_csv');
      expect(res.body.error.message).toMatch(/nothing was imported/);
      // Which part of the file is wrong, by a stable name the page words in the admin's language.
      expect(res.body.error.problems).toEqual([{ path: 'file', message: expect.any(String), ...problem }]);
    }
    expect(snapshot(t.db)).toEqual(before);
  });

  it('refuses another content type', async () => {
    const res = await importCsv('login,legal_name,id_number,status\n', 'application/json');
    expect(res.status).toBe(415);
  });
});

describe('CSV import preview (?dryRun=1)', () => {
  const importCsv = (csv: string, query = '') =>
    call(t, 'POST', `/api/admin/verifications/import${query}`, {
      cookie: admin.cookie,
      raw: csv,
      headers: { 'content-type': 'text/csv' },
    });
  const person = (p: { me: { id: number; nickname: string; extension: string } }) => ({
    id: p.me.id,
    nickname: p.me.nickname,
    extension: p.me.extension,
  });

  it('answers what each row would do, writes nothing, and the import right after does exactly that', async () => {
    const pending = await submitted('赵敏', 'Z9876543');
    const fresh = await signUp(t, { login: 'fresh@example.test' });
    const unproven = await signUp(t, { login: 'unproven@example.test', proven: false });
    const recorded = await signUp(t, { login: 'recorded@example.test' });
    const sameDoc = await signUp(t, { login: 'samedoc@example.test' });
    await importCsv('login,legal_name,id_number,status\nrecorded@example.test,Jane Doe,R7654321,verified\n');
    const csv = [
      'login,legal_name,id_number,status,reason',
      `${pending.person.login},赵敏,Z9876543,verified,`,
      'fresh@example.test,Jane Roe,X5555555,rejected,document unreadable',
      'recorded@example.test,Jane Doe,R7654321,verified,',
      'nobody@example.test,无名,N0000001,verified,',
      'unproven@example.test,Li Lei,U1234567,verified,',
      'recorded@example.test,Jane Doe,R7654321,verified,',
      'bad login,Jane,B1234567,verified,',
      `${pending.person.login},Bad1Name,Z9876543,verified,`,
      `${admin.login},Ad Min,A1234567,verified`,
      // The same document as line 2's, for someone else: refused because line 2 verifies it first.
      'samedoc@example.test,赵敏,Z9876543,verified,',
    ].join('\n');
    const before = snapshot(t.db);
    const calls = t.pbxCalls.length;

    const preview = await importCsv(csv, '?dryRun=1');
    expect(preview.status).toBe(200);
    // Nothing written: no verification, no audit entry, no PBX outbox row; nothing asked of the PBX.
    expect(snapshot(t.db)).toEqual(before);
    expect(t.pbxCalls).toHaveLength(calls);
    // What each row records is answered once read: the legal name, and the document's last 4 only.
    const records = (legalName: string, idLast4: string) => ({ legalName, idLast4 });
    const expected = [
      {
        line: 2,
        login: pending.person.login,
        status: 'verified',
        ...records('赵敏', '6543'),
        outcome: 'imported',
        person: person(pending.person),
      },
      {
        line: 3,
        login: 'fresh@example.test',
        status: 'rejected',
        ...records('Jane Roe', '5555'),
        outcome: 'imported',
        person: person(fresh),
      },
      {
        line: 4,
        login: 'recorded@example.test',
        status: 'verified',
        ...records('Jane Doe', '4321'),
        outcome: 'unchanged',
        code: 'already_recorded',
        message: expect.stringMatching(/already verified/),
        person: person(recorded),
      },
      {
        line: 5,
        login: 'nobody@example.test',
        status: 'verified',
        ...records('无名', '0001'),
        outcome: 'error',
        code: 'unknown_login',
        message: 'no person signs in as nobody@example.test',
      },
      {
        line: 6,
        login: 'unproven@example.test',
        status: 'verified',
        ...records('Li Lei', '4567'),
        outcome: 'error',
        code: 'login_unproven',
        message: expect.any(String),
        person: person(unproven),
      },
      {
        line: 7,
        login: 'recorded@example.test',
        outcome: 'error',
        code: 'duplicate_row',
        message: expect.any(String),
        person: person(recorded),
      },
      {
        line: 8,
        login: 'bad login',
        outcome: 'error',
        code: 'invalid_field',
        message: expect.stringMatching(/^login:/),
        problem: { path: 'login', problem: expect.any(String), message: expect.any(String) },
      },
      {
        line: 9,
        login: pending.person.login,
        outcome: 'error',
        code: 'duplicate_row',
        message: expect.any(String),
        person: person(pending.person),
      },
      {
        line: 10,
        login: admin.login,
        outcome: 'error',
        code: 'wrong_columns',
        message: 'expected 5 fields, found 4',
        expected: 5,
        found: 4,
      },
      {
        line: 11,
        login: 'samedoc@example.test',
        status: 'verified',
        ...records('赵敏', '6543'),
        outcome: 'error',
        code: 'document_in_use',
        message: expect.any(String),
        other: { nickname: pending.person.me.nickname, extension: pending.person.me.extension },
        person: person(sameDoc),
      },
    ];
    expect(preview.body).toEqual({
      dryRun: true,
      imported: 2,
      unchanged: [{ line: 4, code: 'already_recorded', message: expect.any(String) }],
      errors: expect.any(Array),
      rows: expected,
    });
    expect(preview.body.errors.map((e: { line: number }) => e.line)).toEqual([5, 6, 7, 8, 9, 10, 11]);
    for (const number of ['Z9876543', 'X5555555', 'R7654321', 'N0000001', 'U1234567']) {
      expect(JSON.stringify(preview.body)).not.toContain(number);
    }

    // The real import of the same file, right after: the same outcome on every row, now written.
    const real = await importCsv(csv);
    expect(real.status).toBe(200);
    expect(real.body).toEqual({ ...preview.body, dryRun: false });
    expect(snapshot(t.db)).not.toEqual(before);
    const audit = (await call(t, 'GET', '/api/admin/audit?limit=2', { cookie: admin.cookie })).body.entries;
    expect(audit.map((e: { action: string; targetUserId: number }) => [e.action, e.targetUserId])).toEqual([
      ['verification.import.reject', fresh.me.id],
      ['verification.import.approve', pending.person.me.id],
    ]);
    // A verification by import tells the callees of calls under way, as an approval does.
    expect(t.pbxCalls.slice(calls)).toEqual([{ extension: pending.person.me.extension, hangUp: false, retell: true }]);

    // And a preview now says every good row is already recorded: importing again is harmless.
    const again = await importCsv(csv, '?dryRun=1');
    expect(again.body.rows.slice(0, 3).map((r: { outcome: string }) => r.outcome)).toEqual([
      'unchanged',
      'unchanged',
      'unchanged',
    ]);
  });

  it('keeps no PBX outbox row either: the AMI outbox, which a real import writes to, stays empty', async () => {
    const pending = await submitted('赵敏', 'Z9876543');
    // The real AMI side with nothing listening: its outbox keeps what it must tell the PBX.
    const pbx = createAmiPbx(t.db, { host: '127.0.0.1', port: 1, user: 'realcall', secret: 'x'.repeat(32) }, () => {});
    try {
      const file = new TextEncoder().encode(
        `login,legal_name,id_number,status\n${pending.person.login},赵敏,Z9876543,verified\n`,
      );
      const run = (dryRun: boolean) =>
        importVerifications(
          t.db,
          deriveKeys(t.config.secretKey),
          { id: admin.me.id, login: admin.login },
          file,
          t.config.logins,
          t.clock.now,
          {
            dryRun,
            pbx,
          },
        );
      const before = snapshot(t.db);
      expect(run(true).rows[0]).toMatchObject({ outcome: 'imported' });
      expect(snapshot(t.db)).toEqual(before);
      expect(run(false).rows[0]).toMatchObject({ outcome: 'imported' });
      expect(t.db.select().from(pbxOutbox).all()).toEqual([
        expect.objectContaining({ extension: pending.person.me.extension, retell: true }),
      ]);
    } finally {
      pbx.close();
    }
  });

  it('a row refused for a document already verifying someone else names them', async () => {
    const holder = await signUp(t, { login: 'holder@example.test', nickname: 'Holder' });
    await signUp(t, { login: 'second@example.test' });
    await importCsv('login,legal_name,id_number,status\nholder@example.test,Jane Doe,H7654321,verified\n');
    const res = await importCsv(
      'login,legal_name,id_number,status\nsecond@example.test,Jane Doe,H7654321,verified\n',
      '?dryRun=1',
    );
    expect(res.body.rows).toEqual([
      expect.objectContaining({
        outcome: 'error',
        code: 'document_in_use',
        other: { nickname: 'Holder', extension: holder.me.extension },
      }),
    ]);
  });

  it.each(['?dryRun=yes', '?dryRun=', '?dryRun=2'])('refuses %s by name, writing nothing', async (query) => {
    await signUp(t, { login: 'q@example.test' });
    const before = snapshot(t.db);
    const res = await importCsv(
      'login,legal_name,id_number,status\nq@example.test,Jane Doe,Q7654321,verified\n',
      query,
    );
    expect(res.status).toBe(400);
    expect(res.body.error.problems).toEqual([expect.objectContaining({ path: 'dryRun' })]);
    expect(snapshot(t.db)).toEqual(before);
  });

  it('?dryRun=0 imports', async () => {
    await signUp(t, { login: 'zero@example.test' });
    const res = await importCsv(
      'login,legal_name,id_number,status\nzero@example.test,Jane Doe,Z7654321,verified\n',
      '?dryRun=0',
    );
    expect(res.body).toMatchObject({ dryRun: false, imported: 1 });
  });
});

describe('people', () => {
  it('lists and finds people', async () => {
    const p = await signUp(t, { login: 'findme@example.test', nickname: 'Findable' });
    const res = await call(t, 'GET', '/api/admin/people?q=findme', { cookie: admin.cookie });
    expect(res.body.people).toEqual([
      expect.objectContaining({ id: p.me.id, login: 'findme@example.test', nickname: 'Findable', disabled: false }),
    ]);
  });

  it('gives each person their latest verification (id and status), never a legal name', async () => {
    const none = await signUp(t, { nickname: 'Nobody Yet' });
    const once = await submitted('张三丰', 'E12345678');
    const twice = await submitted('李小龙', 'F12345678');
    await call(t, 'POST', `/api/admin/verifications/${twice.id}/approve`, { cookie: admin.cookie, body: {} });
    await call(t, 'POST', `/api/admin/verifications/${twice.id}/revoke`, {
      cookie: admin.cookie,
      body: { reason: 'Document reported stolen' },
    });
    const again = await call(t, 'POST', '/api/me/verification', {
      cookie: twice.person.cookie,
      body: { legalName: '李小龙', idNumber: 'G12345678' },
    });
    expect(again.status).toBe(201);
    const { people } = (await call(t, 'GET', '/api/admin/people', { cookie: admin.cookie })).body;
    const of = (id: number) => people.find((p: { id: number }) => p.id === id);
    expect(of(none.me.id).verification).toBeNull();
    expect(of(once.person.me.id).verification).toEqual({ id: once.id, status: 'pending' });
    expect(of(twice.person.me.id).verification).toEqual({ id: again.body.verification.id, status: 'pending' });
    expect(Object.keys(of(none.me.id)).sort()).toEqual(
      ['createdAt', 'disabled', 'extension', 'id', 'login', 'loginProven', 'nickname', 'role', 'verification'].sort(),
    );
    expect(JSON.stringify(people)).not.toMatch(/张三丰|李小龙/);
    // One query's answer, also when searching and paging.
    const found = (await call(t, 'GET', `/api/admin/people?q=${once.person.me.extension}`, { cookie: admin.cookie }))
      .body.people;
    expect(found).toEqual([
      expect.objectContaining({ id: once.person.me.id, verification: { id: once.id, status: 'pending' } }),
    ]);
  });

  it('says whether each person has proven their login (what approval and CSV import need)', async () => {
    const proven = await signUp(t, { nickname: 'Proven One' });
    const unproven = await signUp(t, { nickname: 'Unproven One', proven: false });
    const { people } = (await call(t, 'GET', '/api/admin/people', { cookie: admin.cookie })).body;
    const of = (id: number) => people.find((p: { id: number }) => p.id === id);
    expect(of(proven.me.id).loginProven).toBe(true);
    expect(of(unproven.me.id).loginProven).toBe(false);
  });

  it('finds a phone login however the number is spaced or prefixed, and still by part of it as typed', async () => {
    const phone = await signUp(t, { login: '+8613800138000', nickname: 'Phone Person' });
    await signUp(t, { login: '+8613900139000', nickname: 'Other Phone' });
    const find = async (q: string, app = t, cookie = admin.cookie) => {
      const res = await call(app, 'GET', `/api/admin/people?q=${encodeURIComponent(q)}`, { cookie });
      expect(res.status, q).toBe(200);
      return res.body.people.map((p: { login: string }) => p.login);
    };
    for (const q of ['+86 138 0013 8000', '+86-138-0013-8000', '0086 138 0013 8000', '13800138000', '+8613800138000']) {
      expect(await find(q), q).toEqual([phone.login]);
    }
    // Part of a number is found as typed; a number that is nobody's finds nobody.
    expect(await find('0013 8000')).toEqual([]);
    expect(await find('138001')).toEqual([phone.login]);
    expect(await find('+86 137 0013 8000')).toEqual([]);

    // Without a country code the number is read in the server's default country, when one is configured.
    const cn = createTestApp({ REALCALL_PHONE_COUNTRY: 'CN' });
    try {
      const cnAdmin = await signUp(cn, { login: 'admin@realcall.test' });
      makeAdmin(cn.db, cnAdmin.me.id);
      await signUp(cn, { login: '+8613800138000' });
      expect(await find('138 0013 8000', cn, cnAdmin.cookie)).toEqual(['+8613800138000']);
      expect(await find('138 0013 8000')).toEqual([]);
    } finally {
      cn.close();
    }
  });

  it('disables a person: signed out, PBX told to forget and hang up, audited; then enables', async () => {
    const p = await signUp(t);
    const disabled = await call(t, 'POST', `/api/admin/people/${p.me.id}/disable`, {
      cookie: admin.cookie,
      body: { reason: 'Fraud report' },
    });
    expect(disabled.status).toBe(204);
    expect((await call(t, 'GET', '/api/me', { cookie: p.cookie })).status).toBe(401);
    expect(t.pbxCalls).toEqual([{ extension: p.me.extension, hangUp: true }]);
    const again = await call(t, 'POST', `/api/admin/people/${p.me.id}/disable`, {
      cookie: admin.cookie,
      body: { reason: 'x' },
    });
    expect(again.status).toBe(409);
    const enabled = await call(t, 'POST', `/api/admin/people/${p.me.id}/enable`, {
      cookie: admin.cookie,
      body: { reason: 'Cleared' },
    });
    expect(enabled.status).toBe(204);
    const audit = (await call(t, 'GET', '/api/admin/audit', { cookie: admin.cookie })).body.entries;
    expect(audit.map((e: { action: string }) => e.action)).toEqual(['user.enable', 'user.disable', 'user.promote']);
    expect(audit[1]).toMatchObject({
      beforeStatus: 'enabled',
      afterStatus: 'disabled',
      reason: 'Fraud report',
      targetUserId: p.me.id,
    });
  });

  it('does not let an admin disable themselves', async () => {
    const res = await call(t, 'POST', `/api/admin/people/${admin.me.id}/disable`, {
      cookie: admin.cookie,
      body: { reason: 'oops' },
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('cannot_disable_self');
  });
});
