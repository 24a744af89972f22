/**
 * A person's choice of how their name is shown on calls, and the preview of
 * what a callee would see under each choice.
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../../db/open';
import { NAME_PRIVACY, sipAccounts, users, verifications, type NamePrivacy } from '../../../db/schema';
import { notFound } from '../errors';
import { present, type Caller, type Presentation } from './caller-name';
import { retellCallees, type Pbx } from './pbx';
import { myVerification, type MyVerification } from './verifications';

/** Saves the choice; the callees of calls under way are told at once (an in-dialog NOTIFY). */
export function setNamePrivacy(db: Db, pbx: Pbx, userId: number, namePrivacy: NamePrivacy): void {
  db.transaction((tx) => {
    const changed = tx.update(users).set({ namePrivacy }).where(eq(users.id, userId)).run().changes;
    if (changed === 0) throw notFound('No such person.');
    retellCallees(tx, pbx, userId);
  });
}

export type PrivacyPreview = {
  current: NamePrivacy;
  /** What a callee sees today under each choice: the same function the PBX's lookup uses. */
  options: Record<NamePrivacy, Presentation>;
  /**
   * What a callee will see under each choice once the pending record is
   * approved (its legal name as the verified name, the same function again);
   * null when nothing is pending.
   */
  pending: Record<NamePrivacy, Presentation> | null;
  /** Where the person's latest verification stands ('none' before the first), so their pages can say why. */
  verification: MyVerification['status'];
};

/** The caller under every choice, as the PBX's lookup would present them. */
const underEachChoice = (caller: Caller) =>
  Object.fromEntries(NAME_PRIVACY.map((p) => [p, present(caller, p)])) as Record<NamePrivacy, Presentation>;

/** What callees see of the person today under each choice, and will see once their pending record is approved. */
export function previewNamePrivacy(db: Db, userId: number): PrivacyPreview {
  const row = db
    .select({
      extension: sipAccounts.extension,
      nickname: users.nickname,
      privacy: users.namePrivacy,
      verifiedName: verifications.legalName,
    })
    .from(users)
    .innerJoin(sipAccounts, eq(sipAccounts.userId, users.id))
    .leftJoin(verifications, and(eq(verifications.userId, users.id), eq(verifications.status, 'verified')))
    .where(eq(users.id, userId))
    .get();
  if (!row) throw notFound('No such person.');
  const caller = { extension: row.extension, nickname: row.nickname, verifiedName: row.verifiedName };
  const pending = db
    .select({ legalName: verifications.legalName })
    .from(verifications)
    .where(and(eq(verifications.userId, userId), eq(verifications.status, 'pending')))
    .get();
  return {
    current: row.privacy,
    options: underEachChoice(caller),
    pending: pending ? underEachChoice({ ...caller, verifiedName: pending.legalName }) : null,
    verification: myVerification(db, userId).status,
  };
}
