/**
 * How long to wait before the next reconnection attempt: capped exponential
 * backoff with ±20 % jitter, so that a PBX restart is not met by every
 * browser at the same instant.
 */
export type Backoff = { initialMs: number; maxMs: number };

export function reconnectDelay(attempts: number, backoff: Backoff, random: () => number = Math.random): number {
  const base = Math.min(backoff.maxMs, backoff.initialMs * 2 ** attempts);
  return Math.round(base * (0.8 + random() * 0.4));
}
