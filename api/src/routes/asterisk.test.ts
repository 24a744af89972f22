import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readCurlHash, readRealtimeMulti, readRealtimeSingle, realtimeBody } from '../asterisk-wire';
import { call, createTestApp, makeAdmin, signUp, snapshot, type TestApp } from '../testing';

let t: TestApp;
let admin: Awaited<ReturnType<typeof signUp>>;
beforeEach(async () => {
  t = createTestApp();
  admin = await signUp(t, { nickname: 'Admin' });
  makeAdmin(t.db, admin.me.id);
});
afterEach(() => t.close());

const secret = () => ({ 'x-realcall-secret': t.config.internalSecret });

async function internal(
  method: string,
  path: string,
  options: { body?: string; headers?: Record<string, string> } = {},
) {
  const res = await t.internal.request(path, {
    method,
    headers: {
      ...secret(),
      ...(options.body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      ...options.headers,
    },
    body: options.body,
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  return { status: res.status, bytes, text: bytes.toString('utf8'), headers: res.headers };
}

/** A person whose latest verification is in `status`, with the given privacy. */
async function person(opts: {
  nickname: string;
  legalName?: string;
  status?: 'pending' | 'verified' | 'rejected' | 'revoked';
  privacy?: string;
}) {
  const p = await signUp(t, { nickname: opts.nickname });
  if (opts.legalName && opts.status) {
    await call(t, 'POST', '/api/me/verification', {
      cookie: p.cookie,
      body: { legalName: opts.legalName, idNumber: 'K12345678' },
    });
    const id = (await call(t, 'GET', '/api/admin/verifications?status=pending', { cookie: admin.cookie })).body
      .verifications[0].id;
    if (opts.status !== 'pending') {
      await call(t, 'POST', `/api/admin/verifications/${id}/${opts.status === 'rejected' ? 'reject' : 'approve'}`, {
        cookie: admin.cookie,
        body: opts.status === 'rejected' ? { reason: 'no' } : {},
      });
    }
    if (opts.status === 'revoked') {
      await call(t, 'POST', `/api/admin/verifications/${id}/revoke`, {
        cookie: admin.cookie,
        body: { reason: 'stolen' },
      });
    }
  }
  if (opts.privacy) await call(t, 'PUT', '/api/me/privacy', { cookie: p.cookie, body: { namePrivacy: opts.privacy } });
  return p;
}

describe('the internal listener', () => {
  it('refuses every request without the right secret', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { 'x-realcall-secret': 'wrong' },
      { 'x-realcall-secret': t.config.internalSecret.slice(1) },
      { authorization: `Basic ${Buffer.from(`asterisk:wrong`).toString('base64')}` },
      { authorization: `Basic ${Buffer.from(`someone:${t.config.internalSecret}`).toString('base64')}` },
      { authorization: `Bearer ${t.config.internalSecret}` },
    ];
    for (const headers of attempts) {
      const res = await t.internal.request('/internal/asterisk/caller-name?caller=1001&callee=1002', { headers });
      expect(res.status).toBe(401);
      expect(((await res.json()) as any).error.code).toBe('unauthorized');
    }
  });

  it('accepts the secret as a header or as Basic auth for user asterisk', async () => {
    const a = await person({ nickname: 'A' });
    const path = `/internal/asterisk/caller-name?caller=${a.me.extension}&callee=${admin.me.extension}`;
    expect((await t.internal.request(path, { headers: secret() })).status).toBe(200);
    const basic = `Basic ${Buffer.from(`asterisk:${t.config.internalSecret}`).toString('base64')}`;
    expect((await t.internal.request(path, { headers: { authorization: basic } })).status).toBe(200);
  });
});

describe('GET /internal/asterisk/caller-name', () => {
  const lookup = (caller: string) =>
    internal('GET', `/internal/asterisk/caller-name?caller=${caller}&callee=${admin.me.extension}`);

  it.each([
    [
      'verified, shown in full (CJK)',
      { nickname: '三丰哥', legalName: '张三丰', status: 'verified', privacy: 'full' },
      '张三丰',
      'verified',
    ],
    [
      'verified, shown in full (Latin, with a space)',
      { nickname: 'Johnny', legalName: 'John Smith', status: 'verified', privacy: 'full' },
      'John Smith',
      'verified',
    ],
    [
      'verified, masked (CJK)',
      { nickname: '三丰哥', legalName: '张三丰', status: 'verified', privacy: 'masked' },
      '*三丰',
      'masked',
    ],
    [
      'verified, masked (Latin)',
      { nickname: 'Johnny', legalName: 'John Smith', status: 'verified', privacy: 'masked' },
      'John S.',
      'masked',
    ],
    [
      'verified, hidden',
      { nickname: '三丰哥', legalName: '张三丰', status: 'verified', privacy: 'hidden' },
      '三丰哥',
      'hidden',
    ],
    ['no record', { nickname: 'Nobody Special', privacy: 'full' }, 'Nobody Special', 'unverified'],
    ['pending', { nickname: '待审', legalName: '李四', status: 'pending', privacy: 'full' }, '待审', 'unverified'],
    ['rejected', { nickname: 'Rej', legalName: '王五', status: 'rejected', privacy: 'full' }, 'Rej', 'unverified'],
    ['revoked', { nickname: 'Rev', legalName: '赵六', status: 'revoked', privacy: 'full' }, 'Rev', 'unverified'],
  ] as const)('answers %s as Asterisk reads it', async (_what, opts, name, status) => {
    const p = await person(opts);
    const res = await lookup(p.me.extension);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(readCurlHash(res.text)).toEqual({ status, name, num: p.me.extension });
    // Spaces travel as %20 (hashcompat does not read + as a space) and the answer is one line of ASCII.
    expect(res.text).not.toMatch(/[+ \r\n]/);
    expect(res.bytes.every((b) => b < 0x80)).toBe(true);
  });

  it('follows a privacy change on the very next call', async () => {
    const p = await person({ nickname: 'Nick', legalName: '欧阳娜娜', status: 'verified', privacy: 'full' });
    expect(readCurlHash((await lookup(p.me.extension)).text).name).toBe('欧阳娜娜');
    await call(t, 'PUT', '/api/me/privacy', { cookie: p.cookie, body: { namePrivacy: 'masked' } });
    expect(readCurlHash((await lookup(p.me.extension)).text)).toMatchObject({ name: '*阳娜娜', status: 'masked' });
  });

  it('answers 404 for an unknown or disabled caller, so the dialplan shows the number as unavailable', async () => {
    expect((await lookup('9999')).status).toBe(404);
    const p = await person({ nickname: 'Soon Gone' });
    await call(t, 'POST', `/api/admin/people/${p.me.id}/disable`, { cookie: admin.cookie, body: { reason: 'test' } });
    const res = await lookup(p.me.extension);
    expect(res.status).toBe(404);
    expect(readCurlHash(res.text).status).toBeUndefined();
  });

  it.each([
    ['no caller', '/internal/asterisk/caller-name?callee=1001'],
    ['no callee', '/internal/asterisk/caller-name?caller=1001'],
    ['a caller with a quote', '/internal/asterisk/caller-name?caller=10%2201&callee=1001'],
    ['a caller with a newline', '/internal/asterisk/caller-name?caller=1001%0A&callee=1001'],
    ['a 65-character caller', `/internal/asterisk/caller-name?caller=${'1'.repeat(65)}&callee=1001`],
  ])('refuses %s with 400', async (_what, path) => {
    const res = await internal('GET', path);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text).error.code).toBe('invalid_input');
  });
});

describe('realtime for res_config_curl', () => {
  const base = '/internal/asterisk/realtime';

  it('serves an endpoint, its auth and its AOR by id, as Asterisk parses them', async () => {
    const p = await person({ nickname: 'Reg' });
    const ext = p.me.extension;
    const endpoint = await internal('POST', `${base}/ps_endpoints/single`, { body: realtimeBody([['id', ext]]) });
    expect(endpoint.status).toBe(200);
    expect(readRealtimeSingle(endpoint.text)).toMatchObject({
      id: ext,
      aors: ext,
      auth: ext,
      context: 'realcall-users',
      allow: 'opus,ulaw',
      webrtc: 'yes',
      direct_media: 'no',
      moh_passthrough: 'yes',
      dtmf_mode: 'rfc4733',
      trust_id_inbound: 'no',
      send_pai: 'no',
      send_rpid: 'no',
      send_diversion: 'no',
      from_domain: 'realcall.test',
      callerid: `<${ext}>`,
    });

    const sip = (await call(t, 'GET', '/api/me/sip', { cookie: p.cookie })).body;
    const auth = readRealtimeSingle(
      (await internal('POST', `${base}/ps_auths/single`, { body: realtimeBody([['id', ext]]) })).text,
    );
    const ha1 = createHash('md5').update(`${ext}:realcall.test:${sip.secret}`).digest('hex');
    expect(auth).toEqual({
      id: ext,
      auth_type: 'digest',
      username: ext,
      realm: 'realcall.test',
      password_digest: `md5:${ha1}`,
    });
    // Asterisk is never handed the plain secret.
    expect(JSON.stringify(auth)).not.toContain(sip.secret);

    const aor = readRealtimeSingle(
      (await internal('POST', `${base}/ps_aors/single`, { body: realtimeBody([['id', ext]]) })).text,
    );
    expect(aor).toMatchObject({ id: ext, max_contacts: '5', remove_existing: 'yes' });
  });

  it('answers an empty 200 for nobody, and for a disabled or deleted person on their next REGISTER', async () => {
    const none = await internal('POST', `${base}/ps_endpoints/single`, { body: realtimeBody([['id', '9999']]) });
    expect(none.status).toBe(200);
    expect(none.text).toBe('');
    expect(readRealtimeSingle(none.text)).toBeUndefined();

    const disabled = await person({ nickname: 'D' });
    const deleted = await person({ nickname: 'E' });
    const single = (ext: string, family = 'ps_auths') =>
      internal('POST', `${base}/${family}/single`, { body: realtimeBody([['id', ext]]) });
    expect(readRealtimeSingle((await single(disabled.me.extension)).text)).toBeDefined();
    await call(t, 'POST', `/api/admin/people/${disabled.me.id}/disable`, {
      cookie: admin.cookie,
      body: { reason: 'test' },
    });
    await call(t, 'DELETE', '/api/me', { cookie: deleted.cookie, body: { password: deleted.password } });
    for (const family of ['ps_endpoints', 'ps_auths', 'ps_aors']) {
      expect((await single(disabled.me.extension, family)).text).toBe('');
      expect((await single(deleted.me.extension, family)).text).toBe('');
    }
  });

  it('answers multi with one row per line, honouring LIKE and never matching a column a row lacks', async () => {
    const a = await person({ nickname: 'A' });
    const b = await person({ nickname: 'B' });
    const all = await internal('POST', `${base}/ps_endpoints/multi`, { body: realtimeBody([['id LIKE', '%']]) });
    const rows = readRealtimeMulti(all.text);
    expect(rows.map((r) => r.id)).toEqual([admin.me.extension, a.me.extension, b.me.extension]);
    expect(all.text.endsWith('\n')).toBe(true);

    const prefix = await internal('POST', `${base}/ps_aors/multi`, {
      body: realtimeBody([['id LIKE', `${b.me.extension}%`]]),
    });
    expect(readRealtimeMulti(prefix.text).map((r) => r.id)).toEqual([b.me.extension]);

    const mailboxes = await internal('POST', `${base}/ps_endpoints/multi`, {
      body: realtimeBody([['mailboxes !=', '']]),
    });
    expect(mailboxes.status).toBe(200);
    expect(mailboxes.text).toBe('');

    const two = await internal('POST', `${base}/ps_endpoints/multi`, {
      body: realtimeBody([
        ['id LIKE', '%'],
        ['webrtc', 'yes'],
        ['id !=', a.me.extension],
      ]),
    });
    expect(readRealtimeMulti(two.text).map((r) => r.id)).toEqual([admin.me.extension, b.me.extension]);
  });

  it('refuses writes, answers require with 0, and serves no static config', async () => {
    const before = snapshot(t.db);
    for (const op of ['store', 'update?id=1001', 'destroy']) {
      const res = await internal('POST', `${base}/ps_endpoints/${op}`, {
        body: realtimeBody([
          ['id', '1001'],
          ['context', 'evil'],
        ]),
      });
      expect(res.status, op).toBe(405);
      expect(JSON.parse(res.text).error.code).toBe('read_only');
    }
    expect(snapshot(t.db)).toEqual(before);
    const require = await internal('POST', `${base}/ps_endpoints/require`, { body: 'id=char%3A40' });
    expect(require.text.trim()).toBe('0');
    expect((await internal('GET', `${base}/ps_endpoints/static?file=pjsip.conf`)).status).toBe(404);
  });

  it.each([
    ['an unknown family', `/internal/asterisk/realtime/ps_contacts/single`, 'id=1001'],
    ['broken percent-encoding', `/internal/asterisk/realtime/ps_endpoints/single`, 'id=%E4%B8'],
    ['an unknown operator', `/internal/asterisk/realtime/ps_endpoints/multi`, 'id%20REGEXP=.*'],
    ['no condition on single', `/internal/asterisk/realtime/ps_endpoints/single`, ''],
  ])('refuses %s with 400', async (_what, path, body) => {
    const res = await internal('POST', path, { body });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text).error.code).toEqual(expect.any(String));
  });
});
