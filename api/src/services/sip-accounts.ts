/**
 * SIP accounts: what the softphone needs to register, for its owner only,
 * and rotating the secret.
 */
import { eq } from 'drizzle-orm';
import type { Db, Tx } from '../../../db/open';
import { sipAccounts } from '../../../db/schema';
import type { Config } from '../config';
import { notFound } from '../errors';
import type { Pbx } from './pbx';
import { newSipSecret, seal, sipSecretOwner, unseal, type Keys } from './secrets';
import { iceSettings, type IceSettings } from './turn';
import { SIP_ROTATION, throttleAttempt } from './throttle';

export type SipRegistration = {
  wsUrl: string;
  uri: string;
  authUser: string;
  secret: string;
  realm: string;
  extension: string;
} & IceSettings;

export function sipRegistration(db: Db, keys: Keys, sip: Config['sip'], userId: number, now: number): SipRegistration {
  const account = db.select().from(sipAccounts).where(eq(sipAccounts.userId, userId)).get();
  if (!account) throw notFound('No SIP account.');
  return {
    wsUrl: sip.wsUrl,
    uri: `sip:${account.extension}@${sip.domain}`,
    authUser: account.extension,
    secret: unseal(keys, account.secretSealed, sipSecretOwner(userId)),
    realm: sip.realm,
    extension: account.extension,
    ...iceSettings(sip, userId, now),
  };
}

/**
 * A new secret; the old one stops working at the PBX at once (its cache is
 * expired). At most SIP_ROTATION.max per person per window: each one is work
 * for the PBX, and no one person may crowd out a revocation.
 */
export function rotateSipSecret(db: Db, keys: Keys, pbx: Pbx, userId: number, now = Date.now()): void {
  const account = db.select().from(sipAccounts).where(eq(sipAccounts.userId, userId)).get();
  if (!account) throw notFound('No SIP account.');
  throttleAttempt(db, `rotate:${userId}`, now, SIP_ROTATION);
  db.transaction((tx) => replaceSipSecret(tx, keys, pbx, userId));
}

/** A person's extension (their SIP endpoint's id), or undefined when they have no SIP account. */
export function extensionOf(db: Db | Tx, userId: number): string | undefined {
  return db.select({ extension: sipAccounts.extension }).from(sipAccounts).where(eq(sipAccounts.userId, userId)).get()
    ?.extension;
}

/**
 * Gives a person a new SIP secret inside `tx` and has the PBX forget the old
 * one, so every device registered with it is refused at its next REGISTER.
 * Not throttled: for what the person's own security asks (signing out
 * everywhere, a new password), which have throttles of their own.
 */
export function replaceSipSecret(tx: Db | Tx, keys: Keys, pbx: Pbx, userId: number): void {
  const extension = extensionOf(tx, userId);
  if (extension === undefined) throw notFound('No SIP account.');
  tx.update(sipAccounts)
    .set({ secretSealed: seal(keys, newSipSecret(), sipSecretOwner(userId)) })
    .where(eq(sipAccounts.userId, userId))
    .run();
  pbx.forget(extension, { hangUp: false });
}
