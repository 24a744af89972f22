/**
 * Finding someone to call. Shows nickname, extension, whether they are
 * verified and whether they have an avatar — never a legal name.
 */
import { and, eq, ne, or, sql } from 'drizzle-orm';
import { sanitizeDisplayName } from './display-name';
import type { Db } from '../../../db/open';
import { avatars, sipAccounts, users, verifications } from '../../../db/schema';

export type DirectoryEntry = { extension: string; nickname: string; verified: boolean; hasAvatar: boolean };

export const DIRECTORY_LIMIT = 20;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Enabled people whose nickname contains `q` (case-insensitive for ASCII) or
 * whose extension starts with it, never the person asking (`askerId`): there
 * is no calling yourself.
 */
export function searchDirectory(db: Db, q: string, askerId: number): DirectoryEntry[] {
  const pattern = escapeLike(q);
  const rows = db
    .select({
      extension: sipAccounts.extension,
      nickname: users.nickname,
      verifiedId: verifications.id,
      avatarOwner: avatars.userId,
    })
    .from(users)
    .innerJoin(sipAccounts, eq(sipAccounts.userId, users.id))
    .leftJoin(verifications, and(eq(verifications.userId, users.id), eq(verifications.status, 'verified')))
    .leftJoin(avatars, eq(avatars.userId, users.id))
    .where(
      and(
        eq(users.disabled, false),
        ne(users.id, askerId),
        or(
          sql`${sipAccounts.extension} LIKE ${`${pattern}%`} ESCAPE '\\'`,
          sql`${users.nickname} LIKE ${`%${pattern}%`} ESCAPE '\\'`,
        ),
      ),
    )
    .orderBy(sql`${sipAccounts.extension} = ${q} DESC`, users.nickname)
    .limit(DIRECTORY_LIMIT)
    .all();
  return rows.map((r) => ({
    extension: r.extension,
    // Made safe like every name a callee sees (rows from before the nickname rules included).
    nickname: sanitizeDisplayName(r.nickname),
    verified: r.verifiedId !== null,
    hasAvatar: r.avatarOwner !== null,
  }));
}

/** The public card for one extension (the call screen's avatar and nickname), if enabled. */
export function directoryEntry(db: Db, extension: string): DirectoryEntry | undefined {
  const row = db
    .select({
      extension: sipAccounts.extension,
      nickname: users.nickname,
      verifiedId: verifications.id,
      avatarOwner: avatars.userId,
    })
    .from(sipAccounts)
    .innerJoin(users, and(eq(users.id, sipAccounts.userId), eq(users.disabled, false)))
    .leftJoin(verifications, and(eq(verifications.userId, users.id), eq(verifications.status, 'verified')))
    .leftJoin(avatars, eq(avatars.userId, users.id))
    .where(eq(sipAccounts.extension, extension))
    .get();
  return row
    ? {
        extension: row.extension,
        nickname: sanitizeDisplayName(row.nickname),
        verified: row.verifiedId !== null,
        hasAvatar: row.avatarOwner !== null,
      }
    : undefined;
}
