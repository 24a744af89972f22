/** REGISTER: once to measure it (`register`), or to stay reachable (`registerConnection`, used by the agent). */
import { Registerer, type Core } from 'sip.js';
import type { SipAccount } from './account';
import { connect, type Connection } from './connection';
import { now, withTimeout } from './time';

export type RegisterResult = {
  ok: boolean;
  /** The final response's status, when there was one. */
  statusCode?: number;
  /** Its reason phrase, or why there was no response. */
  reason?: string;
  /** REGISTER sent → final response, the digest challenge included. */
  ms: number;
  /** Opening the WebSocket, before the REGISTER. */
  connectMs?: number;
};

export type RegisterOptions = { timeoutMs: number; log?: (line: string) => void };

/** How long a test registration asks to live; Asterisk's default minimum_expiration is 60 s. */
const EXPIRES = 60;

/**
 * Registers `connection`'s account and resolves with the outcome of the
 * REGISTER transaction (sip.js answers the 401 challenge itself). Never
 * rejects; the Registerer is returned for unregistering.
 */
export async function registerConnection(
  connection: Connection,
  timeoutMs: number,
  expires = EXPIRES,
): Promise<{ result: Omit<RegisterResult, 'connectMs'>; registerer: Registerer }> {
  // sip.js refreshes the registration by itself before it expires, as a browser's softphone does.
  const registerer = new Registerer(connection.ua, { expires, logConfiguration: false });
  const started = now();
  const final = (response: Core.IncomingResponse, ok: boolean) => {
    const { statusCode, reasonPhrase, data } = response.message;
    // sip.js reports its own transaction timeouts and transport errors as responses that never crossed the wire.
    const reason = data ? reasonPhrase : `no response (sip.js ${statusCode} ${reasonPhrase})`;
    return { ok, statusCode: data ? statusCode : undefined, reason, ms: now() - started };
  };
  const outcome = new Promise<Omit<RegisterResult, 'connectMs'>>((resolve) => {
    registerer
      .register({
        requestDelegate: {
          onAccept: (response) => resolve(final(response, true)),
          onReject: (response) => resolve(final(response, false)),
          onRedirect: (response) => resolve(final(response, false)),
        },
      })
      .catch((error: unknown) =>
        resolve({ ok: false, reason: error instanceof Error ? error.message : String(error), ms: now() - started }),
      );
  });
  const result = await withTimeout(outcome, timeoutMs, '').catch(() => ({
    ok: false,
    reason: `no answer to REGISTER within ${timeoutMs} ms`,
    ms: now() - started,
  }));
  return { result, registerer };
}

/**
 * Opens a connection for `account`, registers once, unregisters and
 * closes. `ok` is true only for a 2xx to the REGISTER; a connection failure
 * is `ok: false` with `reason` "cannot reach …".
 */
export async function register(account: SipAccount, options: RegisterOptions): Promise<RegisterResult> {
  const started = now();
  let connection: Connection;
  try {
    connection = await connect(account, { timeoutMs: options.timeoutMs, log: options.log });
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error), ms: now() - started };
  }
  const connectMs = now() - started;
  try {
    const { result } = await registerConnection(connection, options.timeoutMs);
    return { ...result, connectMs };
  } finally {
    await connection.close();
  }
}

/** One line for people: "registered in 12 ms" / "registration failed: 401 Unauthorized". */
export function describeRegistration(result: RegisterResult): string {
  if (result.ok) return `registered (${result.statusCode ?? 200} ${result.reason ?? 'OK'})`;
  return `registration failed: ${result.statusCode ? `${result.statusCode} ` : ''}${result.reason ?? 'unknown reason'}`;
}
