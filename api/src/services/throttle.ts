/**
 * Sign-in throttling per login. An attempt is counted *before* its password
 * is checked: after MAX_ATTEMPTS within WINDOW_MS the login is locked for
 * LOCK_MS, whether the guesses came one by one or all at once. A successful
 * sign-in clears the count.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../../../db/open';
import { loginThrottle } from '../../../db/schema';
import { tooManyRequests } from '../errors';

export const MAX_ATTEMPTS = 5;
export const WINDOW_MS = 15 * 60 * 1000;
export const LOCK_MS = 15 * 60 * 1000;

/** Counts one attempt for `login`; throws 429 with Retry-After when it is locked. */
export function throttleAttempt(db: Db, login: string, now = Date.now()): void {
  const lockedUntil = db.transaction((tx) => {
    const row = tx.select().from(loginThrottle).where(eq(loginThrottle.login, login)).get();
    if (row?.lockedUntil && row.lockedUntil.getTime() > now) return row.lockedUntil.getTime();
    const fresh = !row || now - row.windowStart.getTime() > WINDOW_MS || row.lockedUntil !== null;
    const attempts = fresh ? 1 : row.attempts + 1;
    const windowStart = fresh ? new Date(now) : row.windowStart;
    // The attempt that reaches the limit is still checked; the ones after it are not.
    const lock = attempts >= MAX_ATTEMPTS ? new Date(now + LOCK_MS) : null;
    tx.insert(loginThrottle)
      .values({ login, attempts, windowStart, lockedUntil: lock })
      .onConflictDoUpdate({ target: loginThrottle.login, set: { attempts, windowStart, lockedUntil: lock } })
      .run();
    return undefined;
  });
  if (lockedUntil !== undefined) {
    const seconds = Math.ceil((lockedUntil - now) / 1000);
    throw tooManyRequests(
      `Too many sign-in attempts for this login; try again in ${Math.ceil(seconds / 60)} min.`,
      seconds,
    );
  }
}

export function throttleSuccess(db: Db, login: string): void {
  db.delete(loginThrottle).where(eq(loginThrottle.login, login)).run();
}
