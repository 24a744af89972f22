/**
 * Bulk verification decisions from CSV, e.g. the results of an offline
 * identity check. Policy: **row by row**. Every row is checked on its own
 * and lands in its own transaction together with its audit entry; a bad row
 * gets a clear error with its line number and changes nothing, and the good
 * rows still land. The whole file is refused (nothing written) only when it
 * cannot be read as a whole: not UTF-8, malformed CSV, a wrong header, or
 * too many rows.
 *
 * Columns: `login,legal_name,id_number,status[,reason]` where status is
 * `verified` or `rejected` (a reason is required to reject). For each row:
 * - the login is read like a sign-in (services/logins.ts) and matches only
 *   a person who has **proven** they own it; an unproven login is refused,
 *   so nobody can sign up with someone else's address and be verified by
 *   an import meant for its owner;
 * - the person has a pending record → it is decided, provided the document
 *   number matches the one they submitted;
 * - no pending record → a new record is written with that decision;
 * - already decided the same way for the same document and name (the same
 *   file imported again) → nothing is written, and the row is reported as
 *   `already_recorded` in `unchanged`: importing a file twice is harmless;
 * - already verified (with another document) → the row is refused (revoke first);
 * - `verified` for a document that already verifies someone else → refused.
 */
import { and, desc, eq } from 'drizzle-orm';
import type { ZodType } from 'zod';
import type { Db } from '../../../db/open';
import { users, verifications } from '../../../db/schema';
import { badRequest } from '../errors';
import { idNumber, legalName, loginSchema, reason } from '../schemas';
import type { LoginRules } from './logins';
import { recordAudit, type Actor } from './audit';
import { CsvError, parseCsv } from './csv';
import { hashIdNumber, type Keys } from './secrets';
import { transition, verifiedElsewhere } from './verifications';

export const MAX_IMPORT_ROWS = 5000;
const HEADER = ['login', 'legal_name', 'id_number', 'status'];

export type ImportRowError = { line: number; code: string; message: string };
/** `unchanged`: rows already recorded exactly so (code `already_recorded`); nothing was written for them. */
export type ImportResult = { imported: number; unchanged: ImportRowError[]; errors: ImportRowError[] };

/** A row that is already recorded exactly so: not an error, and nothing to write. */
class AlreadyRecorded extends Error {}

class RowError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function field<T>(schema: ZodType<T>, value: string | undefined, column: string): T {
  const parsed = schema.safeParse(value ?? '');
  if (!parsed.success)
    throw new RowError('invalid_field', `${column}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

export function importVerifications(
  db: Db,
  keys: Keys,
  admin: Actor,
  body: Uint8Array,
  rules: LoginRules,
  now = Date.now(),
): ImportResult {
  const login = loginSchema(rules);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw badRequest('invalid_csv', 'The file is not valid UTF-8; nothing was imported.');
  }
  let rows: ReturnType<typeof parseCsv>;
  try {
    rows = parseCsv(text);
  } catch (err) {
    throw badRequest('invalid_csv', `${(err as CsvError).message}; nothing was imported.`);
  }
  const [header, ...data] = rows;
  const columns = header?.fields.map((f) => f.trim().toLowerCase()) ?? [];
  const hasReason = columns.length === 5 && columns[4] === 'reason';
  if (!HEADER.every((h, i) => columns[i] === h) || !(columns.length === 4 || hasReason)) {
    throw badRequest('invalid_csv', `The first line must be "${HEADER.join(',')}[,reason]"; nothing was imported.`);
  }
  if (data.length === 0) throw badRequest('invalid_csv', 'The file has no rows; nothing was imported.');
  if (data.length > MAX_IMPORT_ROWS) {
    throw badRequest('invalid_csv', `At most ${MAX_IMPORT_ROWS} rows per file; nothing was imported.`);
  }

  const seen = new Set<string>();
  const errors: ImportRowError[] = [];
  const unchanged: ImportRowError[] = [];
  let imported = 0;
  for (const row of data) {
    try {
      if (row.fields.length !== columns.length) {
        throw new RowError('wrong_columns', `expected ${columns.length} fields, found ${row.fields.length}`);
      }
      const [rawLogin, rawName, rawId, rawStatus, rawReason] = row.fields;
      const who = field(login, rawLogin, 'login');
      if (seen.has(who)) throw new RowError('duplicate_row', `${who} appears more than once in this file`);
      seen.add(who);
      const name = field(legalName, rawName, 'legal_name');
      const id = field(idNumber, rawId, 'id_number');
      const status = rawStatus?.trim();
      if (status !== 'verified' && status !== 'rejected') {
        throw new RowError('invalid_field', 'status: must be verified or rejected');
      }
      const why = rawReason?.trim() ? field(reason, rawReason, 'reason') : null;
      if (status === 'rejected' && !why) throw new RowError('reason_required', 'reason: required to reject');
      applyRow(db, keys, admin, { login: who, legalName: name, idNumber: id, status, reason: why }, now);
      imported += 1;
    } catch (err) {
      if (err instanceof AlreadyRecorded) {
        unchanged.push({ line: row.line, code: 'already_recorded', message: err.message });
        continue;
      }
      if (!(err instanceof RowError)) throw err;
      errors.push({ line: row.line, code: err.code, message: err.message });
    }
  }
  return { imported, unchanged, errors };
}

function applyRow(
  db: Db,
  keys: Keys,
  admin: Actor,
  row: { login: string; legalName: string; idNumber: string; status: 'verified' | 'rejected'; reason: string | null },
  now: number,
): void {
  const idHash = hashIdNumber(keys, row.idNumber);
  const decision = row.status === 'verified' ? 'approve' : 'reject';
  db.transaction((tx) => {
    const person = tx
      .select({ id: users.id, provenAt: users.loginProvenAt })
      .from(users)
      .where(eq(users.login, row.login))
      .get();
    if (!person) throw new RowError('unknown_login', `no person signs in as ${row.login}`);
    if (!person.provenAt) {
      throw new RowError('login_unproven', `${row.login} has not proven they own that login; nothing was decided`);
    }
    // The same decision for the same document and name is already there (this file, imported again).
    const latest = tx
      .select({ status: verifications.status, idHash: verifications.idHash, legalName: verifications.legalName })
      .from(verifications)
      .where(eq(verifications.userId, person.id))
      .orderBy(desc(verifications.id))
      .get();
    if (latest && latest.status === row.status && latest.idHash === idHash && latest.legalName === row.legalName) {
      throw new AlreadyRecorded(`${row.login} is already ${row.status} with this document; nothing was changed`);
    }
    const other = decision === 'approve' ? verifiedElsewhere(tx, idHash, person.id) : undefined;
    if (other) {
      throw new RowError(
        'document_in_use',
        `this id_number already verifies ${other.nickname} (extension ${other.extension}); revoke that first`,
      );
    }
    const open = tx
      .select()
      .from(verifications)
      .where(and(eq(verifications.userId, person.id), eq(verifications.status, 'pending')))
      .get();
    const verified = tx
      .select({ id: verifications.id })
      .from(verifications)
      .where(and(eq(verifications.userId, person.id), eq(verifications.status, 'verified')))
      .get();
    if (verified) throw new RowError('already_verified', `${row.login} is already verified; revoke it first`);
    const decided = {
      status: transition(decision, 'pending'),
      reason: row.reason,
      // Never before the submission (whose time the database stamped), whatever this clock says.
      decidedAt: new Date(Math.max(now, open?.submittedAt.getTime() ?? now)),
      decidedBy: admin.id,
    };
    let targetId: number;
    if (open) {
      if (open.idHash !== idHash) {
        throw new RowError('id_mismatch', `the id_number does not match the one ${row.login} submitted`);
      }
      tx.update(verifications)
        .set({ ...decided, legalName: row.legalName })
        .where(eq(verifications.id, open.id))
        .run();
      targetId = open.id;
    } else {
      targetId = tx
        .insert(verifications)
        .values({
          userId: person.id,
          legalName: row.legalName,
          idHash,
          idLast4: row.idNumber.slice(-4),
          // Submitted and decided in the same moment: one clock for both.
          submittedAt: decided.decidedAt,
          ...decided,
        })
        .returning({ id: verifications.id })
        .get().id;
    }
    recordAudit(tx, admin, {
      action: `verification.import.${decision}`,
      targetType: 'verification',
      targetId,
      targetUserId: person.id,
      beforeStatus: open ? 'pending' : null,
      afterStatus: decided.status,
      reason: row.reason,
    });
  });
}
