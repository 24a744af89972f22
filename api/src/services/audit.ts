/**
 * The admin audit log: who did what, when, and the status before and after.
 * Written in the same transaction as the change it describes.
 */
import { and, desc, eq, getTableColumns, lt } from 'drizzle-orm';
import type { Db, Tx } from '../../../db/open';
import { auditLog, sipAccounts, users, type AuditEntry } from '../../../db/schema';

export type Actor = { id: number | null; login: string };

export type AuditRecord = {
  action: string;
  targetType: 'verification' | 'user';
  targetId: number;
  targetUserId: number | null;
  beforeStatus: string | null;
  afterStatus: string | null;
  reason: string | null;
};

export function recordAudit(tx: Tx | Db, actor: Actor, entry: AuditRecord): void {
  tx.insert(auditLog)
    .values({ actorId: actor.id, actorLogin: actor.login, ...entry })
    .run();
}

/** An entry with the person it was about, as admins know them: nickname and extension, never a legal name. */
export type AuditListEntry = AuditEntry & { person: { id: number; nickname: string; extension: string } | null };

export type AuditQuery = {
  limit: number;
  /** Pages back: entries with a smaller id. */
  before?: number | undefined;
  /** Only entries about this person. */
  person?: number | undefined;
  /** Only this action (e.g. `verification.revoke`). */
  action?: string | undefined;
};

/** Newest first; `before` pages back by id; `person` and `action` filter. */
export function listAudit(db: Db, query: AuditQuery): AuditListEntry[] {
  const rows = db
    .select({
      ...getTableColumns(auditLog),
      personId: users.id,
      nickname: users.nickname,
      extension: sipAccounts.extension,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.targetUserId))
    .leftJoin(sipAccounts, eq(sipAccounts.userId, auditLog.targetUserId))
    .where(
      and(
        query.before === undefined ? undefined : lt(auditLog.id, query.before),
        query.person === undefined ? undefined : eq(auditLog.targetUserId, query.person),
        query.action === undefined ? undefined : eq(auditLog.action, query.action),
      ),
    )
    .orderBy(desc(auditLog.id))
    .limit(query.limit)
    .all();
  return rows.map(({ personId, nickname, extension, ...entry }) => ({
    ...entry,
    // A deleted person leaves their entries, without a name to give.
    person: personId !== null && nickname !== null ? { id: personId, nickname, extension: extension ?? '' } : null,
  }));
}
