/**
 * What the PBX told the callee about the caller's name (DESIGN.md, "The name
 * the callee sees"). The client reads it and never invents or upgrades it.
 */

/** The header the PBX adds to every INVITE it sends to a callee. */
export const NAME_STATUS_HEADER = 'X-RealCall-Name-Status';

export const NAME_STATUSES = ['verified', 'masked', 'hidden', 'unverified', 'unavailable'] as const;
export type NameStatus = (typeof NAME_STATUSES)[number];

/** The status in a header value; anything missing or unknown is `unavailable`, never better. */
export function readNameStatus(header: string | undefined): NameStatus {
  const value = header?.trim();
  return (NAME_STATUSES as readonly string[]).includes(value ?? '') ? (value as NameStatus) : 'unavailable';
}

/** What a callee is shown for a caller: the PBX's display name, unless the status says there is none to trust. */
export type PresentedCaller = { name: string; status: NameStatus; number: string };

export function presentCaller(
  displayName: string | undefined,
  header: string | undefined,
  number: string,
): PresentedCaller {
  const status = readNameStatus(header);
  // Without a status from the PBX, a display name could be anything: show the number only.
  const name = status === 'unavailable' ? '' : (displayName ?? '').trim();
  return { name, status, number };
}

/**
 * A name change during a call. The PBX sends it inside the callee's dialog
 * as a NOTIFY of this event package (api/src/services/ami.ts), when a
 * revocation, an approval or a privacy or nickname change reaches a call
 * under way. Only the PBX is in the callee's dialog: a caller cannot send it.
 */
export const PRESENTATION_EVENT = 'x-realcall-presentation';
/** The new name, percent-encoded UTF-8. */
export const NAME_HEADER = 'X-RealCall-Name';

/**
 * The presentation a NOTIFY carries, or undefined when it is not one (another
 * event package). A name that does not decode shows the number only.
 */
export function readPresentationUpdate(
  event: string | undefined,
  statusHeader: string | undefined,
  nameHeader: string | undefined,
  number: string,
): PresentedCaller | undefined {
  if (event?.split(';')[0]?.trim().toLowerCase() !== PRESENTATION_EVENT) return undefined;
  let name: string;
  try {
    name = decodeURIComponent(nameHeader ?? '');
  } catch {
    return { name: '', status: 'unavailable', number };
  }
  return presentCaller(name, statusHeader, number);
}
