import { describe, expect, it } from 'vitest';
import { reconnectDelay } from './backoff';

describe('reconnectDelay', () => {
  const backoff = { initialMs: 1000, maxMs: 15_000 };

  it('doubles from the first wait, spread over 75–100 % of it', () => {
    expect(reconnectDelay(0, backoff, () => 0)).toBe(750);
    expect(reconnectDelay(0, backoff, () => 1)).toBe(1000);
    expect(reconnectDelay(2, backoff, () => 1)).toBe(4000);
  });

  it('never waits longer than the bound, however many tries failed', () => {
    for (const attempts of [4, 5, 10, 100, 10_000]) {
      expect(reconnectDelay(attempts, backoff, () => 1)).toBe(15_000);
      expect(reconnectDelay(attempts, backoff, () => 0)).toBe(11_250);
    }
  });
});
