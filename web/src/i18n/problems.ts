/**
 * The API's refusals in the person's language. A refused field comes back in
 * `error.problems` as `{ path, problem, …values }` (a stable name, never
 * prose to show); a refusal of the whole request has its `code`. Both are
 * read here, at render time, so a language switch re-words what is shown.
 */
import { ApiError } from '../api/client';
import { t } from './i18n';
import { MESSAGES, type MessageKey } from './messages';

/** One refused field, as the API sends it. */
export type Problem = { path: string; problem: string; message: string; [value: string]: string | number };

const isKey = (key: string): key is MessageKey => key in MESSAGES.en;

/** The per-field problems of an API refusal (none for anything else). */
export function problemsOf(err: unknown): Problem[] {
  if (!(err instanceof ApiError)) return [];
  const list = err.details.problems;
  if (!Array.isArray(list)) return [];
  return list.filter(
    (p): p is Problem =>
      typeof p === 'object' &&
      p !== null &&
      typeof (p as Problem).path === 'string' &&
      typeof (p as Problem).problem === 'string',
  );
}

/** Which kind of invisible character `U+XXXX` is, so a person knows what they pasted. */
export function hiddenCharKind(char: string): 'control' | 'direction' | 'zero_width' | 'line' | 'other' {
  const code = Number.parseInt(char.replace(/^U\+/, ''), 16);
  if (code < 0x20 || (code >= 0x7f && code < 0xa0)) return 'control';
  if (code === 0x061c || code === 0x200e || code === 0x200f) return 'direction';
  if ((code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069)) return 'direction';
  if ((code >= 0x200b && code <= 0x200d) || code === 0x2060 || code === 0xfeff || code === 0x180e) return 'zero_width';
  if (code === 0x2028 || code === 0x2029) return 'line';
  return 'other';
}

/** One sentence for one refused field, in the current language. */
export function problemText(p: Problem): string {
  if (p.problem === 'hidden_char') {
    const char = String(p.char ?? '');
    return t('problem.hidden_char', { char, kind: t(`problem.hidden_char.${hiddenCharKind(char)}`) });
  }
  const key = `problem.${p.problem}`;
  // A name this page does not know yet (a newer API): the API's own words beat a vague one.
  return isKey(key) ? t(key, p) : p.message || t('problem.invalid');
}

/** Seconds as "45 s" / "3 min" in the current language. */
const wait = (seconds: number) =>
  seconds > 120 ? t('proof.minutes', { n: Math.ceil(seconds / 60) }) : t('proof.seconds', { n: Math.max(1, seconds) });

/** One sentence for a refusal that is not about one field (or any error at all), in the current language. */
export function errorText(err: unknown): string {
  if (!(err instanceof ApiError)) return t('apiError.unknown', { code: err instanceof Error ? err.name : 'error' });
  if (err.code === 'too_many_requests') {
    return err.retryAfter
      ? t('apiError.too_many_requests', { wait: wait(err.retryAfter) })
      : t('apiError.too_many_requests.soon');
  }
  const key = `apiError.${err.code}`;
  return isKey(key) ? t(key) : t('apiError.unknown', { code: err.code });
}

/**
 * An API refusal split for a form: the sentence for each of `fields` that was
 * refused (by the field's path), and what is left to say at the top of the
 * form (problems about other paths, or the refusal as a whole).
 */
export function formProblems(
  err: unknown,
  fields: readonly string[],
): { byField: Partial<Record<string, string>>; rest: string[] } {
  const problems = problemsOf(err);
  const byField: Partial<Record<string, string>> = {};
  const rest: string[] = [];
  for (const p of problems) {
    const text = problemText(p);
    if (fields.includes(p.path)) byField[p.path] = byField[p.path] ? `${byField[p.path]} ${text}` : text;
    else rest.push(text);
  }
  if (problems.length === 0 && err !== undefined && err !== null) rest.push(errorText(err));
  return { byField, rest };
}
