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
 *
 * A **preview** (`dryRun`) runs exactly this, row by row, inside one outer
 * transaction that is then rolled back: each row sees the rows before it as
 * the real import would (a document verified on line 2 is in use on line 9),
 * and nothing is kept — no record, no audit entry, no PBX outbox row — and
 * nothing is asked of the PBX. The real import of the same file right after
 * gives the same outcome on every row.
 */
import { and, desc, eq } from 'drizzle-orm';
import type { core, ZodType } from 'zod';
import type { Db } from '../../../db/open';
import { sipAccounts, users, verifications } from '../../../db/schema';
import { badRequest } from '../errors';
import { idNumber, legalName, loginSchema, reason } from '../schemas';
import type { LoginRules } from './logins';
import { recordAudit, type Actor } from './audit';
import { CsvError, parseCsv } from './csv';
import { noPbx, retellCallees, type Pbx } from './pbx';
import { hashIdNumber, type Keys } from './secrets';
import { transition, verifiedElsewhere } from './verifications';

export const MAX_IMPORT_ROWS = 5000;
const HEADER = ['login', 'legal_name', 'id_number', 'status'];

export type ImportRowError = { line: number; code: string; message: string };

/** A refused field of a row, as the API words a refused request field: a stable name and its values. */
export type ImportFieldProblem = { path: string; problem: string; message: string; [value: string]: string | number };

/** Whom a row is about, as admins know them: never a legal name. */
export type ImportPerson = { id: number; nickname: string; extension: string };

/**
 * What one row did (or, in a preview, would do). `imported`: decided as the
 * row says; `unchanged`: already recorded exactly so (`already_recorded`),
 * nothing to write; `error`: refused, with its code and message.
 */
export type ImportRow = {
  line: number;
  /** The login as read (its canonical form when it could be read). */
  login: string;
  /** What the row asks, once it could be read. */
  status?: 'verified' | 'rejected';
  /**
   * What the row records, once each could be read: the legal name as it
   * would be kept, and the document number's last 4 (never the whole number).
   * Only the admin who sent the file is answered with them.
   */
  legalName?: string;
  idLast4?: string;
  outcome: 'imported' | 'unchanged' | 'error';
  code?: string;
  message?: string;
  /** `invalid_field`: which column, and what is wrong with it. */
  problem?: ImportFieldProblem;
  /** `wrong_columns`: how many fields the header has, and how many the row. */
  expected?: number;
  found?: number;
  /** `document_in_use`: whom the document verifies already. */
  other?: { nickname: string; extension: string };
  person?: ImportPerson;
};

/**
 * `unchanged`: rows already recorded exactly so (code `already_recorded`);
 * nothing was written for them. `rows`: every row's outcome, in file order.
 */
export type ImportResult = {
  dryRun: boolean;
  imported: number;
  unchanged: ImportRowError[];
  errors: ImportRowError[];
  rows: ImportRow[];
};

/** A row that is already recorded exactly so: not an error, and nothing to write. */
class AlreadyRecorded extends Error {}

class RowError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Pick<ImportRow, 'problem' | 'expected' | 'found' | 'other'> = {},
  ) {
    super(message);
  }
}

/** Thrown to roll a preview back, carrying what it found. */
class Preview extends Error {
  constructor(readonly result: ImportResult) {
    super('preview');
  }
}

/** The stable name of a column schema's first issue, and its values (as routes/validate.ts names them). */
function problemOf(issue: core.$ZodIssue | undefined): { problem: string; [value: string]: string | number } {
  if (issue?.code === 'custom') {
    const { problem = 'invalid', ...values } = (issue.params ?? {}) as Record<string, string | number>;
    return { problem: String(problem), ...values };
  }
  if (issue?.code === 'too_big') return { problem: 'too_long', maximum: Number(issue.maximum) };
  return { problem: 'invalid' };
}

function field<T>(schema: ZodType<T>, value: string | undefined, column: string): T {
  const parsed = schema.safeParse(value ?? '');
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const message = issue?.message ?? 'invalid';
    throw new RowError('invalid_field', `${column}: ${message}`, {
      problem: { ...problemOf(issue), path: column, message },
    });
  }
  return parsed.data;
}

/** The whole file refused: nothing was imported, and which part is wrong by a stable name. */
const invalidCsv = (message: string, problem: string, values: Record<string, string | number> = {}) =>
  badRequest('invalid_csv', `${message}; nothing was imported.`, {
    problems: [{ path: 'file', problem, message, ...values }],
  });

const personByLogin = (db: Db, login: string): ImportPerson | undefined =>
  db
    .select({ id: users.id, nickname: users.nickname, extension: sipAccounts.extension })
    .from(users)
    .innerJoin(sipAccounts, eq(sipAccounts.userId, users.id))
    .where(eq(users.login, login))
    .get();

/**
 * Imports a CSV file row by row (see the top of this file); with `dryRun`,
 * answers the same without keeping anything. Throws 400 `invalid_csv` only
 * when the file cannot be read as a whole.
 */
export function importVerifications(
  db: Db,
  keys: Keys,
  admin: Actor,
  body: Uint8Array,
  rules: LoginRules,
  now = Date.now(),
  options: { dryRun?: boolean; pbx?: Pbx } = {},
): ImportResult {
  const rows = readFile(body);
  if (!options.dryRun) return importRows(db, keys, admin, rows, rules, now, options.pbx ?? noPbx, false);
  try {
    db.transaction(() => {
      // Nothing is asked of the PBX: what it would be told is not kept either.
      throw new Preview(importRows(db, keys, admin, rows, rules, now, noPbx, true));
    });
  } catch (err) {
    if (err instanceof Preview) return err.result;
    throw err;
  }
  throw new Error('unreachable: a preview always rolls back');
}

type Row = { line: number; fields: string[] };

/** The file's header and rows, or the whole file refused. */
function readFile(body: Uint8Array): { columns: string[]; data: Row[] } {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw invalidCsv('The file is not valid UTF-8', 'csv_encoding');
  }
  let rows: Row[];
  try {
    rows = parseCsv(text);
  } catch (err) {
    throw invalidCsv((err as CsvError).message, 'csv_syntax', { line: (err as CsvError).line });
  }
  const [header, ...data] = rows;
  const columns = header?.fields.map((f) => f.trim().toLowerCase()) ?? [];
  const hasReason = columns.length === 5 && columns[4] === 'reason';
  if (!HEADER.every((h, i) => columns[i] === h) || !(columns.length === 4 || hasReason)) {
    const expected = `${HEADER.join(',')}[,reason]`;
    throw invalidCsv(`The first line must be "${expected}"`, 'csv_header', { expected });
  }
  if (data.length === 0) throw invalidCsv('The file has no rows', 'csv_empty');
  if (data.length > MAX_IMPORT_ROWS) {
    throw invalidCsv(`At most ${MAX_IMPORT_ROWS} rows per file`, 'csv_too_many', { maximum: MAX_IMPORT_ROWS });
  }
  return { columns, data };
}

function importRows(
  db: Db,
  keys: Keys,
  admin: Actor,
  { columns, data }: { columns: string[]; data: Row[] },
  rules: LoginRules,
  now: number,
  pbx: Pbx,
  dryRun: boolean,
): ImportResult {
  const login = loginSchema(rules);
  const seen = new Set<string>();
  const result: ImportResult = { dryRun, imported: 0, unchanged: [], errors: [], rows: [] };
  for (const row of data) {
    const out: ImportRow = { line: row.line, login: row.fields[0]?.trim() ?? '', outcome: 'error' };
    try {
      if (row.fields.length !== columns.length) {
        throw new RowError('wrong_columns', `expected ${columns.length} fields, found ${row.fields.length}`, {
          expected: columns.length,
          found: row.fields.length,
        });
      }
      const [rawLogin, rawName, rawId, rawStatus, rawReason] = row.fields;
      const who = field(login, rawLogin, 'login');
      out.login = who;
      const person = personByLogin(db, who);
      if (person) out.person = person;
      if (seen.has(who)) throw new RowError('duplicate_row', `${who} appears more than once in this file`);
      seen.add(who);
      const name = field(legalName, rawName, 'legal_name');
      out.legalName = name;
      const id = field(idNumber, rawId, 'id_number');
      out.idLast4 = id.slice(-4);
      const status = rawStatus?.trim();
      if (status !== 'verified' && status !== 'rejected') {
        throw new RowError('invalid_field', 'status: must be verified or rejected', {
          problem: {
            path: 'status',
            problem: 'not_one_of',
            values: 'verified, rejected',
            message: 'must be verified or rejected',
          },
        });
      }
      out.status = status;
      const why = rawReason?.trim() ? field(reason, rawReason, 'reason') : null;
      if (status === 'rejected' && !why) throw new RowError('reason_required', 'reason: required to reject');
      applyRow(db, keys, pbx, admin, { login: who, legalName: name, idNumber: id, status, reason: why }, now);
      out.outcome = 'imported';
      result.imported += 1;
    } catch (err) {
      if (err instanceof AlreadyRecorded) {
        Object.assign(out, { outcome: 'unchanged', code: 'already_recorded', message: err.message });
        result.unchanged.push({ line: row.line, code: 'already_recorded', message: err.message });
      } else if (err instanceof RowError) {
        Object.assign(out, { outcome: 'error', code: err.code, message: err.message, ...err.details });
        result.errors.push({ line: row.line, code: err.code, message: err.message });
      } else throw err;
    }
    result.rows.push(out);
  }
  return result;
}

function applyRow(
  db: Db,
  keys: Keys,
  pbx: Pbx,
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
        { other: { nickname: other.nickname, extension: other.extension } },
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
    // A verification changes what callees see, in calls already under way too (as an approval does).
    if (decided.status === 'verified') retellCallees(tx, pbx, person.id);
  });
}
