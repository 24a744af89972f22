/**
 * A person's own device tells the other side of their calls how its
 * connection is: "reconnecting" when its network changed under a call,
 * "connected" once its audio flows again. The other side hears nothing
 * wrong meanwhile (the PBX keeps sending it what arrives), yet may not be
 * heard: its call screen says so (web/src/phone/peer-connection.ts).
 *
 * The API passes on only one of two words, to the other parties of calls
 * the person is in now, through the PBX (`Pbx.tellOthers`): nothing the
 * device sends reaches the other side as text, and nothing of it touches the
 * name the other side sees.
 */
import type { Db } from '../../../db/open';
import { notFound } from '../errors';
import type { Pbx, PeerConnectionState } from './pbx';
import { extensionOf } from './sip-accounts';
import { throttleAttempt, type ThrottlePolicy } from './throttle';

/** A network change sends two; a flapping link a few more. Each one is PBX work. */
export const CONNECTION_NOTICES: ThrottlePolicy = {
  max: 60,
  windowMs: 60 * 1000,
  lockMs: 60 * 1000,
  what: 'connection notices from this account',
};

/** Passes `state` to the other party of each of the person's calls under way; how many were told. */
export async function tellOtherParties(
  db: Db,
  pbx: Pbx,
  userId: number,
  state: PeerConnectionState,
  now = Date.now(),
): Promise<{ told: number }> {
  const extension = extensionOf(db, userId);
  if (extension === undefined) throw notFound('No SIP account.');
  throttleAttempt(db, `notice:${userId}`, now, CONNECTION_NOTICES);
  return { told: await pbx.tellOthers(extension, state) };
}
