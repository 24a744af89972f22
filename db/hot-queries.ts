/**
 * The queries on the per-call and per-REGISTER paths, as plain prepared
 * statements: drizzle's row mapping costs about twice the SQLite read here
 * (measured in bench/), and these run for every call. Everything else goes
 * through drizzle.
 */
import type { Db } from './open';
import type { NamePrivacy } from './schema';

export type CallerRow = { extension: string; nickname: string; privacy: NamePrivacy; verifiedName: string | null };
export type SipAccountRow = { userId: number; extension: string; secretSealed: string };

const CALLER = `
  SELECT s.extension AS extension, u.nickname AS nickname, u.name_privacy AS privacy, v.legal_name AS verifiedName
  FROM sip_accounts s
  JOIN users u ON u.id = s.user_id AND u.disabled = 0
  LEFT JOIN verifications v ON v.user_id = u.id AND v.status = 'verified'
  WHERE s.extension = ?`;

const ACCOUNT = `
  SELECT s.user_id AS userId, s.extension AS extension, s.secret_sealed AS secretSealed
  FROM sip_accounts s
  JOIN users u ON u.id = s.user_id AND u.disabled = 0
  WHERE s.extension = ?`;

type Statements = {
  caller: (ext: string) => CallerRow | undefined;
  account: (ext: string) => SipAccountRow | undefined;
};
const cache = new WeakMap<Db, Statements>();

function statements(db: Db): Statements {
  let s = cache.get(db);
  if (!s) {
    const caller = db.$client.prepare<[string], CallerRow>(CALLER);
    const account = db.$client.prepare<[string], SipAccountRow>(ACCOUNT);
    s = { caller: (ext) => caller.get(ext), account: (ext) => account.get(ext) };
    cache.set(db, s);
  }
  return s;
}

/** An enabled person's name data by extension (the caller-name lookup). */
export const findCaller = (db: Db, extension: string): CallerRow | undefined => statements(db).caller(extension);

/** An enabled person's SIP account by extension (realtime `single` by id). */
export const findSipAccount = (db: Db, extension: string): SipAccountRow | undefined =>
  statements(db).account(extension);
