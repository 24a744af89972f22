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

/** Where one part of a name ends and the next begins: spaces, interpuncts, dots (`John.Smith`). */
const NAME_SEPARATOR = /([ ·・.])/u;
/** Scripts whose names are written without spaces, family name first, and have no initials. */
const IDEOGRAPHIC = /^[\p{sc=Hani}\p{sc=Hira}\p{sc=Kana}\p{sc=Hang}\p{sc=Bopo}]/u;

/**
 * The masked form of a (sanitised) legal name. It never reveals the whole
 * name, and never the family name in full:
 * - A name of several parts (written with spaces, interpuncts or dots, in
 *   any script — `John Smith`, `Иван Петров`, `محمد عبد الله`, `约翰·史密斯`):
 *   the first part stays, every later part becomes its initial and a dot, or
 *   `*` in scripts without initials and for one-letter parts → `John S.`, `Иван П.`, `محمد ع. ا.`,
 *   `约翰·*`. Dots between parts become spaces (`John.Smith` → `John S.`).
 * - One part in Han, Kana or Hangul (`张三丰`): the family name comes first
 *   → `*三丰`; a single character becomes `*`.
 * - One part in any other script (`Madonna`): the first letter stays → `M*`.
 * RealCall assumes the given name is the first part of a name written with
 * spaces; a person whose family name comes first there sees exactly what
 * callees will see in the privacy preview before choosing, and can hide it.
 */
export function maskName(name: string): string {
  return maskWith(name, isPlain(name));
}

/** The full algorithm, for tests: `maskName` gives the same answer faster for plain names. */
export const maskNameSlowly = (name: string): string => maskWith(name, false);

function maskWith(name: string, plain: boolean): string {
  const clean = plain ? name : sanitizeSlowly(name);
  // A plain name's code points are its graphemes.
  const graphemesOf = (s: string) => (plain ? Array.from(s) : Array.from(segmenter.segment(s), (g) => g.segment));
  const pieces = clean.split(NAME_SEPARATOR); // part, separator, part, …
  const parts = pieces.filter((piece, i) => i % 2 === 0 && piece !== '');
  if (parts.length >= 2) {
    let out = '';
    let first = true;
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i]!;
      if (i % 2 === 1) {
        if (out !== '' && !out.endsWith(' ')) out += piece === '.' ? ' ' : piece;
        continue;
      }
      if (piece === '') continue;
      if (first) {
        out += piece;
        first = false;
        continue;
      }
      // A one-letter part has no initial to keep apart from itself.
      const letters = graphemesOf(piece);
      out += IDEOGRAPHIC.test(letters[0]!) || letters.length === 1 ? '*' : `${letters[0]}.`;
    }
    return out.trimEnd();
  }
  const graphemes = graphemesOf(clean.replace(/[ ·・.]/gu, ''));
  if (graphemes.length <= 1) return '*';
  return IDEOGRAPHIC.test(graphemes[0]!) ? `*${graphemes.slice(1).join('')}` : `${graphemes[0]}*`;
}
