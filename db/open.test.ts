import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from './open';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'realcall-db-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('openDatabase', () => {
  it('creates the file and its folder, applies every migration, and sets the pragmas', () => {
    const db = openDatabase(join(dir, 'nested', 'realcall.db'));
    const pragma = (name: string) => db.$client.pragma(name, { simple: true });
    expect(pragma('journal_mode')).toBe('wal');
    expect(pragma('foreign_keys')).toBe(1);
    expect(pragma('synchronous')).toBe(2); // FULL
    expect(pragma('busy_timeout')).toBe(5000);
    const tables = db.$client.prepare("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name").all();
    expect(tables.map((t) => (t as { name: string }).name)).toEqual(
      expect.arrayContaining([
        'users',
        'sip_accounts',
        'verifications',
        'sessions',
        'login_throttle',
        'avatars',
        'audit_log',
      ]),
    );
    const applied = db.$client.prepare('SELECT COUNT(*) AS n FROM __drizzle_migrations').get() as { n: number };
    const shipped = readdirSync(join(import.meta.dirname, 'migrations')).filter((f) => f.endsWith('.sql')).length;
    expect(applied.n).toBe(shipped);
    db.$client.close();
  });

  it('opens an existing database again without re-applying migrations or losing rows', () => {
    const path = join(dir, 'realcall.db');
    const first = openDatabase(path);
    first.$client
      .prepare("INSERT INTO users (login, password_hash, nickname) VALUES ('kept@example.test', 'x', 'Kept')")
      .run();
    first.$client.close();
    const second = openDatabase(path);
    expect(second.$client.prepare('SELECT login FROM users').all()).toEqual([{ login: 'kept@example.test' }]);
    second.$client.close();
  });

  it('enforces one pending and one verified record per person', () => {
    const db = openDatabase(join(dir, 'realcall.db'));
    const sql = db.$client;
    sql.prepare("INSERT INTO users (id, login, password_hash, nickname) VALUES (1, 'a@b.test', 'x', 'A')").run();
    const add = sql.prepare(
      "INSERT INTO verifications (user_id, legal_name, id_hash, id_last4, status) VALUES (1, 'A', 'h', '1234', ?)",
    );
    add.run('pending');
    expect(() => add.run('pending')).toThrow(/UNIQUE/);
    add.run('verified');
    expect(() => add.run('verified')).toThrow(/UNIQUE/);
    add.run('rejected');
    add.run('rejected');
    expect(() =>
      sql.prepare("INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ('t', 99, 0)").run(),
    ).toThrow(/FOREIGN KEY/);
    sql.close();
  });
});
