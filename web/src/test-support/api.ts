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

/** Signs up a new person, their login not proven yet (this page is then signed in as them). */
export async function signUp(nickname = `Tess ${unique()}`, login = `t-${unique()}@example.test`): Promise<Person> {
  const password = `correct horse ${unique()}`;
  const { me } = await api<{ me: Me }>('POST', '/api/auth/sign-up', { login, password, nickname });
  return { me, login, password, nickname };
}

/** A request to api-server.ts's helper server (it runs in Node, beside the API). */
async function support<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${inject('supportUrl')}${path}`, {
    method,
    // text/plain: a simple request, with no preflight to answer.
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`test support ${method} ${path} → ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

/** The code in the last message the API mailed to `login` (the test SMTP server), or null. */
export async function mailedCode(login: string): Promise<string | null> {
  return (await support<{ code: string | null }>('GET', `/login-code?to=${encodeURIComponent(login)}`)).code;
}

/**
 * A pending verification of `login`'s as one from before login proof
 * existed (their login unproven): the API cannot make one now, so the test
 * server writes it (api-server.ts). Its id.
 */
export async function preProofVerification(login: string, legalName: string, idLast4: string): Promise<number> {
  return (await support<{ id: number }>('POST', '/pre-proof-verification', { login, legalName, idLast4 })).id;
}

/**
 * Proves the signed-in person's login as a person does: asks the API for a
 * code, reads it from the message the API mailed (the test SMTP server,
 * api-server.ts), and sends it back.
 */
export async function proveLogin(person: { login: string }): Promise<Me> {
  await api('POST', '/api/me/login/code');
  const code = await mailedCode(person.login);
  if (!code) throw new Error(`no login code was mailed to ${person.login}`);
  return (await api<{ me: Me }>('POST', '/api/me/login/confirm', { code })).me;
}

/** Signs up a new person and proves their login (this page is then signed in as them). */
export async function signUpProven(nickname?: string): Promise<Person> {
  const person = await signUp(nickname);
  return { ...person, me: await proveLogin(person) };
}

export async function signIn(person: { login: string; password: string }): Promise<Me> {
  return (await api<{ me: Me }>('POST', '/api/auth/sign-in', { login: person.login, password: person.password })).me;
}

/** Signs in as the admin the test server made (api-server.ts). */
export const signInAsAdmin = (): Promise<Me> => signIn(inject('apiAdmin'));

export async function signOut(): Promise<void> {
  await api('POST', '/api/auth/sign-out');
}

/** A mobile number nobody else has, in the E.164 form the API keeps. */
export const phoneNumber = (): string =>
  `+86138${String(crypto.getRandomValues(new Uint32Array(1))[0]! % 1e8).padStart(8, '0')}`;

/** A valid identity document number nobody else has. */
export const idNumber = (): string => `ID${crypto.randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase()}`;

/** Submits a verification as the signed-in person (their login must be proven: `proveLogin`). */
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
 * Makes `person` verified under `legalName`: they prove their login (if they
 * have not), submit, the admin approves, and the page is signed in as
 * `person` again.
 */
export async function verify(person: Person, legalName: string): Promise<void> {
  if (!(await signIn(person)).loginProven) await proveLogin(person);
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
