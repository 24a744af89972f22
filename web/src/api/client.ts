/**
 * The softphone's view of RealCall's API: typed calls over fetch, same
 * origin, cookies included. Errors come back as ApiError with the API's
 * `{ error: { code, message } }`.
 */
import type { SipAccount } from '../phone/phone-client';
import type { NameStatus } from '../phone/name-status';

export type NamePrivacy = 'full' | 'masked' | 'hidden';
export type VerificationStatus = 'none' | 'pending' | 'verified' | 'rejected' | 'revoked';

export type Me = {
  id: number;
  login: string;
  nickname: string;
  role: 'user' | 'admin';
  extension: string;
  namePrivacy: NamePrivacy;
  verificationStatus: VerificationStatus;
  hasAvatar: boolean;
};

export type Presentation = { name: string; status: Exclude<NameStatus, 'unavailable'>; num: string };
export type PrivacyPreview = { current: NamePrivacy; options: Record<NamePrivacy, Presentation> };
export type DirectoryEntry = { extension: string; nickname: string; verified: boolean; hasAvatar: boolean };
export type MyVerification =
  | { status: 'none' }
  | {
      id: number;
      status: Exclude<VerificationStatus, 'none'>;
      legalName: string;
      idLast4: string;
      submittedAt: string;
      decidedAt: string | null;
      reason: string | null;
    };
export type VerificationItem = {
  id: number;
  status: Exclude<VerificationStatus, 'none'>;
  legalName: string;
  idLast4: string;
  submittedAt: string;
  decidedAt: string | null;
  reason: string | null;
  person: { id: number; login: string; nickname: string; extension: string };
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
};

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class Api {
  constructor(private readonly base = '') {}

  private async request<T>(
    method: string,
    path: string,
    body?: unknown,
    raw?: { data: Blob; type: string },
  ): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        credentials: 'same-origin',
        headers: body !== undefined ? { 'content-type': 'application/json' } : raw ? { 'content-type': raw.type } : {},
        body: body !== undefined ? JSON.stringify(body) : raw?.data,
      });
    } catch {
      throw new ApiError(0, 'network', 'network');
    }
    if (res.status === 204) return undefined as T;
    const data = (await res.json().catch(() => ({}))) as { error?: { code: string; message: string } };
    if (!res.ok) throw new ApiError(res.status, data.error?.code ?? 'unknown', data.error?.message ?? res.statusText);
    return data as T;
  }

  me = async () => (await this.request<{ me: Me }>('GET', '/api/me')).me;
  signIn = async (login: string, password: string) =>
    (await this.request<{ me: Me }>('POST', '/api/auth/sign-in', { login, password })).me;
  signUp = async (login: string, password: string, nickname: string) =>
    (await this.request<{ me: Me }>('POST', '/api/auth/sign-up', { login, password, nickname })).me;
  signOut = () => this.request<void>('POST', '/api/auth/sign-out');
  setNickname = async (nickname: string) => (await this.request<{ me: Me }>('PATCH', '/api/me', { nickname })).me;
  sip = () => this.request<SipAccount>('GET', '/api/me/sip');
  preview = async () => (await this.request<{ preview: PrivacyPreview }>('GET', '/api/me/privacy/preview')).preview;
  setPrivacy = async (namePrivacy: NamePrivacy) =>
    (await this.request<{ preview: PrivacyPreview }>('PUT', '/api/me/privacy', { namePrivacy })).preview;
  myVerification = async () =>
    (await this.request<{ verification: MyVerification }>('GET', '/api/me/verification')).verification;
  submitVerification = async (legalName: string, idNumber: string) =>
    (await this.request<{ verification: MyVerification }>('POST', '/api/me/verification', { legalName, idNumber }))
      .verification;
  uploadAvatar = (file: Blob) =>
    this.request<unknown>('PUT', '/api/me/avatar', undefined, {
      data: file,
      type: file.type || 'application/octet-stream',
    });
  removeAvatar = () => this.request<void>('DELETE', '/api/me/avatar');
  directory = async (q: string) =>
    (await this.request<{ people: DirectoryEntry[] }>('GET', `/api/directory?q=${encodeURIComponent(q)}`)).people;
  person = async (extension: string) =>
    (await this.request<{ person: DirectoryEntry }>('GET', `/api/people/${encodeURIComponent(extension)}`)).person;
  avatarUrl = (extension: string) => `${this.base}/api/people/${encodeURIComponent(extension)}/avatar`;
  verifications = async (status?: string) =>
    (
      await this.request<{ verifications: VerificationItem[] }>(
        'GET',
        `/api/admin/verifications${status ? `?status=${status}` : ''}`,
      )
    ).verifications;
  decide = async (id: number, action: 'approve' | 'reject' | 'revoke', reason?: string) =>
    (
      await this.request<{ verification: VerificationItem }>(
        'POST',
        `/api/admin/verifications/${id}/${action}`,
        reason ? { reason } : {},
      )
    ).verification;
  audit = async () => (await this.request<{ entries: AuditEntry[] }>('GET', '/api/admin/audit')).entries;
}
