/**
 * Clocks and bounded waits. Every network wait in the tool goes through
 * `withTimeout`, and every timer it starts is cleared when the wait ends, so
 * nothing keeps Node alive after a command finishes.
 */

/** Milliseconds since the epoch with sub-millisecond precision, one clock for every timestamp the tool reports. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

export class TimeoutError extends Error {
  override name = 'TimeoutError';
}

/** Resolves as `promise` does, or rejects with `TimeoutError(message)` after `ms`; the timer never outlives the race. */
export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Waits `ms`; `signal` ends the wait early (resolving, not rejecting: callers check state themselves). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
