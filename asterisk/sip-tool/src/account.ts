/**
 * SIP accounts: given directly, or fetched from the RealCall API the way the
 * softphone does (sign in, GET /api/me/sip), together with what a callee
 * should see when this person calls (GET /api/me/privacy/preview).
 */
import { z } from 'zod';

/** What the tool needs to register and call: the WebSocket, the SIP domain, the extension and its secret. */
export type SipAccount = { wsUrl: string; domain: string; user: string; secret: string };

/** DESIGN.md "The name the callee sees", in its order. */
export const NAME_STATUSES = ['verified', 'masked', 'hidden', 'unverified', 'unavailable'] as const;
export type NameStatus = (typeof NAME_STATUSES)[number];

/** What a callee should be shown for a caller: name, name status, number. */
export type Expected = { name: string; status: string; num: string };

const sipRegistration = z.object({
  wsUrl: z.string(),
  uri: z.string().regex(/^sips?:[^@]+@.+$/),
  authUser: z.string().min(1),
  secret: z.string().min(1),
  extension: z.string().min(1),
});

const presentation = z.object({ name: z.string(), status: z.string(), num: z.string() });
const privacyPreview = z.object({
  preview: z.object({
    current: z.enum(['full', 'masked', 'hidden']),
    options: z.object({ full: presentation, masked: presentation, hidden: presentation }),
  }),
});

/** Checks an account's fields; a missing or malformed one fails with its flag and variable name. */
export function checkAccount(account: Partial<SipAccount>, label = ''): SipAccount {
  const missing: string[] = [];
  const names: Record<keyof SipAccount, string> = {
    wsUrl: '--ws (REALCALL_SIP_WS)',
    domain: '--domain (REALCALL_SIP_DOMAIN)',
    user: '--user (REALCALL_SIP_USER)',
    secret: '--secret (REALCALL_SIP_SECRET)',
  };
  for (const key of Object.keys(names) as (keyof SipAccount)[]) if (!account[key]) missing.push(names[key]);
  if (missing.length) throw new Error(`${label}missing ${missing.join(', ')}`);
  const wsUrl = account.wsUrl!;
  if (!/^wss?:\/\/[^/]+/.test(wsUrl))
    throw new Error(`${label}the WebSocket URL must be ws:// or wss://, not ${wsUrl}`);
  return { wsUrl, domain: account.domain!, user: account.user!, secret: account.secret! };
}

/**
 * Signs in to the RealCall API at `apiUrl` as `login`, reads the person's
 * SIP registration and the privacy preview, then signs out again.
 * `expected` is the preview's current choice: exactly what the PBX should
 * present to a callee. Rejects with one line naming the failing step.
 */
export async function accountFromApi(
  apiUrl: string,
  login: string,
  password: string,
  options: { timeoutMs?: number } = {},
): Promise<{ account: SipAccount; expected: Expected }> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  let base: URL;
  try {
    base = new URL(apiUrl);
  } catch {
    throw new Error(`not a URL: ${apiUrl}`);
  }
  // The API refuses state-changing requests from other sites; a tool is "same origin" by sending its own.
  const origin = base.origin;
  const request = async (method: string, path: string, init: { body?: unknown; cookie?: string } = {}) => {
    const url = new URL(path, base);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (method !== 'GET') headers.origin = origin;
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    if (init.cookie) headers.cookie = init.cookie;
    try {
      // The signal bounds the whole exchange, body included.
      return await fetch(url, {
        method,
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'manual',
      });
    } catch (error) {
      throw new Error(`cannot reach ${url.origin}: ${networkCause(error)}`, { cause: error });
    }
  };
  const readJson = async (res: Response, what: string): Promise<unknown> => {
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (!res.ok) {
      const message = z.object({ error: z.object({ message: z.string() }) }).safeParse(body);
      throw new Error(`${what} failed: ${res.status}${message.success ? ` ${message.data.error.message}` : ''}`);
    }
    return body;
  };

  const signIn = await request('POST', '/api/auth/sign-in', { body: { login, password } });
  await readJson(signIn, `sign-in as ${login}`);
  const session = signIn.headers
    .getSetCookie()
    .map((c) => /^rc_session=([^;]*)/.exec(c)?.[1])
    .find(Boolean);
  if (!session) throw new Error(`sign-in as ${login} gave no rc_session cookie`);
  const cookie = `rc_session=${session}`;
  try {
    const sip = sipRegistration.safeParse(
      await readJson(await request('GET', '/api/me/sip', { cookie }), 'GET /api/me/sip'),
    );
    if (!sip.success) throw new Error(`GET /api/me/sip answered an unexpected shape: ${sip.error.issues[0]?.message}`);
    const preview = privacyPreview.safeParse(
      await readJson(await request('GET', '/api/me/privacy/preview', { cookie }), 'GET /api/me/privacy/preview'),
    );
    if (!preview.success) {
      throw new Error(`GET /api/me/privacy/preview answered an unexpected shape: ${preview.error.issues[0]?.message}`);
    }
    const { current, options } = preview.data.preview;
    return {
      account: checkAccount({
        wsUrl: sip.data.wsUrl,
        domain: sip.data.uri.slice(sip.data.uri.indexOf('@') + 1),
        // The API gives one name for both (auth user = extension); the URI user is what Asterisk identifies by.
        user: sip.data.authUser,
        secret: sip.data.secret,
      }),
      expected: options[current],
    };
  } finally {
    // A session per tool run would pile up; sign out, but a failure to do so changes nothing here.
    await request('POST', '/api/auth/sign-out', { cookie }).then(
      (res) => res.body?.cancel(),
      () => undefined,
    );
  }
}

/** `fetch failed` hides the reason in `cause`: ECONNREFUSED, ENOTFOUND, a timeout… */
function networkCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'no answer in time';
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return error.message;
}
