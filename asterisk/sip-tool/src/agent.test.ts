import { afterEach, expect, test } from 'vitest';
import { readIncomingInvite, startAgent, type Agent } from './agent';
import { startScriptedPbx, type ScriptedPbx } from './scripted-pbx.test-support';
import { TimeoutError } from './time';

let pbx: ScriptedPbx | undefined;
let agent: Agent | undefined;
afterEach(async () => {
  await agent?.stop();
  await pbx?.close();
  agent = pbx = undefined;
});

async function setUp(answer: 'accept' | 'reject' = 'accept') {
  pbx = await startScriptedPbx({ accounts: { '1006': { secret: 'callee secret' } } });
  agent = await startAgent(
    { wsUrl: pbx.wsUrl, domain: pbx.domain, user: '1006', secret: 'callee secret' },
    { answer, holdMs: 50, timeoutMs: 2000 },
  );
  return { pbx, agent };
}

test('records the From display name and user and the name status the PBX delivered, and answers 200', async () => {
  const { pbx, agent } = await setUp();
  const status = await pbx.ring('1006', {
    fromHeader: '"张三丰" <sip:1002@realcall.test>',
    extraHeaders: ['X-RealCall-Name-Status: verified'],
  });
  expect(status).toBe(200);
  const call = await agent.nextCall(1000);
  expect(call).toMatchObject({ displayName: '张三丰', fromUser: '1002', nameStatus: 'verified', parsedBySipJs: true });
  expect(call.headers['x-realcall-name-status']).toEqual(['verified']);
  expect(call.receivedAt).toBeGreaterThan(Date.now() - 5000);
  // The agent hangs up after holdMs: its BYE reaches the PBX.
  await expect.poll(() => pbx.received.some((m) => m.method === 'BYE'), { timeout: 1000 }).toBe(true);
});

test('a missing status header is null and a doubled one is never either value', async () => {
  const { pbx, agent } = await setUp();
  await pbx.ring('1006', { fromHeader: '"Bob" <sip:1006@realcall.test>' });
  await pbx.ring('1006', {
    fromHeader: '"Bob" <sip:1006@realcall.test>',
    extraHeaders: ['X-RealCall-Name-Status: verified', 'x-realcall-name-status: unverified'],
  });
  const [missing, doubled] = [await agent.nextCall(1000), await agent.nextCall(1000)];
  expect(missing.nameStatus).toBeNull();
  expect(doubled.nameStatus).toBe('verified, unverified');
});

test('escapes in the display name are undone once, as a UA reads them', async () => {
  const { pbx, agent } = await setUp();
  await pbx.ring('1006', {
    fromHeader: '"Bank\\" <sip:95566@x>" <sip:1002@realcall.test>',
    extraHeaders: ['X-RealCall-Name-Status: unverified'],
  });
  expect((await agent.nextCall(1000)).displayName).toBe('Bank" <sip:95566@x>');
});

test('an INVITE sip.js cannot parse is still recorded, marked as one a browser would drop', async () => {
  const { pbx, agent } = await setUp();
  // A raw BEL inside the quoted name is not allowed by RFC 3261's grammar: sip.js drops the whole INVITE.
  void pbx.ring('1006', { fromHeader: '"Bank\u0007Desk" <sip:1002@realcall.test>' });
  const call = await agent.nextCall(1000);
  expect(call).toMatchObject({ displayName: 'Bank\u0007Desk', parsedBySipJs: false });
});

test('--reject answers 486 Busy Here', async () => {
  const { pbx, agent } = await setUp('reject');
  expect(await pbx.ring('1006', { fromHeader: '<sip:1002@realcall.test>' })).toBe(486);
  expect(agent.calls).toHaveLength(1);
});

test('nextCall waits a bounded time; stop() ends waits and unregisters', async () => {
  const { pbx, agent } = await setUp();
  await expect(agent.nextCall(50)).rejects.toBeInstanceOf(TimeoutError);
  const waiting = expect(agent.nextCall(5000)).rejects.toThrow('the agent has stopped');
  await agent.stop();
  await waiting;
  expect(pbx.isRegistered('1006')).toBe(false);
});

test('startAgent fails with one line when the registration is refused', async () => {
  pbx = await startScriptedPbx({ accounts: { '1006': { secret: 'callee secret' } } });
  await expect(
    startAgent({ wsUrl: pbx.wsUrl, domain: pbx.domain, user: '1006', secret: 'nope' }, { answer: 'accept', holdMs: 0 }),
  ).rejects.toThrow('registration failed: 401 Unauthorized');
});

test('readIncomingInvite ignores responses and in-dialog INVITEs', () => {
  expect(readIncomingInvite('SIP/2.0 200 OK\r\n\r\n', 0, true)).toBeUndefined();
  expect(
    readIncomingInvite('INVITE sip:a@b SIP/2.0\r\nFrom: <sip:1@x>;tag=1\r\nTo: <sip:a@b>;tag=2\r\n\r\n', 0, true),
  ).toBeUndefined();
});
