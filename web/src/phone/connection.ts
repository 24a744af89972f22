/**
 * What the call screen says about a call's connection, read twice a second
 * from the peer connection: whether media flows, by which path (direct or
 * through the relay, over UDP or TCP), round-trip time, loss and jitter, and
 * whether sound from the other side has stopped arriving.
 *
 * The states:
 *   connecting   answered, ICE still checking (no media yet)
 *   ok           media can flow
 *   reconnecting it flowed, then the path broke (ICE disconnected or failed,
 *                or this device's network changed): the phone is finding a
 *                new one without ending the call
 *   failed       it never flowed: no path at all (a network that blocks
 *                calls, and a relay that cannot be reached)
 */

export type ConnectionState = 'connecting' | 'ok' | 'reconnecting' | 'failed';

export type Connection = {
  state: ConnectionState;
  /** Through RealCall's relay, or straight to the PBX; null before a path is chosen. */
  path: 'direct' | 'relay' | null;
  /** How this side reaches the relay (udp, tcp, tls), when relayed. */
  relayProtocol: string | null;
  rttMs: number | null;
  /** Share of the other side's packets lost over the last few seconds, in percent. */
  lossPercent: number | null;
  jitterMs: number | null;
  /** No audio has arrived for a while although the call is neither held nor on hold. */
  silent: boolean;
};

export const NO_CONNECTION: Connection = {
  state: 'connecting',
  path: null,
  relayProtocol: null,
  rttMs: null,
  lossPercent: null,
  jitterMs: null,
  silent: false,
};

/** How long answered media may take to connect before the screen says so. */
export const CONNECT_PATIENCE_MS = 6000;
/**
 * How often stats are read; one read with no new packet makes the other side
 * silent (25 are due in 500 ms, even in a pause: browsers send Opus
 * without DTX).
 */
export const POLL_MS = 500;
const SILENT_AFTER_POLLS = 1;
/** Reads in a row with audio arriving that end "reconnecting" (packets in flight when it began do not). */
const FLOWING_AGAIN_POLLS = 2;

type Sample = { received: number; lost: number };

type StatsLike = {
  type: string;
  kind?: string;
  id?: string;
  state?: string;
  nominated?: boolean;
  selected?: boolean;
  localCandidateId?: string;
  candidateType?: string;
  relayProtocol?: string;
  currentRoundTripTime?: number;
  packetsReceived?: number;
  packetsLost?: number;
  jitter?: number;
  selectedCandidatePairId?: string;
};

/**
 * Reads one snapshot of a peer connection's stats into the screen's terms
 * (pure: the sample of the previous poll in, the next one out).
 */
export function readStats(
  reports: StatsLike[],
  previous: Sample | null,
): { path: Connection['path']; relayProtocol: string | null; rttMs: number | null; jitterMs: number | null } & {
  sample: Sample;
  lossPercent: number | null;
  newPackets: number | null;
} {
  const byId = new Map(reports.filter((r) => r.id).map((r) => [r.id!, r]));
  const transport = reports.find((r) => r.type === 'transport' && r.selectedCandidatePairId);
  const pair =
    (transport && byId.get(transport.selectedCandidatePairId!)) ??
    reports.find((r) => r.type === 'candidate-pair' && (r.selected || (r.nominated && r.state === 'succeeded')));
  const local = pair?.localCandidateId ? byId.get(pair.localCandidateId) : undefined;
  const inbound = reports.filter((r) => r.type === 'inbound-rtp' && r.kind === 'audio');
  const sample = {
    received: inbound.reduce((n, r) => n + (r.packetsReceived ?? 0), 0),
    lost: inbound.reduce((n, r) => n + Math.max(0, r.packetsLost ?? 0), 0),
  };
  const newPackets = previous ? sample.received - previous.received : null;
  const newLost = previous ? sample.lost - previous.lost : null;
  const expected = newPackets !== null && newLost !== null ? newPackets + newLost : 0;
  const jitter = inbound.find((r) => r.jitter !== undefined)?.jitter;
  return {
    path: local?.candidateType ? (local.candidateType === 'relay' ? 'relay' : 'direct') : null,
    relayProtocol: local?.candidateType === 'relay' ? (local.relayProtocol ?? null) : null,
    rttMs: pair?.currentRoundTripTime !== undefined ? Math.round(pair.currentRoundTripTime * 1000) : null,
    jitterMs: jitter !== undefined ? Math.round(jitter * 1000) : null,
    sample,
    lossPercent: expected > 0 ? Math.round((100 * (newLost ?? 0)) / expected) : null,
    newPackets,
  };
}

/**
 * Watches one call's peer connection: ICE state changes at once, stats every
 * second. Tells the line when the connection changed and when it broke.
 */
export class ConnectionMonitor {
  connection: Connection = NO_CONNECTION;
  private timer: ReturnType<typeof setInterval> | undefined;
  private previous: Sample | null = null;
  private quietPolls = 0;
  /** Reads in a row with audio arriving while reconnecting. */
  private flowingPolls = 0;
  private everConnected = false;
  private readonly startedAt: number;

  constructor(
    private readonly pc: RTCPeerConnection,
    private readonly events: {
      changed(connection: Connection): void;
      /** The path broke after media flowed (or the browser's network changed): find a new one. */
      broke(): void;
    },
    /** Whether sound is expected from the other side now (not held either way). */
    private readonly expectingSound: () => boolean,
    private readonly now: () => number = Date.now,
    pollMs = POLL_MS,
  ) {
    this.startedAt = now();
    pc.addEventListener('iceconnectionstatechange', this.onIce);
    this.onIce();
    this.timer = setInterval(() => void this.poll(), pollMs);
  }

  /** The network of this device changed (online, a new interface): the path may be gone. */
  networkChanged(): void {
    if (this.everConnected) this.set({ state: 'reconnecting' });
  }

  stop(): void {
    clearInterval(this.timer);
    this.pc.removeEventListener('iceconnectionstatechange', this.onIce);
  }

  private readonly onIce = () => {
    const ice = this.pc.iceConnectionState;
    if (ice === 'connected' || ice === 'completed') {
      this.everConnected = true;
      this.set({ state: 'ok' });
    } else if (ice === 'disconnected' || ice === 'failed') {
      if (this.everConnected) {
        this.set({ state: 'reconnecting' });
        this.events.broke();
      } else if (ice === 'failed') this.set({ state: 'failed' });
    }
  };

  private async poll(): Promise<void> {
    if (this.pc.connectionState === 'closed') return this.stop();
    let reports: StatsLike[] = [];
    try {
      (await this.pc.getStats()).forEach((r: StatsLike) => reports.push(r));
    } catch {
      reports = [];
    }
    const read = readStats(reports, this.previous);
    this.previous = read.sample;
    this.quietPolls = read.newPackets === 0 && this.expectingSound() ? this.quietPolls + 1 : 0;
    const patch: Partial<Connection> = {
      path: read.path ?? this.connection.path,
      relayProtocol: read.path ? read.relayProtocol : this.connection.relayProtocol,
      rttMs: read.rttMs,
      lossPercent: read.lossPercent,
      jitterMs: read.jitterMs,
      silent: this.everConnected && this.quietPolls >= SILENT_AFTER_POLLS,
    };
    // Answered, and still no path after a while: say so rather than leave a silent call.
    if (!this.everConnected && this.now() - this.startedAt > CONNECT_PATIENCE_MS) patch.state = 'failed';
    // Reconnecting, and audio arrives again over a connected path: it is over (a late network-change
    // event may have said "reconnecting" after ICE had already recovered).
    const ice = this.pc.iceConnectionState;
    this.flowingPolls =
      this.connection.state === 'reconnecting' && (read.newPackets ?? 0) > 0 ? this.flowingPolls + 1 : 0;
    if (this.flowingPolls >= FLOWING_AGAIN_POLLS && (ice === 'connected' || ice === 'completed')) {
      patch.state = 'ok';
    }
    this.set(patch);
  }

  private set(patch: Partial<Connection>): void {
    const next = { ...this.connection, ...patch };
    if (JSON.stringify(next) === JSON.stringify(this.connection)) return;
    this.connection = next;
    this.events.changed(next);
  }
}
