/**
 * Validation at the edge: Hono's zod validator with a hook that answers in
 * the project's error shape, plus a JSON content-type check so that a form
 * post can never be read as an empty JSON object.
 */
import { zValidator } from '@hono/zod-validator';
import type { MiddlewareHandler, ValidationTargets } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { core, ZodType } from 'zod';
import { AppError, errorBody } from '../errors';

const NAMES: Partial<Record<keyof ValidationTargets, string>> = { json: 'body', query: 'query', param: 'path' };

/** One problem of a refused request: which field, what is wrong (a stable name and its values), in English. */
export type Problem = { path: string; problem: string; message: string; [value: string]: string | number };

/**
 * The stable name of what an issue says: the schema's own (`params.problem`)
 * or one read from zod's issue code, so the page can word it in any language.
 */
function problemOf(issue: core.$ZodIssue, input: unknown): { problem: string; [value: string]: string | number } {
  switch (issue.code) {
    case 'custom': {
      const { problem = 'invalid', ...values } = (issue.params ?? {}) as Record<string, string | number>;
      return { problem: String(problem), ...values };
    }
    case 'invalid_type':
      return { problem: input === undefined ? 'required' : 'wrong_type', expected: issue.expected };
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) <= 1) return { problem: 'required' };
      return { problem: issue.origin === 'string' ? 'too_short' : 'too_small', minimum: Number(issue.minimum) };
    case 'too_big':
      return { problem: issue.origin === 'string' ? 'too_long' : 'too_big', maximum: Number(issue.maximum) };
    case 'invalid_value':
      return { problem: 'not_one_of', values: issue.values.map(String).join(', ') };
    case 'unrecognized_keys':
      return { problem: 'unknown_field', keys: issue.keys.join(', ') };
    default:
      return { problem: 'invalid' };
  }
}

/** The value sent at an issue's path (zod does not report it unless asked to). */
function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let value = data;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/**
 * Validates one part of the request; a failure answers 400 `invalid_input`
 * with `problems`: each field's path, problem name and English message.
 */
export function valid<Target extends keyof ValidationTargets, Schema extends ZodType>(target: Target, schema: Schema) {
  return zValidator(target, schema, (result, c) => {
    if (result.success) return undefined;
    const problems: Problem[] = result.error.issues.map((i) => ({
      ...problemOf(i, valueAt(result.data, i.path)),
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
