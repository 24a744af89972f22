/**
 * One login, one spelling: every look-alike that made a separate account
 * before comes out as the same canonical login, or is refused by name.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LoginError, normaliseLogin } from './logins';

const cn = { defaultCountry: 'CN' as const };
const refused = (raw: string, rules = {}) => {
  try {
    normaliseLogin(raw, rules);
  } catch (err) {
    expect(err).toBeInstanceOf(LoginError);
    return (err as Error).message;
  }
  throw new Error(`${JSON.stringify(raw)} was accepted`);
};

describe('normaliseLogin', () => {
  it('makes look-alike e-mail addresses one login', () => {
    for (const raw of [
      'zhang@demo.realcall.test',
      'ｚhang@demo.realcall.test',
      'ZHANG@Demo.RealCall.Test',
      ' zhang@demo.realcall.test ',
    ]) {
      expect(normaliseLogin(raw), raw).toEqual({ login: 'zhang@demo.realcall.test', kind: 'email' });
    }
    // Full-width @ and dots become their plain forms too.
    expect(normaliseLogin('zhang＠demo．realcall．test').login).toBe('zhang@demo.realcall.test');
  });

  it('refuses invisible, bidi and control characters, naming the code point', () => {
    expect(refused('zhang\u200b@demo.realcall.test')).toContain('U+200B');
    expect(refused('\u202egnahz@demo.realcall.test')).toContain('U+202E');
    expect(refused('zh\u0000ang@demo.realcall.test')).toContain('U+0000');
    expect(refused('zh\u0001ang@demo.realcall.test')).toContain('U+0001');
    expect(refused('zhang@demo.realcall.test\ufeff')).toContain('U+FEFF');
  });

  it('refuses non-ASCII local parts (josé and jose + U+0301 alike), and turns domains to their ASCII form', () => {
    expect(refused('josé@example.org')).toMatch(/before @ must be ASCII/);
    expect(refused('jose\u0301@example.org')).toMatch(/before @ must be ASCII/);
    expect(refused('zhаng@example.org')).toMatch(/before @ must be ASCII/); // Cyrillic а
    expect(normaliseLogin('li@例子.中国').login).toBe('li@xn--fsqu00a.xn--fiqs8s');
    expect(refused('li@localhost')).toMatch(/domain name/);
    expect(refused('li@-bad.org')).toMatch(/domain name/);
  });

  it('writes every phone number in E.164, whichever way it was typed', () => {
    for (const raw of [
      '+8613800138000',
      '8613800138000',
      '0086 138 0013 8000',
      '138-0013-8000',
      '(138) 0013 8000',
      '+86 138 0013 8000',
    ]) {
      expect(normaliseLogin(raw, cn), raw).toEqual({ login: '+8613800138000', kind: 'phone' });
    }
    expect(normaliseLogin('+1 650 253 0000', cn).login).toBe('+16502530000');
    expect(normaliseLogin('0016502530000').login).toBe('+16502530000');
  });

  it('needs a country code when no default country is configured, and refuses numbers that cannot exist', () => {
    expect(refused('13800138000')).toMatch(/start with \+ and its country code/);
    expect(normaliseLogin('+8613800138000').login).toBe('+8613800138000');
    expect(refused('+86138001380001', cn)).toMatch(/not a valid phone number/);
    expect(refused('12', cn)).toMatch(/not a valid phone number/);
    expect(refused('call me', cn)).toMatch(/e-mail address or a phone number/);
  });

  it('is idempotent: a normalised login normalises to itself', () => {
    fc.assert(
      fc.property(fc.emailAddress(), (address) => {
        let first;
        try {
          first = normaliseLogin(address);
        } catch {
          return; // refused is fine; only accepted logins must be stable
        }
        expect(normaliseLogin(first.login)).toEqual(first);
      }),
      { numRuns: 500 },
    );
  });
});
