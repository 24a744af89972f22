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
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../../db/open';
import { createApp } from '../../../api/src/app';
import { loadConfig } from '../../../api/src/config';
import { promoteToAdmin } from '../../../api/src/services/admin-users';

type Credentials = { login: string; password: string };

function listen(fetch: (req: Request) => Response | Promise<Response>, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, hostname: '127.0.0.1', port }, () => resolve(server as Server));
    server.once('error', reject);
  });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const port = project.getProvidedContext().apiPort;
  if (!port) throw new Error('api-server: vitest.config.ts must provide apiPort (the port /api is proxied to)');

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
  });
  const db = openDatabase(config.dbPath);
  // The real clock: session cookies the browser keeps expire against it.
  const app = createApp({ db, config });
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

  return async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections(); // the proxy keeps connections alive
    await closed;
    db.$client.close();
    rmSync(dir, { recursive: true, force: true });
  };
}
