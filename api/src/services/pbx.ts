/**
 * What the API asks of the PBX when a person changes in a way Asterisk must
 * not wait for: forget the cached endpoint, auth and AOR, and optionally
 * hang up the person's live calls. The AMI implementation lives in
 * `ami.ts`; without AMI configured nothing is cached on the PBX side that
 * outlives its expiry, so `noPbx` is honest.
 */
export interface Pbx {
  /**
   * Records that the PBX must forget `extension` (and hang up its calls) and
   * returns at once. Call it inside the transaction that makes the change:
   * an implementation may write to the database, and retries until done.
   */
  forget(extension: string, options: { hangUp: boolean }): void;
}

export const noPbx: Pbx = { forget: () => {} };
