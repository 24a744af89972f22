/**
 * The admin audit log: who did what, when, and the status before and after.
 * Written in the same transaction as the change it describes.
 */
import { desc, lt } from 'drizzle-orm';
import type { Db, Tx } from '../../../db/open';
import { auditLog, type AuditEntry } from '../../../db/schema';

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

/** Newest first; `before` pages back by id. */
export function listAudit(db: Db, page: { limit: number; before?: number | undefined }): AuditEntry[] {
  return db
    .select()
    .from(auditLog)
    .where(page.before === undefined ? undefined : lt(auditLog.id, page.before))
    .orderBy(desc(auditLog.id))
    .limit(page.limit)
    .all();
}
