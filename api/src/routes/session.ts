/**
 * Sessions on the wire: the cookie, and the middleware that requires a
 * signed-in person (and, for admin routes, an admin).
 */
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { Deps, PublicEnv } from '../deps';
import { forbidden, unauthorized } from '../errors';
import { personForSession } from '../services/people';

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

export const requireSession = (deps: Deps) =>
  createMiddleware<PublicEnv>(async (c, next) => {
    const token = sessionToken(c);
    const me = token && /^[\w-]{43}$/.test(token) ? personForSession(deps.db, token, deps.now()) : undefined;
    if (!me) throw unauthorized();
    c.set('me', me);
    await next();
  });

export const requireAdmin = createMiddleware<PublicEnv>(async (c, next) => {
  if (c.var.me.role !== 'admin') throw forbidden('Only admins may do this.');
  await next();
});
