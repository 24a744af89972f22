/**
 * The other side of a call told us, through the PBX, how its connection is
 * (api/src/services/call-notices.ts): "reconnecting" when its network
 * changed under the call, "connected" once its audio flows again. Only the
 * PBX is in our dialog, and the API passes on one of these two words only:
 * nothing here carries a name or text of the other side's choosing.
 */

/** The Event package of the PBX's NOTIFY (api/src/services/ami.ts). */
export const PEER_CONNECTION_EVENT = 'x-realcall-peer-connection';
export const PEER_CONNECTION_HEADER = 'X-RealCall-Peer-Connection';

/**
 * How long "reconnecting" is believed without news: a side that lost its
 * network for good never sends "connected", and the PBX ends its call
 * within its rtp_timeout (8 s) anyway.
 */
export const PEER_RECONNECTING_FOR_MS = 10_000;

/** Whether the other side says it is reconnecting (true), connected (false), or this is no such NOTIFY (undefined). */
export function readPeerConnection(event: string | undefined, state: string | undefined): boolean | undefined {
  if (event?.split(';')[0]?.trim().toLowerCase() !== PEER_CONNECTION_EVENT) return undefined;
  const value = state?.trim().toLowerCase();
  if (value === 'reconnecting') return true;
  if (value === 'connected') return false;
  return undefined;
}
