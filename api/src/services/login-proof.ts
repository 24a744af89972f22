/**
 * Proof that a person owns their login, before anything trusts it: a
 * six-digit one-time code sent to the e-mail address or phone number.
 *
 *     unproven ──ask for a code──▶ code sent ──right code in time──▶ proven
 *        ▲                            │
 *        └── expired, 5 wrong tries ──┘
 *
 * Until proven a person can sign in and call, but cannot submit a
 * verification, be approved, or be matched by a CSV import. A code lives
 * CODE_TTL_MS, allows MAX_TRIES guesses, is kept only as a keyed hash bound
 * to the person and the address it went to, and a person may ask for at most
 * MAX_SENDS codes per SEND_WINDOW_MS, one per RESEND_MS.
 */
import { randomInt } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../../../db/open';
import { loginCodes, users } from '../../../db/schema';
import { AppError, conflict, notFound } from '../errors';
import type { CodeSenders } from './code-senders';
import { hashLoginCode, sameHex, type Keys } from './secrets';

export const CODE_TTL_MS = 10 * 60 * 1000;
export const MAX_TRIES = 5;
export const RESEND_MS = 60 * 1000;
export const MAX_SENDS = 5;
export const SEND_WINDOW_MS = 60 * 60 * 1000;

export type CodeSent = { sentTo: string; expiresAt: string; resendAfter: string };

/** How an address is shown back: enough to recognise it, not enough to read it off a screen. */
export function maskAddress(login: string): string {
  if (login.includes('@')) {
    const [local, domain] = [login.slice(0, login.lastIndexOf('@')), login.slice(login.lastIndexOf('@') + 1)];
    return `${local.slice(0, 1)}${'•'.repeat(Math.max(1, Math.min(6, local.length - 1)))}@${domain}`;
  }
  return `${login.slice(0, 3)}${'•'.repeat(Math.max(1, login.length - 7))}${login.slice(-4)}`;
}

/** Sends a fresh code to the person's login; any earlier code stops working. */
export async function requestLoginCode(
  db: Db,
  keys: Keys,
  senders: CodeSenders,
  userId: number,
  now = Date.now(),
): Promise<CodeSent> {
  const person = db.select().from(users).where(eq(users.id, userId)).get();
  if (!person) throw notFound('No such person.');
  if (person.loginProvenAt) throw conflict('login_already_proven', `${person.login} is already proven.`);
  const sender = senders[person.loginKind];
  if (!sender) {
    throw new AppError(
      503,
      'login_proof_unavailable',
      `This server cannot send codes to ${person.loginKind === 'email' ? 'e-mail addresses' : 'phone numbers'} yet; ask its operator.`,
    );
  }
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const expiresAt = new Date(now + CODE_TTL_MS);
  // Counted before sending: a failing mail server must not become a way to send without limit.
  db.transaction((tx) => {
    const last = tx.select().from(loginCodes).where(eq(loginCodes.userId, userId)).get();
    const fresh = !last || now - last.windowStart.getTime() >= SEND_WINDOW_MS;
    if (last && now - last.sentAt.getTime() < RESEND_MS) {
      const wait = Math.ceil((RESEND_MS - (now - last.sentAt.getTime())) / 1000);
      throw new AppError(
        429,
        'too_many_requests',
        `A code was sent just now; ask again in ${wait} s.`,
        undefined,
        wait,
      );
    }
    if (!fresh && last.sendsInWindow >= MAX_SENDS) {
      const wait = Math.ceil((last.windowStart.getTime() + SEND_WINDOW_MS - now) / 1000);
      throw new AppError(
        429,
        'too_many_requests',
        `${MAX_SENDS} codes were sent within the hour; ask again in ${Math.ceil(wait / 60)} min.`,
        undefined,
        wait,
      );
    }
    const row = {
      userId,
      codeHash: hashLoginCode(keys, userId, person.login, code),
      sentTo: person.login,
      expiresAt,
      attempts: 0,
      sentAt: new Date(now),
      sendsInWindow: fresh ? 1 : last.sendsInWindow + 1,
      windowStart: fresh ? new Date(now) : last.windowStart,
    };
    tx.insert(loginCodes).values(row).onConflictDoUpdate({ target: loginCodes.userId, set: row }).run();
  });
  try {
    await sender.send({ kind: person.loginKind, to: person.login, code, expiresAt });
  } catch (err) {
    throw new AppError(
      502,
      'login_code_not_sent',
      `The code could not be sent (${err instanceof Error ? err.message : String(err)}); try again in a minute.`,
    );
  }
  return {
    sentTo: maskAddress(person.login),
    expiresAt: expiresAt.toISOString(),
    resendAfter: new Date(now + RESEND_MS).toISOString(),
  };
}

/** Checks a code; the right one in time proves the login. */
export function confirmLoginCode(db: Db, keys: Keys, userId: number, code: string, now = Date.now()): void {
  // A wrong code is answered after the transaction commits, so its count is kept.
  const wrong = db.transaction((tx): { message: string; triesLeft: number } | undefined => {
    const person = tx.select().from(users).where(eq(users.id, userId)).get();
    if (!person) throw notFound('No such person.');
    if (person.loginProvenAt) throw conflict('login_already_proven', `${person.login} is already proven.`);
    const row = tx.select().from(loginCodes).where(eq(loginCodes.userId, userId)).get();
    const usable = row && row.attempts < MAX_TRIES && row.expiresAt.getTime() > now && row.sentTo === person.login;
    if (!row || !usable) {
      throw new AppError(410, 'login_code_expired', 'That code has expired or was used up; ask for a new one.');
    }
    if (!sameHex(row.codeHash, hashLoginCode(keys, userId, person.login, code))) {
      tx.update(loginCodes)
        .set({ attempts: row.attempts + 1 })
        .where(eq(loginCodes.userId, userId))
        .run();
      const left = MAX_TRIES - row.attempts - 1;
      const message = left > 0 ? `That code is wrong; ${left} tries left.` : 'That code is wrong; ask for a new one.';
      return { message, triesLeft: left };
    }
    tx.update(users)
      .set({ loginProvenAt: new Date(now) })
      .where(eq(users.id, userId))
      .run();
    // Only the send window stays: a proven person never needs another code for this login.
    tx.update(loginCodes).set({ codeHash: '', attempts: MAX_TRIES }).where(eq(loginCodes.userId, userId)).run();
    return undefined;
  });
  if (wrong) throw new AppError(400, 'login_code_wrong', wrong.message, { triesLeft: wrong.triesLeft });
}

/** Whether a person's login is proven (for the rules that need it). */
export function loginProven(db: Db, userId: number): boolean {
  const row = db.select({ at: users.loginProvenAt }).from(users).where(eq(users.id, userId)).get();
  return Boolean(row?.at);
}
