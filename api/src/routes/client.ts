/**
 * Who is on the other end of a request, for per-address limits: the TCP
 * peer's address, or — only with REALCALL_TRUST_PROXY set, behind a proxy
 * that appends it — the last address in X-Forwarded-For. A request that
 * arrives without a socket (Hono's `app.request()` in tests) is `local`.
 */
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import type { Deps } from '../deps';

export function clientAddress(c: Context, deps: Deps): string {
  if (deps.config.trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim();
    if (forwarded) return forwarded;
  }
  try {
    return getConnInfo(c).remote.address ?? 'local';
  } catch {
    return 'local';
  }
}
