/**
 * What the API asks of the PBX when a person changes in a way Asterisk must
 * not wait for: forget the cached endpoint, auth and AOR, and optionally
 * hang up the person's live calls. The AMI implementation lives in
 * `ami.ts`; without AMI configured nothing is cached on the PBX side that
 * outlives its expiry, so `noPbx` is honest.
 */
export interface Pbx {
  /** Starts the work and returns at once; an implementation retries until it succeeds. */
  forget(extension: string, options: { hangUp: boolean }): void;
}

export const noPbx: Pbx = { forget: () => {} };
