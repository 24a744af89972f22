import { afterEach, describe, expect, test } from 'vitest';
import type { IncomingCall } from './agent';
import { naivePolicy, safePolicy, startScriptedPbx, type Policy, type ScriptedPbx } from './scripted-pbx.test-support';
import { FORGED_NAME, judge, runSpoofMatrix, TECHNIQUES } from './spoof';

let pbx: ScriptedPbx | undefined;
afterEach(async () => {
  await pbx?.close();
  pbx = undefined;
});

const EXPECTED = { name: '张三丰', status: 'verified', num: '1002' };

async function matrix(policy: Policy, only?: string[]) {
  pbx = await startScriptedPbx({
    policy,
    accounts: {
      '1002': { secret: 'caller secret', presentation: EXPECTED },
      '1006': { secret: 'callee secret' },
    },
  });
  const account = (user: string, secret: string) => ({ wsUrl: pbx!.wsUrl, domain: pbx!.domain, user, secret });
  return runSpoofMatrix(account('1002', 'caller secret'), account('1006', 'callee secret'), EXPECTED, {
    only,
    timeoutMs: 1500,
  });
}

test('there are at least 14 techniques, each with a unique id', () => {
  expect(TECHNIQUES.length).toBeGreaterThanOrEqual(14);
  expect(new Set(TECHNIQUES.map((t) => t.id)).size).toBe(TECHNIQUES.length);
});

test('a PBX that presents the caller from its own records blocks every forgery', async () => {
  const rows = await matrix(safePolicy);
  expect(rows).toHaveLength(TECHNIQUES.length);
  expect(rows.filter((r) => r.gotThrough)).toEqual([]);
  const byId = Object.fromEntries(rows.map((r) => [r.technique, r]));
  expect(byId['from-display-name']).toMatchObject({
    outcome: 'answered',
    sawName: '张三丰',
    sawStatus: 'verified',
    sawNumber: '1002',
  });
  // Identified by the From user, the digest does not match that endpoint (or there is none): refused outright.
  expect(byId['from-user']).toMatchObject({ outcome: 'rejected', statusCode: 401, sawName: null });
  expect(byId['anonymous-from']).toMatchObject({ outcome: 'rejected', statusCode: 403, sawName: null });
});

test('a PBX that passes on what callers send lets forgeries through, with the evidence', async () => {
  const rows = await matrix(naivePolicy, [
    'from-display-name',
    'p-asserted-identity',
    'status-header-twice',
    'control-characters',
    'diversion',
  ]);
  const byId = Object.fromEntries(rows.map((r) => [r.technique, r]));
  expect(rows.every((r) => r.gotThrough)).toBe(true);
  expect(byId['from-display-name']!.sawName).toBe(FORGED_NAME);
  expect(byId['from-display-name']!.evidence).toContain(`callee saw name "${FORGED_NAME}", expected "张三丰"`);
  expect(byId['p-asserted-identity']!.evidence).toContain('forged "95566" reached the callee in p-asserted-identity');
  expect(byId['status-header-twice']!.sawStatus).toBe('masked, masked, verified');
  // Sent as quoted-pairs, the control characters are valid SIP; passed on, they reach the callee's name.
  expect(byId['control-characters']!.sawName).toBe('中国银行\u0007客服\u001b[0m');
  expect(byId['control-characters']!.evidence).toContain('forged "\\u0007" reached the callee in from');
  expect(byId['diversion']!.evidence).toContain('forged "95566" reached the callee in diversion');
});

describe('judge', () => {
  const seen = (over: Partial<IncomingCall>): IncomingCall => ({
    displayName: '张三丰',
    fromUser: '1002',
    nameStatus: 'verified',
    headers: { from: ['"张三丰" <sip:1002@realcall.test>;tag=1'], 'x-realcall-name-status': ['verified'] },
    receivedAt: 0,
    callId: 'c',
    parsedBySipJs: true,
    ...over,
  });

  test('the expected presentation, substituted by the PBX, is blocked', () => {
    expect(judge('answered', [seen({})], EXPECTED, [FORGED_NAME, '95566'])).toMatchObject({
      gotThrough: false,
      evidence: [],
    });
  });

  test('an INVITE sip.js could not parse is noted: a browser would not ring', () => {
    const judged = judge('timeout', [seen({ displayName: 'x\u0007', parsedBySipJs: false })], EXPECTED, ['\u0007']);
    expect(judged.gotThrough).toBe(true);
    expect(judged.evidence.at(-1)).toBe('sip.js could not parse the INVITE: a browser softphone would not even ring');
  });

  test('a refused call is blocked; an answered call nobody saw is not taken as safe', () => {
    expect(judge('rejected', [], EXPECTED, [])).toMatchObject({ gotThrough: false, sawName: null });
    expect(judge('answered', [], EXPECTED, []).gotThrough).toBe(true);
  });

  test('a missing status is never the expected one; a forged number counts only as a whole number', () => {
    expect(judge('answered', [seen({ nameStatus: null })], EXPECTED, []).evidence).toEqual([
      'callee saw status (no header), expected "verified"',
    ]);
    const harmless = seen({ headers: { 'x-call-ref': ['955660'] } });
    expect(judge('answered', [harmless], EXPECTED, ['95566']).gotThrough).toBe(false);
    const leaked = seen({ headers: { 'x-original-caller': ['<sip:95566@x>'] } });
    expect(judge('answered', [leaked], EXPECTED, ['95566']).evidence).toEqual([
      'forged "95566" reached the callee in x-original-caller',
    ]);
  });
});
