import { describe, expect, test } from 'vitest';
import { quality } from '../components/rc-call-screen/connection-status';
import { NO_CONNECTION, readStats } from './connection';

/** Stats as Chromium reports them for a call through the relay over TCP (ids and fields as in getStats). */
const relayed = (received: number, lost: number) => [
  { type: 'transport', id: 'T01', selectedCandidatePairId: 'CP1' },
  { type: 'candidate-pair', id: 'CP1', localCandidateId: 'L1', state: 'succeeded', currentRoundTripTime: 0.084 },
  { type: 'candidate-pair', id: 'CP2', localCandidateId: 'L2', state: 'failed' },
  { type: 'local-candidate', id: 'L1', candidateType: 'relay', relayProtocol: 'tcp' },
  { type: 'local-candidate', id: 'L2', candidateType: 'host' },
  { type: 'inbound-rtp', kind: 'audio', id: 'IT1', packetsReceived: received, packetsLost: lost, jitter: 0.012 },
  { type: 'outbound-rtp', kind: 'audio', id: 'OT1' },
];

describe('reading a call’s stats', () => {
  test('the selected pair gives the path, its relay protocol and the round trip', () => {
    const read = readStats(relayed(100, 0), null);
    expect(read).toMatchObject({ path: 'relay', relayProtocol: 'tcp', rttMs: 84, jitterMs: 12, newPackets: null });
  });

  test('loss and new packets are counted since the previous reading, not since the call began', () => {
    const first = readStats(relayed(100, 10), null);
    const second = readStats(relayed(190, 20), first.sample);
    expect(second.newPackets).toBe(90);
    expect(second.lossPercent).toBe(10);
    const quiet = readStats(relayed(190, 20), second.sample);
    expect(quiet.newPackets).toBe(0);
    expect(quiet.lossPercent).toBeNull();
  });

  test('a direct path (host, server-reflexive or peer-reflexive) is "direct"; none chosen yet is null', () => {
    for (const candidateType of ['host', 'srflx', 'prflx']) {
      const reports = relayed(1, 0).map((r) => (r.id === 'L1' ? { ...r, candidateType, relayProtocol: undefined } : r));
      expect(readStats(reports, null)).toMatchObject({ path: 'direct', relayProtocol: null });
    }
    expect(readStats([], null)).toMatchObject({ path: null, rttMs: null, jitterMs: null });
  });

  test('grades: good for a phone call, fair, poor', () => {
    const c = (rttMs: number, lossPercent: number, jitterMs: number) => ({
      ...NO_CONNECTION,
      rttMs,
      lossPercent,
      jitterMs,
    });
    expect(quality(NO_CONNECTION)).toBeNull();
    expect(quality(c(40, 0, 5))).toBe('good');
    expect(quality(c(350, 0, 5))).toBe('fair');
    expect(quality(c(40, 3, 5))).toBe('fair');
    expect(quality(c(40, 0, 70))).toBe('poor');
    expect(quality(c(600, 0, 5))).toBe('poor');
  });
});
