/**
 * Every password hash and check (scrypt, on libuv's thread pool) goes
 * through one gate, so a flood of sign-ins cannot starve everything else the
 * pool does — reading files, the page itself:
 *
 * - at most `concurrency` scrypt runs at once, the rest wait in a queue of at
 *   most `maxQueue`; past that the request is refused at once with 503 and
 *   Retry-After (cheap to answer, nothing to hash);
 * - per client address, at most `perAddress.inFlight` runs queued or running
 *   and `perAddress.perMinute` in any minute; past that 429.
 *
 * State lives in memory: it bounds this process's own work. (Per-login and
 * per-person counts that must survive a restart are in throttle.ts.)
 */
import { AppError, tooManyRequests } from '../errors';

export type PasswordGateLimits = {
  concurrency: number;
  maxQueue: number;
  perAddress: { inFlight: number; perMinute: number };
};

export const DEFAULT_GATE_LIMITS: PasswordGateLimits = {
  // libuv's pool has 4 threads: two stay free for files, DNS and zlib.
  concurrency: 2,
  maxQueue: 64,
  perAddress: { inFlight: 4, perMinute: 30 },
};

export type PasswordGate = {
  /** Runs `work` when its turn comes; refuses (429/503) when the address or the server is over its limit. */
  run<T>(address: string, work: () => Promise<T>): Promise<T>;
  /** What is running and waiting now (for /api/health and tests). */
  load(): { running: number; queued: number };
};

export function createPasswordGate(limits = DEFAULT_GATE_LIMITS, now: () => number = Date.now): PasswordGate {
  let running = 0;
  const queue: (() => void)[] = [];
  const inFlight = new Map<string, number>();
  const recent = new Map<string, number[]>();

  /** A finished run hands its slot straight to the next in line, so `running` never overshoots. */
  const release = () => {
    const next = queue.shift();
    if (next) next();
    else running -= 1;
  };

  return {
    async run(address, work) {
      const t = now();
      const times = (recent.get(address) ?? []).filter((at) => t - at < 60_000);
      if (times.length >= limits.perAddress.perMinute) {
        const retry = Math.max(1, Math.ceil((times[0]! + 60_000 - t) / 1000));
        throw tooManyRequests(`Too many password checks from your address; try again in ${retry} s.`, retry);
      }
      if ((inFlight.get(address) ?? 0) >= limits.perAddress.inFlight) {
        throw tooManyRequests('Your address already has password checks waiting; try again in a moment.', 2);
      }
      if (running >= limits.concurrency && queue.length >= limits.maxQueue) {
        throw new AppError(503, 'busy', 'The server is busy checking passwords; try again in a moment.', undefined, 2);
      }
      times.push(t);
      recent.set(address, times);
      inFlight.set(address, (inFlight.get(address) ?? 0) + 1);
      // Forget quiet addresses, so the map holds only the last minute's.
      if (recent.size > 10_000) {
        for (const [key, list] of recent) if (t - (list.at(-1) ?? 0) >= 60_000) recent.delete(key);
      }
      try {
        if (running >= limits.concurrency) await new Promise<void>((turn) => queue.push(turn));
        else running += 1;
        try {
          return await work();
        } finally {
          release();
        }
      } finally {
        const left = (inFlight.get(address) ?? 1) - 1;
        if (left === 0) inFlight.delete(address);
        else inFlight.set(address, left);
      }
    },
    load: () => ({ running, queued: queue.length }),
  };
}
