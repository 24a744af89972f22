/**
 * Calls through a real Asterisk with the project's config, placed and
 * answered by the SIP test tool, people created through the real API. Runs
 * when an Asterisk binary is found; otherwise prints one line and skips.
 *
 * Signalling only: these calls carry no media (the tool's handler offers a
 * WebRTC-shaped SDP without candidates). Media is checked end to end by
 * tests/e2e/call.e2e.test.ts, inside a network namespace.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeAdmin, markLoginProven } from '../../api/src/testing';
import {
  accountFromApi,
  placeCall,
  register,
  runMidCallForgeries,
  runSpoofMatrix,
  startAgent,
  type Agent,
  type AgentOptions,
  type SipAccount,
} from '../sip-tool/src';
import { asteriskOrSkip, startStack, type Stack } from './stack';

const bin = asteriskOrSkip('asterisk: calls');
const RING_SECONDS = 3;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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

/** What the PBX's NOTIFYs inside one call told the callee. */
function notifiesOf(agent: Agent, callId: string) {
  return agent.requests
    .filter((r) => r.method === 'NOTIFY' && r.callId === callId)
    .map((r) => ({
      event: r.headers.event?.[0],
      status: r.headers['x-realcall-name-status']?.[0],
      name: decodeURIComponent(r.headers['x-realcall-name']?.[0] ?? ''),
    }));
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
    // Short ringing, so that "no answer" is seen in seconds.
    stack = await startStack(bin!, { ringSeconds: RING_SECONDS });
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

  it('lets no forgery sent mid-call (re-INVITE, hold, resume, UPDATE, INFO, MESSAGE, NOTIFY) change what the callee sees', async () => {
    const p = await person('Mid-call forger');
    await verify(p, '周杰伦', 'approve', 'masked');
    const { account, expected } = await accountFromApi(stack.api.publicUrl, p.login, p.password);
    const target = await person('Mid-call target');
    const { account: targetAccount } = await accountFromApi(stack.api.publicUrl, target.login, target.password);
    const rows = await runMidCallForgeries(account, targetAccount, expected, { timeoutMs: 6000 });
    expect(rows.map((r) => r.technique)).toEqual([
      'hold',
      'resume',
      're-invite',
      'update',
      'notify',
      'info',
      'message',
    ]);
    expect(
      rows.filter((r) => r.gotThrough),
      JSON.stringify(rows, null, 2),
    ).toEqual([]);
    const row = (technique: string) => rows.find((r) => r.technique === technique)!;
    // The re-INVITE was answered (the call went on): the forgery was carried, and dropped at the PBX.
    expect(row('re-invite').statusCode).toBe(200);
    // Hold and resume reach the callee as the PBX's own re-INVITEs (moh_passthrough), without the forgery.
    expect([row('hold').statusCode, row('hold').reached], JSON.stringify(rows, null, 2)).toEqual([200, ['INVITE']]);
    expect([row('resume').statusCode, row('resume').reached]).toEqual([200, ['INVITE']]);
  }, 60_000);

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

  /** A person with a registered agent (a device) of their own. */
  async function withDevices(nickname: string, ...devices: AgentOptions[]) {
    const p = await person(nickname);
    const { account } = await accountFromApi(stack.api.publicUrl, p.login, p.password);
    const agents: Agent[] = [];
    for (const options of devices) agents.push(await startAgent(account, options));
    return { person: p, account, agents, stop: () => Promise.all(agents.map((a) => a.stop())) };
  }

  it('rings every device of the callee; the first to answer takes the call, the others are cancelled as answered elsewhere', async () => {
    const caller = await person('Multi caller');
    const { account } = await accountFromApi(stack.api.publicUrl, caller.login, caller.password);
    const bob = await withDevices(
      'Bob two tabs',
      { answer: 'accept', answerAfterMs: 400, holdMs: 1000 },
      { answer: 'ring', holdMs: 0 },
    );
    try {
      const result = await placeCall(account, bob.person.extension, { timeoutMs: 8000, hangupAfterMs: 200 });
      expect(result.outcome, `${result.statusCode} ${result.reason}`).toBe('answered');
      const [answering, other] = bob.agents as [Agent, Agent];
      // Both rang, each with the PBX's name status.
      expect(answering.calls).toHaveLength(1);
      expect(other.calls).toHaveLength(1);
      expect(other.calls[0]!.nameStatus).toBe('unverified');
      // The one that did not answer was cancelled, saying why.
      await vi.waitFor(() => expect(other.requests.some((r) => r.method === 'CANCEL')).toBe(true));
      const cancel = other.requests.find((r) => r.method === 'CANCEL')!;
      expect(cancel.headers.reason?.join(' ')).toMatch(/SIP;cause=200;text="Call completed elsewhere"/);
    } finally {
      await bob.stop();
    }
  });

  it('ends each unanswered call with its own SIP status, so the caller can be told why', async () => {
    const caller = await withDevices('Reason caller', { answer: 'ring', holdMs: 0 });
    const declining = await withDevices('Declines', { answer: 'reject', rejectCode: 603, holdMs: 0 });
    const busy = await withDevices('Busy one', { answer: 'reject', rejectCode: 486, holdMs: 0 });
    const ringing = await withDevices('Never answers', { answer: 'ring', holdMs: 0 });
    const bothDecline = await withDevices(
      'Declines twice',
      { answer: 'reject', rejectCode: 603, holdMs: 0 },
      { answer: 'reject', rejectCode: 603, holdMs: 0 },
    );
    const oneDeclines = await withDevices(
      'Declines on one',
      { answer: 'reject', rejectCode: 603, holdMs: 0 },
      { answer: 'ring', holdMs: 0 },
    );
    const nowhere = await person('Signed in nowhere');
    try {
      const call = (extension: string) =>
        placeCall(caller.account, extension, { timeoutMs: (RING_SECONDS + 5) * 1000, hangupAfterMs: 100 });
      const seen: Record<string, number | undefined> = {};
      const noAnswer = await call(ringing.person.extension);
      for (const [label, extension] of [
        ['declined', declining.person.extension],
        ['busy', busy.person.extension],
        ['declined on every device', bothDecline.person.extension],
        ['declined on one, nobody answered on the other', oneDeclines.person.extension],
        ['signed in nowhere', nowhere.extension],
        ['no such number', '4099999999'],
        ['yourself', caller.person.extension],
      ] as const) {
        const result = await call(extension);
        expect(result.outcome, label).toBe('rejected');
        seen[label] = result.statusCode;
      }
      expect(seen).toEqual({
        declined: 603,
        busy: 486,
        'declined on every device': 603,
        'declined on one, nobody answered on the other': 408,
        'signed in nowhere': 480,
        'no such number': 404,
        yourself: 403,
      });
      // No answer: after the ring time, not before.
      expect([noAnswer.outcome, noAnswer.statusCode]).toEqual(['rejected', 408]);
      expect(Date.now() - noAnswer.inviteSentAt).toBeGreaterThan(0);
      // Calling yourself rings none of your own devices.
      expect(caller.agents[0]!.calls).toHaveLength(0);
    } finally {
      await Promise.all([caller, declining, busy, ringing, bothDecline, oneDeclines].map((d) => d.stop()));
    }
  }, 60_000);

  it('hangs up a call whose callee vanished within seconds, telling the caller the connection was lost (Q.850 44)', async () => {
    // Both tool legs offer a media address and send nothing (as a closed tab): whichever leg the
    // PBX times out first, the caller is told the connection was lost, never a hang-up.
    const caller = await person('Vanishing caller');
    const { account } = await accountFromApi(stack.api.publicUrl, caller.login, caller.password);
    const bob = await withDevices('Vanishing callee', { answer: 'accept', holdMs: 30_000 });
    try {
      const result = await placeCall(account, bob.person.extension, {
        timeoutMs: 30_000,
        hangupAfterMs: 25_000,
      });
      expect(result.outcome).toBe('answered');
      expect(result.remoteBye, 'the PBX ended the call').toBeDefined();
      const after = result.remoteBye!.at - result.answeredAt!;
      expect(after).toBeGreaterThan(6000);
      expect(after).toBeLessThan(14_000);
      expect(result.remoteBye!.reason).toMatch(/Q\.850;cause=44/);
    } finally {
      await bob.stop();
    }
  }, 40_000);

  it('tells the callee of a call under way the new name and status after a revocation or a privacy change', async () => {
    const caller = await person('Retold nick');
    await verify(caller, '张三丰', 'approve', 'full');
    const { account } = await accountFromApi(stack.api.publicUrl, caller.login, caller.password);
    const bob = await withDevices('Retold callee', { answer: 'accept', holdMs: 6000 });
    try {
      // 1. A privacy change mid-call: the callee is told "hidden", with the nickname.
      const first = placeCall(account, bob.person.extension, { timeoutMs: 10_000, hangupAfterMs: 3000 });
      const call1 = await bob.agents[0]!.nextCall(5000);
      expect([call1.displayName, call1.nameStatus]).toEqual(['张三丰', 'verified']);
      await sleep(500);
      expect((await http(stack, 'PUT', '/api/me/privacy', { namePrivacy: 'hidden' }, caller.cookie)).status).toBe(200);
      await stack.api.pbx.flush();

      await vi.waitFor(() => expect(notifiesOf(bob.agents[0]!, call1.callId)).toHaveLength(1));
      expect(notifiesOf(bob.agents[0]!, call1.callId)[0]).toEqual({
        event: 'x-realcall-presentation',
        status: 'hidden',
        name: 'Retold nick',
      });
      expect((await first).outcome).toBe('answered');

      // 2. A revocation mid-call: "unverified", with the nickname.
      await http(stack, 'PUT', '/api/me/privacy', { namePrivacy: 'full' }, caller.cookie);
      await stack.api.pbx.flush();
      const second = placeCall(account, bob.person.extension, { timeoutMs: 10_000, hangupAfterMs: 3000 });
      const call2 = await bob.agents[0]!.nextCall(5000);
      expect(call2.nameStatus).toBe('verified');
      await sleep(500);
      const list = await http(stack, 'GET', '/api/admin/verifications?status=verified', undefined, admin.cookie);
      const record = list.body.verifications.find((v: { person: { id: number } }) => v.person.id === caller.id);
      const revoked = await http(
        stack,
        'POST',
        `/api/admin/verifications/${record.id}/revoke`,
        { reason: 'stolen' },
        admin.cookie,
      );
      expect(revoked.status).toBe(200);
      await stack.api.pbx.flush();
      await vi.waitFor(() => expect(notifiesOf(bob.agents[0]!, call2.callId)).toHaveLength(1));
      expect(notifiesOf(bob.agents[0]!, call2.callId)[0]).toMatchObject({ status: 'unverified', name: 'Retold nick' });
      expect((await second).outcome).toBe('answered');
    } finally {
      await bob.stop();
    }
  }, 40_000);
  it('tells the other side of a call, and nobody else, that one side is reconnecting, in one of two words', async () => {
    const caller = await person('Moving caller');
    const bystander = await person('Bystander');
    const { account } = await accountFromApi(stack.api.publicUrl, caller.login, caller.password);
    const bob = await withDevices('Still callee', { answer: 'accept', holdMs: 6000 });
    const notices = (callId: string) =>
      bob.agents[0]!.requests.filter((r) => r.method === 'NOTIFY' && r.callId === callId).map((r) => [
        r.headers.event?.[0],
        r.headers['x-realcall-peer-connection']?.[0],
      ]);
    try {
      const placed = placeCall(account, bob.person.extension, { timeoutMs: 10_000, hangupAfterMs: 3000 });
      const call = await bob.agents[0]!.nextCall(5000);
      await sleep(500);
      const tell = (who: Person, state: string) =>
        http(stack, 'POST', '/api/me/connection', { state }, who.cookie).then((r) => [r.status, r.body]);
      // Someone in no call tells nobody; the caller tells the callee, and the callee the caller.
      expect(await tell(bystander, 'reconnecting')).toEqual([200, { told: 0 }]);
      expect(await tell(caller, 'reconnecting')).toEqual([200, { told: 1 }]);
      expect(await tell(caller, 'connected')).toEqual([200, { told: 1 }]);
      expect(await tell(bob.person, 'reconnecting')).toEqual([200, { told: 1 }]);
      // Anything but the two words goes nowhere.
      expect((await tell(caller, 'Your Bank'))[0]).toBe(400);
      await vi.waitFor(() => expect(notices(call.callId)).toHaveLength(2));
      expect(notices(call.callId)).toEqual([
        ['x-realcall-peer-connection', 'reconnecting'],
        ['x-realcall-peer-connection', 'connected'],
      ]);
      // The name the callee sees is the PBX's from the INVITE, untouched by any of it.
      expect([call.displayName, call.nameStatus]).toEqual(['Moving caller', 'unverified']);
      expect((await placed).outcome).toBe('answered');
    } finally {
      await bob.stop();
    }
  }, 40_000);
});
