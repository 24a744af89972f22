/**
 * A Vitest browser command (it runs in Node, called from tests in Chromium):
 * the same person on another device. It signs in to the real API over HTTP
 * with a cookie of its own — which a page cannot hold beside its own — and
 * makes one request there, so a test can watch what the page says when that
 * other device changes the password or signs out everywhere.
 */
import type { BrowserCommand } from 'vitest/node';

export const otherDeviceRequest: BrowserCommand<
  [apiUrl: string, credentials: { login: string; password: string }, method: string, path: string, body?: unknown]
> = async (_context, apiUrl, credentials, method, path, body) => {
  const signIn = await fetch(`${apiUrl}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(credentials),
  });
  if (!signIn.ok) throw new Error(`the other device could not sign in: ${signIn.status} ${await signIn.text()}`);
  const cookie = /rc_session=[^;]+/.exec(signIn.headers.get('set-cookie') ?? '')?.[0];
  if (!cookie) throw new Error('the other device got no session cookie');
  const res = await fetch(`${apiUrl}${path}`, {
    method,
    headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res.status;
};
