/**
 * How long to wait before the next reconnection attempt: exponential backoff
 * with jitter, so that a PBX restart is not met by every browser at the same
 * instant, and bounded: a wait is never longer than `maxMs`, so a page that
 * lost its PBX for a while is back within seconds of its return.
 */
export type Backoff = { initialMs: number; maxMs: number };

/** The wait before attempt `attempts + 1`: 75–100 % of min(maxMs, initialMs · 2^attempts). */
export function reconnectDelay(attempts: number, backoff: Backoff, random: () => number = Math.random): number {
  const base = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(attempts, 30));
  return Math.round(base * (0.75 + random() * 0.25));
}
