/**
 * The admin audit log: who did what, when, and the status before and after.
 * Written in the same transaction as the change it describes.
 */
import { and, desc, eq, getTableColumns, lt } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import type { Db, Tx } from '../../../db/open';
import { auditLog, sipAccounts, users, type AuditEntry } from '../../../db/schema';

export type Actor = { id: number | null; login: string };

export type AuditRecord = {
  action: string;
  targetType: 'verification' | 'user';
  targetId: number;
  targetUserId: number | null;
  /** Another person the change concerns (a same-document revocation: whom the document was approved for). */
  relatedUserId?: number | null;
  beforeStatus: string | null;
  afterStatus: string | null;
  reason: string | null;
};

export function recordAudit(tx: Tx | Db, actor: Actor, entry: AuditRecord): void {
  tx.insert(auditLog)
    .values({ actorId: actor.id, actorLogin: actor.login, ...entry })
    .run();
}

/** A person as the audit log names them: nickname and extension, never a legal name. */
export type AuditPerson = { id: number; nickname: string; extension: string };

/**
 * An entry with the person it was about and, when it has one, the other
 * person it concerns (`related`), as admins know them; null when that person is gone.
 */
export type AuditListEntry = AuditEntry & { person: AuditPerson | null; related: AuditPerson | null };

const relatedUsers = alias(users, 'related_users');
const relatedSip = alias(sipAccounts, 'related_sip');

/** A person's row fields as an AuditPerson, or null when they are gone. */
const audited = (id: number | null, nickname: string | null, extension: string | null): AuditPerson | null =>
  id !== null && nickname !== null ? { id, nickname, extension: extension ?? '' } : null;

export type AuditQuery = {
  limit: number;
  /** Pages back: entries with a smaller id. */
  before?: number | undefined;
  /** Only entries about this person. */
  person?: number | undefined;
  /** Only this action (e.g. `verification.revoke`). */
  action?: string | undefined;
};

/** Newest first; `before` pages back by id; `person` and `action` filter. One query, whoever the entries name. */
export function listAudit(db: Db, query: AuditQuery): AuditListEntry[] {
  const rows = db
    .select({
      ...getTableColumns(auditLog),
      personId: users.id,
      nickname: users.nickname,
      extension: sipAccounts.extension,
      relatedId: relatedUsers.id,
      relatedNickname: relatedUsers.nickname,
      relatedExtension: relatedSip.extension,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.targetUserId))
    .leftJoin(sipAccounts, eq(sipAccounts.userId, auditLog.targetUserId))
    .leftJoin(relatedUsers, eq(relatedUsers.id, auditLog.relatedUserId))
    .leftJoin(relatedSip, eq(relatedSip.userId, auditLog.relatedUserId))
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
  return rows.map(({ personId, nickname, extension, relatedId, relatedNickname, relatedExtension, ...entry }) => ({
    ...entry,
    // A deleted person leaves their entries, without a name to give.
    person: audited(personId, nickname, extension),
    related: audited(relatedId, relatedNickname, relatedExtension),
  }));
}
