/**
 * Real-name verification: a person submits, an admin decides.
 *
 *     pending ──approve──▶ verified ──revoke──▶ revoked
 *        │└─────reject────▶ rejected
 *        └──correct / withdraw (the person)──▶ (deleted; a correction is a new pending record)
 *
 * A person may submit again after `rejected` or `revoked`; never while a
 * record is `pending` or `verified` (the database enforces one of each per
 * person). While it is pending, the person may correct it or withdraw it;
 * either deletes the record, so nothing of a withdrawn name or document is
 * kept. Identity document numbers are kept only as a keyed hash and their
 * last 4 characters.
 *
 * Two rules keep the name trustworthy against a hostile user:
 * - only a person who proved they own their login (login-proof.ts) may
 *   submit or be approved;
 * - one document verifies one person (the database enforces it among
 *   verified records). A submission whose document already belongs to
 *   someone else is shown to the admin with that other person; approving it
 *   needs `revokeOther`, which revokes the other verification in the same
 *   audited transaction, with the admin's reason.
 */
import { retellCallees, type Pbx } from './pbx';
import { and, desc, eq, inArray, lt, ne, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../../../db/open';
import { sipAccounts, users, verifications, type VerificationStatus } from '../../../db/schema';
import { AppError, badRequest, conflict, notFound } from '../errors';
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

export const loginUnproven = (login: string) =>
  new AppError(
    403,
    'login_unproven',
    `First prove that ${login} is yours: ask for a code on the Verification page and enter it there.`,
  );

/** What a person submits: a legal name and an identity document number, both already normalised (schemas.ts). */
export type Submission = { legalName: string; idNumber: string };

/** Submits a record for review; 403 until the login is proven, 409 while one is pending or verified. */
export function submitVerification(db: Db, keys: Keys, userId: number, input: Submission): MyVerification {
  return submitting(db, userId, (tx) => addPending(tx, keys, userId, input));
}

/**
 * Replaces the person's pending record with a corrected one, checked exactly
 * as a submission is. The old record is deleted (its name and document hash
 * are not kept) and the correction is a new record with a new id, so an
 * admin deciding by the id they were shown can never approve a name they
 * did not see: they get 404 and the queue shows the correction. 409
 * `not_pending` when nothing is pending (an admin may have decided first).
 */
export function correctVerification(db: Db, keys: Keys, userId: number, input: Submission): MyVerification {
  return submitting(db, userId, (tx) => {
    dropPending(tx, userId);
    addPending(tx, keys, userId, input);
  });
}

/**
 * Withdraws the person's pending record: deleted, name and document hash
 * with it. Their status is then their previous decided record's, or `none`.
 * 409 `not_pending` when nothing is pending (an admin may have decided first).
 */
export function withdrawVerification(db: Db, userId: number): void {
  db.transaction((tx) => dropPending(tx, userId));
}

/** Runs a submission's writes in one transaction; a second pending record is the conflict it is. */
function submitting(db: Db, userId: number, write: (tx: Tx) => void): MyVerification {
  try {
    db.transaction(write);
  } catch (err) {
    if (isUniqueViolation(err, 'verifications.user_id')) {
      throw conflict('verification_pending', 'A verification is already waiting for review.');
    }
    throw err;
  }
  return myVerification(db, userId);
}

/** The checks every submission passes, then its pending record. */
function addPending(tx: Tx, keys: Keys, userId: number, input: Submission): void {
  const person = tx.select().from(users).where(eq(users.id, userId)).get();
  if (!person) throw notFound('No such person.');
  if (!person.loginProvenAt) throw loginUnproven(person.login);
  const verified = tx
    .select({ id: verifications.id })
    .from(verifications)
    .where(and(eq(verifications.userId, userId), eq(verifications.status, 'verified')))
    .get();
  if (verified) {
    throw conflict('already_verified', 'You are already verified; an admin must revoke it before you submit again.');
  }
  tx.insert(verifications)
    .values({
      userId,
      legalName: input.legalName,
      idHash: hashIdNumber(keys, input.idNumber),
      idLast4: input.idNumber.slice(-4),
      status: 'pending',
    })
    .run();
}

/**
 * Deletes the person's pending record. Conditional on the status, as
 * `decideVerification`'s update is: whichever of the person and an admin
 * comes second finds it no longer pending and changes nothing.
 */
function dropPending(tx: Tx, userId: number): void {
  const dropped = tx
    .delete(verifications)
    .where(and(eq(verifications.userId, userId), eq(verifications.status, 'pending')))
    .run().changes;
  if (dropped === 0) {
    throw conflict('not_pending', 'Only a verification waiting for review can be changed or withdrawn; yours is not.');
  }
}

/** Another person's record of the same document, as the admin is shown it. */
export type SameDocument = {
  verificationId: number;
  status: 'pending' | 'verified';
  person: { id: number; nickname: string; extension: string };
};

export type VerificationListItem = {
  id: number;
  status: VerificationStatus;
  legalName: string;
  idLast4: string;
  submittedAt: string;
  decidedAt: string | null;
  reason: string | null;
  person: { id: number; login: string; nickname: string; extension: string; loginProven: boolean };
  /** Other people's pending or verified records of the same document: empty unless something is wrong. */
  sameDocument: SameDocument[];
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
    .select({
      v: verifications,
      login: users.login,
      nickname: users.nickname,
      extension: sipAccounts.extension,
      provenAt: users.loginProvenAt,
    })
    .from(verifications)
    .innerJoin(users, eq(users.id, verifications.userId))
    .innerJoin(sipAccounts, eq(sipAccounts.userId, users.id))
    .where(where)
    .orderBy(desc(verifications.id))
    .limit(limit)
    .all();
  const others = sameDocuments(
    db,
    rows.map(({ v }) => v.idHash),
  );
  return rows.map(({ v, login, nickname, extension, provenAt }) => ({
    id: v.id,
    status: v.status,
    legalName: v.legalName,
    idLast4: v.idLast4,
    submittedAt: v.submittedAt.toISOString(),
    decidedAt: v.decidedAt?.toISOString() ?? null,
    reason: v.reason,
    person: { id: v.userId, login, nickname, extension, loginProven: provenAt !== null },
    sameDocument: (others.get(v.idHash) ?? [])
      .filter((o) => o.person.id !== v.userId)
      .map(({ verificationId, status, person }) => ({ verificationId, status, person })),
  }));
}

/** Records of documents, each with its person's nickname and extension: what both checks below read. */
const documentHolders = (db: Db | Tx, where: SQL | undefined) =>
  db
    .select({
      verificationId: verifications.id,
      idHash: verifications.idHash,
      status: verifications.status,
      userId: users.id,
      nickname: users.nickname,
      extension: sipAccounts.extension,
    })
    .from(verifications)
    .innerJoin(users, eq(users.id, verifications.userId))
    .innerJoin(sipAccounts, eq(sipAccounts.userId, users.id))
    .where(where);

/** Pending and verified records per document hash, with their people. */
function sameDocuments(db: Db | Tx, hashes: string[]): Map<string, (SameDocument & { idHash: string })[]> {
  const found = new Map<string, (SameDocument & { idHash: string })[]>();
  if (hashes.length === 0) return found;
  const rows = documentHolders(
    db,
    and(inArray(verifications.idHash, [...new Set(hashes)]), inArray(verifications.status, ['pending', 'verified'])),
  ).all();
  for (const r of rows) {
    const entry = {
      verificationId: r.verificationId,
      idHash: r.idHash,
      status: r.status as 'pending' | 'verified',
      person: { id: r.userId, nickname: r.nickname, extension: r.extension },
    };
    found.set(r.idHash, [...(found.get(r.idHash) ?? []), entry]);
  }
  return found;
}

/**
 * The verified record of the same document held by someone other than
 * `userId`, if any (there is at most one: the database enforces it).
 */
export function verifiedElsewhere(
  tx: Db | Tx,
  idHash: string,
  userId: number,
): { id: number; userId: number; extension: string; nickname: string } | undefined {
  const row = documentHolders(
    tx,
    and(eq(verifications.idHash, idHash), eq(verifications.status, 'verified'), ne(verifications.userId, userId)),
  ).get();
  return row && { id: row.verificationId, userId: row.userId, extension: row.extension, nickname: row.nickname };
}

export const documentInUse = (other: { id: number; extension: string; nickname: string }) =>
  new AppError(
    409,
    'document_in_use',
    `This identity document already verifies ${other.nickname} (extension ${other.extension}). ` +
      'Revoke that verification first, or approve with revokeOther and a reason.',
    { other: { verificationId: other.id, extension: other.extension, nickname: other.nickname } },
  );

/** A decision that needs a reason, pointing at the reason field like a validation problem. */
const reasonRequired = (message: string) =>
  badRequest('reason_required', message, { problems: [{ path: 'reason', problem: 'required', message }] });

/**
 * Applies an admin's decision and writes the audit entry in one transaction.
 * The update is conditional on the status read, so two admins deciding at
 * once cannot both succeed.
 */
export function decideVerification(
  db: Db,
  pbx: Pbx,
  admin: Actor,
  id: number,
  decision: Decision,
  reason: string | null,
  now = Date.now(),
  options: { revokeOther?: boolean } = {},
): VerificationListItem {
  if (decision !== 'approve' && !reason) throw reasonRequired(`A reason is required to ${decision}.`);
  if (options.revokeOther && !reason) {
    throw reasonRequired('A reason is required to revoke the other verification of this document.');
  }
  db.transaction((tx) => {
    const row = tx.select().from(verifications).where(eq(verifications.id, id)).get();
    if (!row) throw notFound('No such verification.');
    const next = transition(decision, row.status);
    if (decision === 'approve') {
      const person = tx.select().from(users).where(eq(users.id, row.userId)).get();
      if (!person?.loginProvenAt) {
        throw conflict(
          'login_unproven',
          `${person?.login ?? 'This person'} has not proven their login yet; it cannot be approved.`,
        );
      }
      const other = verifiedElsewhere(tx, row.idHash, row.userId);
      if (other && !options.revokeOther) throw documentInUse(other);
      if (other) {
        tx.update(verifications)
          .set({ status: 'revoked', reason, decidedAt: new Date(now), decidedBy: admin.id })
          .where(and(eq(verifications.id, other.id), eq(verifications.status, 'verified')))
          .run();
        retellCallees(tx, pbx, other.userId);
        recordAudit(tx, admin, {
          action: 'verification.revoke.same_document',
          targetType: 'verification',
          targetId: other.id,
          targetUserId: other.userId,
          // Whom the document was approved for: the page names them, in its own language.
          relatedUserId: row.userId,
          beforeStatus: 'verified',
          afterStatus: 'revoked',
          reason,
        });
      }
    }
    // With `revokeOther` the reason is why the other person's verification was revoked: it is theirs to
    // read, never this person's (their own page shows their record's reason).
    const ownReason = options.revokeOther ? null : reason;
    const changed = tx
      .update(verifications)
      .set({ status: next, reason: ownReason, decidedAt: new Date(now), decidedBy: admin.id })
      .where(and(eq(verifications.id, id), eq(verifications.status, row.status)))
      .run().changes;
    if (changed !== 1)
      throw conflict('invalid_transition', 'The verification changed meanwhile; reload and try again.');
    // Approval and revocation change what callees see, in calls already under way too.
    if (decision !== 'reject') retellCallees(tx, pbx, row.userId);
    recordAudit(tx, admin, {
      action: `verification.${decision}`,
      targetType: 'verification',
      targetId: id,
      targetUserId: row.userId,
      beforeStatus: row.status,
      afterStatus: next,
      reason: ownReason,
    });
  });
  return getVerification(db, id);
}
