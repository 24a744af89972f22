import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jpeg, png, pngWithChunk, webp } from '../images.test-support';
import { decode } from '../services/image-codec';
import { call, cookieFrom, createTestApp, makeAdmin, signUp, snapshot, type TestApp } from '../testing';

let t: TestApp;
beforeEach(() => {
  t = createTestApp();
});
afterEach(() => t.close());

describe('/api/me', () => {
  it('refuses anonymous callers on every route', async () => {
    for (const [method, path] of [
      ['GET', '/api/me'],
      ['PATCH', '/api/me'],
      ['DELETE', '/api/me'],
      ['GET', '/api/me/sip'],
      ['POST', '/api/me/sip/rotate'],
      ['GET', '/api/me/verification'],
      ['POST', '/api/me/verification'],
      ['PUT', '/api/me/verification'],
      ['DELETE', '/api/me/verification'],
      ['POST', '/api/me/password'],
      ['GET', '/api/me/privacy'],
      ['PUT', '/api/me/privacy'],
      ['GET', '/api/me/privacy/preview'],
      ['PUT', '/api/me/avatar'],
      ['DELETE', '/api/me/avatar'],
      ['POST', '/api/me/connection'],
    ] as const) {
      const res = await call(t, method, path, { cookie: 'rc_session=' + 'x'.repeat(43) });
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    }
  });

  it('changes the nickname, and refuses a bad one without writing', async () => {
    const p = await signUp(t);
    const ok = await call(t, 'PATCH', '/api/me', { cookie: p.cookie, body: { nickname: '  阿明  ' } });
    expect(ok.status).toBe(200);
    expect(ok.body.me.nickname).toBe('阿明');
    const before = snapshot(t.db);
    const bad = await call(t, 'PATCH', '/api/me', { cookie: p.cookie, body: { nickname: 'a\u0000b' } });
    expect(bad.status).toBe(400);
    expect(snapshot(t.db)).toEqual(before);
  });
});

describe('GET /api/me/sip', () => {
  it('gives the owner what the softphone needs, with a secret of at least 128 bits that is not the password', async () => {
    const p = await signUp(t);
    const res = await call(t, 'GET', '/api/me/sip', { cookie: p.cookie });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toEqual({
      wsUrl: 'wss://pbx.realcall.test/ws',
      uri: `sip:${p.me.extension}@realcall.test`,
      authUser: p.me.extension,
      secret: expect.stringMatching(/^[\w-]{32}$/),
      realm: 'realcall.test',
      extension: p.me.extension,
      iceServers: [],
      iceTransportPolicy: 'all',
      expiresAt: null,
    });
    expect(Buffer.from(res.body.secret, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
    expect(res.body.secret).not.toBe(p.password);
    // Stored sealed, never in the clear.
    expect(JSON.stringify(snapshot(t.db))).not.toContain(res.body.secret);
  });

  it('gives each person their own secret, and only their own', async () => {
    const a = await signUp(t);
    const b = await signUp(t);
    const sa = await call(t, 'GET', '/api/me/sip', { cookie: a.cookie });
    const sb = await call(t, 'GET', '/api/me/sip', { cookie: b.cookie });
    expect(sa.body.secret).not.toBe(sb.body.secret);
    expect(sa.body.authUser).toBe(a.me.extension);
    expect(sb.body.authUser).toBe(b.me.extension);
  });

  it('passes the configured STUN servers, and relay credentials of its own to each person that expire', async () => {
    t.close();
    const secret = 'Hq7Lm2Xc9Vb4Nz6Rt1Ws8Ek3Pf5Yg0Ju';
    t = createTestApp({
      REALCALL_ICE_SERVERS: '[{"urls":"stun:stun.realcall.test:3478"}]',
      REALCALL_TURN_URLS: 'turn:turn.realcall.test:3478?transport=udp,turn:turn.realcall.test:3478?transport=tcp',
      REALCALL_TURN_SECRET: secret,
      REALCALL_TURN_TTL_SECONDS: '3600',
      REALCALL_ICE_TRANSPORT_POLICY: 'relay',
    });
    const a = await signUp(t);
    const b = await signUp(t);
    const res = await call(t, 'GET', '/api/me/sip', { cookie: a.cookie });
    const expiry = Math.floor(t.clock.now / 1000) + 3600;
    expect(res.body.iceTransportPolicy).toBe('relay');
    expect(res.body.expiresAt).toBe(expiry * 1000);
    expect(res.body.iceServers[0]).toEqual({ urls: 'stun:stun.realcall.test:3478' });
    const relay = res.body.iceServers[1];
    expect(relay.urls).toEqual([
      'turn:turn.realcall.test:3478?transport=udp',
      'turn:turn.realcall.test:3478?transport=tcp',
    ]);
    // coturn's shared-secret scheme: "<expiry>:<who>", and the HMAC-SHA1 of it (checked against coturn itself
    // in turn/turn.test.ts).
    expect(relay.username).toBe(`${expiry}:rc${a.me.id}`);
    expect(relay.credential).toBe(createHmac('sha1', secret).update(relay.username).digest('base64'));
    expect(JSON.stringify(res.body)).not.toContain(secret);
    // Each person their own; later, fresh ones that last longer.
    const other = await call(t, 'GET', '/api/me/ice', { cookie: b.cookie });
    expect(other.body.iceServers[1].username).toBe(`${expiry}:rc${b.me.id}`);
    t.clock.now += 50 * 60_000;
    const renewed = await call(t, 'GET', '/api/me/ice', { cookie: a.cookie });
    expect(renewed.status).toBe(200);
    expect(renewed.headers.get('cache-control')).toBe('no-store');
    expect(renewed.body.expiresAt).toBe((expiry + 3000) * 1000);
    expect(renewed.body.iceServers[1].username).toBe(`${expiry + 3000}:rc${a.me.id}`);
  });

  it('gives relay credentials to signed-in people only', async () => {
    expect((await call(t, 'GET', '/api/me/ice')).status).toBe(401);
  });

  it('rotates the secret and tells the PBX to forget the old one', async () => {
    const p = await signUp(t);
    const before = await call(t, 'GET', '/api/me/sip', { cookie: p.cookie });
    const rotated = await call(t, 'POST', '/api/me/sip/rotate', { cookie: p.cookie });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(before.body.secret);
    expect(t.pbxCalls).toEqual([{ extension: p.me.extension, hangUp: false }]);
  });

  it('rotates at most 5 times in 10 minutes: a flood of rotations is refused, not queued for the PBX', async () => {
    const p = await signUp(t);
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++)
      statuses.push((await call(t, 'POST', '/api/me/sip/rotate', { cookie: p.cookie })).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.slice(5).every((s) => s === 429)).toBe(true);
    expect(t.pbxCalls).toHaveLength(5);
    t.clock.now += 11 * 60 * 1000;
    expect((await call(t, 'POST', '/api/me/sip/rotate', { cookie: p.cookie })).status).toBe(200);
  });
});

describe('verification', () => {
  it('starts at none, becomes pending, and keeps only a keyed hash and the last 4 of the document number', async () => {
    const p = await signUp(t);
    expect((await call(t, 'GET', '/api/me/verification', { cookie: p.cookie })).body.verification).toEqual({
      status: 'none',
    });
    const res = await call(t, 'POST', '/api/me/verification', {
      cookie: p.cookie,
      body: { legalName: ' 张三丰 ', idNumber: '11010519491231002x' },
    });
    expect(res.status).toBe(201);
    expect(res.body.verification).toMatchObject({
      status: 'pending',
      legalName: '张三丰',
      idLast4: '002X',
      reason: null,
    });
    const stored = JSON.stringify(snapshot(t.db));
    expect(stored).not.toContain('11010519491231002');
    const row = snapshot(t.db).verifications?.[0] as { id_hash: string };
    expect(row.id_hash).toMatch(/^[0-9a-f]{64}$/);
    expect((await call(t, 'GET', '/api/me', { cookie: p.cookie })).body.me.verificationStatus).toBe('pending');
  });

  it('hashes the same number differently under a different server key', async () => {
    const other = createTestApp();
    try {
      const a = await signUp(t);
      const b = await signUp(other);
      const body = { legalName: 'Li Lei', idNumber: 'E12345678' };
      await call(t, 'POST', '/api/me/verification', { cookie: a.cookie, body });
      await call(other, 'POST', '/api/me/verification', { cookie: b.cookie, body });
      const hashA = (snapshot(t.db).verifications?.[0] as { id_hash: string }).id_hash;
      const hashB = (snapshot(other.db).verifications?.[0] as { id_hash: string }).id_hash;
      expect(hashA).not.toBe(hashB);
    } finally {
      other.close();
    }
  });

  it('refuses a second submission while one is pending, and after approval', async () => {
    const p = await signUp(t);
    const body = { legalName: '王小明', idNumber: '110105194912310021' };
    expect((await call(t, 'POST', '/api/me/verification', { cookie: p.cookie, body })).status).toBe(201);
    const before = snapshot(t.db);
    const again = await call(t, 'POST', '/api/me/verification', { cookie: p.cookie, body });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('verification_pending');
    expect(snapshot(t.db)).toEqual(before);

    const admin = await signUp(t);
    makeAdmin(t.db, admin.me.id);
    const id = (await call(t, 'GET', '/api/admin/verifications?status=pending', { cookie: admin.cookie })).body
      .verifications[0].id;
    expect(
      (await call(t, 'POST', `/api/admin/verifications/${id}/approve`, { cookie: admin.cookie, body: {} })).status,
    ).toBe(200);
    const verified = await call(t, 'POST', '/api/me/verification', { cookie: p.cookie, body });
    expect(verified.status).toBe(409);
    expect(verified.body.error.code).toBe('already_verified');
  });

  it.each([
    ['a legal name with digits', { legalName: 'Agent 007', idNumber: '110105194912310021' }],
    ['a legal name with quotes', { legalName: '"张三"', idNumber: '110105194912310021' }],
    ['a legal name with a zero-width space', { legalName: '张\u200b三', idNumber: '110105194912310021' }],
    ['a legal name of 41 characters', { legalName: '张'.repeat(41), idNumber: '110105194912310021' }],
    ['a document number with symbols', { legalName: '张三', idNumber: '1101#0519' }],
    ['a document number too short', { legalName: '张三', idNumber: '12345' }],
    ['no document number', { legalName: '张三' }],
  ])('refuses %s and writes nothing', async (_what, body) => {
    const p = await signUp(t);
    const before = snapshot(t.db);
    const res = await call(t, 'POST', '/api/me/verification', { cookie: p.cookie, body });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
    expect(snapshot(t.db)).toEqual(before);
  });
});

describe('correcting or withdrawing a pending verification', () => {
  const first = { legalName: '张三风', idNumber: '110105194912310021' };
  const fixed = { legalName: '张三丰', idNumber: '110105194912310039' };

  async function pending(p = signUp(t)) {
    const person = await p;
    const res = await call(t, 'POST', '/api/me/verification', { cookie: person.cookie, body: first });
    expect(res.status).toBe(201);
    return { person, id: res.body.verification.id as number };
  }

  async function adminCookie() {
    const admin = await signUp(t);
    makeAdmin(t.db, admin.me.id);
    return admin.cookie;
  }

  it('replaces a pending record with the corrected one, keeping nothing of the old name or document', async () => {
    const { person, id } = await pending();
    const oldHash = (snapshot(t.db).verifications?.[0] as { id_hash: string }).id_hash;
    const res = await call(t, 'PUT', '/api/me/verification', { cookie: person.cookie, body: fixed });
    expect(res.status).toBe(200);
    expect(res.body.verification).toMatchObject({ status: 'pending', legalName: '张三丰', idLast4: '0039' });
    // A new record: an admin who saw the old one and approves it by its id approves nothing unseen.
    expect(res.body.verification.id).not.toBe(id);
    expect((await call(t, 'GET', '/api/me/verification', { cookie: person.cookie })).body).toEqual(res.body);
    const stored = JSON.stringify(snapshot(t.db));
    expect(stored).not.toContain('张三风');
    expect(stored).not.toContain(oldHash);
    expect(snapshot(t.db).verifications).toHaveLength(1);
    const admin = await adminCookie();
    const stale = await call(t, 'POST', `/api/admin/verifications/${id}/approve`, { cookie: admin, body: {} });
    expect(stale.status).toBe(404);
    expect((await call(t, 'GET', '/api/me/verification', { cookie: person.cookie })).body.verification.status).toBe(
      'pending',
    );
  });

  it('checks a correction as it checks a submission, and writes nothing when it refuses', async () => {
    const { person } = await pending();
    const before = snapshot(t.db);
    const bad = await call(t, 'PUT', '/api/me/verification', {
      cookie: person.cookie,
      body: { legalName: 'Agent 007', idNumber: '12#' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.problems).toEqual([
      expect.objectContaining({ path: 'legalName', problem: 'letters' }),
      expect.objectContaining({ path: 'idNumber', problem: 'id_format' }),
    ]);
    expect(snapshot(t.db)).toEqual(before);
    // Proven logins only, as for a submission (un-proven by hand here: no route un-proves a login today).
    t.db.$client.prepare('UPDATE users SET login_proven_at = NULL WHERE id = ?').run(person.me.id);
    const unproven = snapshot(t.db);
    const refused = await call(t, 'PUT', '/api/me/verification', { cookie: person.cookie, body: fixed });
    expect([refused.status, refused.body.error.code]).toEqual([403, 'login_unproven']);
    expect(snapshot(t.db)).toEqual(unproven);
  });

  it('withdraws a pending record entirely; the status is none again', async () => {
    const { person } = await pending();
    const res = await call(t, 'DELETE', '/api/me/verification', { cookie: person.cookie });
    expect(res.status).toBe(204);
    expect((await call(t, 'GET', '/api/me/verification', { cookie: person.cookie })).body.verification).toEqual({
      status: 'none',
    });
    expect((await call(t, 'GET', '/api/me', { cookie: person.cookie })).body.me.verificationStatus).toBe('none');
    expect(snapshot(t.db).verifications).toEqual([]);
    expect(JSON.stringify(snapshot(t.db))).not.toContain('张三风');
    // Submitting again is allowed, as for anyone with nothing pending.
    const again = await call(t, 'POST', '/api/me/verification', { cookie: person.cookie, body: fixed });
    expect(again.status).toBe(201);
  });

  it('after a withdrawal, the status is the decision before it', async () => {
    const { person, id } = await pending();
    const admin = await adminCookie();
    await call(t, 'POST', `/api/admin/verifications/${id}/reject`, { cookie: admin, body: { reason: 'blurred' } });
    await call(t, 'POST', '/api/me/verification', { cookie: person.cookie, body: fixed });
    expect((await call(t, 'DELETE', '/api/me/verification', { cookie: person.cookie })).status).toBe(204);
    const now = (await call(t, 'GET', '/api/me/verification', { cookie: person.cookie })).body.verification;
    expect(now).toMatchObject({ id, status: 'rejected', legalName: '张三风', reason: 'blurred' });
  });

  it('refuses both with 409 not_pending when nothing is pending (nothing, decided first by an admin, verified), writing nothing', async () => {
    const none = await signUp(t);
    const { person, id } = await pending();
    const admin = await adminCookie();
    await call(t, 'POST', `/api/admin/verifications/${id}/approve`, { cookie: admin, body: {} });
    for (const who of [none, person]) {
      const before = snapshot(t.db);
      const put = await call(t, 'PUT', '/api/me/verification', { cookie: who.cookie, body: fixed });
      const del = await call(t, 'DELETE', '/api/me/verification', { cookie: who.cookie });
      for (const res of [put, del]) {
        expect(res.status).toBe(409);
        expect(res.body.error.code).toBe('not_pending');
      }
      expect(snapshot(t.db)).toEqual(before);
    }
  });

  it('leaves the admin queue and the audit log listing, without the withdrawn record or the flag it raised', async () => {
    const { person, id } = await pending();
    // Someone else submits the same document: the queue flags each record with the other.
    const copy = await signUp(t);
    await call(t, 'POST', '/api/me/verification', { cookie: copy.cookie, body: first });
    const admin = await adminCookie();
    const flagged = await call(t, 'GET', '/api/admin/verifications?status=pending', { cookie: admin });
    expect(flagged.body.verifications.map((v: { sameDocument: unknown[] }) => v.sameDocument.length)).toEqual([1, 1]);

    await call(t, 'DELETE', '/api/me/verification', { cookie: person.cookie });
    const queue = await call(t, 'GET', '/api/admin/verifications', { cookie: admin });
    expect(queue.status).toBe(200);
    expect(queue.body.verifications).toEqual([
      expect.objectContaining({ person: expect.objectContaining({ id: copy.me.id }), sameDocument: [] }),
    ]);
    expect((await call(t, 'GET', `/api/admin/verifications/${id}`, { cookie: admin })).status).toBe(404);
    const audit = await call(t, 'GET', '/api/admin/audit', { cookie: admin });
    expect(audit.status).toBe(200);
  });
});

describe('verification: what is wrong, said precisely', () => {
  it.each([
    [
      'U+202E (right-to-left override)',
      '张\u202e三',
      /legalName must not contain invisible or control characters \(found U\+202E\)/,
    ],
    ['a zero-width space', '张\u200b三', /\(found U\+200B\)/],
    ['a bell', 'Jane\u0007 Doe', /\(found U\+0007\)/],
  ])('names the character class and the character in a legal name with %s', async (_what, legalName, message) => {
    const p = await signUp(t);
    const res = await call(t, 'POST', '/api/me/verification', {
      cookie: p.cookie,
      body: { legalName, idNumber: '110105194912310021' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(message);
  });

  it('reads full-width digits and letters in a document number as the ASCII they stand for', async () => {
    const p = await signUp(t);
    const res = await call(t, 'POST', '/api/me/verification', {
      cookie: p.cookie,
      body: { legalName: '张三', idNumber: 'Ｇ１２３４５６７８' },
    });
    expect(res.status).toBe(201);
    expect(res.body.verification.idLast4).toBe('5678');
    // The same document typed in ASCII is the same document.
    const q = await signUp(t);
    await call(t, 'POST', '/api/me/verification', {
      cookie: q.cookie,
      body: { legalName: '李四', idNumber: 'g12345678' },
    });
    const rows = snapshot(t.db).verifications as { id_hash: string }[];
    expect(rows[0]!.id_hash).toBe(rows[1]!.id_hash);
  });
});

describe('privacy', () => {
  let adminCookie = '';
  async function verifiedPerson(legalName: string, nickname = 'Nick') {
    const p = await signUp(t, { nickname });
    await call(t, 'POST', '/api/me/verification', { cookie: p.cookie, body: { legalName, idNumber: 'G12345678' } });
    const admin = await signUp(t);
    makeAdmin(t.db, admin.me.id);
    const id = (await call(t, 'GET', '/api/admin/verifications?status=pending', { cookie: admin.cookie })).body
      .verifications[0].id;
    await call(t, 'POST', `/api/admin/verifications/${id}/approve`, { cookie: admin.cookie, body: {} });
    adminCookie = admin.cookie;
    return p;
  }

  it('defaults to masked, and previews exactly what a callee sees for each choice', async () => {
    const p = await verifiedPerson('张三丰', '三丰哥');
    expect((await call(t, 'GET', '/api/me/privacy', { cookie: p.cookie })).body).toEqual({ namePrivacy: 'masked' });
    const preview = await call(t, 'GET', '/api/me/privacy/preview', { cookie: p.cookie });
    expect(preview.body.preview).toEqual({
      current: 'masked',
      options: {
        full: { name: '张三丰', status: 'verified', num: p.me.extension },
        masked: { name: '*三丰', status: 'masked', num: p.me.extension },
        hidden: { name: '三丰哥', status: 'hidden', num: p.me.extension },
      },
      pending: null,
      verification: 'verified',
    });
  });

  it('after a revocation, says so in the preview, shows the nickname as unverified, and asks the PBX to retell calls under way', async () => {
    const p = await verifiedPerson('李小龙', '小龙哥');
    await call(t, 'PUT', '/api/me/privacy', { cookie: p.cookie, body: { namePrivacy: 'full' } });
    t.pbxCalls.length = 0;
    const list = await call(t, 'GET', '/api/admin/verifications?status=verified', { cookie: adminCookie });
    const id = list.body.verifications.find((v: { person: { id: number } }) => v.person.id === p.me.id).id;
    await call(t, 'POST', `/api/admin/verifications/${id}/revoke`, { cookie: adminCookie, body: { reason: 'stolen' } });
    expect(t.pbxCalls).toEqual([{ extension: p.me.extension, hangUp: false, retell: true }]);
    const preview = (await call(t, 'GET', '/api/me/privacy/preview', { cookie: p.cookie })).body.preview;
    expect(preview.verification).toBe('revoked');
    expect(preview.options.full).toEqual({ name: '小龙哥', status: 'unverified', num: p.me.extension });
    // A privacy change mid-call is retold too.
    t.pbxCalls.length = 0;
    await call(t, 'PUT', '/api/me/privacy', { cookie: p.cookie, body: { namePrivacy: 'hidden' } });
    expect(t.pbxCalls).toEqual([{ extension: p.me.extension, hangUp: false, retell: true }]);
  });

  it('changes the choice, and the preview follows', async () => {
    const p = await verifiedPerson('John Smith');
    const res = await call(t, 'PUT', '/api/me/privacy', { cookie: p.cookie, body: { namePrivacy: 'full' } });
    expect(res.status).toBe(200);
    expect(res.body.preview.current).toBe('full');
    expect(res.body.preview.options.masked.name).toBe('John S.');
  });

  it('previews an unverified person as unverified under every choice', async () => {
    const p = await signUp(t, { nickname: 'Just Me' });
    const preview = (await call(t, 'GET', '/api/me/privacy/preview', { cookie: p.cookie })).body.preview;
    for (const choice of ['full', 'masked', 'hidden']) {
      expect(preview.options[choice]).toEqual({ name: 'Just Me', status: 'unverified', num: p.me.extension });
    }
  });

  it('previews what callees will see once the pending name is approved, beside what they see today', async () => {
    const p = await signUp(t, { nickname: '三丰哥' });
    const none = (await call(t, 'GET', '/api/me/privacy/preview', { cookie: p.cookie })).body.preview;
    expect(none.pending).toBeNull();
    await call(t, 'POST', '/api/me/verification', {
      cookie: p.cookie,
      body: { legalName: '张三丰', idNumber: 'G12345678' },
    });
    const preview = (await call(t, 'GET', '/api/me/privacy/preview', { cookie: p.cookie })).body.preview;
    const num = p.me.extension;
    expect(preview).toEqual({
      current: 'masked',
      // Today: not verified yet, whatever the choice.
      options: {
        full: { name: '三丰哥', status: 'unverified', num },
        masked: { name: '三丰哥', status: 'unverified', num },
        hidden: { name: '三丰哥', status: 'unverified', num },
      },
      pending: {
        full: { name: '张三丰', status: 'verified', num },
        masked: { name: '*三丰', status: 'masked', num },
        hidden: { name: '三丰哥', status: 'hidden', num },
      },
      verification: 'pending',
    });
    const chosen = await call(t, 'PUT', '/api/me/privacy', { cookie: p.cookie, body: { namePrivacy: 'full' } });
    expect(chosen.body.preview.pending).toEqual(preview.pending);

    // Once approved, it is exactly what the PBX's lookup answers, and nothing is pending any more.
    const admin = await signUp(t);
    makeAdmin(t.db, admin.me.id);
    const id = (await call(t, 'GET', '/api/me/verification', { cookie: p.cookie })).body.verification.id;
    await call(t, 'POST', `/api/admin/verifications/${id}/approve`, { cookie: admin.cookie, body: {} });
    const after = (await call(t, 'GET', '/api/me/privacy/preview', { cookie: p.cookie })).body.preview;
    expect(after.options).toEqual(preview.pending);
    expect(after.pending).toBeNull();
    const lookup = await t.internal.request(`/internal/asterisk/caller-name?caller=${num}&callee=1`, {
      headers: { 'x-realcall-secret': t.config.internalSecret },
    });
    expect(await lookup.text()).toBe(`status=verified&name=${encodeURIComponent('张三丰')}&num=${num}`);
  });

  it('previews a resubmission after a revocation as pending, while callees see the nickname today', async () => {
    const p = await verifiedPerson('李小龙', '小龙哥');
    const list = await call(t, 'GET', '/api/admin/verifications?status=verified', { cookie: adminCookie });
    const id = list.body.verifications.find((v: { person: { id: number } }) => v.person.id === p.me.id).id;
    await call(t, 'POST', `/api/admin/verifications/${id}/revoke`, { cookie: adminCookie, body: { reason: 'typo' } });
    await call(t, 'POST', '/api/me/verification', {
      cookie: p.cookie,
      body: { legalName: '李小隆', idNumber: 'G12345678' },
    });
    const preview = (await call(t, 'GET', '/api/me/privacy/preview', { cookie: p.cookie })).body.preview;
    expect(preview.options.full).toEqual({ name: '小龙哥', status: 'unverified', num: p.me.extension });
    expect(preview.pending.full).toEqual({ name: '李小隆', status: 'verified', num: p.me.extension });
    // Withdrawn, nothing is pending any more.
    await call(t, 'DELETE', '/api/me/verification', { cookie: p.cookie });
    expect((await call(t, 'GET', '/api/me/privacy/preview', { cookie: p.cookie })).body.preview.pending).toBeNull();
  });

  it('refuses an unknown choice and writes nothing', async () => {
    const p = await signUp(t);
    const before = snapshot(t.db);
    const res = await call(t, 'PUT', '/api/me/privacy', { cookie: p.cookie, body: { namePrivacy: 'public' } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/full, masked, hidden/);
    expect(snapshot(t.db)).toEqual(before);
  });
});

describe('avatar', () => {
  const put = (cookie: string, data: Buffer, type: string) =>
    call(t, 'PUT', '/api/me/avatar', { cookie, raw: new Uint8Array(data), headers: { 'content-type': type } });

  it('stores a PNG re-encoded as WebP, serves it by extension to signed-in people, and deletes it', async () => {
    const p = await signUp(t);
    const other = await signUp(t);
    const image = png(64, 64);
    const res = await put(p.cookie, image, 'image/png');
    expect(res.status).toBe(200);
    expect(res.body.avatar).toEqual({
      mime: 'image/webp',
      width: 64,
      height: 64,
      uploaded: { mime: 'image/png', width: 64, height: 64 },
    });
    expect((await call(t, 'GET', '/api/me', { cookie: p.cookie })).body.me.hasAvatar).toBe(true);

    const got = await t.public.request(`/api/people/${p.me.extension}/avatar`, { headers: { cookie: other.cookie } });
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('image/webp');
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    // The route's own policy, not the app's: an uploaded picture may never run anything.
    expect(got.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(got.headers.get('cache-control')).toBe('no-store');
    const served = Buffer.from(await got.arrayBuffer());
    const pixels = await decode('webp', served);
    expect([pixels.width, pixels.height]).toEqual([64, 64]);
    // The colour survives (lossy, so roughly): 200, 40, 40.
    expect(Math.abs(pixels.data[0]! - 200)).toBeLessThan(12);

    expect((await t.public.request(`/api/people/${p.me.extension}/avatar`)).status).toBe(401);
    expect((await call(t, 'DELETE', '/api/me/avatar', { cookie: p.cookie })).status).toBe(204);
    expect((await call(t, 'GET', `/api/people/${p.me.extension}/avatar`, { cookie: other.cookie })).status).toBe(404);
  });

  it('recognises JPEG and WebP by their content, whatever the declared type says, and shrinks big ones to 256', async () => {
    const p = await signUp(t);
    const fromJpeg = await put(p.cookie, await jpeg(1200, 900), 'image/jpeg');
    expect(fromJpeg.status).toBe(200);
    expect(fromJpeg.body.avatar).toMatchObject({ mime: 'image/webp', width: 256, height: 192 });
    expect(fromJpeg.body.avatar.uploaded).toEqual({ mime: 'image/jpeg', width: 1200, height: 900 });
    const fromWebp = await put(p.cookie, await webp(32, 48), 'image/png');
    expect(fromWebp.body.avatar).toMatchObject({ mime: 'image/webp', width: 32, height: 48 });
    expect(fromWebp.headers.get('warning')).toContain('read as image/webp');
  });

  it('stores only pixels: an HTML payload hidden in a PNG chunk is gone from what is served', async () => {
    const p = await signUp(t);
    const other = await signUp(t);
    const payload = '<html><script>alert(document.cookie)</script></html>';
    const polyglot = pngWithChunk(16, 16, 'tEXt', `Comment\0${payload}`);
    expect((await put(p.cookie, polyglot, 'image/png')).status).toBe(200);
    const served = Buffer.from(
      await (
        await t.public.request(`/api/people/${p.me.extension}/avatar`, { headers: { cookie: other.cookie } })
      ).arrayBuffer(),
    );
    expect(served.includes(Buffer.from('<script'))).toBe(false);
    expect(served.includes(Buffer.from('html'))).toBe(false);
    const stored = t.db.$client.prepare('SELECT data FROM avatars').pluck().get() as Buffer;
    expect(stored.includes(Buffer.from('<script'))).toBe(false);
  });

  it.each([
    ['an HTML page called a PNG', Buffer.from('<html><script>alert(1)</script></html>'), 'image/png', 415],
    ['an SVG', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'image/svg+xml', 415],
    ['a GIF', Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'), 'image/gif', 415],
    ['a truncated PNG', png(8, 8).subarray(0, 40), 'image/png', 415],
    ['a PNG of 4096×16', png(4096, 16), 'image/png', 415],
    [
      'a JPEG header with no picture after it',
      Buffer.from([0xff, 0xd8, 0xff, 0xc0, 0, 11, 8, 0, 8, 0, 8, 1, 1, 0x11, 0, 0xff, 0xd9]),
      'image/jpeg',
      415,
    ],
    ['a JSON body', Buffer.from('{}'), 'application/json', 415],
    ['an empty body', Buffer.alloc(0), 'image/png', 400],
    ['a body over 256 KiB', Buffer.concat([png(8, 8), Buffer.alloc(300 * 1024)]), 'image/png', 413],
  ])('refuses %s and writes nothing', async (_what, data, type, status) => {
    const p = await signUp(t);
    const before = snapshot(t.db);
    const res = await put(p.cookie, data, type);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toEqual(expect.any(String));
    expect(snapshot(t.db)).toEqual(before);
  });
});

describe('POST /api/me/password', () => {
  const change = (cookie: string, body: unknown) => call(t, 'POST', '/api/me/password', { cookie, body });
  const signIn = (login: string, password: string) =>
    call(t, 'POST', '/api/auth/sign-in', { body: { login, password } });

  it('changes the password, ends every other session as password_changed, and keeps this one signed in', async () => {
    const p = await signUp(t);
    const phone = cookieFrom((await signIn(p.login, p.password)).headers);
    const other = await signUp(t);
    const res = await change(p.cookie, { currentPassword: p.password, newPassword: 'a brand new password' });
    expect(res.status).toBe(204);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect((await call(t, 'GET', '/api/me', { cookie: p.cookie })).status).toBe(200);
    const cut = await call(t, 'GET', '/api/me', { cookie: phone });
    expect(cut.status).toBe(401);
    expect(cut.body.error).toEqual({ code: 'session_ended', message: expect.any(String), reason: 'password_changed' });
    expect((await call(t, 'GET', '/api/me', { cookie: other.cookie })).status).toBe(200);
    expect((await signIn(p.login, p.password)).status).toBe(401);
    expect((await signIn(p.login, 'a brand new password')).status).toBe(200);
    // Neither password is kept in the clear.
    const stored = JSON.stringify(snapshot(t.db));
    expect(stored).not.toContain('a brand new password');
    expect(stored).not.toContain(p.password);
  });

  it("stops the other devices' phones too: a new SIP secret, and the PBX forgets the old one", async () => {
    const p = await signUp(t);
    const before = (await call(t, 'GET', '/api/me/sip', { cookie: p.cookie })).body;
    expect((await change(p.cookie, { currentPassword: p.password, newPassword: 'a brand new password' })).status).toBe(
      204,
    );
    expect(t.pbxCalls).toEqual([{ extension: p.me.extension, hangUp: false }]);
    // This device fetches the new secret with the session it kept.
    const after = (await call(t, 'GET', '/api/me/sip', { cookie: p.cookie })).body;
    expect(after.secret).not.toBe(before.secret);
  });

  it('refuses a wrong current password beside its field, counting the attempt and changing nothing else', async () => {
    const p = await signUp(t);
    const before = snapshot(t.db);
    const res = await change(p.cookie, { currentPassword: 'not my password', newPassword: 'a brand new password' });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({
      code: 'wrong_password',
      problems: [{ path: 'currentPassword', problem: 'wrong', message: expect.any(String) }],
    });
    const { login_throttle: counted, ...after } = snapshot(t.db);
    const { login_throttle: none, ...unchanged } = before;
    expect(none).toEqual([]);
    expect(after).toEqual(unchanged);
    expect(counted).toEqual([expect.objectContaining({ login: `password:${p.me.id}`, attempts: 1 })]);
    expect((await signIn(p.login, p.password)).status).toBe(200);
  });

  it('refuses a new password equal to the current one, or too short, beside the field, and writes nothing', async () => {
    const p = await signUp(t);
    const before = snapshot(t.db);
    const same = await change(p.cookie, { currentPassword: p.password, newPassword: p.password });
    expect(same.status).toBe(400);
    expect(same.body.error.code).toBe('invalid_input');
    expect(same.body.error.problems).toEqual([
      expect.objectContaining({ path: 'newPassword', problem: 'same_as_current' }),
    ]);
    const short = await change(p.cookie, { currentPassword: p.password, newPassword: 'short' });
    expect(short.body.error.problems).toEqual([
      expect.objectContaining({ path: 'newPassword', problem: 'too_short', minimum: 10 }),
    ]);
    const missing = await change(p.cookie, { newPassword: 'a brand new password' });
    expect(missing.body.error.problems).toEqual([
      expect.objectContaining({ path: 'currentPassword', problem: 'required' }),
    ]);
    expect(snapshot(t.db)).toEqual(before);
  });

  it('shares the lock of every password re-check: after 5 wrong ones, even the right one waits', async () => {
    const p = await signUp(t);
    for (let i = 0; i < 5; i++) {
      const res = await call(t, 'DELETE', '/api/me', { cookie: p.cookie, body: { password: `guess ${i}` } });
      expect(res.status).toBe(403);
    }
    const locked = await change(p.cookie, { currentPassword: p.password, newPassword: 'a brand new password' });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    t.clock.now += 16 * 60 * 1000;
    expect((await change(p.cookie, { currentPassword: p.password, newPassword: 'a brand new password' })).status).toBe(
      204,
    );
  });
});

describe('DELETE /api/me', () => {
  it('needs the password, then removes the person and asks the PBX to forget them and hang up', async () => {
    const p = await signUp(t);
    const before = snapshot(t.db);
    const wrong = await call(t, 'DELETE', '/api/me', { cookie: p.cookie, body: { password: 'not my password' } });
    expect(wrong.status).toBe(403);
    // Nothing changed but the count of wrong passwords (a stolen session is no password oracle).
    const { login_throttle: counted, ...after } = snapshot(t.db);
    const { login_throttle: none, ...unchanged } = before;
    expect(none).toEqual([]);
    expect(after).toEqual(unchanged);
    expect(counted).toEqual([expect.objectContaining({ login: `password:${p.me.id}`, attempts: 1 })]);
    expect(t.pbxCalls).toEqual([]);

    const ok = await call(t, 'DELETE', '/api/me', { cookie: p.cookie, body: { password: p.password } });
    expect(ok.status).toBe(204);
    expect(t.pbxCalls).toEqual([{ extension: p.me.extension, hangUp: true }]);
    expect((await call(t, 'GET', '/api/me', { cookie: p.cookie })).status).toBe(401);
    const rows = snapshot(t.db);
    expect(rows.users).toEqual([]);
    expect(rows.sip_accounts).toEqual([]);
    expect(rows.sessions).toEqual([]);
  });

  it('locks deleting after 5 wrong passwords, even with the right one, so a stolen session cannot guess', async () => {
    const p = await signUp(t);
    for (let i = 0; i < 5; i++) {
      const res = await call(t, 'DELETE', '/api/me', { cookie: p.cookie, body: { password: `guess ${i}` } });
      expect(res.status).toBe(403);
    }
    const locked = await call(t, 'DELETE', '/api/me', { cookie: p.cookie, body: { password: p.password } });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await call(t, 'GET', '/api/me', { cookie: p.cookie })).status).toBe(200);
    t.clock.now += 16 * 60 * 1000;
    const later = await call(t, 'DELETE', '/api/me', { cookie: p.cookie, body: { password: p.password } });
    expect(later.status).toBe(204);
  });
});

describe('/api/me/connection', () => {
  it('passes one of two words on to the other side of the person’s calls, through the PBX', async () => {
    const p = await signUp(t);
    for (const state of ['reconnecting', 'connected'] as const) {
      const res = await call(t, 'POST', '/api/me/connection', { cookie: p.cookie, body: { state } });
      expect(res.status).toBe(200);
      // No PBX in these tests: nobody is in a call to be told (asterisk/tests/calls.test.ts tells a real one).
      expect(res.body).toEqual({ told: 0 });
    }
    expect(t.pbxNotices).toEqual([
      { extension: p.me.extension, state: 'reconnecting' },
      { extension: p.me.extension, state: 'connected' },
    ]);
  });

  it('refuses anything but the two words, so a caller cannot send the other side a name or a text', async () => {
    const p = await signUp(t);
    const before = snapshot(t.db);
    for (const body of [
      { state: 'reconnecting', name: 'Your Bank' },
      { state: 'Your Bank' },
      { state: 'connected', extension: '1000' },
      { state: ['reconnecting'] },
      {},
    ]) {
      const res = await call(t, 'POST', '/api/me/connection', { cookie: p.cookie, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('invalid_input');
    }
    expect(t.pbxNotices).toEqual([]);
    expect(snapshot(t.db)).toEqual(before);
  });

  it('is bounded: after 60 notices in a minute the next waits', async () => {
    const p = await signUp(t);
    for (let i = 0; i < 60; i++) {
      const ok = await call(t, 'POST', '/api/me/connection', { cookie: p.cookie, body: { state: 'reconnecting' } });
      expect(ok.status).toBe(200);
    }
    const locked = await call(t, 'POST', '/api/me/connection', { cookie: p.cookie, body: { state: 'connected' } });
    expect(locked.status).toBe(429);
    expect(t.pbxNotices).toHaveLength(60);
    t.clock.now += 61 * 1000;
    const later = await call(t, 'POST', '/api/me/connection', { cookie: p.cookie, body: { state: 'connected' } });
    expect(later.status).toBe(200);
  });
});
