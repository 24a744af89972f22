import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
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

  it('migrates a database from before 0002: outbox rows merged, a reused document revoked and audited, kinds set', () => {
    // The database as 0000 and 0001 left it, with the rows 0002 must repair.
    const old = join(dir, 'old-migrations');
    cpSync(join(import.meta.dirname, 'migrations'), old, { recursive: true });
    const journalFile = join(old, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] };
    journal.entries = journal.entries.filter((e) => e.tag < '0002');
    writeFileSync(journalFile, JSON.stringify(journal));
    const path = join(dir, 'realcall.db');
    const sqlite = new Database(path);
    migrate(drizzle(sqlite), { migrationsFolder: old });
    const insertUser = sqlite.prepare('INSERT INTO users (id, login, password_hash, nickname) VALUES (?, ?, ?, ?)');
    insertUser.run(1, 'first@example.test', 'x', 'First');
    insertUser.run(2, 'second@example.test', 'x', 'Second');
    insertUser.run(3, '+8613800138000', 'x', 'Phone');
    const verify = sqlite.prepare(
      "INSERT INTO verifications (user_id, legal_name, id_hash, id_last4, status) VALUES (?, '张三丰', ?, '5678', 'verified')",
    );
    verify.run(1, 'same-document');
    verify.run(2, 'same-document');
    verify.run(3, 'other-document');
    const queue = sqlite.prepare(
      'INSERT INTO pbx_outbox (extension, hang_up, attempts, next_attempt_at) VALUES (?, ?, ?, ?)',
    );
    queue.run('1001', 0, 3, 5000);
    queue.run('1001', 1, 0, 2000);
    queue.run('1001', 0, 1, 9000);
    queue.run('1002', 0, 0, 1000);
    sqlite.close();

    const db = openDatabase(path);
    const sql = db.$client;
    expect(sql.prepare('SELECT user_id, status, reason FROM verifications ORDER BY id').all()).toEqual([
      { user_id: 1, status: 'verified', reason: null },
      { user_id: 2, status: 'revoked', reason: 'The same identity document already verifies another person.' },
      { user_id: 3, status: 'verified', reason: null },
    ]);
    expect(
      sql.prepare('SELECT actor_login, action, target_user_id, before_status, after_status FROM audit_log').all(),
    ).toEqual([
      {
        actor_login: 'system (migration 0002)',
        action: 'verification.revoke.duplicate_document',
        target_user_id: 2,
        before_status: 'verified',
        after_status: 'revoked',
      },
    ]);
    expect(
      sql.prepare('SELECT extension, hang_up, attempts, next_attempt_at FROM pbx_outbox ORDER BY extension').all(),
    ).toEqual([
      { extension: '1001', hang_up: 1, attempts: 0, next_attempt_at: 2000 },
      { extension: '1002', hang_up: 0, attempts: 0, next_attempt_at: 1000 },
    ]);
    expect(sql.prepare('SELECT login_kind FROM users ORDER BY id').pluck().all()).toEqual(['email', 'email', 'phone']);
    // From now on the database itself refuses a second verified person for one document.
    expect(() => sql.prepare("UPDATE verifications SET status = 'verified' WHERE user_id = 2").run()).toThrow(/UNIQUE/);
    sql.close();
  });

  it('migrates same-document revocations from before 0005: whom the document was approved for, the reason as written', () => {
    const old = join(dir, 'old-migrations');
    cpSync(join(import.meta.dirname, 'migrations'), old, { recursive: true });
    const journalFile = join(old, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] };
    journal.entries = journal.entries.filter((e) => e.tag < '0005');
    writeFileSync(journalFile, JSON.stringify(journal));
    const path = join(dir, 'realcall.db');
    const sqlite = new Database(path);
    migrate(drizzle(sqlite), { migrationsFolder: old });
    const insertUser = sqlite.prepare('INSERT INTO users (id, login, password_hash, nickname) VALUES (?, ?, ?, ?)');
    insertUser.run(1, 'first@example.test', 'x', 'First');
    insertUser.run(2, 'second@example.test', 'x', 'Second');
    sqlite
      .prepare(
        "INSERT INTO verifications (id, user_id, legal_name, id_hash, id_last4, status) VALUES (12, 2, '张三丰', 'h', '5678', 'verified')",
      )
      .run();
    const audit = sqlite.prepare(
      "INSERT INTO audit_log (actor_login, action, target_type, target_id, target_user_id, reason) VALUES ('a@example.test', ?, 'verification', 11, 1, ?)",
    );
    // As 0.1 wrote them: the admin's reason (which may itself hold brackets), then the note.
    audit.run('verification.revoke.same_document', 'Borrowed (says 3) (the document was approved for verification 12)');
    // A note naming a verification that is gone, and entries of other kinds, are left alone.
    audit.run('verification.revoke.same_document', 'Gone (the document was approved for verification 99)');
    audit.run('verification.revoke', 'Stolen (the document was approved for verification 12)');
    sqlite.close();

    const sql = openDatabase(path).$client;
    expect(sql.prepare('SELECT related_user_id, reason FROM audit_log ORDER BY id').all()).toEqual([
      { related_user_id: 2, reason: 'Borrowed (says 3) (the document was approved for verification 12)' },
      { related_user_id: null, reason: 'Gone (the document was approved for verification 99)' },
      { related_user_id: null, reason: 'Stolen (the document was approved for verification 12)' },
    ]);
    sql.close();
  });
});
