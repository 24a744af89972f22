/**
 * Test support: a real app on a real, fresh SQLite file per call. Nothing
 * here is mocked; only the clock can be moved.
 */
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../db/open';
import { createApp } from './app';
import { loadConfig, type Config } from './config';
import { promoteToAdmin } from './services/admin-users';
import type { PeerConnectionState, Pbx } from './services/pbx';

export type TestApp = ReturnType<typeof createApp> & {
  db: Db;
  config: Config;
  dir: string;
  clock: { now: number };
  /** Calls the PBX was asked to make. */
  pbxCalls: { extension: string; hangUp: boolean; retell?: boolean }[];
  /** The connection notices the app asked the PBX to pass on (`Pbx.tellOthers`). */
  pbxNotices: { extension: string; state: PeerConnectionState }[];
  close: () => void;
};

export function testEnv(dir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    REALCALL_DB_PATH: join(dir, 'realcall.db'),
    REALCALL_INTERNAL_SECRET: randomBytes(24).toString('base64url'),
    REALCALL_SECRET_KEY: randomBytes(32).toString('hex'),
    // The cheapest cost the config accepts: tests sign up many people.
    REALCALL_SCRYPT_LOG_N: '14',
    REALCALL_SIP_DOMAIN: 'realcall.test',
    REALCALL_SIP_WS_URL: 'wss://pbx.realcall.test/ws',
    REALCALL_WEB_DIST: join(dir, 'no-web'),
    ...extra,
  };
}

export function createTestApp(extraEnv: Record<string, string> = {}): TestApp {
  const dir = mkdtempSync(join(tmpdir(), 'realcall-test-'));
  const config = loadConfig(testEnv(dir, extraEnv));
  const db = openDatabase(config.dbPath);
  const clock = { now: Date.parse('2026-11-25T08:00:00Z') };
  const pbxCalls: TestApp['pbxCalls'] = [];
  const pbxNotices: TestApp['pbxNotices'] = [];
  // The PBX is an edge we do not own; recording what was asked of it is the honest test of this side.
  const pbx: Pbx = {
    forget: (extension, { hangUp, retell }) => void pbxCalls.push({ extension, hangUp, ...(retell ? { retell } : {}) }),
    // No PBX here, so no call to pass a notice into: nobody was told.
    tellOthers: (extension, state) => {
      pbxNotices.push({ extension, state });
      return Promise.resolve(0);
    },
  };
  const app = createApp({ db, config, pbx, now: () => clock.now, log: () => {} });
  return {
    ...app,
    db,
    config,
    dir,
    clock,
    pbxCalls,
    pbxNotices,
    close: () => {
      db.$client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A JSON request through the public app, with an optional session cookie. */
export async function call(
  t: TestApp,
  method: string,
  path: string,
  options: {
    body?: unknown;
    cookie?: string | undefined;
    headers?: Record<string, string>;
    raw?: string | Uint8Array;
  } = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.cookie) headers.cookie = options.cookie;
  // A copy with a plain ArrayBuffer: what fetch's BodyInit accepts under every lib setting.
  let body: string | Uint8Array<ArrayBuffer> | undefined =
    typeof options.raw === 'string' || options.raw === undefined ? options.raw : new Uint8Array(options.raw);
  if (options.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(options.body);
  }
  const res = await t.public.request(path, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

let counter = 0;

/**
 * Signs up a fresh person and returns their session cookie and account.
 * Their login counts as proven (written straight to the row, as the code
 * check would) unless `proven: false`: proving by code has tests of its own
 * (login-proof.test.ts) against a real SMTP server, and most tests are about
 * what comes after it.
 */
export async function signUp(
  t: TestApp,
  overrides: { login?: string; password?: string; nickname?: string; proven?: boolean } = {},
): Promise<{ cookie: string; me: any; login: string; password: string }> {
  counter += 1;
  const login = overrides.login ?? `person${counter}@example.test`;
  const password = overrides.password ?? `correct horse ${counter}`;
  const res = await call(t, 'POST', '/api/auth/sign-up', {
    body: { login, password, nickname: overrides.nickname ?? `Person ${counter}` },
  });
  if (res.status !== 201) throw new Error(`sign-up failed: ${res.status} ${JSON.stringify(res.body)}`);
  if (overrides.proven !== false) {
    markLoginProven(t.db, res.body.me.id);
    res.body.me.loginProven = true;
  }
  return { cookie: cookieFrom(res.headers), me: res.body.me, login, password };
}

export function cookieFrom(headers: Headers): string {
  const set = headers.get('set-cookie') ?? '';
  const match = /rc_session=([^;]*)/.exec(set);
  if (!match) throw new Error(`no session cookie in ${set}`);
  return `rc_session=${match[1]}`;
}

/** Every table's rows, to show that a rejected request wrote nothing. */
export function snapshot(db: Db): Record<string, unknown[]> {
  const tables = db.$client
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .all() as { name: string }[];
  return Object.fromEntries(tables.map(({ name }) => [name, db.$client.prepare(`SELECT * FROM "${name}"`).all()]));
}

/** Marks a person's login proven, as a right code would (test set-up only). */
export function markLoginProven(db: Db, userId: number): void {
  db.$client.prepare('UPDATE users SET login_proven_at = ? WHERE id = ?').run(Date.now(), userId);
}

/** Makes a person an admin, as `npm run admin:create -- --promote` does. */
export const makeAdmin = (db: Db, userId: number): void => promoteToAdmin(db, userId);

/** A free TCP port on 127.0.0.1, asked of the system. */
export function freeTcpPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * `npm start`'s server as a process of its own, resolved once it listens.
 * One process (node with tsx's loader, not tsx's CLI, which forwards into a
 * child): a signal, SIGKILL included, reaches the server itself. With
 * `compiled`, plain `node` runs that build of it instead (api/build.ts), as
 * the production image does.
 */
export async function spawnApiServer(env: Record<string, string>, compiled?: string): Promise<ChildProcess> {
  const args = compiled ? [compiled] : ['--import', 'tsx', join('api', 'src', 'server.ts')];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error('the API process did not start within 30 s')), 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('[api] database')) {
        clearTimeout(timer);
        resolveReady();
      }
    });
    child.once('exit', (code) => reject(new Error(`the API process exited (${code})`)));
  });
  return child;
}
