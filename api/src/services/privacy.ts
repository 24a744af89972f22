/**
 * A person's choice of how their name is shown on calls, and the preview of
 * what a callee would see under each choice.
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../../db/open';
import { NAME_PRIVACY, sipAccounts, users, verifications, type NamePrivacy } from '../../../db/schema';
import { notFound } from '../errors';
import { present, type Presentation } from './caller-name';
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
  /** Where the person's latest verification stands ('none' before the first), so their pages can say why. */
  verification: MyVerification['status'];
};

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
  const options = Object.fromEntries(NAME_PRIVACY.map((p) => [p, present(caller, p)])) as Record<
    NamePrivacy,
    Presentation
  >;
  return { current: row.privacy, options, verification: myVerification(db, userId).status };
}
