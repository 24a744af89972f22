/**
 * What admins do to people: list them, disable and enable them. Disabling
 * signs the person out everywhere, removes their realtime rows (so the next
 * REGISTER fails) and asks the PBX to forget them and hang up their calls.
 */
import { and, desc, eq, like, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/open';
import { sipAccounts, users, verifications, type Role, type VerificationStatus } from '../../../db/schema';
import { conflict, notFound } from '../errors';
import { recordAudit, type Actor } from './audit';
import { normaliseLogin, type LoginRules } from './logins';
import { endSessions } from './people';
import type { Pbx } from './pbx';

/** A person as the admin list shows them: never a legal name. */
export type PersonSummary = {
  id: number;
  login: string;
  nickname: string;
  role: Role;
  extension: string;
  disabled: boolean;
  createdAt: string;
  /** Whether they proved they own their login (only such people can be approved, or matched by a CSV import). */
  loginProven: boolean;
  /** Their latest verification (what can be revoked), or null when they never submitted one. */
  verification: { id: number; status: VerificationStatus } | null;
};

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The canonical login `q` stands for when it reads as a phone number under
 * `rules` (`+86 138 0013 8000` → `+8613800138000`), as sign-in reads it; else
 * undefined (an e-mail address is found as typed: LIKE ignores ASCII case).
 */
function phoneLogin(q: string, rules: LoginRules): string | undefined {
  try {
    const read = normaliseLogin(q, rules);
    return read.kind === 'phone' && read.login !== q ? read.login : undefined;
  } catch {
    return undefined;
  }
}

/** Whom `q` finds: part of a login, a nickname or an extension as typed, or the phone number it spells. */
function matching(q: string, rules: LoginRules): SQL | undefined {
  const pattern = `%${escapeLike(q)}%`;
  const phone = phoneLogin(q, rules);
  return or(
    sql`${users.login} LIKE ${pattern} ESCAPE '\\'`,
    sql`${users.nickname} LIKE ${pattern} ESCAPE '\\'`,
    like(sipAccounts.extension, pattern),
    phone === undefined ? undefined : eq(users.login, phone),
  );
}

/**
 * Newest first; `q` finds a nickname, login or extension, and a phone number
 * however it is spaced or prefixed (read under the server's login `rules`);
 * `before` pages back by id. One query: each person's latest verification is
 * joined by its id (the highest of theirs, read through the per-person index).
 */
export function listPeople(
  db: Db,
  filter: { q?: string | undefined; limit: number; before?: number | undefined },
  rules: LoginRules,
): PersonSummary[] {
  return db
    .select({
      id: users.id,
      login: users.login,
      nickname: users.nickname,
      role: users.role,
      extension: sipAccounts.extension,
      disabled: users.disabled,
      createdAt: users.createdAt,
      provenAt: users.loginProvenAt,
      verificationId: verifications.id,
      verificationStatus: verifications.status,
    })
    .from(users)
    .innerJoin(sipAccounts, eq(sipAccounts.userId, users.id))
    .leftJoin(
      verifications,
      sql`${verifications.id} = (SELECT max(v.id) FROM verifications v WHERE v.user_id = ${users.id})`,
    )
    .where(
      and(
        filter.before === undefined ? undefined : lt(users.id, filter.before),
        filter.q === undefined ? undefined : matching(filter.q, rules),
      ),
    )
    .orderBy(desc(users.id))
    .limit(filter.limit)
    .all()
    .map(({ verificationId, verificationStatus, provenAt, ...p }) => ({
      ...p,
      createdAt: p.createdAt.toISOString(),
      loginProven: provenAt !== null,
      verification:
        verificationId !== null && verificationStatus !== null
          ? { id: verificationId, status: verificationStatus }
          : null,
    }));
}

/** Disables or enables a person; audited. Admins cannot disable themselves. */
export function setDisabled(
  db: Db,
  pbx: Pbx,
  admin: Actor,
  userId: number,
  disabled: boolean,
  reason: string,
  now = Date.now(),
): void {
  if (disabled && userId === admin.id) throw conflict('cannot_disable_self', 'You cannot disable your own account.');
  db.transaction((tx) => {
    const person = tx
      .select({ disabled: users.disabled, extension: sipAccounts.extension })
      .from(users)
      .innerJoin(sipAccounts, eq(sipAccounts.userId, users.id))
      .where(eq(users.id, userId))
      .get();
    if (!person) throw notFound('No such person.');
    if (person.disabled === disabled) {
      throw conflict('no_change', disabled ? 'This person is already disabled.' : 'This person is already enabled.');
    }
    tx.update(users).set({ disabled }).where(eq(users.id, userId)).run();
    // Every open page is then told why it was signed out (401 session_ended, reason disabled).
    if (disabled) endSessions(tx, userId, 'disabled', now);
    recordAudit(tx, admin, {
      action: disabled ? 'user.disable' : 'user.enable',
      targetType: 'user',
      targetId: userId,
      targetUserId: userId,
      beforeStatus: person.disabled ? 'disabled' : 'enabled',
      afterStatus: disabled ? 'disabled' : 'enabled',
      reason,
    });
    // In the same transaction: a saved disabling always reaches the PBX, even after a crash.
    if (disabled) pbx.forget(person.extension, { hangUp: true });
  });
}

/** Gives an existing person the admin role (command line only); audited as the system. */
export function promoteToAdmin(db: Db, userId: number): void {
  db.transaction((tx) => {
    const person = tx.select({ role: users.role }).from(users).where(eq(users.id, userId)).get();
    if (!person) throw notFound('No such person.');
    if (person.role === 'admin') return;
    tx.update(users).set({ role: 'admin' }).where(eq(users.id, userId)).run();
    recordAudit(
      tx,
      { id: null, login: 'system (command line)' },
      {
        action: 'user.promote',
        targetType: 'user',
        targetId: userId,
        targetUserId: userId,
        beforeStatus: 'user',
        afterStatus: 'admin',
        reason: null,
      },
    );
  });
}
