/**
 * What a login is, in one canonical form, so two spellings of one address
 * can never be two accounts (full-width letters, invisible characters,
 * decomposed accents, phone numbers with or without their country code).
 *
 * The rules, in order:
 * 1. Invisible, control, format (bidi, zero-width), private-use and
 *    unassigned characters are refused, named by code point — never removed
 *    quietly, so what a person typed is what they are told about.
 * 2. NFKC: full-width and other compatibility forms become their plain
 *    letters (`ｚ` → `z`), accents compose (`e` + U+0301 → `é`).
 * 3. E-mail addresses (anything with an `@`): the domain is lower-cased and
 *    turned into its ASCII (IDNA) form; the local part must be ASCII and is
 *    lower-cased too — RealCall treats `Zhang@` and `zhang@` as one person,
 *    as nearly every mail provider does, and refuses non-ASCII local parts
 *    so no look-alike letter from another script can stand in.
 * 4. Phone numbers: digits with optional spaces, dashes, dots and brackets,
 *    a leading `+` or `00`; parsed with libphonenumber and stored in E.164
 *    (`+8613800138000`). Numbers without a country code are read in the
 *    configured default country (REALCALL_PHONE_COUNTRY) and refused when
 *    none is configured.
 */
import { domainToASCII } from 'node:url';
import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import type { LoginKind } from '../../../db/schema';

export type NormalLogin = { login: string; kind: LoginKind };
export type LoginRules = { defaultCountry?: CountryCode | undefined };

export class LoginError extends Error {
  override name = 'LoginError';
}

/** Characters no login may hold (checked before NFKC, which would hide some of them). */
const FORBIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Co}\p{Cn}]/u;
const LOCAL_PART = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const PHONE_CHARS = /^\+?[0-9 ().-]+$/;

const codePoint = (ch: string) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** The kind of a login already in canonical form. */
export const loginKindOf = (login: string): LoginKind => (login.includes('@') ? 'email' : 'phone');

/** Whether `code` is an ISO 3166 country libphonenumber knows (for the config schema). */
export const isPhoneCountry = (code: string): code is CountryCode => isSupportedCountry(code);

/** The canonical form of a login, or a LoginError whose message says what is wrong. */
export function normaliseLogin(raw: string, rules: LoginRules = {}): NormalLogin {
  const forbidden = FORBIDDEN.exec(raw);
  if (forbidden) {
    throw new LoginError(`login must not contain invisible or control characters (found ${codePoint(forbidden[0])})`);
  }
  const value = raw.normalize('NFKC').trim();
  if (value === '') throw new LoginError('login is required');
  if (value.length > 254) throw new LoginError('login is too long');
  return value.includes('@') ? email(value) : phone(value, rules);
}

function email(value: string): NormalLogin {
  const at = value.lastIndexOf('@');
  const local = value.slice(0, at).toLowerCase();
  const domainRaw = value.slice(at + 1);
  if (!LOCAL_PART.test(local) || local.length > 64) {
    throw new LoginError(
      'login: the part before @ must be ASCII letters, digits and . _ % + - (no spaces, no other scripts)',
    );
  }
  const domain = domainToASCII(domainRaw.toLowerCase());
  const labels = domain.split('.');
  if (
    !domain ||
    labels.length < 2 ||
    !labels.every((l) => DOMAIN_LABEL.test(l)) ||
    !/^[a-z]{2,}$|^xn--/.test(labels.at(-1)!)
  ) {
    throw new LoginError('login: the part after @ must be a domain name such as example.org');
  }
  return { login: `${local}@${domain}`, kind: 'email' };
}

function phone(value: string, rules: LoginRules): NormalLogin {
  if (!PHONE_CHARS.test(value)) throw new LoginError('login must be an e-mail address or a phone number');
  const international = value.startsWith('+') || value.startsWith('00');
  if (!international && !rules.defaultCountry) {
    throw new LoginError('login: a phone number must start with + and its country code');
  }
  const text = !rules.defaultCountry && value.startsWith('00') ? `+${value.slice(2)}` : value;
  const parsed = parsePhoneNumberFromString(text, rules.defaultCountry);
  if (!parsed?.isValid()) throw new LoginError('login: not a valid phone number');
  return { login: parsed.number, kind: 'phone' };
}
