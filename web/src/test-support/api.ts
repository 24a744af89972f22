/**
 * People for the browser tests, made through the real API over HTTP: same
 * origin through Vite's proxy (see vitest.config.ts and api-server.ts), with
 * the session cookie this browser keeps — the way the softphone itself talks
 * to the API. Each call that signs in changes whose cookie the page holds.
 */
import { inject } from 'vitest';
import type { Me, MyVerification, NamePrivacy, PrivacyPreview, VerificationItem } from '../api/client';

export type Person = { me: Me; login: string; password: string; nickname: string };

/** A short random tag, so each test's people are its own. */
export const unique = (): string => crypto.randomUUID().slice(0, 8);

/** A JSON request to the API; throws with the API's answer unless it is a success. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Signs up a new person (this page is then signed in as them). */
export async function signUp(nickname = `Tess ${unique()}`): Promise<Person> {
  const login = `t-${unique()}@example.test`;
  const password = `correct horse ${unique()}`;
  const { me } = await api<{ me: Me }>('POST', '/api/auth/sign-up', { login, password, nickname });
  return { me, login, password, nickname };
}

export async function signIn(person: { login: string; password: string }): Promise<Me> {
  return (await api<{ me: Me }>('POST', '/api/auth/sign-in', { login: person.login, password: person.password })).me;
}

/** Signs in as the admin the test server made (api-server.ts). */
export const signInAsAdmin = (): Promise<Me> => signIn(inject('apiAdmin'));

export async function signOut(): Promise<void> {
  await api('POST', '/api/auth/sign-out');
}

/** A valid identity document number nobody else has. */
export const idNumber = (): string => `ID${crypto.randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase()}`;

/** Submits a verification as the signed-in person. */
export async function submitVerification(legalName: string, id = idNumber()): Promise<MyVerification> {
  return (await api<{ verification: MyVerification }>('POST', '/api/me/verification', { legalName, idNumber: id }))
    .verification;
}

/** The pending verifications an admin sees (the page must be signed in as an admin). */
export async function pendingVerifications(): Promise<VerificationItem[]> {
  return (await api<{ verifications: VerificationItem[] }>('GET', '/api/admin/verifications?status=pending'))
    .verifications;
}

/**
 * Makes `person` verified under `legalName`: they submit, the admin
 * approves, and the page is signed in as `person` again.
 */
export async function verify(person: Person, legalName: string): Promise<void> {
  await signIn(person);
  await submitVerification(legalName);
  await signInAsAdmin();
  const item = (await pendingVerifications()).find((v) => v.person.login === person.login);
  if (!item) throw new Error(`no pending verification for ${person.login}`);
  await api('POST', `/api/admin/verifications/${item.id}/approve`, {});
  await signIn(person);
}

/** What a callee would see for the signed-in person, per choice (the API's own preview). */
export async function privacyPreview(): Promise<PrivacyPreview> {
  return (await api<{ preview: PrivacyPreview }>('GET', '/api/me/privacy/preview')).preview;
}

export async function setPrivacy(namePrivacy: NamePrivacy): Promise<PrivacyPreview> {
  return (await api<{ preview: PrivacyPreview }>('PUT', '/api/me/privacy', { namePrivacy })).preview;
}

export async function me(): Promise<Me> {
  return (await api<{ me: Me }>('GET', '/api/me')).me;
}
