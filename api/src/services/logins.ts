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
import { eq } from 'drizzle-orm';
import type { Db } from '../../../db/open';
import { appMeta, users, type LoginKind } from '../../../db/schema';
import { recordAudit, type Actor } from './audit';

export type NormalLogin = { login: string; kind: LoginKind };
export type LoginRules = { defaultCountry?: CountryCode | undefined };

/** A login that cannot be read: `problem` names what is wrong for the page to say in its language. */
export class LoginError extends Error {
  override name = 'LoginError';
  constructor(
    readonly problem: string,
    message: string,
    readonly params: Record<string, string> = {},
  ) {
    super(message);
  }
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
    const char = codePoint(forbidden[0]);
    throw new LoginError('hidden_char', `login must not contain invisible or control characters (found ${char})`, {
      char,
    });
  }
  const value = raw.normalize('NFKC').trim();
  if (value === '') throw new LoginError('required', 'login is required');
  if (value.length > 254) throw new LoginError('too_long', 'login is too long');
  return value.includes('@') ? email(value) : phone(value, rules);
}

function email(value: string): NormalLogin {
  const at = value.lastIndexOf('@');
  const local = value.slice(0, at).toLowerCase();
  const domainRaw = value.slice(at + 1);
  if (!LOCAL_PART.test(local) || local.length > 64) {
    throw new LoginError(
      'email_local',
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
    throw new LoginError('email_domain', 'login: the part after @ must be a domain name such as example.org');
  }
  return { login: `${local}@${domain}`, kind: 'email' };
}

function phone(value: string, rules: LoginRules): NormalLogin {
  if (!PHONE_CHARS.test(value)) throw new LoginError('login_kind', 'login must be an e-mail address or a phone number');
  const international = value.startsWith('+') || value.startsWith('00');
  if (!international && !rules.defaultCountry) {
    throw new LoginError('phone_country', 'login: a phone number must start with + and its country code');
  }
  const text = !rules.defaultCountry && value.startsWith('00') ? `+${value.slice(2)}` : value;
  const parsed = parsePhoneNumberFromString(text, rules.defaultCountry);
  if (!parsed?.isValid()) throw new LoginError('phone_invalid', 'login: not a valid phone number');
  return { login: parsed.number, kind: 'phone' };
}

const NORMALISED_MARK = 'logins_normalised';
const NORMALISED_VERSION = '1';

export type StoredLoginReport = {
  changed: number;
  conflicts: { userId: number; login: string; wouldBe: string }[];
  refused: { userId: number; login: string; why: string }[];
};

/**
 * Brings logins stored before these rules into their canonical form, once
 * per database (app_meta remembers it). A login whose canonical form belongs
 * to someone else is left as it is and reported — never merged — in the
 * audit log and the returned report, and so is one that the rules refuse;
 * an admin decides. Returns what it did.
 */
export function normaliseStoredLogins(db: Db, rules: LoginRules): StoredLoginReport {
  const report: StoredLoginReport = { changed: 0, conflicts: [], refused: [] };
  const done = db.select().from(appMeta).where(eq(appMeta.key, NORMALISED_MARK)).get();
  if (done?.value === NORMALISED_VERSION) return report;
  const system: Actor = { id: null, login: 'system (login normalisation)' };
  db.transaction((tx) => {
    for (const person of tx.select({ id: users.id, login: users.login }).from(users).orderBy(users.id).all()) {
      let canonical: NormalLogin;
      try {
        canonical = normaliseLogin(person.login, rules);
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        report.refused.push({ userId: person.id, login: person.login, why });
        recordAudit(tx, system, {
          action: 'login.normalise.refused',
          targetType: 'user',
          targetId: person.id,
          targetUserId: person.id,
          beforeStatus: null,
          afterStatus: null,
          reason: `${JSON.stringify(person.login)}: ${why}; left as it is`,
        });
        continue;
      }
      if (canonical.login === person.login) continue;
      const taken = tx.select({ id: users.id }).from(users).where(eq(users.login, canonical.login)).get();
      if (taken) {
        report.conflicts.push({ userId: person.id, login: person.login, wouldBe: canonical.login });
        recordAudit(tx, system, {
          action: 'login.normalise.conflict',
          targetType: 'user',
          targetId: person.id,
          targetUserId: person.id,
          beforeStatus: null,
          afterStatus: null,
          reason: `${JSON.stringify(person.login)} is the same login as person ${taken.id}'s ${canonical.login}; left as it is, not merged`,
        });
        continue;
      }
      tx.update(users).set({ login: canonical.login, loginKind: canonical.kind }).where(eq(users.id, person.id)).run();
      report.changed += 1;
    }
    tx.insert(appMeta)
      .values({ key: NORMALISED_MARK, value: NORMALISED_VERSION })
      .onConflictDoUpdate({ target: appMeta.key, set: { value: NORMALISED_VERSION } })
      .run();
  });
  return report;
}
