/**
 * Calls through a real Asterisk with the project's config, placed and
 * answered by the SIP test tool, people created through the real API. Runs
 * when an Asterisk binary is found; otherwise prints one line and skips.
 *
 * Signalling only: these calls carry no media (the tool's handler offers a
 * WebRTC-shaped SDP without candidates). Media is checked end to end by
 * tests/e2e/call.e2e.test.ts, inside a network namespace.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAdmin, markLoginProven } from '../../api/src/testing';
import {
  accountFromApi,
  placeCall,
  register,
  runSpoofMatrix,
  startAgent,
  type Agent,
  type SipAccount,
} from '../sip-tool/src';
import { asteriskOrSkip, startStack, type Stack } from './stack';

const bin = asteriskOrSkip('asterisk: calls');

type Person = { login: string; password: string; id: number; extension: string; cookie: string };

async function http(stack: Stack, method: string, path: string, body?: unknown, cookie?: string) {
  const res = await fetch(`${stack.api.publicUrl}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(cookie ? { cookie } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return {
    status: res.status,
    body: text ? JSON.parse(text) : undefined,
    cookie: /rc_session=[^;]+/.exec(res.headers.get('set-cookie') ?? '')?.[0],
  };
}

describe.skipIf(!bin)('calls through a real Asterisk', () => {
  let stack: Stack;
  let admin: Person;
  let callee: { person: Person; account: SipAccount; agent: Agent };
  let n = 0;

  async function person(nickname: string): Promise<Person> {
    n += 1;
    const login = `p${n}@calls.test`;
    const password = `correct horse ${n}`;
    const res = await http(stack, 'POST', '/api/auth/sign-up', { login, password, nickname });
    expect(res.status).toBe(201);
    // The login-code flow has tests of its own (api/src/routes/login-proof.test.ts); these are about the PBX.
    markLoginProven(stack.api.db, res.body.me.id);
    return { login, password, id: res.body.me.id, extension: res.body.me.extension, cookie: res.cookie! };
  }

  async function verify(
    p: Person,
    legalName: string,
    decision: 'approve' | 'reject' | 'revoke' | 'pending',
    privacy?: string,
  ) {
    // One document per person: each gets a number of their own.
    await http(stack, 'POST', '/api/me/verification', { legalName, idNumber: `C${10_000_000 + p.id}` }, p.cookie);
    const list = await http(stack, 'GET', '/api/admin/verifications?status=pending', undefined, admin.cookie);
    const id = list.body.verifications.find((v: { person: { id: number } }) => v.person.id === p.id).id;
    if (decision === 'approve' || decision === 'revoke')
      await http(stack, 'POST', `/api/admin/verifications/${id}/approve`, {}, admin.cookie);
    if (decision === 'reject')
      await http(stack, 'POST', `/api/admin/verifications/${id}/reject`, { reason: 'no' }, admin.cookie);
    if (decision === 'revoke')
      await http(stack, 'POST', `/api/admin/verifications/${id}/revoke`, { reason: 'stolen' }, admin.cookie);
    if (privacy) await http(stack, 'PUT', '/api/me/privacy', { namePrivacy: privacy }, p.cookie);
  }

  /** Calls the callee agent and returns what it saw of this call. */
  async function callAndSee(account: SipAccount) {
    const before = callee.agent.calls.length;
    const result = await placeCall(account, callee.person.extension, { timeoutMs: 8000, hangupAfterMs: 200 });
    expect(result.outcome, `${result.statusCode} ${result.reason}`).toBe('answered');
    const mine = callee.agent.calls.slice(before).filter((c) => c.receivedAt >= result.inviteSentAt);
    expect(mine, 'the callee saw exactly this call').toHaveLength(1);
    return mine[0]!;
  }

  beforeAll(async () => {
    stack = await startStack(bin!);
    admin = await person('Admin');
    makeAdmin(stack.api.db, admin.id);
    const p = await person('Callee');
    const { account } = await accountFromApi(stack.api.publicUrl, p.login, p.password);
    callee = { person: p, account, agent: await startAgent(account, { answer: 'accept', holdMs: 2000 }) };
  }, 90_000);

  afterAll(async () => {
    await callee?.agent.stop();
    await stack?.stop();
  }, 30_000);

  it('registers a person created through the API, and refuses a wrong secret', async () => {
    const p = await person('Reg');
    const { account } = await accountFromApi(stack.api.publicUrl, p.login, p.password);
    const ok = await register(account, { timeoutMs: 5000 });
    expect(ok).toMatchObject({ ok: true });
    const wrong = await register({ ...account, secret: `${account.secret}x` }, { timeoutMs: 5000 });
    expect(wrong.ok).toBe(false);
    expect(wrong.statusCode).toBe(401);
  });

  it.each([
    ['verified, full (CJK)', 'Sanfeng', '张三丰', 'approve', 'full', '张三丰', 'verified'],
    ['verified, masked (Latin)', 'Johnny', 'John Smith', 'approve', 'masked', 'John S.', 'masked'],
    ['verified, hidden', '小龙哥', '李小龙', 'approve', 'hidden', '小龙哥', 'hidden'],
    ['pending', 'Nick pending', '王小明', 'pending', 'full', 'Nick pending', 'unverified'],
    ['rejected', 'Nick rejected', '赵敏', 'reject', 'full', 'Nick rejected', 'unverified'],
    ['revoked', 'Nick revoked', '周芷若', 'revoke', 'full', 'Nick revoked', 'unverified'],
  ] as const)(
    'shows the callee the API name and status: %s',
    async (_label, nickname, legalName, decision, privacy, name, status) => {
      const p = await person(nickname);
      await verify(p, legalName, decision, privacy);
      const { account, expected } = await accountFromApi(stack.api.publicUrl, p.login, p.password);
      expect(expected).toEqual({ name, status, num: p.extension });
      const seen = await callAndSee(account);
      expect(seen.displayName).toBe(name);
      expect(seen.nameStatus).toBe(status);
      expect(seen.fromUser).toBe(p.extension);
    },
  );

  it('shows someone with no record as unverified, by nickname', async () => {
    const p = await person('Just Bob');
    const { account } = await accountFromApi(stack.api.publicUrl, p.login, p.password);
    const seen = await callAndSee(account);
    expect([seen.displayName, seen.nameStatus, seen.fromUser]).toEqual(['Just Bob', 'unverified', p.extension]);
  });

  it('lets no forgery of the caller identity through', async () => {
    const p = await person('Honest Caller');
    await verify(p, '张三丰', 'approve', 'masked');
    const { account, expected } = await accountFromApi(stack.api.publicUrl, p.login, p.password);
    // A callee registered nowhere else, so the tool's own agent is the one that answers.
    const target = await person('Spoof Target');
    const { account: targetAccount } = await accountFromApi(stack.api.publicUrl, target.login, target.password);
    const rows = await runSpoofMatrix(account, targetAccount, expected, {
      otherExtension: admin.extension,
      timeoutMs: 8000,
    });
    expect(rows.length).toBeGreaterThanOrEqual(12);
    const through = rows.filter((r) => r.gotThrough);
    expect(through, JSON.stringify(through, null, 2)).toEqual([]);
    // Every call that connected showed exactly the API's presentation.
    for (const row of rows.filter((r) => r.outcome === 'answered')) {
      expect([row.sawName, row.sawStatus], row.technique).toEqual([expected.name, expected.status]);
    }
  }, 120_000);

  it('stops a disabled person registering and calling at once', async () => {
    const p = await person('Soon Disabled');
    const { account } = await accountFromApi(stack.api.publicUrl, p.login, p.password);
    expect((await register(account, { timeoutMs: 5000 })).ok).toBe(true);
    await callAndSee(account);
    const disabled = await http(stack, 'POST', `/api/admin/people/${p.id}/disable`, { reason: 'test' }, admin.cookie);
    expect(disabled.status).toBe(204);
    await stack.api.pbx.flush();
    const again = await register(account, { timeoutMs: 5000 });
    expect(again.ok).toBe(false);
    const result = await placeCall(account, callee.person.extension, { timeoutMs: 5000, hangupAfterMs: 100 });
    expect(result.outcome).not.toBe('answered');
  });

  it('connects with the number only, as unavailable, while the API is down, and shows the name again once it is back', async () => {
    const p = await person('Resilient');
    await verify(p, '欧阳娜娜', 'approve', 'full');
    const { account, expected } = await accountFromApi(stack.api.publicUrl, p.login, p.password);
    // Warm the realtime cache, so the PBX still knows the caller without the API.
    expect((await callAndSee(account)).displayName).toBe(expected.name);
    await stack.stopApi();
    try {
      const seen = await callAndSee(account);
      expect(seen.nameStatus).toBe('unavailable');
      expect(seen.displayName).toBe('');
      expect(seen.fromUser).toBe(p.extension);
    } finally {
      await stack.startApiAgain();
    }
    const back = await callAndSee(account);
    expect([back.displayName, back.nameStatus]).toEqual([expected.name, expected.status]);
  }, 60_000);
});
