/**
 * Serves the web softphone's build (`vite build` → web/dist) on the public
 * listener. Any path that is not a file gets index.html, so the softphone's
 * own routes work on reload.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import type { Deps, PublicEnv } from '../deps';

export function webRoutes(deps: Deps) {
  const root = resolve(deps.config.webDist);
  const app = new Hono<PublicEnv>();
  const index = join(root, 'index.html');
  if (!existsSync(index)) {
    app.get('*', (c) =>
      c.text('RealCall API is running. The web softphone is not built yet: run `npm run build`.', 503),
    );
    return app;
  }
  app.use(
    '/assets/*',
    serveStatic({
      root,
      onFound: (_path, c) => {
        // Vite puts a content hash in every asset name: they never change.
        c.header('Cache-Control', 'public, max-age=31536000, immutable');
      },
    }),
  );
  app.use('*', serveStatic({ root }));
  app.get('*', (c) => {
    c.header('Cache-Control', 'no-cache');
    return c.html(readFileSync(index, 'utf8'));
  });
  return app;
}
