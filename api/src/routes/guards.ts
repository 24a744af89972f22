/**
 * Request guards: the internal listener's shared secret, and cross-site
 * request refusal for the public API's state-changing routes.
 */
import { createMiddleware } from 'hono/factory';
import type { Config } from '../config';
import { AppError } from '../errors';
import { digestOf, matchesDigest } from '../services/secrets';

/** The user name Asterisk sends with the secret in HTTP Basic auth (res_curl.conf `userpwd`). */
export const INTERNAL_BASIC_USER = 'asterisk';

/**
 * Every internal request carries the shared secret, either as
 * `X-RealCall-Secret: <secret>` (the dialplan's CURL) or as Basic auth
 * `asterisk:<secret>` (res_config_curl through res_curl.conf).
 */
export const internalSecret = (config: Config) => {
  const asHeader = digestOf(config.internalSecret);
  const asBasic = digestOf(`${INTERNAL_BASIC_USER}:${config.internalSecret}`);
  return createMiddleware(async (c, next) => {
    const header = c.req.header('x-realcall-secret');
    const basic = /^Basic ([A-Za-z0-9+/=]+)$/.exec(c.req.header('authorization') ?? '')?.[1];
    const fromBasic = basic ? Buffer.from(basic, 'base64').toString('utf8') : undefined;
    const ok =
      (header !== undefined && matchesDigest(header, asHeader)) ||
      (fromBasic !== undefined && matchesDigest(fromBasic, asBasic));
    if (!ok)
      throw new AppError(401, 'unauthorized', 'This listener is for the PBX; the shared secret is missing or wrong.');
    await next();
  });
};

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses state-changing requests that a browser marks as coming from
 * another site: `Sec-Fetch-Site` must be same-origin (or none: typed, or a
 * non-browser client), and an `Origin`, when sent, must be this origin or
 * one configured in REALCALL_PUBLIC_ORIGINS. SameSite=Strict cookies are
 * the first wall; this is the second.
 */
export const sameOriginWrites = (config: Config) =>
  createMiddleware(async (c, next) => {
    if (!SAFE.has(c.req.method)) {
      const site = c.req.header('sec-fetch-site');
      const origin = c.req.header('origin');
      const own = new URL(c.req.url).origin;
      const allowedOrigin = origin === undefined || origin === own || config.publicOrigins.includes(origin);
      const allowedSite =
        site === undefined ||
        site === 'same-origin' ||
        site === 'none' ||
        (site === 'same-site' && allowedOrigin && origin !== undefined);
      if (!allowedOrigin || !allowedSite) {
        throw new AppError(403, 'cross_site', 'Requests that change something must come from RealCall itself.');
      }
    }
    await next();
  });
