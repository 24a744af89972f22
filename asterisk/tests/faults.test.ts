/**
 * Faults with a real Asterisk: the PBX restarts under registered people.
 * (The API stopping during call setup, and coming back, is in calls.test.ts;
 * a browser's own reconnect after a PBX restart is in tests/e2e.) Runs when
 * an Asterisk binary is found; otherwise prints one line and skips.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountFromApi, placeCall, startAgent, type SipAccount } from '../sip-tool/src';
import { asteriskOrSkip, startStack, type Stack } from './stack';

const bin = asteriskOrSkip('asterisk: faults');

describe.skipIf(!bin)('a PBX restart', () => {
  let stack: Stack;
  const people: SipAccount[] = [];

  beforeAll(async () => {
    stack = await startStack(bin!);
    for (const n of [1, 2]) {
      const login = `fault${n}@faults.test`;
      await fetch(`${stack.api.publicUrl}/api/auth/sign-up`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ login, password: 'correct horse battery', nickname: `Fault ${n}` }),
      });
      people.push((await accountFromApi(stack.api.publicUrl, login, 'correct horse battery')).account);
    }
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  }, 30_000);

  it('is survived by a registered SIP tool agent: it reconnects, registers again and takes the next call', async () => {
    const lines: string[] = [];
    const agent = await startAgent(people[1]!, {
      answer: 'accept',
      holdMs: 300,
      log: (line) => lines.push(`${new Date().toISOString()} ${line}`),
    });
    try {
      expect(agent.registrations).toBe(1);
      await stack.restartAsterisk();
      const deadline = Date.now() + 20_000;
      while (agent.registrations < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(agent.registrations, `the agent's log:\n${lines.join('\n')}`).toBeGreaterThanOrEqual(2);
      const result = await placeCall(people[0]!, people[1]!.user, { timeoutMs: 8000, hangupAfterMs: 100 });
      expect(result.outcome).toBe('answered');
      const seen = await agent.nextCall(5000);
      expect([seen.displayName, seen.nameStatus]).toEqual(['Fault 1', 'unverified']);
    } finally {
      await agent.stop();
    }
  }, 60_000);
});
