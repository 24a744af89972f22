import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_BYTES,
  MAX_GRAPHEMES,
  maskName,
  maskNameSlowly,
  sanitizeDisplayName,
  sanitizeSlowly,
} from './display-name';

const graphemes = (s: string) => Array.from(new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(s));
const bytes = (s: string) => new TextEncoder().encode(s).length;

/** Any string at all: full Unicode, lone surrogates included. */
const anyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({
    unit: fc.constantFrom(
      '\u202e',
      '\u2066',
      '\u200b',
      '\u200d',
      '\ufeff',
      '"',
      '\\',
      '\u0000',
      '\n',
      '\u0301',
      '张',
      'e',
      ' ',
      '\u00a0',
      '<',
      '\ud800',
    ),
    maxLength: 120,
  }),
);

describe('sanitizeDisplayName', () => {
  it('keeps ordinary names as they are', () => {
    expect(sanitizeDisplayName('张三丰')).toBe('张三丰');
    expect(sanitizeDisplayName('Zoë Smith-Jones')).toBe('Zoë Smith-Jones');
    expect(sanitizeDisplayName("O'Brien")).toBe("O'Brien");
    expect(sanitizeDisplayName('阿沛·阿旺晋美')).toBe('阿沛·阿旺晋美');
  });

  it('removes quotes, backslashes, angle brackets, controls, bidi and zero-width characters', () => {
    expect(sanitizeDisplayName('"Bank" <sip:x>\\')).toBe('Bank sip:x');
    expect(sanitizeDisplayName('Alice\u202eecilA')).toBe('AliceecilA');
    expect(sanitizeDisplayName('a\u200bb\u200dc\ufeffd')).toBe('abcd');
    expect(sanitizeDisplayName('line\r\nbreak\u0000')).toBe('linebreak');
    expect(sanitizeDisplayName('\u2066iso\u2069')).toBe('iso');
  });

  it('collapses any run of spaces into one and trims', () => {
    expect(sanitizeDisplayName('  a\u00a0\u3000 b\t ')).toBe('a b');
  });

  it('cuts at 40 graphemes without splitting one', () => {
    const family = '👍🏽';
    expect(sanitizeDisplayName(family.repeat(50))).toBe(family.repeat(Math.floor(MAX_BYTES / bytes(family))));
    expect(graphemes(sanitizeDisplayName('é'.repeat(60)))).toHaveLength(MAX_GRAPHEMES);
    expect(sanitizeDisplayName('张'.repeat(41))).toBe('张'.repeat(40));
  });

  it('does not let one grapheme carry unbounded combining marks', () => {
    const zalgo = 'a' + '\u0301'.repeat(500);
    expect(bytes(sanitizeDisplayName(zalgo))).toBeLessThanOrEqual(12);
  });

  it('holds its contract for arbitrary Unicode', () => {
    fc.assert(
      fc.property(anyString, (input) => {
        const out = sanitizeDisplayName(input);
        expect(out).not.toMatch(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Co}\p{Cn}"\\<>]/u);
        expect(out).not.toMatch(/^ | $| {2}/);
        expect(out).not.toMatch(/[^\S ]/u);
        expect(graphemes(out).length).toBeLessThanOrEqual(MAX_GRAPHEMES);
        expect(bytes(out)).toBeLessThanOrEqual(MAX_BYTES);
        // Valid UTF-16 all through, so it always has a valid UTF-8 encoding.
        expect(out.isWellFormed()).toBe(true);
        expect(() => encodeURIComponent(out)).not.toThrow();
        // Stable: sanitising twice changes nothing.
        expect(sanitizeDisplayName(out)).toBe(out);
      }),
      { numRuns: 3000 },
    );
  });

  it('gives the same answer on its fast path as the full algorithm', () => {
    const plainish = fc.string({
      unit: fc.constantFrom(
        '张',
        '三',
        'a',
        'Z',
        'é',
        ' ',
        '·',
        "'",
        '-',
        '.',
        '\u0301',
        '\u1100',
        '\u1161',
        '\uf900',
        '한',
        '1',
        '*',
        '(',
        '_',
        'ก',
        '\u0e33',
        '\ufb1d',
        'Ω',
        'ж',
      ),
      maxLength: 60,
    });
    fc.assert(
      fc.property(fc.oneof(plainish, anyString), (input) => {
        expect(sanitizeDisplayName(input)).toBe(sanitizeSlowly(input));
        expect(maskName(input)).toBe(maskNameSlowly(input));
      }),
      { numRuns: 5000 },
    );
  });

  it('never splits a grapheme: the result is a prefix of whole clusters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 120 }), (input) => {
        const clean = input.normalize('NFC');
        fc.pre(!/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Co}\p{Cn}"\\<>\p{Zs}]/u.test(clean));
        fc.pre(graphemes(clean).every((g) => Array.from(g.segment).length <= 6));
        const out = sanitizeDisplayName(clean);
        const kept = graphemes(out).map((g) => g.segment);
        expect(
          graphemes(clean)
            .slice(0, kept.length)
            .map((g) => g.segment),
        ).toEqual(kept);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('maskName', () => {
  it('hides the family name, in every script', () => {
    expect(maskName('张三丰')).toBe('*三丰');
    expect(maskName('张三')).toBe('*三');
    expect(maskName('张')).toBe('*');
    expect(maskName('欧阳娜娜')).toBe('*阳娜娜');
    expect(maskName('김민준')).toBe('*민준');
    expect(maskName('John Smith')).toBe('John S.');
    expect(maskName('John.Smith')).toBe('John S.');
    expect(maskName('Mary Ann Lee')).toBe('Mary A. L.');
    expect(maskName("Mary O'Brien")).toBe('Mary O.');
    expect(maskName('Jean-Luc Picard')).toBe('Jean-Luc P.');
    expect(maskName('Иван Петров')).toBe('Иван П.');
    expect(maskName('محمد عبد الله')).toBe('محمد ع. ا.');
    expect(maskName('约翰·史密斯')).toBe('约翰·*');
    expect(maskName('Madonna')).toBe('M*');
    expect(maskName('A B')).toBe('A *');
  });

  /** The parts of a name as the rule reads them. */
  const partsOf = (clean: string) => clean.split(/[ ·・.]/u).filter(Boolean);

  it('never shows a later part in full, nor the whole name, and is itself a safe display name', () => {
    const letter = fc.constantFrom(
      ...'abcdefghijklmnopqrstuvwxyzéüßабвгдежзийклмнопрстуфхцчшщыэюяابتثجحخدذرزسشصضطظعغفقكلمنهوي'.split(''),
    );
    const part = fc.array(letter, { minLength: 1, maxLength: 10 }).map((l) => l.join(''));
    const separator = fc.constantFrom(' ', '·', '.', ' ');
    const name = fc
      .tuple(part, fc.array(fc.tuple(separator, part), { minLength: 0, maxLength: 4 }))
      .map(([head, rest]) => head + rest.map(([sep, p]) => sep + p).join(''));
    fc.assert(
      fc.property(fc.oneof(name, anyString), (raw) => {
        fc.pre(!raw.includes('*'));
        const clean = sanitizeDisplayName(raw);
        const masked = maskName(raw);
        expect(sanitizeDisplayName(masked)).toBe(masked);
        if (clean.length === 0) return;
        expect(masked).not.toBe(clean);
        expect(masked.includes(clean)).toBe(false);
        const parts = partsOf(clean);
        const shown = partsOf(masked);
        // Every later part is at most its initial: never its whole self, when it has more than one letter.
        for (const later of parts.slice(1)) {
          if (graphemes(later).length > 1) expect(shown.slice(1)).not.toContain(later);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
