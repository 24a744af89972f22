/** /api/admin: the verification queue, CSV import, people, and the audit log. Admins only. */
import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps, PublicEnv } from '../deps';
import { AppError } from '../errors';
import { approveBody, auditQuery, decisionBody, id, page, searchQuery, verificationStatus } from '../schemas';
import { listPeople, setDisabled } from '../services/admin-users';
import { listAudit, type Actor } from '../services/audit';
import { importVerifications } from '../services/verification-import';
import { decideVerification, getVerification, listVerifications } from '../services/verifications';
import { requireAdmin, requireSession } from './session';
import { jsonOnly, valid } from './validate';

/** `?dryRun=1` previews an import: the same checks, the same answer, nothing written. */
const importQuery = z.object({
  dryRun: z
    .enum(['0', '1', 'true', 'false'], { error: 'dryRun must be 1 or 0' })
    .optional()
    .transform((v) => v === '1' || v === 'true'),
});

export function adminRoutes(deps: Deps) {
  const { db } = deps;
  const actor = (me: { id: number; login: string }): Actor => ({ id: me.id, login: me.login });
  const byId = z.object({ id });
  return new Hono<PublicEnv>()
    .use(requireSession(deps), requireAdmin)
    .get('/verifications', valid('query', page.extend({ status: verificationStatus.optional() })), (c) =>
      c.json({ verifications: listVerifications(db, c.req.valid('query')) }),
    )
    .get('/verifications/:id', valid('param', byId), (c) =>
      c.json({ verification: getVerification(db, c.req.valid('param').id) }),
    )
    .post('/verifications/:id/approve', valid('param', byId), jsonOnly, valid('json', approveBody), (c) =>
      c.json({
        verification: decideVerification(
          db,
          deps.pbx,
          actor(c.var.me),
          c.req.valid('param').id,
          'approve',
          c.req.valid('json').reason ?? null,
          deps.now(),
          { revokeOther: c.req.valid('json').revokeOther ?? false },
        ),
      }),
    )
    .post('/verifications/:id/reject', valid('param', byId), jsonOnly, valid('json', decisionBody), (c) =>
      c.json({
        verification: decideVerification(
          db,
          deps.pbx,
          actor(c.var.me),
          c.req.valid('param').id,
          'reject',
          c.req.valid('json').reason,
          deps.now(),
        ),
      }),
    )
    .post('/verifications/:id/revoke', valid('param', byId), jsonOnly, valid('json', decisionBody), (c) =>
      c.json({
        verification: decideVerification(
          db,
          deps.pbx,
          actor(c.var.me),
          c.req.valid('param').id,
          'revoke',
          c.req.valid('json').reason,
          deps.now(),
        ),
      }),
    )
    .post('/verifications/import', valid('query', importQuery), async (c) => {
      const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
      if (type !== 'text/csv')
        throw new AppError(415, 'unsupported_media_type', 'Send the file as the body with Content-Type: text/csv.');
      const body = new Uint8Array(await c.req.arrayBuffer());
      const { dryRun } = c.req.valid('query');
      return c.json(
        importVerifications(db, deps.keys, actor(c.var.me), body, deps.config.logins, deps.now(), {
          dryRun,
          pbx: deps.pbx,
        }),
      );
    })
    .get('/people', valid('query', page.extend({ q: searchQuery.optional() })), (c) =>
      c.json({ people: listPeople(db, c.req.valid('query'), deps.config.logins) }),
    )
    .post('/people/:id/disable', valid('param', byId), jsonOnly, valid('json', decisionBody), (c) => {
      setDisabled(db, deps.pbx, actor(c.var.me), c.req.valid('param').id, true, c.req.valid('json').reason, deps.now());
      return c.body(null, 204);
    })
    .post('/people/:id/enable', valid('param', byId), jsonOnly, valid('json', decisionBody), (c) => {
      setDisabled(
        db,
        deps.pbx,
        actor(c.var.me),
        c.req.valid('param').id,
        false,
        c.req.valid('json').reason,
        deps.now(),
      );
      return c.body(null, 204);
    })
    .get('/audit', valid('query', auditQuery), (c) => c.json({ entries: listAudit(db, c.req.valid('query')) }));
}
