/**
 * What the API asks of the PBX when a person changes in a way Asterisk must
 * not wait for: forget the cached endpoint, auth and AOR, and optionally
 * hang up the person's live calls or retell their callees. The AMI implementation lives in
 * `ami.ts`; without AMI configured nothing is cached on the PBX side that
 * outlives its expiry, so `noPbx` is honest.
 */
import type { Db, Tx } from '../../../db/open';
import { extensionOf } from './sip-accounts';

export interface Pbx {
  /**
   * Records that the PBX must forget `extension` (and hang up its calls) and
   * returns at once. Call it inside the transaction that makes the change:
   * an implementation may write to the database, and retries until done.
   */
  forget(extension: string, options: ForgetOptions): void;
  /**
   * Tells the other party of each call `extension` is in now that its
   * connection is `state` (an in-dialog NOTIFY from the PBX), at once and
   * once: a notice of a moment is not worth keeping for later. Resolves how
   * many were told.
   */
  tellOthers(extension: string, state: PeerConnectionState): Promise<number>;
}

/** What one side of a call can say of its own connection (web/src/phone/peer-connection.ts reads it). */
export const PEER_CONNECTION_STATES = ['reconnecting', 'connected'] as const;
export type PeerConnectionState = (typeof PEER_CONNECTION_STATES)[number];

export type ForgetOptions = {
  /** Hang up the person's live calls (disable, deletion). */
  hangUp: boolean;
  /**
   * Tell the callee of each call the person is making now what they should
   * see of the caller from now on (a verification decision, a privacy or
   * nickname change): the PBX sends an in-dialog NOTIFY with the API's
   * presentation, as it sent the first one with the INVITE.
   */
  retell?: boolean;
};

export const noPbx: Pbx = { forget: () => {}, tellOthers: () => Promise.resolve(0) };

/**
 * After a change to what callees see of a person (inside its transaction):
 * their live calls' callees are told the new name and status.
 */
export function retellCallees(db: Db | Tx, pbx: Pbx, userId: number): void {
  const extension = extensionOf(db, userId);
  if (extension !== undefined) pbx.forget(extension, { hangUp: false, retell: true });
}
