/**
 * The production build (api/build.ts) really runs: plain `node` on the
 * compiled bundle serves the API on a fresh database, and the compiled
 * admin tool makes an admin. What the bundles import from node_modules is
 * exactly package.json's `dependencies` (the image keeps only those).
 */
import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi, ENTRIES } from './build';
import { png } from './src/images.test-support';
import { freeTcpPort, spawnApiServer, testEnv } from './src/testing';

const ROOT = resolve(import.meta.dirname, '..');
const run = promisify(execFile);

// Inside the repository, so the bundles find node_modules the way api/dist does in the image.
const outdir = join(ROOT, '.runtime', `api-build-test-${process.pid}`);
let packages: string[];

beforeAll(async () => {
  ({ packages } = await buildApi(outdir));
}, 60_000);
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('the compiled API', () => {
  it('imports only package.json dependencies, and every dependency is used', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(packages).toEqual(Object.keys(manifest.dependencies).sort());
    expect(packages).not.toContain('tsx');
  });

  it('is plain JavaScript that node runs: it serves the API, with migrations, on a fresh database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'realcall-build-'));
    const port = await freeTcpPort();
    const env = {
      ...testEnv(dir),
      REALCALL_PUBLIC_PORT: String(port),
      REALCALL_INTERNAL_PORT: String(await freeTcpPort()),
      // Nothing inherited may load a TypeScript loader into the child.
      NODE_OPTIONS: '',
    };
    let child: ChildProcess | undefined;
    try {
      child = await spawnApiServer(env, join(outdir, 'server.js'));
      const health = await fetch(`http://127.0.0.1:${port}/api/health`);
      expect(health.status).toBe(200);
      const signUp = await fetch(`http://127.0.0.1:${port}/api/auth/sign-up`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ login: 'built@example.test', password: 'correct horse battery', nickname: 'Built' }),
      });
      expect(signUp.status).toBe(201);
      expect(((await signUp.json()) as { me: { extension: string } }).me.extension).toMatch(/^\d+$/);
      // The image codecs' WebAssembly is found from the bundle's place, as in the image.
      const cookie = /rc_session=[^;]+/.exec(signUp.headers.get('set-cookie') ?? '')![0];
      const avatar = await fetch(`http://127.0.0.1:${port}/api/me/avatar`, {
        method: 'PUT',
        headers: { 'content-type': 'image/png', cookie },
        body: new Uint8Array(png(40, 30)),
      });
      expect(avatar.status).toBe(200);
      expect(((await avatar.json()) as { avatar: { mime: string } }).avatar.mime).toBe('image/webp');
    } finally {
      child?.kill('SIGTERM');
      if (child && child.exitCode === null) await new Promise((r) => child!.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('includes the admin tool, which makes an admin with a generated password', async () => {
    expect(Object.keys(ENTRIES)).toEqual(['server', 'admin-create', 'seed-demo']);
    const dir = mkdtempSync(join(tmpdir(), 'realcall-build-'));
    try {
      const { stdout } = await run(process.execPath, [join(outdir, 'admin-create.js'), '--login', 'ops@example.test'], {
        env: { ...process.env, ...testEnv(dir), NODE_OPTIONS: '' },
        timeout: 20_000,
      });
      expect(stdout).toMatch(/ops@example\.test/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
