/**
 * /internal/asterisk: what Asterisk asks, on the internal listener only.
 *
 * - `GET caller-name?caller=<endpoint>&callee=<endpoint>` →
 *   `status=verified&name=%E5%BC%A0%E4%B8%89%E4%B8%B0&num=1001`
 *   (read by the dialplan with `CURLOPT(hashcompat)=yes` and `HASH()`).
 * - `POST realtime/<family>/single|multi` (res_config_curl), see
 *   services/realtime.ts; writes are refused, `require` answers 0.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../deps';
import { AppError, badRequest, notFound } from '../errors';
import { endpointId } from '../schemas';
import { callerName, encodePresentation } from '../services/caller-name';
import {
  encodeRow,
  findRows,
  parseConditions,
  REALTIME_FAMILIES,
  RealtimeRequestError,
  type Condition,
} from '../services/realtime';
import { valid } from './validate';

const KV = 'text/plain; charset=utf-8';

export function asteriskRoutes(deps: Deps) {
  const { db } = deps;
  const ctx = { keys: deps.keys, sip: deps.config.sip };
  const family = z.object({
    family: z.enum(REALTIME_FAMILIES, { error: `family must be one of ${REALTIME_FAMILIES.join(', ')}` }),
  });

  const conditions = async (body: Promise<string>): Promise<Condition[]> => {
    try {
      return parseConditions(await body);
    } catch (err) {
      if (err instanceof RealtimeRequestError) throw badRequest('invalid_realtime_request', err.message);
      throw err;
    }
  };

  return new Hono()
    .get('/caller-name', valid('query', z.object({ caller: endpointId, callee: endpointId })), (c) => {
      const { caller, callee } = c.req.valid('query');
      const presentation = callerName(db, caller, callee);
      if (!presentation) throw notFound('The caller is not an enabled person.');
      return c.body(encodePresentation(presentation), 200, { 'Content-Type': KV });
    })
    .post('/realtime/:family/single', valid('param', family), async (c) => {
      const where = await conditions(c.req.text());
      if (where.length === 0) throw badRequest('invalid_realtime_request', 'single needs at least one condition');
      const [row] = findRows(db, ctx, c.req.valid('param').family, where, 1);
      return c.body(row ? `${encodeRow(row)}\n` : '', 200, { 'Content-Type': KV });
    })
    .post('/realtime/:family/multi', valid('param', family), async (c) => {
      const where = await conditions(c.req.text());
      const rows = findRows(db, ctx, c.req.valid('param').family, where);
      return c.body(rows.map((r) => `${encodeRow(r)}\n`).join(''), 200, { 'Content-Type': KV });
    })
    .post('/realtime/:family/require', valid('param', family), (c) => c.body('0\n', 200, { 'Content-Type': KV }))
    .on(['GET', 'POST'], '/realtime/:family/:write{store|update|destroy}', valid('param', family), () => {
      throw new AppError(
        405,
        'read_only',
        'RealCall realtime is read-only: people change through the API, never through Asterisk.',
      );
    })
    .get('/realtime/:family/static', valid('param', family), () => {
      throw notFound('RealCall serves no static configuration.');
    });
}
