/**
 * The name a callee sees, decided here and only here (DESIGN.md, "The name
 * the callee sees"). The dialplan asks per call; the privacy preview asks
 * the same function with each choice, so the preview is exactly the call.
 */
import { findCaller } from '../../../db/hot-queries';
import type { Db } from '../../../db/open';
import type { NamePrivacy } from '../../../db/schema';
import { maskName, sanitizeDisplayName } from './display-name';

export const NAME_STATUSES = ['verified', 'masked', 'hidden', 'unverified', 'unavailable'] as const;
export type NameStatus = (typeof NAME_STATUSES)[number];

/** What the PBX puts on the callee's side of a call. */
export type Presentation = { name: string; status: Exclude<NameStatus, 'unavailable'>; num: string };

export type Caller = {
  extension: string;
  nickname: string;
  /** The legal name of the caller's verified record, or null when none is verified. */
  verifiedName: string | null;
};

/**
 * The presentation for a caller under a privacy choice. Only a verified
 * record ever yields `verified` or `masked`; everyone else is shown by
 * nickname, marked as not a real name.
 */
export function present(caller: Caller, privacy: NamePrivacy): Presentation {
  const num = caller.extension;
  if (caller.verifiedName === null) return { name: sanitizeDisplayName(caller.nickname), status: 'unverified', num };
  switch (privacy) {
    case 'full':
      return { name: sanitizeDisplayName(caller.verifiedName), status: 'verified', num };
    case 'masked':
      return { name: maskName(caller.verifiedName), status: 'masked', num };
    case 'hidden':
      return { name: sanitizeDisplayName(caller.nickname), status: 'hidden', num };
  }
}

/**
 * The caller's presentation for a call from `caller` to `callee` (PJSIP
 * endpoint ids). Undefined when the caller is not an enabled person; the
 * dialplan then shows the number only, as `unavailable`. `callee` is part of
 * the contract so per-callee rules can be added without changing the PBX;
 * today every callee sees the same.
 */
export function callerName(db: Db, caller: string, _callee: string): Presentation | undefined {
  const row = findCaller(db, caller);
  if (!row) return undefined;
  return present({ extension: row.extension, nickname: row.nickname, verifiedName: row.verifiedName }, row.privacy);
}

/** Encodes a presentation as Asterisk's `CURL()` + `HASH()` read it: `k=v&k=v`, `%20` for spaces. */
export function encodePresentation(p: Presentation): string {
  return `status=${p.status}&name=${encodeURIComponent(p.name)}&num=${encodeURIComponent(p.num)}`;
}
