/**
 * Many people, fast, for benchmarks: bulk inserts through drizzle in one
 * transaction per 5,000 people, with real sealed SIP secrets and a verified
 * record for half of them. Files are kept in .runtime/bench/ and reused.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { count } from 'drizzle-orm';
import { openDatabase } from '../db/open';
import { sipAccounts, users, verifications, NAME_PRIVACY } from '../db/schema';
import { deriveKeys, seal, sipSecretOwner } from '../api/src/services/secrets';

export const BENCH_DIR = join(import.meta.dirname, '..', '.runtime', 'bench');
const NAMES = ['张三丰', '欧阳娜娜', 'John Smith', '李小龙', 'María José García', '王小明'];

export type Fixture = { dbPath: string; secretKeyHex: string; people: number };

/** A database with `people` people (extensions 1001…), built once and reused. */
export function peopleDatabase(people: number, log: (line: string) => void = () => {}): Fixture {
  mkdirSync(BENCH_DIR, { recursive: true });
  const dbPath = join(BENCH_DIR, `people-${people}.db`);
  const keyFile = `${dbPath}.key`;
  if (existsSync(dbPath) && existsSync(keyFile)) {
    return { dbPath, secretKeyHex: readFileSync(keyFile, 'utf8').trim(), people };
  }
  const secretKeyHex = randomBytes(32).toString('hex');
  const building = `${dbPath}.building`;
  rmSync(building, { force: true });
  const db = openDatabase(building);
  const keys = deriveKeys(Buffer.from(secretKeyHex, 'hex'));
  const started = Date.now();
  const BATCH = 5000;
  for (let first = 1; first <= people; first += BATCH) {
    const last = Math.min(people, first + BATCH - 1);
    db.transaction((tx) => {
      const ids = Array.from({ length: last - first + 1 }, (_, i) => first + i);
      for (let i = 0; i < ids.length; i += 1000) {
        const chunk = ids.slice(i, i + 1000);
        tx.insert(users)
          .values(
            chunk.map((id) => ({
              id,
              login: `p${id}@bench.test`,
              passwordHash: 'x',
              nickname: `Person ${id}`,
              namePrivacy: NAME_PRIVACY[id % 3]!,
            })),
          )
          .run();
        tx.insert(sipAccounts)
          .values(
            chunk.map((id) => ({
              userId: id,
              extension: String(1000 + id),
              secretSealed: seal(keys, `secret-${id}`, sipSecretOwner(id)),
            })),
          )
          .run();
        tx.insert(verifications)
          .values(
            chunk
              .filter((id) => id % 2 === 0)
              .map((id) => ({
                userId: id,
                legalName: NAMES[id % NAMES.length]!,
                idHash: `h${id}`,
                idLast4: '1234',
                status: 'verified' as const,
              })),
          )
          .run();
      }
    });
    if (last % 100_000 === 0) log(`  … ${last.toLocaleString()} people`);
  }
  const n = db.select({ n: count() }).from(users).get()?.n;
  db.$client.pragma('wal_checkpoint(TRUNCATE)');
  db.$client.close();
  renameSync(building, dbPath);
  rmSync(`${building}-wal`, { force: true });
  rmSync(`${building}-shm`, { force: true });
  writeFileSync(keyFile, secretKeyHex);
  log(`  built ${n?.toLocaleString()} people in ${((Date.now() - started) / 1000).toFixed(1)} s → ${dbPath}`);
  return { dbPath, secretKeyHex, people };
}
