/**
 * How a call ended, in one word per reason, read off what the PBX sent. The
 * dialplan (asterisk/conf/extensions.conf, [realcall-dialstatus]) answers
 * each reason with its own final response; a call the PBX ends itself
 * carries a Q.850 cause in its BYE's Reason header (res_pjsip_rfc3326), and
 * a CANCEL says when another device of the same person answered.
 */
export const END_REASONS = [
  'hangup',
  'remote-hangup',
  'declined',
  'busy',
  'no-answer',
  'unavailable',
  'not-found',
  'refused',
  'cancelled',
  'missed',
  'answered-elsewhere',
  'connection-lost',
  'no-media',
  'failed',
] as const;
export type EndReason = (typeof END_REASONS)[number];

/** The caller's reason for a final response to the INVITE (3xx–6xx). */
export function reasonForResponse(code: number): EndReason {
  switch (code) {
    case 603:
      return 'declined';
    case 486:
    case 600:
      return 'busy';
    case 408:
      return 'no-answer';
    case 480:
    case 410:
      return 'unavailable';
    case 404:
    case 484:
    case 604:
      return 'not-found';
    case 403:
      return 'refused';
    case 487:
      return 'cancelled';
    default:
      return 'failed';
  }
}

/** The Q.850 cause in a Reason header (`Q.850;cause=44;text="…"`), if any. */
export function q850Cause(reason: string | undefined): number | undefined {
  const match = /Q\.850\s*;\s*cause\s*=\s*(\d+)/i.exec(reason ?? '');
  return match ? Number(match[1]) : undefined;
}

/**
 * Causes of a BYE that mean the other side did not hang up: the PBX lost
 * them (no media for its rtp_timeout, 44), their network failed (38, 41), or
 * their device vanished (27, 18).
 */
const LOST_CAUSES = new Set([18, 27, 38, 41, 44]);

/** Why the other side's BYE ended an answered call. */
export function reasonForBye(reasonHeader: string | undefined): EndReason {
  const cause = q850Cause(reasonHeader);
  return cause !== undefined && LOST_CAUSES.has(cause) ? 'connection-lost' : 'remote-hangup';
}

/** Why an incoming call stopped ringing before it was answered here. */
export function reasonForCancel(reasonHeader: string | undefined): EndReason {
  const text = reasonHeader ?? '';
  // RFC 3326 + Asterisk: 'SIP;cause=200;text="Call completed elsewhere"' (and Q.850 cause 26).
  if (/SIP\s*;\s*cause\s*=\s*200\b/i.test(text) || q850Cause(text) === 26) return 'answered-elsewhere';
  return 'missed';
}
