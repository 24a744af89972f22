/**
 * End to end: two headless Chromium pages signed in as two people, a real
 * WebRTC call through a real Asterisk and the real API, inside a network
 * namespace this test creates and deletes. Skipped, with one line, when
 * there is no Asterisk binary, no Chromium, or no way to make a namespace.
 */
import { describe, expect, it } from 'vitest';
import { findAsterisk } from '../../asterisk/pbx.mjs';
import { CHROMIUM } from '../support/chromium';
import { realPartSuite } from '../support/real-parts';
import { createNamespace, runInside } from './netns';

const gate = realPartSuite('e2e: call in the browser');
const bin = findAsterisk(process.env);

describe.skipIf(gate.skip)('a call between two browsers', () => {
  it('shows the verified name, carries audio both ways, mutes, hangs up and releases everything', () => {
    const ns = createNamespace('e2e');
    let result: Record<string, any>;
    try {
      const run = runInside<Record<string, any>>(ns.name, 'call-inside.ts', [bin!, CHROMIUM], 300_000);
      result = run.result;
      console.log(`[e2e] ${run.line}`);
      expect(result.ok, `${result.error ?? ''}\n${run.stderr}`).toBe(true);
    } finally {
      ns.remove();
    }
    // What the callee saw beneath the caller's avatar.
    expect(result.shown).toContain('张三丰');
    expect(result.shown).toMatch(/Verified real name/);
    // The floating window (Document Picture-in-Picture) shows the same name and status, and closes with the call.
    if (result.pipAvailable) {
      expect(result.floating.opened).toBe(true);
      expect(result.floating.text).toContain('张三丰');
      expect(result.floating.text).toContain('Verified real name');
      expect(result.pipClosed).toBe(true);
    }
    // Opus both ways: packets received on each side.
    expect(result.flowing.caller.state).toBe('connected');
    expect(result.flowing.callee.state).toBe('connected');
    expect(result.flowing.caller.received).toBeGreaterThan(50);
    expect(result.flowing.callee.received).toBeGreaterThan(50);
    // Muted: the caller sends nothing more, the callee receives nothing more, the other way still flows.
    expect(result.muted.caller).toBeLessThanOrEqual(1);
    expect(result.muted.calleeReceived).toBeLessThanOrEqual(1);
    expect(result.unmutedDirection).toBeGreaterThan(20);
    // Each ending says what happened.
    expect(result.upWhileMuted).toBe(1);
    expect(result.declined).toBe('Declined.');
    expect(result.notFound.ms).toBeLessThan(5000);
    expect(result.self.refusal).toMatch(/your own number/);
    expect(result.self.screens).toBe(0);
    // Two tabs rang; the caller heard ringback until the answer; focus was in the call screen, the page behind inert.
    expect(result.twoTabs.ringback).toBe(1);
    expect(result.twoTabs.ringbackAfterAnswer).toBe(0);
    expect(result.twoTabs.focus).toEqual({ focused: 'Accept', inert: true });
    expect(result.twoTabs.media.callee.received).toBeGreaterThan(20);
    expect(result.twoTabs.media.caller.received).toBeGreaterThan(20);
    // The revocation reached the callee's screen in the call: no longer a verified name.
    // The devices chosen on the home page are the ones the call uses.
    expect(result.devicesUsed.microphone).toBe('Fake Audio Input 1');
    expect(result.devicesUsed.chosenOutput).not.toBe('');
    expect(result.devicesUsed.output).toBe(result.devicesUsed.chosenOutput);
    // Hold: not a packet either way while held (one in flight at most), audio both ways once resumed.
    for (const [what, n] of Object.entries(result.hold.held)) expect(n, `held: ${what}`).toBeLessThanOrEqual(1);
    expect(result.hold.resumed.callerReceived).toBeGreaterThan(20);
    expect(result.hold.resumed.calleeReceived).toBeGreaterThan(20);
    // Call waiting: the second caller waits with their own name and status; answering holds the first,
    // switching back holds the second; each side hears only while it is the one talked to.
    expect(result.waiting.shown).toMatch(/Third/);
    expect(result.waiting.shown).toMatch(/Unverified/);
    expect(result.waiting.stillTalking).toBe(1);
    expect(result.waiting.shownAfterAnswer).toMatch(/Third/);
    expect(result.waiting.shownAfterSwitch).toMatch(/张三丰/);
    expect(result.waiting.answered.thirdReceived).toBeGreaterThan(20);
    expect(result.waiting.answered.callerReceived).toBeLessThanOrEqual(1);
    expect(result.waiting.switched.callerReceived).toBeGreaterThan(20);
    expect(result.waiting.switched.thirdReceived).toBeLessThanOrEqual(1);
    // A minimised callee: one notification with the caller's name and status (Answer, Decline), the
    // tab's title changed; after the caller gave up, neither is left.
    expect(result.notified.notes).toEqual([
      {
        title: '📞 张三丰 is calling',
        body: expect.stringMatching(/^Verified real name · \d+$/),
        actions: ['answer', 'decline'],
      },
    ]);
    expect(result.notified.titles[0]).toMatch(/is calling/);
    expect(result.notified.after).toEqual({ notes: [], title: result.notified.title });
    expect(result.afterRevocation).toMatch(/Sanfeng/);
    expect(result.afterRevocation).toMatch(/Unverified/);
    expect(result.afterRevocation).not.toMatch(/Verified real name|张三丰/);
    // A vanished callee is detected within the PBX's RTP timeout (8 s) plus its check.
    expect(result.lostSaid).toBe('The connection was lost.');
    expect(result.lostDetectedMs).toBeLessThan(14_000);
    // A PBX restart: each page said it was reconnecting, then registered again by itself.
    for (const states of [result.statesSeen.caller, result.statesSeen.callee]) {
      expect(states).toContain('reconnecting');
      expect(states.at(-1)).toBe('registered');
    }
    // Released at the end: peer connections closed, microphone tracks stopped.
    for (const side of [result.released.caller, result.released.callee]) {
      expect(side.pcs.length).toBeGreaterThan(0);
      expect(side.pcs.every((s: string) => s === 'closed')).toBe(true);
      expect(side.tracks.length).toBeGreaterThan(0);
      expect(side.tracks.every((s: string) => s === 'ended')).toBe(true);
    }
  }, 330_000);
});
