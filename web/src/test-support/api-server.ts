/**
 * Vitest globalSetup for the browser project (runs in Node, once per run):
 * the real API — `createApp` over a fresh, migrated SQLite file in a temp
 * folder — listening on 127.0.0.1 at the port vitest.config.ts picked and
 * proxies /api to. The browser reaches it same-origin through that proxy,
 * with the cookie it keeps, exactly as the softphone reaches its API.
 *
 * The API has no HTTP route to make an admin (only the command line does),
 * so this also creates one person and promotes them the way
 * `npm run admin:create -- --promote` does; tests sign in as that person.
 *
 * Login codes go by e-mail through a real SMTP server on 127.0.0.1 (the
 * API's own smtp-server sink): the API is configured with its URL exactly as
 * an operator sets REALCALL_SMTP_URL, and tests read the code from the last
 * message to an address (through `supportUrl`, below), so they prove a login
 * the way a person does. No SMS gateway is configured, so phone-number
 * logins meet the API's real 503 `login_proof_unavailable`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { eq } from 'drizzle-orm';
import type { TestProject } from 'vitest/node';
import { openDatabase, type Db } from '../../../db/open';
import { users, verifications } from '../../../db/schema';
import { createApp } from '../../../api/src/app';
import { loadConfig } from '../../../api/src/config';
import { promoteToAdmin } from '../../../api/src/services/admin-users';
import { DEFAULT_GATE_LIMITS } from '../../../api/src/services/password-gate';
import { startSmtpSink } from '../../../api/src/smtp.test-support';

type Credentials = { login: string; password: string };

function listen(fetch: (req: Request) => Response | Promise<Response>, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, hostname: '127.0.0.1', port }, () => resolve(server as Server));
    server.once('error', reject);
  });
}

/**
 * A small HTTP server beside the API, for what tests need from Node and the
 * API rightly does not offer: the code in the last message the API mailed
 * to an address, and a record from before login proof. It answers any
 * origin (the test page is on Vite's port); loopback only.
 */
async function listenSupport(
  handle: (req: Request) => Promise<Response>,
): Promise<{ url: string; close: () => Promise<void> }> {
  const fetch = async (req: Request) => {
    const res = await handle(req).catch((err: Error) => Response.json({ error: err.message }, { status: 500 }));
    res.headers.set('access-control-allow-origin', '*');
    return res;
  };
  const server = await listen(fetch, 0);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections(); // the browser keeps connections alive
      return closed;
    },
  };
}

/**
 * A pending record as one from before login proof existed: migration 0002
 * keeps such records pending while their people's logins are unproven, and
 * the API offers no way to make one now (submitting needs a proven login),
 * so this row is written directly: the one record the browser tests make
 * neither through the API nor through a service its command line uses.
 */
function preProofVerification(db: Db, input: { login: string; legalName: string; idLast4: string }): number {
  const person = db.select({ id: users.id }).from(users).where(eq(users.login, input.login)).get();
  if (!person) throw new Error(`nobody signed up as ${input.login}`);
  return db
    .insert(verifications)
    .values({
      userId: person.id,
      legalName: input.legalName,
      idHash: randomBytes(32).toString('hex'),
      idLast4: input.idLast4,
      status: 'pending',
    })
    .returning({ id: verifications.id })
    .get().id;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const port = project.getProvidedContext().apiPort;
  if (!port) throw new Error('api-server: vitest.config.ts must provide apiPort (the port /api is proxied to)');

  const smtp = await startSmtpSink();
  const dir = mkdtempSync(join(tmpdir(), 'realcall-browser-'));
  // As api/src/testing.ts's testEnv (not imported: it does not type-check under the web's DOM lib).
  const config = loadConfig({
    NODE_ENV: 'test',
    REALCALL_DB_PATH: join(dir, 'realcall.db'),
    REALCALL_INTERNAL_SECRET: randomBytes(24).toString('base64url'),
    REALCALL_SECRET_KEY: randomBytes(32).toString('hex'),
    REALCALL_SCRYPT_LOG_N: '14', // the cheapest the config accepts: tests sign up many people
    REALCALL_SIP_DOMAIN: 'realcall.test',
    // No PBX in these tests: nothing listens there, so a signed-in app says it cannot connect.
    REALCALL_SIP_WS_URL: 'ws://127.0.0.1:9/ws',
    REALCALL_WEB_DIST: join(dir, 'no-web'),
    REALCALL_SMTP_URL: smtp.url,
    REALCALL_MAIL_FROM: 'codes@realcall.test',
  });
  const db = openDatabase(config.dbPath);
  // The real clock: session cookies the browser keeps expire against it. Every test signs in from
  // 127.0.0.1, many times a minute: the per-address limit of password checks (its own tests are in
  // api/src/password-gate.test.ts) would refuse them, so here it is high; the rest is as deployed.
  const gateLimits = { ...DEFAULT_GATE_LIMITS, perAddress: { inFlight: 16, perMinute: 100_000 } };
  const app = createApp({ db, config, gateLimits });
  const server = await listen(app.public.fetch, port);

  const admin: Credentials = {
    login: `admin-${randomBytes(4).toString('hex')}@example.test`,
    password: randomBytes(12).toString('base64url'),
  };
  const res = await fetch(`http://127.0.0.1:${port}/api/auth/sign-up`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...admin, nickname: 'Test Admin' }),
  });
  if (res.status !== 201) throw new Error(`api-server: admin sign-up failed: ${res.status} ${await res.text()}`);
  const { me } = (await res.json()) as { me: { id: number } };
  promoteToAdmin(db, me.id);
  project.provide('apiAdmin', admin);

  const support = await listenSupport(async (req) => {
    const url = new URL(req.url);
    if (req.method === 'GET' && url.pathname === '/login-code') {
      const text = smtp.lastTo(url.searchParams.get('to') ?? '')?.text ?? '';
      return Response.json({ code: /\b(\d{6})\b/.exec(text)?.[1] ?? null });
    }
    if (req.method === 'POST' && url.pathname === '/pre-proof-verification') {
      const body = JSON.parse(await req.text()) as { login: string; legalName: string; idLast4: string };
      return Response.json({ id: preProofVerification(db, body) });
    }
    return Response.json({ error: `no ${req.method} ${url.pathname}` }, { status: 404 });
  });
  project.provide('supportUrl', support.url);

  return async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections(); // the proxy keeps connections alive
    await closed;
    await support.close();
    db.$client.close();
    await smtp.close();
    rmSync(dir, { recursive: true, force: true });
  };
}
