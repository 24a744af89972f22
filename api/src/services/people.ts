/**
 * People: sign-up, sign-in with throttling, sessions, their profile, their
 * password and account deletion. Every person gets an extension and a SIP
 * account at sign-up, in the same transaction.
 *
 * A session ends in one of two ways. Signing out deletes its row. Cutting it
 * short from elsewhere (signing out everywhere, a password change, an admin
 * disabling the person) keeps the row, ended and with the reason, until it
 * would have expired anyway, so the page still holding its cookie can be
 * told why it was signed out.
 */
import { randomBytes } from 'node:crypto';
import { and, eq, gt, isNull, lt, ne } from 'drizzle-orm';
import type { Db, Tx } from '../../../db/open';
import {
  avatars,
  sessions,
  sipAccounts,
  users,
  verifications,
  type Role,
  type SessionEndReason,
  type User,
} from '../../../db/schema';
import { AppError, conflict, notFound, unauthorized } from '../errors';
import { retellCallees, type Pbx } from './pbx';
import { hashPassword, newSipSecret, seal, sha256Hex, sipSecretOwner, verifyPassword, type Keys } from './secrets';
import { extensionOf, replaceSipSecret } from './sip-accounts';
import { loginKindOf } from './logins';
import type { PasswordGate } from './password-gate';
import { PASSWORD, throttleAttempt, throttleSuccess } from './throttle';

export const SESSION_DAYS = 14;
const SESSION_MS = SESSION_DAYS * 24 * 60 * 60 * 1000;
/** Extensions are 1000 + the person's id: allocated in O(1), never reused. */
const EXTENSION_BASE = 1000;

export type SecurityDeps = {
  keys: Keys;
  scryptLogN: number;
  /** Bounds scrypt work per address and in all (the HTTP routes pass it; the command-line tools need not). */
  gate?: PasswordGate;
};

/** Runs password work through the gate when there is one. */
const gated = <T>(deps: SecurityDeps, address: string, work: () => Promise<T>): Promise<T> =>
  deps.gate ? deps.gate.run(address, work) : work();

/** What a signed-in person is, as the API shows it to them. */
export type Me = {
  id: number;
  login: string;
  loginKind: User['loginKind'];
  /** Whether the person proved they own the login (needed before verification). */
  loginProven: boolean;
  nickname: string;
  role: Role;
  extension: string;
  namePrivacy: User['namePrivacy'];
  verificationStatus: 'none' | (typeof verifications.$inferSelect)['status'];
  hasAvatar: boolean;
};

/**
 * Creates a person with a fresh extension and SIP secret. Throws
 * `login_taken` (409) when the login exists. The password is hashed before
 * the transaction so the database is never held during scrypt.
 */
export async function createPerson(
  db: Db,
  deps: SecurityDeps,
  input: {
    login: string;
    password: string;
    nickname: string;
    role?: Role;
    /** Only for logins someone trusted already vouches for (the admin CLI, the demo seed). */
    loginProven?: boolean;
  },
  now = Date.now(),
  address = 'local',
): Promise<{ id: number; extension: string }> {
  const passwordHash = await gated(deps, address, () => hashPassword(input.password, deps.scryptLogN));
  try {
    return db.transaction((tx) => {
      const created = tx
        .insert(users)
        .values({
          login: input.login,
          loginKind: loginKindOf(input.login),
          loginProvenAt: input.loginProven ? new Date(now) : null,
          passwordHash,
          nickname: input.nickname,
          role: input.role ?? 'user',
        })
        .returning({ id: users.id })
        .get();
      const extension = String(EXTENSION_BASE + created.id);
      tx.insert(sipAccounts)
        .values({
          userId: created.id,
          extension,
          secretSealed: seal(deps.keys, newSipSecret(), sipSecretOwner(created.id)),
        })
        .run();
      return { id: created.id, extension };
    });
  } catch (err) {
    if (isUniqueViolation(err, 'users.login')) throw conflict('login_taken', 'That login is already registered.');
    throw err;
  }
}

export function isUniqueViolation(err: unknown, column: string): boolean {
  return (
    err instanceof Error &&
    (err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' &&
    err.message.includes(column)
  );
}

/** Opens a session; returns the token for the cookie (only its hash is stored). */
export function openSession(db: Db, userId: number, now = Date.now()): { token: string; expiresAt: Date } {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now + SESSION_MS);
  db.insert(sessions)
    .values({ tokenHash: sha256Hex(token), userId, expiresAt })
    .run();
  return { token, expiresAt };
}

/** A hash to verify against when the login is unknown, so both paths cost the same. */
let decoyHash: Promise<string> | undefined;

/**
 * Checks a login and password and opens a session. Every attempt is counted
 * before the password is checked, so a burst of parallel guesses is held
 * back as surely as a slow series. Unknown logins and wrong passwords get
 * the same answer; a disabled person is told so, but only once their
 * password was right (so the answer reveals nothing to anyone without it).
 */
export async function signIn(
  db: Db,
  deps: SecurityDeps,
  input: { login: string; password: string },
  now = Date.now(),
  address = 'local',
): Promise<{ token: string; expiresAt: Date; userId: number }> {
  throttleAttempt(db, input.login, now);
  const person = db.select().from(users).where(eq(users.login, input.login)).get();
  decoyHash ??= hashPassword(randomBytes(16).toString('hex'), deps.scryptLogN);
  const against = person?.passwordHash ?? (await decoyHash);
  const ok = await gated(deps, address, () => verifyPassword(input.password, against));
  if (!person || !ok) {
    throw new AppError(401, 'invalid_credentials', 'Login or password is wrong.');
  }
  if (person.disabled) {
    throw new AppError(403, 'account_disabled', 'This account has been disabled by an administrator.');
  }
  throttleSuccess(db, input.login);
  return { ...openSession(db, person.id, now), userId: person.id };
}

/** Signs one session out: its row goes, and its cookie is then simply unknown. */
export function closeSession(db: Db, token: string): void {
  db.delete(sessions)
    .where(eq(sessions.tokenHash, sha256Hex(token)))
    .run();
}

/**
 * The person a session token belongs to, if the session is live (not ended,
 * not expired) and the person enabled. Runs on every request: one lookup by
 * the token's hash, the primary key. Ask `whySessionEnded` only when it fails.
 */
export function personForSession(db: Db, token: string, now = Date.now()): User | undefined {
  const row = db
    .select({ user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(
        eq(sessions.tokenHash, sha256Hex(token)),
        isNull(sessions.endedAt),
        gt(sessions.expiresAt, new Date(now)),
        eq(users.disabled, false),
      ),
    )
    .get();
  return row?.user;
}

/** Why a session no longer signs anyone in: the reason it was cut short, or its age. */
export type SessionEnd = SessionEndReason | 'expired';

/**
 * Why a token that `personForSession` refused no longer signs anyone in, or
 * undefined when no session has it (never issued, signed out, or pruned).
 */
export function whySessionEnded(db: Db, token: string, now = Date.now()): SessionEnd | undefined {
  const row = db
    .select({ endedReason: sessions.endedReason, expiresAt: sessions.expiresAt, disabled: users.disabled })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.tokenHash, sha256Hex(token)))
    .get();
  if (!row) return undefined;
  if (row.endedReason) return row.endedReason;
  if (row.expiresAt.getTime() <= now) return 'expired';
  // Someone disabled without setDisabled (by hand, in the database) still has live rows: same answer.
  return row.disabled ? 'disabled' : undefined;
}

const ENDED: Record<SessionEnd, string> = {
  disabled: 'An administrator disabled this account, which signed you out.',
  password_changed: 'The password was changed since you signed in here; sign in with the new one.',
  signed_out_everywhere: 'You signed out everywhere; sign in again.',
  expired: `Sessions last ${SESSION_DAYS} days, and this one is over; sign in again.`,
};

/** 401 `session_ended` with the `reason`, so the page can say why instead of only asking to sign in again. */
export const sessionEnded = (reason: SessionEnd) => new AppError(401, 'session_ended', ENDED[reason], { reason });

/**
 * Ends a person's live sessions, all of them or all but `keepToken`'s. The
 * rows stay, ended with the reason, until `pruneSessions` drops them at their
 * expiry; a session ended already keeps the reason it ended with.
 */
export function endSessions(
  tx: Db | Tx,
  userId: number,
  reason: SessionEndReason,
  now: number,
  keepToken?: string,
): void {
  tx.update(sessions)
    .set({ endedAt: new Date(now), endedReason: reason })
    .where(
      and(
        eq(sessions.userId, userId),
        isNull(sessions.endedAt),
        keepToken === undefined ? undefined : ne(sessions.tokenHash, sha256Hex(keepToken)),
      ),
    )
    .run();
}

/** Signs a person out on every device, this one too. */
export function signOutEverywhere(db: Db, keys: Keys, pbx: Pbx, userId: number, now = Date.now()): void {
  db.transaction((tx) => {
    endSessions(tx, userId, 'signed_out_everywhere', now);
    // A phone left open on a signed-out device stops with its next REGISTER, whether or not its page asks the API again.
    replaceSipSecret(tx, keys, pbx, userId);
  });
}

/** Drops sessions past their expiry, ended ones too; cheap, run at start and now and then. */
export function pruneSessions(db: Db, now = Date.now()): number {
  return db
    .delete(sessions)
    .where(lt(sessions.expiresAt, new Date(now)))
    .run().changes;
}

export function describeMe(db: Db, userId: number): Me {
  const row = db
    .select({ user: users, extension: sipAccounts.extension })
    .from(users)
    .innerJoin(sipAccounts, eq(sipAccounts.userId, users.id))
    .where(eq(users.id, userId))
    .get();
  if (!row) throw notFound('No such person.');
  const latest = db
    .select({ status: verifications.status })
    .from(verifications)
    .where(eq(verifications.userId, userId))
    .orderBy(verifications.id)
    .all()
    .at(-1);
  const avatar = db.select({ userId: avatars.userId }).from(avatars).where(eq(avatars.userId, userId)).get();
  return {
    id: row.user.id,
    login: row.user.login,
    loginKind: row.user.loginKind,
    loginProven: row.user.loginProvenAt !== null,
    nickname: row.user.nickname,
    role: row.user.role,
    extension: row.extension,
    namePrivacy: row.user.namePrivacy,
    verificationStatus: latest?.status ?? 'none',
    hasAvatar: Boolean(avatar),
  };
}

/** Saves the nickname; callees who see it (unverified, hidden) in a call under way are told at once. */
export function setNickname(db: Db, pbx: Pbx, userId: number, nickname: string): void {
  db.transaction((tx) => {
    tx.update(users).set({ nickname }).where(eq(users.id, userId)).run();
    retellCallees(tx, pbx, userId);
  });
}

/**
 * Checks a signed-in person's password before a change that needs it. The
 * attempt is counted first, per person (as at sign-in: a stolen session is
 * no password oracle), and a right password clears the count. A wrong one is
 * 403 `wrong_password`, with a `wrong` problem at `field` (the body's name
 * for it) and `message`, which says what was not done.
 */
async function recheckPassword(
  db: Db,
  deps: SecurityDeps,
  userId: number,
  password: string,
  refusal: { field: string; message: string },
  now: number,
  address: string,
): Promise<void> {
  throttleAttempt(db, `password:${userId}`, now, PASSWORD);
  const person = db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, userId)).get();
  if (!person) throw unauthorized();
  if (!(await gated(deps, address, () => verifyPassword(password, person.passwordHash)))) {
    throw new AppError(403, 'wrong_password', refusal.message, {
      problems: [{ path: refusal.field, problem: 'wrong', message: refusal.message }],
    });
  }
  throttleSuccess(db, `password:${userId}`);
}

/**
 * Changes a signed-in person's password once the current one is right
 * (`recheckPassword`: throttled, and a wrong one is 403 `wrong_password`).
 * Every other session of theirs ends as `password_changed`, since whoever
 * held one may have been the reason for the change; `keepToken`'s session,
 * the one asking, stays signed in. A new password equal to the current one
 * is refused at the edge (schemas.ts `passwordChangeBody`).
 */
export async function changePassword(
  db: Db,
  deps: SecurityDeps & { pbx: Pbx },
  userId: number,
  input: { currentPassword: string; newPassword: string },
  keepToken: string,
  now = Date.now(),
  address = 'local',
): Promise<void> {
  await recheckPassword(
    db,
    deps,
    userId,
    input.currentPassword,
    { field: 'currentPassword', message: 'The current password is wrong; the password was not changed.' },
    now,
    address,
  );
  // Hashed before the transaction, so the database is never held during scrypt.
  const passwordHash = await gated(deps, address, () => hashPassword(input.newPassword, deps.scryptLogN));
  db.transaction((tx) => {
    tx.update(users).set({ passwordHash }).where(eq(users.id, userId)).run();
    endSessions(tx, userId, 'password_changed', now, keepToken);
    // The other devices' phones stop too; this device's page fetches the new secret with the session it kept.
    replaceSipSecret(tx, deps.keys, deps.pbx, userId);
  });
}

/**
 * Deletes a person for good after checking their password (`recheckPassword`):
 * sessions, SIP account, verifications and avatar go with them (cascade);
 * the audit log keeps what admins did. The PBX forgets them and hangs up
 * their calls.
 */
export async function deleteOwnAccount(
  db: Db,
  deps: SecurityDeps & { pbx: Pbx },
  userId: number,
  password: string,
  now = Date.now(),
  address = 'local',
): Promise<void> {
  await recheckPassword(
    db,
    deps,
    userId,
    password,
    { field: 'password', message: 'The password is wrong; nothing was deleted.' },
    now,
    address,
  );
  const extension = extensionOf(db, userId);
  if (extension === undefined) throw unauthorized();
  db.transaction(() => {
    db.delete(users).where(eq(users.id, userId)).run();
    // In the same transaction: the deletion and the duty to tell the PBX are saved together.
    deps.pbx.forget(extension, { hangUp: true });
  });
}
