/**
 * Nothing answered with success is lost: the real server (`npm start`'s
 * entry) is killed with SIGKILL while admins and new people write, and
 * after a restart every write that got a 2xx is there. (SQLite in WAL mode
 * with synchronous=FULL: a commit is on disk before the answer leaves; see
 * db/open.ts.)
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/open';
import { loadConfig } from './config';
import { promoteToAdmin } from './services/admin-users';
import { createPerson } from './services/people';
import { deriveKeys } from './services/secrets';
import { submitVerification } from './services/verifications';
import { freeTcpPort, spawnApiServer, testEnv } from './testing';

let dir: string;
let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('writes survive SIGKILL', () => {
  it('keeps every sign-up and every admin decision that was answered with success', async () => {
    dir = mkdtempSync(join(tmpdir(), 'realcall-durability-'));
    const port = await freeTcpPort();
    const env = {
      ...testEnv(dir),
      REALCALL_PUBLIC_PORT: String(port),
      REALCALL_INTERNAL_PORT: String(await freeTcpPort()),
    };
    const config = loadConfig(env);

    // Before the server runs: an admin and people waiting for a decision.
    const db = openDatabase(config.dbPath);
    const security = { keys: deriveKeys(config.secretKey), scryptLogN: config.scryptLogN };
    const admin = await createPerson(db, security, {
      login: 'admin@durable.test',
      password: 'correct horse battery',
      nickname: 'Admin',
    });
    promoteToAdmin(db, admin.id);
    // scrypt runs on libuv's thread pool: creating people in parallel keeps this quick.
    const created = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        createPerson(db, security, {
          login: `p${i}@durable.test`,
          password: 'correct horse battery',
          nickname: `P${i}`,
          loginProven: true,
        }),
      ),
    );
    const pending: number[] = [];
    created.forEach((p, i) => {
      const v = submitVerification(db, security.keys, p.id, { legalName: '张三', idNumber: `D${1000000 + i}` });
      if (v.status !== 'none') pending.push(v.id);
    });
    db.$client.close();

    child = await spawnApiServer(env);
    const base = `http://127.0.0.1:${port}`;
    const signIn = await fetch(`${base}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'admin@durable.test', password: 'correct horse battery' }),
    });
    const cookie = /rc_session=[^;]+/.exec(signIn.headers.get('set-cookie') ?? '')![0];

    const approved: number[] = [];
    const signedUp: string[] = [];
    let stop = false;
    const approvals = (async () => {
      for (const id of pending) {
        if (stop) break;
        const res = await fetch(`${base}/api/admin/verifications/${id}/approve`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie },
          body: '{}',
        }).catch(() => undefined);
        if (res?.ok) approved.push(id);
      }
    })();
    const signUps = (async () => {
      for (let i = 0; !stop; i++) {
        const login = `new${i}-${randomBytes(3).toString('hex')}@durable.test`;
        const res = await fetch(`${base}/api/auth/sign-up`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ login, password: 'correct horse battery', nickname: `New ${i}` }),
        }).catch(() => undefined);
        if (res?.status === 201) signedUp.push(login);
      }
    })();

    // Kill mid-stream, without warning: once some writes are answered, while more are in flight.
    const deadline = Date.now() + 20_000;
    while ((approved.length < 60 || signedUp.length < 3) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGKILL');
    stop = true;
    await Promise.all([approvals, signUps]);
    expect(approved.length).toBeGreaterThan(10);
    // The kill landed while approvals were still coming: some were never answered.
    expect(approved.length).toBeLessThan(pending.length);
    expect(signedUp.length).toBeGreaterThanOrEqual(3);

    // Restart, and look.
    child = await spawnApiServer(env);
    const after = openDatabase(config.dbPath);
    try {
      const status = after.$client.prepare('SELECT status FROM verifications WHERE id = ?');
      for (const id of approved)
        expect((status.get(id) as { status: string }).status, `verification ${id}`).toBe('verified');
      const audit = after.$client.prepare(
        "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'verification.approve' AND target_id = ?",
      );
      for (const id of approved) expect((audit.get(id) as { n: number }).n, `audit for ${id}`).toBe(1);
      const person = after.$client.prepare(
        'SELECT u.id FROM users u JOIN sip_accounts s ON s.user_id = u.id WHERE u.login = ?',
      );
      for (const login of signedUp) expect(person.get(login), login).toBeDefined();
      const check = after.$client.pragma('integrity_check', { simple: true });
      expect(check).toBe('ok');
    } finally {
      after.$client.close();
    }
    console.log(
      `[durability] killed after ${approved.length} approvals and ${signedUp.length} sign-ups were answered; all present after restart`,
    );
  }, 120_000);
});
