/**
 * The API's metrics for Prometheus: `GET /internal/metrics` on the internal
 * listener (behind its shared secret, like everything there), and the
 * middleware that counts every answered request of both listeners.
 */
import { Hono, type Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { matchedRoutes } from 'hono/route';
import type { Deps } from '../deps';
import { UNMATCHED_ROUTE, type Listener, type Metrics } from '../services/metrics';
import { EXPOSITION_CONTENT_TYPE } from '../services/prometheus';

export function metricsRoutes(deps: Deps) {
  return new Hono().get('/', (c) =>
    c.body(deps.metrics.render(), 200, { 'Content-Type': EXPOSITION_CONTENT_TYPE, 'Cache-Control': 'no-store' }),
  );
}

/**
 * Counts each request once it is answered (errors included: registered
 * first, it sees the response `onError` made). The route label is the
 * pattern of the endpoint the request was for, never its path, so a flood
 * of made-up paths adds one series, not one per path.
 */
export const countRequests = (metrics: Metrics, listener: Listener) =>
  createMiddleware(async (c, next) => {
    await next();
    metrics.request(listener, routeOf(c), c.req.method, c.res.status);
  });

/**
 * The first matched route that is an endpoint rather than middleware (a
 * handler that takes no `next`, as Hono's own route inspector tells them
 * apart): the one a refusal by a guard in front of it was about, too.
 */
function routeOf(c: Context): string {
  for (const route of matchedRoutes(c)) if (unwrapped(route.handler).length < 2) return route.path;
  return UNMATCHED_ROUTE;
}

/** Hono wraps the handlers of a sub-app with an error handler of its own; the inspector looks inside, and so do we. */
const COMPOSED_HANDLER = '__COMPOSED_HANDLER';
const unwrapped = (handler: object): { length: number } =>
  (handler as Record<string, { length: number } | undefined>)[COMPOSED_HANDLER] ?? (handler as { length: number });
