/**
 * The softphone's view of RealCall's API: typed calls over fetch, same
 * origin, cookies included. Errors come back as ApiError with the API's
 * `{ error: { code, message } }`.
 */
import type { IceSettings, SipAccount } from '../phone/phone-client';
import type { NameStatus } from '../phone/name-status';
import { AdminApi } from './admin';

export type NamePrivacy = 'full' | 'masked' | 'hidden';
export type VerificationStatus = 'none' | 'pending' | 'verified' | 'rejected' | 'revoked';
export type LoginKind = 'email' | 'phone';

export type Me = {
  id: number;
  login: string;
  loginKind: LoginKind;
  /** Whether the person proved they own the login (by a code sent to it): needed before verification. */
  loginProven: boolean;
  nickname: string;
  role: 'user' | 'admin';
  extension: string;
  namePrivacy: NamePrivacy;
  verificationStatus: VerificationStatus;
  hasAvatar: boolean;
};

export type Presentation = { name: string; status: Exclude<NameStatus, 'unavailable'>; num: string };
export type PrivacyPreview = {
  current: NamePrivacy;
  options: Record<NamePrivacy, Presentation>;
  /** What callees will see under each choice once the pending verification is approved; null when none is pending. */
  pending: Record<NamePrivacy, Presentation> | null;
  /** The person's latest verification: why callees see what they see. */
  verification: 'none' | 'pending' | 'verified' | 'rejected' | 'revoked';
};
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
/** Where a login code went (masked), until when it works, and from when another may be asked for. */
export type CodeSent = { sentTo: string; expiresAt: string; resendAfter: string };
type ImageInfo = { mime: 'image/png' | 'image/jpeg' | 'image/webp'; width: number; height: number };
/** What the API stored of an uploaded picture: always a WebP of at most 256 × 256, and what was sent. */
export type StoredAvatar = {
  avatar: { mime: 'image/webp'; width: number; height: number; uploaded: ImageInfo };
  maxBytes: number;
};

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The error object's other fields (e.g. `problems`, `other`). */
    readonly details: Readonly<Record<string, unknown>> = {},
    /** Seconds, from the answer's Retry-After. */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

export class Api {
  /** The admin console's calls (admins only: the API answers 403 to anyone else). */
  readonly admin: AdminApi = new AdminApi(this);
  /**
   * Told when a request finds the session gone — signed out on every device,
   * the password changed, the account disabled, expired — with the API's
   * answer (`session_ended` and its `reason`), so the page can say why.
   */
  onSessionEnded: ((err: ApiError) => void) | undefined;
  /**
   * Told whether the API answered: false when a request got no answer (or a
   * gateway's 502–504 in its place), true on the next answer — so the page
   * can say the service is away, and reload what it shows once it is back.
   */
  onReachable: ((reachable: boolean) => void) | undefined;
  constructor(private readonly base = '') {}

  /** One request to the API; the typed methods below (and `admin`) are built on it. */
  async request<T>(method: string, path: string, body?: unknown, raw?: { data: Blob; type: string }): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        credentials: 'same-origin',
        headers: body !== undefined ? { 'content-type': 'application/json' } : raw ? { 'content-type': raw.type } : {},
        body: body !== undefined ? JSON.stringify(body) : raw?.data,
      });
    } catch {
      this.onReachable?.(false);
      throw new ApiError(0, 'network', 'network');
    }
    if (res.status === 204) {
      this.onReachable?.(true);
      return undefined as T;
    }
    const data = (await res.json().catch(() => ({}))) as {
      error?: { code: string; message: string; [k: string]: unknown };
    };
    // A proxy in front of a stopped API answers for it, without the API's error shape.
    const gateway = res.status >= 502 && res.status <= 504 && !data.error;
    this.onReachable?.(!gateway);
    if (gateway) throw new ApiError(0, 'network', 'network');
    if (!res.ok) {
      const { code = 'unknown', message = res.statusText, ...details } = data.error ?? {};
      const retryAfter = Number(res.headers.get('retry-after') ?? NaN);
      const err = new ApiError(
        res.status,
        code,
        message,
        details,
        Number.isFinite(retryAfter) ? retryAfter : undefined,
      );
      // Signing in answers 401 for a wrong password: only a session that was open and is gone is an ending.
      if (res.status === 401 && !path.startsWith('/api/auth/')) this.onSessionEnded?.(err);
      throw err;
    }
    return data as T;
  }

  me = async () => (await this.request<{ me: Me }>('GET', '/api/me')).me;
  signIn = async (login: string, password: string) =>
    (await this.request<{ me: Me }>('POST', '/api/auth/sign-in', { login, password })).me;
  signUp = async (login: string, password: string, nickname: string) =>
    (await this.request<{ me: Me }>('POST', '/api/auth/sign-up', { login, password, nickname })).me;
  signOut = () => this.request<void>('POST', '/api/auth/sign-out');
  /** Ends every session of the person, this one too. */
  signOutEverywhere = () => this.request<void>('POST', '/api/auth/sign-out-everywhere');
  /** Every other session ends; this one stays. */
  changePassword = (currentPassword: string, newPassword: string) =>
    this.request<void>('POST', '/api/me/password', { currentPassword, newPassword });
  /** Deletes the person's account for good (the password confirms it). */
  deleteAccount = (password: string) => this.request<void>('DELETE', '/api/me', { password });
  setNickname = async (nickname: string) => (await this.request<{ me: Me }>('PATCH', '/api/me', { nickname })).me;
  sip = () => this.request<SipAccount>('GET', '/api/me/sip');
  /** Fresh relay credentials (they expire; the phone asks again before they do). */
  ice = () => this.request<IceSettings>('GET', '/api/me/ice');
  /**
   * Tells the other side of this person's calls how this device's connection
   * is. Quiet: it is sent while the network changes, so a failure here says
   * nothing of the service being away (no `onReachable`).
   */
  tellConnection = async (state: 'reconnecting' | 'connected'): Promise<'told' | 'refused' | 'unreachable'> => {
    try {
      const res = await fetch(`${this.base}/api/me/connection`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ state }),
      });
      if (res.ok) return 'told';
      return res.status >= 500 ? 'unreachable' : 'refused';
    } catch {
      return 'unreachable';
    }
  };
  preview = async () => (await this.request<{ preview: PrivacyPreview }>('GET', '/api/me/privacy/preview')).preview;
  setPrivacy = async (namePrivacy: NamePrivacy) =>
    (await this.request<{ preview: PrivacyPreview }>('PUT', '/api/me/privacy', { namePrivacy })).preview;
  /** Sends a one-time code to the person's own login (202), to prove it is theirs. */
  requestLoginCode = async () => (await this.request<{ code: CodeSent }>('POST', '/api/me/login/code')).code;
  /** Checks the code; the right one in time proves the login. */
  confirmLoginCode = async (code: string) =>
    (await this.request<{ me: Me }>('POST', '/api/me/login/confirm', { code })).me;
  myVerification = async () =>
    (await this.request<{ verification: MyVerification }>('GET', '/api/me/verification')).verification;
  submitVerification = async (legalName: string, idNumber: string) =>
    (await this.request<{ verification: MyVerification }>('POST', '/api/me/verification', { legalName, idNumber }))
      .verification;
  /** Corrects a verification still waiting for review. */
  correctVerification = async (legalName: string, idNumber: string) =>
    (await this.request<{ verification: MyVerification }>('PUT', '/api/me/verification', { legalName, idNumber }))
      .verification;
  /** Withdraws a verification still waiting for review: nothing of it is kept. */
  withdrawVerification = () => this.request<void>('DELETE', '/api/me/verification');
  uploadAvatar = (file: Blob) =>
    this.request<StoredAvatar>('PUT', '/api/me/avatar', undefined, {
      data: file,
      type: file.type || 'application/octet-stream',
    });
  removeAvatar = () => this.request<void>('DELETE', '/api/me/avatar');
  directory = async (q: string) =>
    (await this.request<{ people: DirectoryEntry[] }>('GET', `/api/directory?q=${encodeURIComponent(q)}`)).people;
  person = async (extension: string) =>
    (await this.request<{ person: DirectoryEntry }>('GET', `/api/people/${encodeURIComponent(extension)}`)).person;
  avatarUrl = (extension: string) => `${this.base}/api/people/${encodeURIComponent(extension)}/avatar`;
}

export * from './admin';
