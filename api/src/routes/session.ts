/**
 * Sessions on the wire: the cookie, and the middleware that requires a
 * signed-in person (and, for admin routes, an admin).
 */
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { Deps, PublicEnv } from '../deps';
import { forbidden, unauthorized } from '../errors';
import { personForSession, sessionEnded, whySessionEnded } from '../services/people';

export const SESSION_COOKIE = 'rc_session';

/** httpOnly (no script can read it), SameSite=Strict (no cross-site request carries it). */
export function setSessionCookie(c: Context, deps: Deps, token: string, expiresAt: Date): void {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Strict',
    secure: deps.config.cookieSecure,
    path: '/',
    expires: expiresAt,
  });
}

export function clearSessionCookie(c: Context, deps: Deps): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: deps.config.cookieSecure, httpOnly: true, sameSite: 'Strict' });
}

export const sessionToken = (c: Context): string | undefined => getCookie(c, SESSION_COOKIE);

/** The token of the session `requireSession` let through: for a route that must tell it from the person's others. */
export function ownSessionToken(c: Context): string {
  const token = sessionToken(c);
  if (!token) throw unauthorized();
  return token;
}

/**
 * Lets only a signed-in person through, as `c.var.me`. A cookie whose
 * session was cut short or expired gets 401 `session_ended` with the reason
 * (services/people.ts); any other gets plain 401 `unauthorized`.
 */
export const requireSession = (deps: Deps) =>
  createMiddleware<PublicEnv>(async (c, next) => {
    const raw = sessionToken(c);
    const token = raw && /^[\w-]{43}$/.test(raw) ? raw : undefined;
    const me = token ? personForSession(deps.db, token, deps.now()) : undefined;
    if (!me) {
      // Only on the way out: the lookup of every request stays one read.
      const why = token ? whySessionEnded(deps.db, token, deps.now()) : undefined;
      throw why ? sessionEnded(why) : unauthorized();
    }
    c.set('me', me);
    await next();
  });

export const requireAdmin = createMiddleware<PublicEnv>(async (c, next) => {
  if (c.var.me.role !== 'admin') throw forbidden('Only admins may do this.');
  await next();
});
