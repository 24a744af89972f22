/**
 * The admin console's view of the API (`/api/admin/*`): the verification
 * queue and its decisions, people (disable, enable), CSV import with its
 * preview, and the audit log. Reached as `api.admin`.
 */
import { ApiError, type Api, type VerificationStatus } from './client';

/** Another person's pending or verified record of the same identity document. */
export type SameDocument = {
  verificationId: number;
  status: 'pending' | 'verified';
  person: { id: number; nickname: string; extension: string };
};
export type VerificationItem = {
  id: number;
  status: Exclude<VerificationStatus, 'none'>;
  legalName: string;
  idLast4: string;
  submittedAt: string;
  decidedAt: string | null;
  reason: string | null;
  person: { id: number; login: string; nickname: string; extension: string; loginProven: boolean };
  /** Empty unless the same document is someone else's too. */
  sameDocument: SameDocument[];
};
/** The verification an approval would take away (the API's `document_in_use` answer, `error.other`). */
export type DocumentInUse = { verificationId: number; extension: string; nickname: string };
export type ApproveOptions = {
  reason?: string;
  /** Approve although the document verifies someone else: that verification is revoked (needs a reason). */
  revokeOther?: boolean;
};
export type AuditEntry = {
  id: number;
  at: string;
  actorId: number | null;
  actorLogin: string;
  action: string;
  targetType: string;
  targetId: number;
  targetUserId: number | null;
  /** Another person the change concerns (a same-document revocation: whom the document was approved for). */
  relatedUserId: number | null;
  beforeStatus: string | null;
  afterStatus: string | null;
  reason: string | null;
  /** Whom the change was about, as admins know them (never a legal name); null when that person is gone. */
  person: { id: number; nickname: string; extension: string } | null;
  /** The other person it concerns, as admins know them; null when there is none or they are gone. */
  related: { id: number; nickname: string; extension: string } | null;
};

/** A person as the admin list shows them (never a legal name), with their latest verification. */
export type PersonSummary = {
  id: number;
  login: string;
  nickname: string;
  role: 'user' | 'admin';
  extension: string;
  disabled: boolean;
  createdAt: string;
  /** Whether they proved they own their login: only then can they be approved, or matched by a CSV import. */
  loginProven: boolean;
  verification: { id: number; status: Exclude<VerificationStatus, 'none'> } | null;
};
/** Whom an import row or audit entry is about, as admins know them. */
export type PersonRef = { id: number; nickname: string; extension: string };
/** What one CSV row did (or, in a preview, would do); codes and problems are worded by the page. */
export type ImportRow = {
  line: number;
  login: string;
  status?: 'verified' | 'rejected';
  /** What the row records, once read: the legal name the admin typed, and the document number's last 4. */
  legalName?: string;
  idLast4?: string;
  outcome: 'imported' | 'unchanged' | 'error';
  code?: string;
  message?: string;
  /** `invalid_field`: the column (`path`) and what is wrong with it. */
  problem?: { path: string; problem: string; message: string; [value: string]: string | number };
  expected?: number;
  found?: number;
  /** `document_in_use`: whom the document verifies already. */
  other?: { nickname: string; extension: string };
  person?: PersonRef;
};
export type ImportResult = {
  dryRun: boolean;
  imported: number;
  unchanged: { line: number; code: string; message: string }[];
  errors: { line: number; code: string; message: string }[];
  rows: ImportRow[];
};
export type AuditFilter = { limit?: number; before?: number; person?: number; action?: string };

/** `?a=1&b=2` from the defined values, or ''. */
const query = (params: Record<string, string | number | undefined>) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
};

export class AdminApi {
  constructor(private readonly api: Api) {}

  verifications = async (status?: string) =>
    (
      await this.api.request<{ verifications: VerificationItem[] }>(
        'GET',
        `/api/admin/verifications${status ? `?status=${status}` : ''}`,
      )
    ).verifications;
  decide = async (id: number, action: 'approve' | 'reject' | 'revoke', reason?: string) =>
    (
      await this.api.request<{ verification: VerificationItem }>(
        'POST',
        `/api/admin/verifications/${id}/${action}`,
        reason ? { reason } : {},
      )
    ).verification;
  /**
   * Approves a pending verification. Answers 409 `document_in_use` (with the other
   * verification in `details.other`) when the document verifies someone else, unless
   * `revokeOther` (with a reason) revokes that one in the same step.
   */
  approve = async (id: number, options: ApproveOptions = {}) =>
    (
      await this.api.request<{ verification: VerificationItem }>('POST', `/api/admin/verifications/${id}/approve`, {
        ...(options.reason ? { reason: options.reason } : {}),
        ...(options.revokeOther ? { revokeOther: true } : {}),
      })
    ).verification;
  /** Newest first; `before` pages back by id; `person` and `action` filter. */
  audit = async (filter: AuditFilter = {}) =>
    (await this.api.request<{ entries: AuditEntry[] }>('GET', `/api/admin/audit${query(filter)}`)).entries;
  /** People, newest first, `limit` at a time (the API's 50 unless said); `q` finds a nickname, extension or login. */
  people = async (q?: string, before?: number, limit?: number) =>
    (await this.api.request<{ people: PersonSummary[] }>('GET', `/api/admin/people${query({ q, before, limit })}`))
      .people;
  /** Disables (signed out everywhere, calls hung up) or enables a person; a reason is required. */
  setDisabled = (id: number, disabled: boolean, reason: string) =>
    this.api.request<void>('POST', `/api/admin/people/${id}/${disabled ? 'disable' : 'enable'}`, { reason });
  /**
   * Sends a CSV file of decisions. With `dryRun` nothing is written: the answer
   * says what each row would do. A file refused as a whole throws `invalid_csv`
   * with its problem (`path: 'file'`).
   */
  importCsv = (file: Blob, options: { dryRun: boolean }) =>
    this.api.request<ImportResult>(
      'POST',
      `/api/admin/verifications/import${options.dryRun ? '?dryRun=1' : ''}`,
      undefined,
      {
        data: file,
        type: 'text/csv',
      },
    );
}

/** The verification an approval would take away, when `err` is the API's `document_in_use` answer. */
export function documentInUse(err: unknown): DocumentInUse | undefined {
  if (!(err instanceof ApiError) || err.code !== 'document_in_use') return undefined;
  const other = err.details.other as Partial<DocumentInUse> | undefined;
  if (typeof other?.verificationId !== 'number' || typeof other.nickname !== 'string') return undefined;
  return { verificationId: other.verificationId, nickname: other.nickname, extension: String(other.extension ?? '') };
}
