/**
 * The realtime request reader and its LIKE: bounded work whatever Asterisk
 * (or whoever holds the shared secret) sends.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { likeMatch, MAX_CONDITIONS, MAX_PATTERN_LENGTH, parseConditions, RealtimeRequestError } from './realtime';

/** The obvious definition, by recursion over both strings: only for short inputs. */
function reference(p: string[], t: string[]): boolean {
  if (p.length === 0) return t.length === 0;
  if (p[0] === '%') return reference(p.slice(1), t) || (t.length > 0 && reference(p, t.slice(1)));
  if (t.length === 0) return false;
  return (p[0] === '_' || p[0] === t[0]) && reference(p.slice(1), t.slice(1));
}

describe('likeMatch', () => {
  it('agrees with the definition of LIKE on short inputs', () => {
    const alphabet = fc.constantFrom('a', 'b', 'A', '%', '_', '张', '😀');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 8 }), fc.array(alphabet, { maxLength: 8 }), (p, t) => {
        const text = t.filter((c) => c !== '%' && c !== '_');
        const expected = reference(
          p.map((c) => c.toLowerCase()),
          text.map((c) => c.toLowerCase()),
        );
        expect(likeMatch(p.join(''), text.join(''))).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('knows the patterns Asterisk sends', () => {
    expect(likeMatch('%', '')).toBe(true);
    expect(likeMatch('%', '1002')).toBe(true);
    expect(likeMatch('10%', '1002')).toBe(true);
    expect(likeMatch('10%', '2002')).toBe(false);
    expect(likeMatch('1_02', '1002')).toBe(true);
    expect(likeMatch('MD5:%', 'md5:abc')).toBe(true);
  });

  it('finishes the patterns that froze the old regular expression: many % then a character that never comes', () => {
    const value = `md5:${'a'.repeat(200)}`;
    expect(likeMatch(`${'%'.repeat(9)}x`, value)).toBe(false);
    expect(likeMatch(`${'%'.repeat(MAX_PATTERN_LENGTH - 1)}x`, value)).toBe(false);
    expect(likeMatch(`${'%_'.repeat(100)}x`, value)).toBe(false);
    expect(likeMatch(`${'%a'.repeat(100)}%`, value)).toBe(true);
  });
});

describe('parseConditions', () => {
  it('reads operators and percent-encoding', () => {
    expect(parseConditions('id%20LIKE=10%25&mailboxes%20!%3D=')).toEqual([
      { field: 'id', op: 'LIKE', value: '10%' },
      { field: 'mailboxes', op: '!=', value: '' },
    ]);
  });

  it(`refuses more than ${MAX_CONDITIONS} conditions and values over ${MAX_PATTERN_LENGTH} characters, saying which`, () => {
    const many = Array.from({ length: MAX_CONDITIONS + 1 }, (_, i) => `id${i}=1`).join('&');
    expect(() => parseConditions(many)).toThrow(RealtimeRequestError);
    expect(() => parseConditions(many)).toThrow(`at most ${MAX_CONDITIONS} conditions`);
    expect(() => parseConditions(`password_digest%20LIKE=${'%25'.repeat(5000)}x`)).toThrow(
      `longer than ${MAX_PATTERN_LENGTH} characters`,
    );
    expect(parseConditions(`id%20LIKE=${'%25'.repeat(MAX_PATTERN_LENGTH)}`)).toHaveLength(1);
  });
});
