/**
 * People: sign-up, sign-in with throttling, sessions, their profile and
 * account deletion. Every person gets an extension and a SIP account at
 * sign-up, in the same transaction.
 */
import { randomBytes } from 'node:crypto';
import { and, eq, gt, lt } from 'drizzle-orm';
import type { Db } from '../../../db/open';
import { avatars, sessions, sipAccounts, users, verifications, type Role, type User } from '../../../db/schema';
import { AppError, conflict, notFound, unauthorized } from '../errors';
import { retellCallees, type Pbx } from './pbx';
import { hashPassword, newSipSecret, seal, sha256Hex, verifyPassword, type Keys } from './secrets';
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

/** The AAD a person's sealed SIP secret is bound to. */
export const sipSecretOwner = (userId: number) => `user:${userId}`;

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

export function closeSession(db: Db, token: string): void {
  db.delete(sessions)
    .where(eq(sessions.tokenHash, sha256Hex(token)))
    .run();
}

/** The person a session token belongs to, if the session is live and the person enabled. */
export function personForSession(db: Db, token: string, now = Date.now()): User | undefined {
  const row = db
    .select({ user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(eq(sessions.tokenHash, sha256Hex(token)), gt(sessions.expiresAt, new Date(now)), eq(users.disabled, false)),
    )
    .get();
  return row?.user;
}

/** Drops sessions past their expiry; cheap, run at start and now and then. */
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
 * Deletes a person for good after checking their password: sessions, SIP
 * account, verifications and avatar go with them (cascade); the audit log
 * keeps what admins did. The PBX forgets them and hangs up their calls.
 */
export async function deleteOwnAccount(
  db: Db,
  deps: SecurityDeps & { pbx: Pbx },
  userId: number,
  password: string,
  now = Date.now(),
  address = 'local',
): Promise<void> {
  // Counted before the check, as at sign-in: a stolen session is not a password oracle.
  throttleAttempt(db, `password:${userId}`, now, PASSWORD);
  const person = db
    .select({ passwordHash: users.passwordHash, extension: sipAccounts.extension })
    .from(users)
    .innerJoin(sipAccounts, eq(sipAccounts.userId, users.id))
    .where(eq(users.id, userId))
    .get();
  if (!person) throw unauthorized();
  if (!(await gated(deps, address, () => verifyPassword(password, person.passwordHash)))) {
    throw new AppError(403, 'wrong_password', 'The password is wrong; nothing was deleted.');
  }
  db.transaction(() => {
    db.delete(users).where(eq(users.id, userId)).run();
    throttleSuccess(db, `password:${userId}`);
    // In the same transaction: the deletion and the duty to tell the PBX are saved together.
    deps.pbx.forget(person.extension, { hangUp: true });
  });
}
