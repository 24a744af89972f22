import { afterEach, expect, test } from 'vitest';
import { startAgent, type Agent } from './agent';
import { placeCall } from './place-call';
import { startScriptedPbx, type Policy, type ScriptedPbx } from './scripted-pbx.test-support';
import { sdpShape } from './sdp';

let pbx: ScriptedPbx | undefined;
let agent: Agent | undefined;
afterEach(async () => {
  await agent?.stop();
  await pbx?.close();
  agent = pbx = undefined;
});

const ACCOUNTS = {
  '1002': { secret: 'caller secret', presentation: { name: '张三丰', status: 'verified', num: '1002' } },
  '1006': { secret: 'callee secret' },
};

async function setUp(options: { policy?: Policy; answer?: 'accept' | 'reject'; register?: boolean } = {}) {
  pbx = await startScriptedPbx({ accounts: ACCOUNTS, policy: options.policy });
  if (options.register !== false) {
    agent = await startAgent(
      { wsUrl: pbx.wsUrl, domain: pbx.domain, user: '1006', secret: 'callee secret' },
      { answer: options.answer ?? 'accept', holdMs: 5000, timeoutMs: 2000 },
    );
  }
  return { wsUrl: pbx.wsUrl, domain: pbx.domain, user: '1002', secret: 'caller secret' };
}

test('answered: 180 then 200 timed at the socket, WebRTC-shaped offer, BYE after hangupAfterMs', async () => {
  const caller = await setUp();
  const result = await placeCall(caller, '1006', { timeoutMs: 2000, hangupAfterMs: 20 });
  expect(result).toMatchObject({ outcome: 'answered', statusCode: 200, reason: 'OK' });
  expect(result.ringingAt).toBeGreaterThan(result.inviteSentAt);
  expect(result.answeredAt).toBeGreaterThanOrEqual(result.ringingAt!);
  const invites = pbx!.received.filter((m) => m.method === 'INVITE');
  // Challenged, then sent again with credentials; both carry the WebRTC-shaped offer Asterisk requires.
  expect(invites.map((m) => m.headers.authorization !== undefined)).toEqual([false, true]);
  for (const invite of invites) expect(sdpShape(invite.body).protocol).toBe('UDP/TLS/RTP/SAVPF');
  expect(
    pbx!.received.some((m) => m.method === 'BYE' && m.headers['call-id']![0] === invites[0]!.headers['call-id']![0]),
  ).toBe(true);
  expect(agent!.calls[0]).toMatchObject({ displayName: '张三丰', nameStatus: 'verified' });
});

test('rejected: the callee’s 486 comes back with its code', async () => {
  const caller = await setUp({ answer: 'reject' });
  const result = await placeCall(caller, '1006', { timeoutMs: 2000, hangupAfterMs: 0 });
  expect(result).toMatchObject({ outcome: 'rejected', statusCode: 486, reason: 'Busy Here' });
  expect(result.ringingAt).toBeDefined();
  expect(result.answeredAt).toBeUndefined();
});

test('rejected: a callee that is not registered is 480', async () => {
  const caller = await setUp({ register: false });
  expect(await placeCall(caller, '1006', { timeoutMs: 2000, hangupAfterMs: 0 })).toMatchObject({
    outcome: 'rejected',
    statusCode: 480,
  });
});

test('timeout: no final response in time, so the INVITE is cancelled', async () => {
  const caller = await setUp({ policy: () => ({ silent: true }) });
  const result = await placeCall(caller, '1006', { timeoutMs: 300, hangupAfterMs: 0 });
  expect(result).toMatchObject({ outcome: 'timeout', reason: 'no final response within 300 ms' });
  await expect.poll(() => pbx!.received.some((m) => m.method === 'CANCEL'), { timeout: 1000 }).toBe(true);
});

test('forged From and extra headers leave as given; a forged From user meets the digest check', async () => {
  const caller = await setUp();
  const forged = await placeCall(caller, '1006', {
    fromDisplayName: '中国银行客服',
    extraHeaders: ['P-Asserted-Identity: <sip:95566@realcall.test>', 'x-realcall-name-status: verified'],
    timeoutMs: 2000,
    hangupAfterMs: 0,
  });
  expect(forged.outcome).toBe('answered');
  const sent = pbx!.received.find((m) => m.method === 'INVITE')!;
  expect(sent.headers.from![0]).toMatch(/^"中国银行客服" <sip:1002@realcall.test>;tag=/);
  expect(sent.headers['p-asserted-identity']).toEqual(['<sip:95566@realcall.test>']);
  expect(sent.headers['x-realcall-name-status']).toEqual(['verified']);

  // Identified as 1006 by the From user, but the digest is 1002's: refused.
  expect(await placeCall(caller, '1006', { fromUser: '1006', timeoutMs: 2000, hangupAfterMs: 0 })).toMatchObject({
    outcome: 'rejected',
    statusCode: 401,
  });
});

test('failed: nothing to connect to', async () => {
  const result = await placeCall({ wsUrl: 'ws://127.0.0.1:1/ws', domain: 'x.test', user: '1', secret: 's' }, '2', {
    timeoutMs: 1000,
    hangupAfterMs: 0,
  });
  expect(result).toMatchObject({ outcome: 'failed', reason: 'cannot reach ws://127.0.0.1:1/ws: ECONNREFUSED' });
});
