/**
 * The admin console's view of the API (`/api/admin/*`): the verification
 * queue, decisions, and the audit log. Reached as `api.admin`.
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
  beforeStatus: string | null;
  afterStatus: string | null;
  reason: string | null;
  /** Whom the change was about, as admins know them (never a legal name); null when that person is gone. */
  person: { id: number; nickname: string; extension: string } | null;
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
  audit = async () => (await this.api.request<{ entries: AuditEntry[] }>('GET', '/api/admin/audit')).entries;
}

/** The verification an approval would take away, when `err` is the API's `document_in_use` answer. */
export function documentInUse(err: unknown): DocumentInUse | undefined {
  if (!(err instanceof ApiError) || err.code !== 'document_in_use') return undefined;
  const other = err.details.other as Partial<DocumentInUse> | undefined;
  if (typeof other?.verificationId !== 'number' || typeof other.nickname !== 'string') return undefined;
  return { verificationId: other.verificationId, nickname: other.nickname, extension: String(other.extension ?? '') };
}
