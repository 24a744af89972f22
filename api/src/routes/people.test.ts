import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { png } from '../images.test-support';
import { call, createTestApp, makeAdmin, signUp, type TestApp } from '../testing';

let t: TestApp;
beforeEach(() => {
  t = createTestApp();
});
afterEach(() => t.close());

describe('GET /api/directory', () => {
  it('finds people by nickname or extension, shows whether they are verified, never a legal name', async () => {
    const me = await signUp(t, { nickname: 'Searcher' });
    const zhang = await signUp(t, { nickname: '三丰哥' });
    await signUp(t, { nickname: 'Alice_100%' });
    await call(t, 'POST', '/api/me/verification', {
      cookie: zhang.cookie,
      body: { legalName: '张三丰', idNumber: 'G12345678' },
    });
    const admin = await signUp(t, { nickname: 'Root' });
    makeAdmin(t.db, admin.me.id);
    const id = (await call(t, 'GET', '/api/admin/verifications', { cookie: admin.cookie })).body.verifications[0].id;
    await call(t, 'POST', `/api/admin/verifications/${id}/approve`, { cookie: admin.cookie, body: {} });
    await call(t, 'PUT', '/api/me/avatar', {
      cookie: zhang.cookie,
      raw: new Uint8Array(png(4, 4)),
      headers: { 'content-type': 'image/png' },
    });

    const byNick = await call(t, 'GET', `/api/directory?q=${encodeURIComponent('三丰')}`, { cookie: me.cookie });
    expect(byNick.status).toBe(200);
    expect(byNick.body.people).toEqual([
      { extension: zhang.me.extension, nickname: '三丰哥', verified: true, hasAvatar: true },
    ]);
    expect(JSON.stringify(byNick.body)).not.toContain('张三丰');

    const byExt = await call(t, 'GET', `/api/directory?q=${zhang.me.extension}`, { cookie: me.cookie });
    expect(byExt.body.people[0].extension).toBe(zhang.me.extension);

    // LIKE wildcards in the query are taken literally.
    const pct = await call(t, 'GET', '/api/directory?q=%25', { cookie: me.cookie });
    expect(pct.body.people.map((p: { nickname: string }) => p.nickname)).toEqual(['Alice_100%']);
    const under = await call(t, 'GET', '/api/directory?q=_', { cookie: me.cookie });
    expect(under.body.people.map((p: { nickname: string }) => p.nickname)).toEqual(['Alice_100%']);
  });

  it('never offers the person asking, by nickname or by extension', async () => {
    const me = await signUp(t, { nickname: 'Alice Searching' });
    const other = await signUp(t, { nickname: 'Alice Found' });
    const search = async (q: string) =>
      (await call(t, 'GET', `/api/directory?q=${encodeURIComponent(q)}`, { cookie: me.cookie })).body.people.map(
        (p: { extension: string }) => p.extension,
      );
    expect(await search('Alice')).toEqual([other.me.extension]);
    expect(await search('Searching')).toEqual([]);
    expect(await search(me.me.extension)).toEqual([]);
    // An extension prefix that matches both finds only the other.
    expect(await search(me.me.extension.slice(0, 2))).toEqual([other.me.extension]);
    // The other person finds the first as usual.
    const theirs = await call(t, 'GET', '/api/directory?q=Searching', { cookie: other.cookie });
    expect(theirs.body.people.map((p: { extension: string }) => p.extension)).toEqual([me.me.extension]);
  });

  it('leaves out disabled people', async () => {
    const me = await signUp(t);
    const gone = await signUp(t, { nickname: 'Gone Soon' });
    const admin = await signUp(t);
    makeAdmin(t.db, admin.me.id);
    await call(t, 'POST', `/api/admin/people/${gone.me.id}/disable`, {
      cookie: admin.cookie,
      body: { reason: 'test' },
    });
    expect((await call(t, 'GET', '/api/directory?q=Gone', { cookie: me.cookie })).body.people).toEqual([]);
    expect((await call(t, 'GET', `/api/people/${gone.me.extension}`, { cookie: me.cookie })).status).toBe(404);
  });

  it.each([
    ['no query', '/api/directory'],
    ['an empty query', '/api/directory?q=%20%20'],
    ['a query of 33 characters', `/api/directory?q=${'a'.repeat(33)}`],
    ['a control character', '/api/directory?q=a%00b'],
  ])('refuses %s with 400', async (_what, path) => {
    const me = await signUp(t);
    const res = await call(t, 'GET', path, { cookie: me.cookie });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
  });

  it('is only for signed-in people', async () => {
    expect((await call(t, 'GET', '/api/directory?q=a')).status).toBe(401);
  });
});

describe('GET /api/people/:extension', () => {
  it('gives the card a call screen shows', async () => {
    const me = await signUp(t);
    const other = await signUp(t, { nickname: 'Bob' });
    const res = await call(t, 'GET', `/api/people/${other.me.extension}`, { cookie: me.cookie });
    expect(res.body.person).toEqual({
      extension: other.me.extension,
      nickname: 'Bob',
      verified: false,
      hasAvatar: false,
    });
    expect((await call(t, 'GET', '/api/people/9999', { cookie: me.cookie })).status).toBe(404);
    expect((await call(t, 'GET', '/api/people/12ab', { cookie: me.cookie })).status).toBe(400);
  });
});

describe('unknown routes', () => {
  it('answer 404 in the error shape, and the internal routes are not on the public listener', async () => {
    const res = await call(t, 'GET', '/api/nope');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    const internal = await call(t, 'GET', '/internal/asterisk/caller-name?caller=1001&callee=1002', {
      headers: { 'x-realcall-secret': t.config.internalSecret },
    });
    expect(internal.status).not.toBe(200);
  });
});
