/**
 * The one sanitiser every name passes before it can reach SIP, and the
 * masking rule for `masked` names (DESIGN.md, "The name the callee sees").
 */

/** At most this many user-perceived characters (grapheme clusters). */
export const MAX_GRAPHEMES = 40;
/** And at most this many UTF-8 bytes, so one grapheme cannot carry a payload. */
export const MAX_BYTES = 160;
/** Code points kept per grapheme cluster: enough for a letter and its marks. */
const MAX_CODE_POINTS_PER_GRAPHEME = 6;

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const encoder = new TextEncoder();

/**
 * Removed outright: control (Cc), format (Cf: bidi overrides and isolates,
 * zero-width spaces and joiners, BOM…), line/paragraph separators, lone
 * surrogates, private-use and unassigned code points; and the characters
 * that can break out of a SIP quoted display name or a name-addr (`"`, `\`,
 * `<`, `>`).
 */
const DROP = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Co}\p{Cn}"\\<>]/gu;
const SPACES = /\p{Zs}+/gu;

/**
 * Already safe, the common case: letters, digits and name punctuation with
 * single inner spaces, where every code point is a grapheme of its own (no
 * combining marks, no conjoining Hangul jamo, only scripts whose letters
 * never join), and nothing NFC would change. Such a string needs no segmenting: the
 * per-call lookup skips the slow path for it (see bench/).
 */
const PLAIN =
  /^(?:(?=\p{L})[\p{sc=Latn}\p{sc=Hani}\p{sc=Cyrl}\p{sc=Grek}\p{sc=Hira}\p{sc=Kana}\p{sc=Hang}]|[0-9'.\-·・*()_,&]| (?=[^ ]))*$/u;
/** Conjoining Hangul jamo join into one grapheme: not plain. */
const NOT_PLAIN = /[\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\ud7b0-\ud7ff]/u;

function isPlain(input: string): boolean {
  return (
    input.length <= MAX_GRAPHEMES * 2 &&
    input[0] !== ' ' &&
    PLAIN.test(input) &&
    !NOT_PLAIN.test(input) &&
    input.normalize('NFC') === input &&
    Array.from(input).length <= MAX_GRAPHEMES &&
    Buffer.byteLength(input, 'utf8') <= MAX_BYTES
  );
}

/**
 * Makes `input` safe to put in a SIP display name: the result never holds
 * the characters listed on DROP, has single ASCII spaces only, no leading or
 * trailing space, at most MAX_GRAPHEMES grapheme clusters and MAX_BYTES
 * UTF-8 bytes, and is cut only between grapheme clusters. It may be empty.
 */
export function sanitizeDisplayName(input: string): string {
  return isPlain(input) ? input : sanitizeSlowly(input);
}

/** The full algorithm; `sanitizeDisplayName` gives the same answer faster for plain names. */
export function sanitizeSlowly(input: string): string {
  const cleaned = input.normalize('NFC').replace(DROP, '').replace(SPACES, ' ').trim();
  let out = '';
  let bytes = 0;
  let count = 0;
  for (const { segment } of segmenter.segment(cleaned)) {
    if (count === MAX_GRAPHEMES) break;
    const kept = capCodePoints(segment);
    const size = encoder.encode(kept).length;
    if (bytes + size > MAX_BYTES) break;
    out += kept;
    bytes += size;
    count += 1;
  }
  // Cutting may leave a trailing space; capping may re-form a different
  // normalisation: both are settled here so the result is stable.
  return out.trimEnd().normalize('NFC');
}

function capCodePoints(grapheme: string): string {
  const points = Array.from(grapheme);
  return points.length <= MAX_CODE_POINTS_PER_GRAPHEME
    ? grapheme
    : points.slice(0, MAX_CODE_POINTS_PER_GRAPHEME).join('');
}

/** Word separators in names: spaces and the interpunct of transliterated names. */
const NAME_PARTS = new Set([' ', '·', '・']);

function lastSeparator(name: string): number {
  for (let i = name.length - 1; i >= 0; i--) if (NAME_PARTS.has(name[i]!)) return i;
  return -1;
}

/**
 * The masked form of a (sanitised) legal name. It never reveals the whole
 * name: the family name is replaced by `*`.
 * - Several parts (`John Smith`, `约翰·史密斯`): the last part is the family
 *   name → `John *`, `约翰·*`.
 * - One part (`张三丰`): the family name comes first → `*三丰`; a single
 *   character becomes `*`.
 */
export function maskName(name: string): string {
  return maskWith(name, isPlain(name));
}

/** The full algorithm, for tests: `maskName` gives the same answer faster for plain names. */
export const maskNameSlowly = (name: string): string => maskWith(name, false);

function maskWith(name: string, plain: boolean): string {
  const clean = plain ? name : sanitizeSlowly(name);
  const last = lastSeparator(clean);
  if (last > 0 && last < clean.length - 1) return `${clean.slice(0, last + 1)}*`;
  // A plain name's code points are its graphemes.
  const graphemes = plain ? Array.from(clean) : Array.from(segmenter.segment(clean), (s) => s.segment);
  return graphemes.length <= 1 ? '*' : `*${graphemes.slice(1).join('')}`;
}
