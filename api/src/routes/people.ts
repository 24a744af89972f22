/** /api/directory and /api/people/:extension: finding someone to call, and their avatar. */
import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps, PublicEnv } from '../deps';
import { notFound } from '../errors';
import { extension, searchQuery } from '../schemas';
import { avatarByExtension } from '../services/avatars';
import { directoryEntry, searchDirectory } from '../services/directory';
import { requireSession } from './session';
import { valid } from './validate';

export function peopleRoutes(deps: Deps) {
  const { db } = deps;
  const byExtension = z.object({ extension });
  const session = requireSession(deps);
  return (
    new Hono<PublicEnv>()
      // Mounted at /api: guard only these paths, or every unknown /api path would answer 401.
      .use('/directory', session)
      .use('/people/*', session)
      .get('/directory', valid('query', z.object({ q: searchQuery })), (c) =>
        c.json({ people: searchDirectory(db, c.req.valid('query').q, c.var.me.id) }),
      )
      .get('/people/:extension', valid('param', byExtension), (c) => {
        const entry = directoryEntry(db, c.req.valid('param').extension);
        if (!entry) throw notFound('Nobody has that extension.');
        return c.json({ person: entry });
      })
      .get('/people/:extension/avatar', valid('param', byExtension), (c) => {
        const avatar = avatarByExtension(db, c.req.valid('param').extension);
        if (!avatar) throw notFound('No avatar; draw initials.');
        c.header('ETag', `"${avatar.etag}"`);
        c.header('Content-Type', avatar.mime);
        // An image and nothing else, whatever a browser might sniff.
        c.set('ownCsp', "default-src 'none'; sandbox");
        return c.body(new Uint8Array(avatar.data));
      })
  );
}
