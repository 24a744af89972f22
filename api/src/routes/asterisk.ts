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
  type RealtimeFamily,
} from '../services/realtime';
import { readText } from './body';
import { valid } from './validate';

const KV = 'text/plain; charset=utf-8';
/** res_config_curl's bodies are a few fields: 16 KiB is plenty. */
const MAX_BODY = 16 * 1024;

export function asteriskRoutes(deps: Deps) {
  const { db } = deps;
  const { callerNameLookup, realtimeLookup } = deps.metrics;
  /** Seconds since `started`, a performance.now() reading: plain numbers, no BigInt or object per call. */
  const since = (started: number) => (performance.now() - started) / 1000;
  const ctx = { keys: deps.keys, sip: deps.config.sip };
  const familyName = z.enum(REALTIME_FAMILIES, { error: `family must be one of ${REALTIME_FAMILIES.join(', ')}` });
  const family = z.object({ family: familyName });
  /** The family in the path, checked with the same schema (no validator middleware on the per-REGISTER path). */
  const familyOf = (value: string | undefined): RealtimeFamily => {
    const parsed = familyName.safeParse(value);
    if (parsed.success) return parsed.data;
    const message = parsed.error.issues[0]?.message ?? 'is invalid';
    throw badRequest('invalid_input', message, { problems: [{ path: 'family', message }] });
  };

  const conditions = async (body: Promise<string>): Promise<Condition[]> => {
    try {
      return parseConditions(await body);
    } catch (err) {
      if (err instanceof RealtimeRequestError) throw badRequest('invalid_realtime_request', err.message);
      throw err;
    }
  };

  const field = (name: string, value: string | undefined): string => {
    const parsed = endpointId.safeParse(value ?? '');
    if (parsed.success) return parsed.data;
    const message = value === undefined ? 'is required' : (parsed.error.issues[0]?.message ?? 'is invalid');
    throw badRequest('invalid_input', `${name}: ${message}`, { problems: [{ path: name, message }] });
  };

  return (
    new Hono()
      // Validated with the same zod schema, but without the query-object validator middleware:
      // this runs for every call, and that middleware costs as much as the lookup (see bench/).
      // The lookups are timed from valid input to the answer's text: the work of the handler, not HTTP's.
      .get('/caller-name', (c) => {
        const caller = field('caller', c.req.query('caller'));
        const callee = field('callee', c.req.query('callee'));
        const started = performance.now();
        const presentation = callerName(db, caller, callee);
        const text = presentation ? encodePresentation(presentation) : undefined;
        callerNameLookup.observe(since(started));
        if (text === undefined) throw notFound('The caller is not an enabled person.');
        return c.body(text, 200, { 'Content-Type': KV });
      })
      .post('/realtime/:family/single', async (c) => {
        const name = familyOf(c.req.param('family'));
        const where = await conditions(readText(c, MAX_BODY));
        if (where.length === 0) throw badRequest('invalid_realtime_request', 'single needs at least one condition');
        const started = performance.now();
        const [row] = await findRows(db, ctx, name, where, 1);
        const text = row ? `${encodeRow(row)}\n` : '';
        realtimeLookup.single[name].observe(since(started));
        return c.body(text, 200, { 'Content-Type': KV });
      })
      .post('/realtime/:family/multi', async (c) => {
        const name = familyOf(c.req.param('family'));
        const where = await conditions(readText(c, MAX_BODY));
        const started = performance.now();
        const rows = await findRows(db, ctx, name, where);
        const text = rows.map((r) => `${encodeRow(r)}\n`).join('');
        realtimeLookup.multi[name].observe(since(started));
        return c.body(text, 200, { 'Content-Type': KV });
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
      })
  );
}
