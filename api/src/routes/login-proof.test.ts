/**
 * Proof that a person owns their login, through a real SMTP server on
 * loopback: the code arrives by mail, only the right code in time proves the
 * login, and nothing trusts an unproven login — not a verification, not an
 * approval, not a CSV import (the stranger who signed up victim@corp.test).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSmtpSink, type SmtpSink } from '../smtp.test-support';
import { MAX_SENDS, MAX_TRIES, RESEND_MS } from '../services/login-proof';
import { call, createTestApp, makeAdmin, signUp, snapshot, type TestApp } from '../testing';

let smtp: SmtpSink;
let t: TestApp;
beforeAll(async () => {
  smtp = await startSmtpSink();
});
afterAll(() => smtp.close());
beforeEach(() => {
  t = createTestApp({ REALCALL_SMTP_URL: smtp.url, REALCALL_MAIL_FROM: 'codes@realcall.test' });
});
afterEach(() => {
  smtp.refuse(false);
  t.close();
});

const codeIn = (text: string) => /\b(\d{6})\b/.exec(text)?.[1];

async function ask(cookie: string) {
  return call(t, 'POST', '/api/me/login/code', { cookie });
}

describe('proving a login by code', () => {
  it('mails a code, and the right code proves the login', async () => {
    const p = await signUp(t, { login: 'mei@corp.test', proven: false });
    expect(p.me.loginProven).toBe(false);
    const sent = await ask(p.cookie);
    expect(sent.status).toBe(202);
    expect(sent.body.code.sentTo).toBe('m••@corp.test');
    const mail = smtp.lastTo('mei@corp.test');
    expect(mail?.subject).toMatch(/^RealCall code \d{6}$/);
    const code = codeIn(mail!.text)!;
    const ok = await call(t, 'POST', '/api/me/login/confirm', { cookie: p.cookie, body: { code } });
    expect(ok.status).toBe(200);
    expect(ok.body.me.loginProven).toBe(true);
    expect((await call(t, 'GET', '/api/me', { cookie: p.cookie })).body.me.loginProven).toBe(true);
    // Proven once is proven: no more codes.
    expect((await ask(p.cookie)).body.error.code).toBe('login_already_proven');
  });

  it(`allows ${MAX_TRIES} wrong codes, then none until a new one is sent`, async () => {
    const p = await signUp(t, { login: 'guess@corp.test', proven: false });
    await ask(p.cookie);
    const code = codeIn(smtp.lastTo('guess@corp.test')!.text)!;
    const wrong = code === '000000' ? '000001' : '000000';
    for (let i = 1; i <= MAX_TRIES; i++) {
      const res = await call(t, 'POST', '/api/me/login/confirm', { cookie: p.cookie, body: { code: wrong } });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'login_code_wrong', triesLeft: MAX_TRIES - i });
    }
    const late = await call(t, 'POST', '/api/me/login/confirm', { cookie: p.cookie, body: { code } });
    expect(late.status).toBe(410);
    expect((await call(t, 'GET', '/api/me', { cookie: p.cookie })).body.me.loginProven).toBe(false);
  });

  it('lets a code expire, limits how often codes are sent, and refuses codes that are not six digits', async () => {
    const p = await signUp(t, { login: 'slow@corp.test', proven: false });
    await ask(p.cookie);
    const code = codeIn(smtp.lastTo('slow@corp.test')!.text)!;
    const again = await ask(p.cookie);
    expect(again.status).toBe(429);
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(0);
    t.clock.now += 11 * 60 * 1000;
    expect((await call(t, 'POST', '/api/me/login/confirm', { cookie: p.cookie, body: { code } })).status).toBe(410);
    for (let i = 1; i < MAX_SENDS; i++) {
      t.clock.now += RESEND_MS;
      expect((await ask(p.cookie)).status).toBe(202);
    }
    t.clock.now += RESEND_MS;
    const capped = await ask(p.cookie);
    expect(capped.status).toBe(429);
    expect(capped.body.error.message).toContain(`${MAX_SENDS} codes`);
    for (const bad of ['12345', '1234567', 'abcdef', '']) {
      const res = await call(t, 'POST', '/api/me/login/confirm', { cookie: p.cookie, body: { code: bad } });
      expect(res.status, bad).toBe(400);
      expect(res.body.error.code).toBe('invalid_input');
    }
  });

  it('says so when the mail server refuses, and when no sender exists for phone numbers', async () => {
    const p = await signUp(t, { login: 'down@corp.test', proven: false });
    smtp.refuse(true);
    const res = await ask(p.cookie);
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('login_code_not_sent');
    const phone = await signUp(t, { login: '+8613800138000', proven: false });
    const none = await ask(phone.cookie);
    expect(none.status).toBe(503);
    expect(none.body.error.code).toBe('login_proof_unavailable');
    const health = await call(t, 'GET', '/api/health');
    expect(health.body.loginProof).toEqual({ email: true, phone: false });
  });
});

describe('proving a phone number through the SMS webhook', () => {
  it('posts the code to the gateway with its token, and the code proves the number', async () => {
    const received: { auth: string | undefined; body: { to: string; text: string } }[] = [];
    const gateway = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push({ auth: req.headers.authorization, body: JSON.parse(body) as { to: string; text: string } });
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((r) => gateway.listen(0, '127.0.0.1', () => r()));
    const { port } = gateway.address() as AddressInfo;
    const token = 'gateway-token-0123456789';
    const phoneApp = createTestApp({
      REALCALL_SMS_WEBHOOK_URL: `http://127.0.0.1:${port}/send`,
      REALCALL_SMS_WEBHOOK_TOKEN: token,
      REALCALL_PHONE_COUNTRY: 'CN',
    });
    try {
      const p = await signUp(phoneApp, { login: '138 0013 8000', proven: false });
      expect(p.me.login).toBe('+8613800138000');
      const sent = await call(phoneApp, 'POST', '/api/me/login/code', { cookie: p.cookie });
      expect(sent.status).toBe(202);
      expect(sent.body.code.sentTo).toBe('+86•••••••8000');
      expect(received).toHaveLength(1);
      expect(received[0]!.auth).toBe(`Bearer ${token}`);
      expect(received[0]!.body.to).toBe('+8613800138000');
      const code = codeIn(received[0]!.body.text)!;
      const ok = await call(phoneApp, 'POST', '/api/me/login/confirm', { cookie: p.cookie, body: { code } });
      expect(ok.body.me.loginProven).toBe(true);
    } finally {
      phoneApp.close();
      await new Promise((r) => gateway.close(r));
    }
  });
});

describe('nothing trusts an unproven login', () => {
  it('refuses a verification from an unproven login, and writes nothing', async () => {
    const p = await signUp(t, { login: 'stranger@corp.test', proven: false });
    const before = snapshot(t.db);
    const res = await call(t, 'POST', '/api/me/verification', {
      cookie: p.cookie,
      body: { legalName: 'Victor Real', idNumber: 'VR12345678' },
    });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('login_unproven');
    expect(snapshot(t.db)).toEqual(before);
  });

  it("imports a decision only for a login its owner proved: a stranger who signed up the victim's address gets nothing", async () => {
    const admin = await signUp(t, { login: 'admin@realcall.test' });
    makeAdmin(t.db, admin.me.id);
    const stranger = await signUp(t, { login: 'victim@corp.test', nickname: 'Vic', proven: false });
    const csv = 'login,legal_name,id_number,status\nvictim@corp.test,Victor Real,VR12345678,verified\n';
    const before = snapshot(t.db);
    const res = await call(t, 'POST', '/api/admin/verifications/import', {
      cookie: admin.cookie,
      raw: csv,
      headers: { 'content-type': 'text/csv' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      dryRun: false,
      imported: 0,
      unchanged: [],
      errors: [{ line: 2, code: 'login_unproven', message: expect.stringContaining('victim@corp.test') }],
      rows: [
        {
          line: 2,
          login: 'victim@corp.test',
          status: 'verified',
          legalName: 'Victor Real',
          idLast4: '5678',
          outcome: 'error',
          code: 'login_unproven',
          message: expect.any(String),
          person: { id: stranger.me.id, nickname: 'Vic', extension: stranger.me.extension },
        },
      ],
    });
    expect(snapshot(t.db)).toEqual(before);
    const me = await call(t, 'GET', '/api/me/privacy/preview', { cookie: stranger.cookie });
    expect(me.body.preview.options.full).toMatchObject({ status: 'unverified', name: 'Vic' });
    // Written in a look-alike form, the import still reaches only the one canonical login.
    const lookalike = 'login,legal_name,id_number,status\nＶICTIM@Corp.Test,Victor Real,VR12345678,verified\n';
    const again = await call(t, 'POST', '/api/admin/verifications/import', {
      cookie: admin.cookie,
      raw: lookalike,
      headers: { 'content-type': 'text/csv' },
    });
    expect(again.body.errors[0].code).toBe('login_unproven');
  });

  it('refuses to approve a record whose owner has not proven the login (a login proven, then changed, included)', async () => {
    const admin = await signUp(t, { login: 'admin@realcall.test' });
    makeAdmin(t.db, admin.me.id);
    const p = await signUp(t, { login: 'later@corp.test' });
    const submitted = await call(t, 'POST', '/api/me/verification', {
      cookie: p.cookie,
      body: { legalName: '王明', idNumber: 'W12345678' },
    });
    expect(submitted.status).toBe(201);
    // As if the proof were lost (say, an operator reset it): approval must check it again.
    t.db.$client.prepare('UPDATE users SET login_proven_at = NULL WHERE id = ?').run(p.me.id);
    const res = await call(t, 'POST', `/api/admin/verifications/${submitted.body.verification.id}/approve`, {
      cookie: admin.cookie,
      body: {},
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('login_unproven');
  });
});
