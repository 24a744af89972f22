/**
 * Attempts counted per key *before* the work they guard is done, kept in the
 * database so a restart does not reset them: after `max` attempts within
 * `windowMs` the key is locked for `lockMs`, whether the attempts came one
 * by one or all at once. Keys say what they count:
 *
 * | key                   | policy             | guards                                        |
 * | --------------------- | ------------------ | --------------------------------------------- |
 * | `<login>`             | SIGN_IN            | sign-in with that login                       |
 * | `password:<user id>`  | PASSWORD           | a signed-in person's password re-checks       |
 * | `rotate:<user id>`    | SIP_ROTATION       | new SIP secrets (each one is PBX work)        |
 * | `notice:<user id>`    | CONNECTION_NOTICES | notices to the other side of calls (ditto)    |
 *
 * A success clears the key where the policy says so (a right password).
 */
import { and, eq, isNull, lt, or } from 'drizzle-orm';
import type { Db } from '../../../db/open';
import { loginThrottle } from '../../../db/schema';
import { tooManyRequests } from '../errors';

export type ThrottlePolicy = { max: number; windowMs: number; lockMs: number; what: string };

export const SIGN_IN: ThrottlePolicy = {
  max: 5,
  windowMs: 15 * 60 * 1000,
  lockMs: 15 * 60 * 1000,
  what: 'sign-in attempts for this login',
};
export const PASSWORD: ThrottlePolicy = { ...SIGN_IN, what: 'wrong passwords for this account' };
export const SIP_ROTATION: ThrottlePolicy = {
  max: 5,
  windowMs: 10 * 60 * 1000,
  lockMs: 10 * 60 * 1000,
  what: 'new SIP secrets for this account',
};

/** Kept for the sign-in tests and docs: the sign-in policy's numbers. */
export const MAX_ATTEMPTS = SIGN_IN.max;
export const WINDOW_MS = SIGN_IN.windowMs;
export const LOCK_MS = SIGN_IN.lockMs;

/** Counts one attempt for `key`; throws 429 with Retry-After when it is locked. */
export function throttleAttempt(db: Db, key: string, now = Date.now(), policy: ThrottlePolicy = SIGN_IN): void {
  const lockedUntil = db.transaction((tx) => {
    const row = tx.select().from(loginThrottle).where(eq(loginThrottle.login, key)).get();
    if (row?.lockedUntil && row.lockedUntil.getTime() > now) return row.lockedUntil.getTime();
    const fresh = !row || now - row.windowStart.getTime() > policy.windowMs || row.lockedUntil !== null;
    const attempts = fresh ? 1 : row.attempts + 1;
    const windowStart = fresh ? new Date(now) : row.windowStart;
    // The attempt that reaches the limit is still allowed; the ones after it are not.
    const lock = attempts >= policy.max ? new Date(now + policy.lockMs) : null;
    tx.insert(loginThrottle)
      .values({ login: key, attempts, windowStart, lockedUntil: lock })
      .onConflictDoUpdate({ target: loginThrottle.login, set: { attempts, windowStart, lockedUntil: lock } })
      .run();
    return undefined;
  });
  if (lockedUntil !== undefined) {
    const seconds = Math.ceil((lockedUntil - now) / 1000);
    throw tooManyRequests(`Too many ${policy.what}; try again in ${Math.ceil(seconds / 60)} min.`, seconds);
  }
}

export function throttleSuccess(db: Db, key: string): void {
  db.delete(loginThrottle).where(eq(loginThrottle.login, key)).run();
}

/** Drops counts nobody needs any more: the window is over and no lock holds. Returns how many. */
export function pruneThrottle(db: Db, now = Date.now()): number {
  const longestWindow = Math.max(SIGN_IN.windowMs, PASSWORD.windowMs, SIP_ROTATION.windowMs);
  return db
    .delete(loginThrottle)
    .where(
      and(
        lt(loginThrottle.windowStart, new Date(now - longestWindow)),
        or(isNull(loginThrottle.lockedUntil), lt(loginThrottle.lockedUntil, new Date(now))),
      ),
    )
    .run().changes;
}
