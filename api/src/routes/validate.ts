/**
 * Validation at the edge: Hono's zod validator with a hook that answers in
 * the project's error shape, plus a JSON content-type check so that a form
 * post can never be read as an empty JSON object.
 */
import { zValidator } from '@hono/zod-validator';
import type { MiddlewareHandler, ValidationTargets } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { ZodType } from 'zod';
import { AppError, errorBody } from '../errors';

const NAMES: Partial<Record<keyof ValidationTargets, string>> = { json: 'body', query: 'query', param: 'path' };

/** Validates one part of the request; a failure answers 400 `invalid_input` listing every problem. */
export function valid<Target extends keyof ValidationTargets, Schema extends ZodType>(target: Target, schema: Schema) {
  return zValidator(target, schema, (result, c) => {
    if (result.success) return undefined;
    const problems = result.error.issues.map((i) => ({
      path: i.path.map(String).join('.') || NAMES[target] || target,
      message: i.message,
    }));
    const summary = problems
      .map((p) => (p.message.startsWith(p.path) ? p.message : `${p.path}: ${p.message}`))
      .join('; ');
    return c.json(errorBody('invalid_input', summary, { problems }), 400);
  });
}

/** Requires `Content-Type: application/json` on a request with a body. */
export const jsonOnly: MiddlewareHandler = createMiddleware(async (c, next) => {
  const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new AppError(415, 'unsupported_media_type', 'Send the body as JSON with Content-Type: application/json.');
  }
  await next();
});

/** `valid('json', schema)` behind `jsonOnly`. */
export const jsonBody = <Schema extends ZodType>(schema: Schema) => [jsonOnly, valid('json', schema)] as const;
