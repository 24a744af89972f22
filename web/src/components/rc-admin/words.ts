/**
 * The console's sentences, in the page's language: a person as admins know
 * them, an audit entry, an import row, a date. Whatever came from people
 * (nicknames, logins, reasons) is put in `<bdi>`, isolated from the
 * sentence's direction; literal file syntax is put in `<code>`.
 */
import { html, type TemplateResult } from 'lit';
import type { AuditEntry, ImportRow } from '../../api/client';
import { t } from '../../i18n/i18n';
import { MESSAGES, type MessageKey } from '../../i18n/messages';
import { problemText } from '../../i18n/problems';
import { dateTime } from '../../i18n/format';

type Part = string | TemplateResult;

export const isKey = (key: string): key is MessageKey => key in MESSAGES.en;

/**
 * A message as parts, its `{name}` placeholders filled with `slots` (text or
 * templates, e.g. a name in `<bdi>`), its others with `params` as `t()` does.
 */
export function words(
  key: MessageKey,
  slots: Record<string, Part>,
  params: Record<string, string | number> = {},
): Part[] {
  return t(key, params)
    .split(/(\{\w+\})/)
    .filter(Boolean)
    .map((part) => {
      const name = /^\{(\w+)\}$/.exec(part)?.[1];
      return (name !== undefined ? slots[name] : undefined) ?? part;
    });
}

/** Text that came from a person, isolated. */
export const data = (text: string) => html`<bdi>${text}</bdi>`;

/** A person as admins know them: nickname and extension (`Mei (1007)`), as parts. */
export const person = (p: { nickname: string; extension: string }) =>
  words('admin.personLabel', { nickname: data(p.nickname) }, { extension: p.extension });

/** The same as plain text, for attributes. */
export const personText = (p: { nickname: string; extension: string }) =>
  t('admin.personLabel', { nickname: p.nickname, extension: p.extension });

/** A `<time>` in the page's language. */
export const time = (iso: string) => html`<time datetime=${iso}>${dateTime(iso)}</time>`;

/** A verification status, an account status or a role, as the audit log records them. */
export function statusWord(status: string | null): string {
  if (status === null) return t('admin.audit.none');
  const verify = `verify.${status}`;
  if (isKey(verify)) return t(verify);
  const other = `admin.audit.status.${status}`;
  return isKey(other) ? t(other) : status;
}

/** What an action is called in the action filter. */
export const actionName = (action: string): string => {
  const key = `admin.audit.name.${action}`;
  return isKey(key) ? t(key) : action;
};

/**
 * Before migration 0005 the API appended whom a same-document revocation
 * approved the document for to the admin's reason, as an English note with an
 * internal id (`… (the document was approved for verification 12)`). The entry
 * names that person now (`related`); the note is read away from old reasons.
 */
const OLD_SAME_DOCUMENT_NOTE = /^(.*) \(the document was approved for verification \d+\)$/s;

/** An audit entry as one sentence: who did what about whom (and for whom, when it names another person). */
export function auditSentence(e: AuditEntry, about: Part | Part[]): Part[] {
  const actor =
    e.actorId === null ? t('admin.audit.system') : words('admin.audit.admin', { login: data(e.actorLogin) });
  const key = `admin.audit.do.${e.action}`;
  const withOther = `${key}.for`;
  const sentence = isKey(key)
    ? e.related && isKey(withOther)
      ? words(withOther, { actor: html`${actor}`, person: html`${about}`, other: html`${person(e.related)}` })
      : words(key, { actor: html`${actor}`, person: html`${about}` })
    : words('admin.audit.do.other', {
        actor: html`${actor}`,
        person: html`${about}`,
        action: html`<code>${e.action}</code>`,
      });
  return sentence;
}

/** An audit entry's reason as the admin typed it, as parts (nothing when there is none). */
export function auditReason(e: AuditEntry): Part[] {
  if (!e.reason) return [];
  const old = e.action === 'verification.revoke.same_document' ? OLD_SAME_DOCUMENT_NOTE.exec(e.reason) : null;
  return words('admin.audit.reason', { reason: data(old?.[1] ?? e.reason) });
}

/** A column of the import file, in words. */
const column = (path: string) => {
  const key = `admin.import.column.${path}`;
  return isKey(key) ? t(key) : path;
};

const code = (text: string) => html`<code>${text}</code>`;

/** Why an import row was refused, in words. */
export function importRowWhy(row: ImportRow): Part[] {
  switch (row.code) {
    case 'wrong_columns':
      return [t('admin.import.code.wrong_columns', { found: row.found ?? '?', expected: row.expected ?? '?' })];
    case 'document_in_use':
      return words('admin.import.code.document_in_use', {
        other: row.other ? html`${person(row.other)}` : t('admin.deletedPerson'),
      });
    case 'invalid_field': {
      const p = row.problem;
      if (!p) break;
      // Said to the admin about the person's file row: "as on the person's document", not "your".
      const own = `admin.import.problem.${p.problem}`;
      const problem: Part[] =
        p.path === 'status'
          ? words('admin.import.statusValues', { verified: code('verified'), rejected: code('rejected') })
          : isKey(own)
            ? [t(own, p)]
            : [problemText(p)];
      return words('admin.import.code.invalid_field', { column: column(p.path), problem: html`${problem}` });
    }
    default: {
      const key = `admin.import.code.${row.code ?? ''}`;
      if (isKey(key)) return [t(key)];
    }
  }
  return [t('admin.import.code.unknown', { code: row.code ?? '?' })];
}

/** What an import row records once read, in words: the legal name and the document's last 4 (never more of it). */
export function importRowRecords(row: ImportRow): Part[] {
  if (row.legalName === undefined) return [];
  return row.idLast4 === undefined
    ? words('admin.import.recordsName', { name: data(row.legalName) })
    : words('admin.import.records', { name: data(row.legalName), last4: data(row.idLast4) });
}

/** An import row's outcome, in words: what it did, or in a preview would do. */
export function importRowOutcome(row: ImportRow, dryRun: boolean): Part[] {
  if (row.outcome === 'unchanged') return [t('admin.import.unchanged')];
  if (row.outcome === 'error') return words('admin.import.refused', { why: html`${importRowWhy(row)}` });
  const status = row.status ?? 'verified';
  return [t(dryRun ? `admin.import.would.${status}` : `admin.import.did.${status}`)];
}

/** A CSV file refused as a whole, in words (the API's `invalid_csv` problem, `path: 'file'`). */
export function csvProblem(p: { problem: string; [value: string]: string | number }): Part[] | undefined {
  const key = `admin.csv.${p.problem}`;
  if (!isKey(key)) return undefined;
  if (p.problem === 'csv_header') return words(key, { expected: code(String(p.expected ?? '')) });
  return [t(key, p)];
}
