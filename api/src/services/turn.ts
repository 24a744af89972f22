/**
 * ICE for a signed-in person's softphone: the STUN servers configured, and
 * credentials for RealCall's relay made with coturn's shared-secret scheme
 * (`use-auth-secret` / `static-auth-secret`, the "TURN REST API"): the
 * username is `<expiry, Unix seconds>:<who>`, the password the base64
 * HMAC-SHA1 of that username under the secret. coturn recomputes it and
 * refuses a username whose expiry has passed, so a copied credential stops
 * working by itself; nothing is stored.
 */
import { createHmac } from 'node:crypto';
import type { Config, TurnConfig } from '../config';

export type IceServer = { urls: string | string[]; username?: string; credential?: string };

export type IceSettings = {
  iceServers: IceServer[];
  iceTransportPolicy: 'all' | 'relay';
  /** When the relay credentials stop working (ms since the epoch); null without a relay. */
  expiresAt: number | null;
};

/** One person's relay credentials, valid for the configured time from `now`. */
export function turnCredentials(
  turn: TurnConfig,
  userId: number,
  now: number,
): { username: string; credential: string; expiresAt: number } {
  const expiry = Math.floor(now / 1000) + turn.ttlSeconds;
  const username = `${expiry}:rc${userId}`;
  const credential = createHmac('sha1', turn.secret).update(username).digest('base64');
  return { username, credential, expiresAt: expiry * 1000 };
}

export function iceSettings(sip: Config['sip'], userId: number, now: number): IceSettings {
  const servers: IceServer[] = [...sip.iceServers];
  let expiresAt: number | null = null;
  if (sip.turn) {
    const { username, credential, expiresAt: until } = turnCredentials(sip.turn, userId, now);
    servers.push({ urls: sip.turn.urls, username, credential });
    expiresAt = until;
  }
  return { iceServers: servers, iceTransportPolicy: sip.iceTransportPolicy, expiresAt };
}
