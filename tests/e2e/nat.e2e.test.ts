/**
 * End to end across a NAT: a caller's Chromium behind a masquerading router
 * and a firewall, the callee's, the real API, a real Asterisk and a real
 * coturn, in three network namespaces this test creates and deletes
 * (nat-net.ts). Skipped, with one line, when a part is missing.
 */
import { describe, expect, it } from 'vitest';
import { findAsterisk } from '../../asterisk/pbx.mjs';
import { CHROMIUM } from '../support/chromium';
import { realPartSuite } from '../support/real-parts';
import { createNatNet, removeNatNet } from './nat-net';
import { runInside } from './netns';

const gate = realPartSuite('e2e: calls across NAT');
const bin = findAsterisk(process.env);

type Run = {
  ringingMs: number;
  audioMs: number;
  path: { local: string; remote: string; relayProtocol: string | null; codec: string };
  flowed: { callerReceived: number; calleeReceived: number };
  quality: string;
};

describe.skipIf(gate.skip)('calls across a NAT and a firewall, through the relay', () => {
  it('connects direct, through the relay over UDP and over TCP, survives a switch to another network, and says when nothing gets through', () => {
    const net = createNatNet();
    let result: Record<string, any>;
    try {
      const run = runInside<Record<string, any>>(
        net.server,
        'nat-inside.ts',
        [bin!, CHROMIUM, JSON.stringify(net)],
        400_000,
      );
      result = run.result;
      console.log(`[e2e nat] ${run.line}`);
      expect(result.ok, `${result.error ?? ''}\n${run.stderr}`).toBe(true);
    } finally {
      removeNatNet(net);
    }
    const flowedBothWays = (r: Run) => {
      expect(r.flowed.callerReceived).toBeGreaterThan(50);
      expect(r.flowed.calleeReceived).toBeGreaterThan(50);
      expect(r.path.codec).toBe('audio/opus');
    };
    // Only NAT in the way: straight to the PBX, never through the relay.
    for (const r of result.direct as Run[]) {
      flowedBothWays(r);
      expect(r.path.local).not.toBe('relay');
      expect(r.quality).toMatch(/direct/);
    }
    // No UDP to the PBX: only the relay carries the call, over UDP.
    for (const r of result.relayedUdp as Run[]) {
      flowedBothWays(r);
      expect(r.path.local).toBe('relay');
      expect(r.path.relayProtocol).toBe('udp');
      expect(r.quality).toMatch(/through the relay \(UDP\)/);
    }
    // No UDP at all: the relay over TCP.
    for (const r of result.relayedTcp as Run[]) {
      flowedBothWays(r);
      expect(r.path.local).toBe('relay');
      expect(r.path.relayProtocol).toBe('tcp');
    }
    // A new network mid-call (Wi-Fi off, mobile on): the same call (the PBX's two channels, the callee's timer),
    // audio back both ways by itself within 3 s, and both screens said "reconnecting" meanwhile: the caller of
    // its own connection, the callee because the caller's page told it through the API and the PBX.
    const moved = result.moved;
    expect(moved.stalled).toBe(true);
    expect(moved.resumedMs).not.toBeNull();
    expect(moved.resumedMs).toBeLessThan(3000);
    expect(moved.after.channels).toBe(moved.channelsBefore);
    expect(moved.after.timerStill).toBe(1);
    expect(moved.after.newSockets).toBeGreaterThanOrEqual(1);
    expect(moved.said.caller.join(' ')).toMatch(/Reconnecting/);
    expect(moved.said.callee.join(' ')).toMatch(/Behind NAT is reconnecting/);
    expect(moved.after.banners).toEqual({ caller: '', callee: '' });
    expect(moved.flowingAfter.callerReceived).toBeGreaterThan(20);
    expect(moved.flowingAfter.calleeReceived).toBeGreaterThan(20);
    // The relay down: a caller who needs it is told, and the call ends saying why; one who does not still connects.
    flowedBothWays(result.down.direct);
    expect(result.down.needing.told).toMatch(/No audio can get through/);
    expect(result.down.needing.endedSaid).toMatch(/No audio could get through/);
  }, 420_000);
});
