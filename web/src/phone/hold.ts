/**
 * Hold, as SDP says it (RFC 3264 §8.4). A side puts the call on hold with a
 * re-INVITE whose audio is `a=sendonly` (or `a=inactive` when it was
 * already held the other way). The PBX passes
 * a hold on to the other party the same way (`moh_passthrough=yes` on every
 * endpoint, asterisk/realtime.ts), so the held side learns it from the
 * PBX's re-INVITE and shows "on hold" — no music, no packets either way.
 */

/**
 * Whether an offer puts its receiver on hold: its first audio section (or
 * the session) is sendonly or inactive. Not `c=0.0.0.0`: with ICE that
 * address says nothing (browsers offer it before any candidate is known).
 */
export function offerHolds(sdp: string | undefined): boolean {
  if (!sdp) return false;
  const lines = sdp.split(/\r?\n/);
  const audio = lines.findIndex((l) => l.startsWith('m=audio'));
  if (audio < 0) return false;
  const next = lines.findIndex((l, i) => i > audio && l.startsWith('m='));
  const section = lines.slice(audio, next < 0 ? undefined : next);
  const session = lines.slice(0, audio);
  const direction = (part: string[]) =>
    part.map((l) => /^a=(sendrecv|sendonly|recvonly|inactive)\s*$/.exec(l)?.[1]).find(Boolean);
  const dir = direction(section) ?? direction(session) ?? 'sendrecv';
  return dir === 'sendonly' || dir === 'inactive';
}
