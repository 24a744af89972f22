/**
 * Real-name verification: a person submits, an admin decides.
 *
 *     pending ──approve──▶ verified ──revoke──▶ revoked
 *        └─────reject────▶ rejected
 *
 * A person may submit again after `rejected` or `revoked`; never while a
 * record is `pending` or `verified` (the database enforces one of each per
 * person). Identity document numbers are kept only as a keyed hash and their
 * last 4 characters.
 */
import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/open';
import { sipAccounts, users, verifications, type VerificationStatus } from '../../../db/schema';
import { badRequest, conflict, notFound } from '../errors';
import { recordAudit, type Actor } from './audit';
import { isUniqueViolation } from './people';
import { hashIdNumber, type Keys } from './secrets';

export const DECISIONS = {
  approve: { from: 'pending', to: 'verified' },
  reject: { from: 'pending', to: 'rejected' },
  revoke: { from: 'verified', to: 'revoked' },
} as const satisfies Record<string, { from: VerificationStatus; to: VerificationStatus }>;
export type Decision = keyof typeof DECISIONS;

/** The transition a decision makes, or an explanation of why it cannot. */
export function transition(decision: Decision, current: VerificationStatus): VerificationStatus {
  const rule = DECISIONS[decision];
  if (current !== rule.from) {
    throw conflict(
      'invalid_transition',
      `Only a ${rule.from} verification can be ${pastTense[decision]}; this one is ${current}.`,
    );
  }
  return rule.to;
}
const pastTense: Record<Decision, string> = { approve: 'approved', reject: 'rejected', revoke: 'revoked' };

export type MyVerification =
  | { status: 'none' }
  | {
      id: number;
      status: VerificationStatus;
      legalName: string;
      idLast4: string;
      submittedAt: string;
      decidedAt: string | null;
      reason: string | null;
    };

export function myVerification(db: Db, userId: number): MyVerification {
  const row = db
    .select()
    .from(verifications)
    .where(eq(verifications.userId, userId))
    .orderBy(desc(verifications.id))
    .limit(1)
    .get();
  if (!row) return { status: 'none' };
  return {
    id: row.id,
    status: row.status,
    legalName: row.legalName,
    idLast4: row.idLast4,
    submittedAt: row.submittedAt.toISOString(),
    decidedAt: row.decidedAt?.toISOString() ?? null,
    reason: row.reason,
  };
}

/** Submits a record for review; 409 while one is pending or verified. */
export function submitVerification(
  db: Db,
  keys: Keys,
  userId: number,
  input: { legalName: string; idNumber: string },
): MyVerification {
  const alreadyVerified = () =>
    conflict('already_verified', 'You are already verified; an admin must revoke it before you submit again.');
  try {
    db.transaction((tx) => {
      const verified = tx
        .select({ id: verifications.id })
        .from(verifications)
        .where(and(eq(verifications.userId, userId), eq(verifications.status, 'verified')))
        .get();
      if (verified) throw alreadyVerified();
      tx.insert(verifications)
        .values({
          userId,
          legalName: input.legalName,
          idHash: hashIdNumber(keys, input.idNumber),
          idLast4: input.idNumber.slice(-4),
          status: 'pending',
        })
        .run();
    });
  } catch (err) {
    if (isUniqueViolation(err, 'verifications.user_id')) {
      throw conflict('verification_pending', 'A verification is already waiting for review.');
    }
    throw err;
  }
  return myVerification(db, userId);
}

export type VerificationListItem = {
  id: number;
  status: VerificationStatus;
  legalName: string;
  idLast4: string;
  submittedAt: string;
  decidedAt: string | null;
  reason: string | null;
  person: { id: number; login: string; nickname: string; extension: string };
};

/** Newest first, optionally by status; `before` pages back by id. */
export function listVerifications(
  db: Db,
  filter: { status?: VerificationStatus | undefined; limit: number; before?: number | undefined },
): VerificationListItem[] {
  return selectItems(
    db,
    and(
      filter.status ? eq(verifications.status, filter.status) : undefined,
      filter.before ? lt(verifications.id, filter.before) : undefined,
    ),
    filter.limit,
  );
}

export function getVerification(db: Db, id: number): VerificationListItem {
  const item = selectItems(db, eq(verifications.id, id), 1)[0];
  if (!item) throw notFound('No such verification.');
  return item;
}

function selectItems(db: Db, where: SQL | undefined, limit: number): VerificationListItem[] {
  const rows = db
    .select({ v: verifications, login: users.login, nickname: users.nickname, extension: sipAccounts.extension })
    .from(verifications)
    .innerJoin(users, eq(users.id, verifications.userId))
    .innerJoin(sipAccounts, eq(sipAccounts.userId, users.id))
    .where(where)
    .orderBy(desc(verifications.id))
    .limit(limit)
    .all();
  return rows.map(({ v, login, nickname, extension }) => ({
    id: v.id,
    status: v.status,
    legalName: v.legalName,
    idLast4: v.idLast4,
    submittedAt: v.submittedAt.toISOString(),
    decidedAt: v.decidedAt?.toISOString() ?? null,
    reason: v.reason,
    person: { id: v.userId, login, nickname, extension },
  }));
}

/**
 * Applies an admin's decision and writes the audit entry in one transaction.
 * The update is conditional on the status read, so two admins deciding at
 * once cannot both succeed.
 */
export function decideVerification(
  db: Db,
  admin: Actor,
  id: number,
  decision: Decision,
  reason: string | null,
  now = Date.now(),
): VerificationListItem {
  if (decision !== 'approve' && !reason) throw badRequest('reason_required', `A reason is required to ${decision}.`);
  db.transaction((tx) => {
    const row = tx.select().from(verifications).where(eq(verifications.id, id)).get();
    if (!row) throw notFound('No such verification.');
    const next = transition(decision, row.status);
    const changed = tx
      .update(verifications)
      .set({ status: next, reason, decidedAt: new Date(now), decidedBy: admin.id })
      .where(and(eq(verifications.id, id), eq(verifications.status, row.status)))
      .run().changes;
    if (changed !== 1)
      throw conflict('invalid_transition', 'The verification changed meanwhile; reload and try again.');
    recordAudit(tx, admin, {
      action: `verification.${decision}`,
      targetType: 'verification',
      targetId: id,
      targetUserId: row.userId,
      beforeStatus: row.status,
      afterStatus: next,
      reason,
    });
  });
  return getVerification(db, id);
}
