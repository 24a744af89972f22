/**
 * Fills an empty database with demo people covering every name status, so
 * anyone can try a call in minutes. Passwords are generated now and printed
 * once; nothing here is a default.
 *
 *   npm run seed:demo            a table for people
 *   npm run seed:demo -- --json  the same for scripts
 */
import { randomBytes, randomInt } from 'node:crypto';
import { count } from 'drizzle-orm';
import { users, type NamePrivacy } from '../../db/schema';
import { previewNamePrivacy, setNamePrivacy } from '../src/services/privacy';
import { createPerson } from '../src/services/people';
import { decideVerification, submitVerification } from '../src/services/verifications';
import { noPbx } from '../src/services/pbx';
import { fail, flags, open, run } from './cli';

type Demo = {
  login: string;
  nickname: string;
  role?: 'admin';
  legalName?: string;
  verification?: 'pending' | 'verified';
  privacy?: NamePrivacy;
};

const PEOPLE: Demo[] = [
  { login: 'admin@demo.realcall.test', nickname: 'Demo Admin', role: 'admin' },
  {
    login: 'zhang@demo.realcall.test',
    nickname: '三丰',
    legalName: '张三丰',
    verification: 'verified',
    privacy: 'full',
  },
  {
    login: 'li@demo.realcall.test',
    nickname: '小龙',
    legalName: '李小龙',
    verification: 'verified',
    privacy: 'masked',
  },
  {
    login: 'wang@demo.realcall.test',
    nickname: '明明',
    legalName: '王小明',
    verification: 'verified',
    privacy: 'hidden',
  },
  {
    login: 'alice@demo.realcall.test',
    nickname: 'Alice',
    legalName: 'Alice Chen',
    verification: 'pending',
    privacy: 'full',
  },
  { login: 'bob@demo.realcall.test', nickname: 'Bob', privacy: 'full' },
];

await run(async () => {
  const { values } = flags({ json: { type: 'boolean' } }, 'Usage: npm run seed:demo [-- --json]');
  const { db, config, keys } = open();
  const existing = db.select({ n: count() }).from(users).get()?.n ?? 0;
  if (existing > 0) {
    fail(`The database at ${config.dbPath} already has ${existing} people; seed:demo only fills an empty one.`, 1);
  }

  const security = { keys, scryptLogN: config.scryptLogN };
  const created: {
    login: string;
    password: string;
    extension: string;
    nickname: string;
    role: string;
    callee: string;
  }[] = [];
  let admin: { id: number; login: string } | undefined;
  for (const demo of PEOPLE) {
    const password = randomBytes(9).toString('base64url');
    const person = await createPerson(db, security, {
      login: demo.login,
      password,
      nickname: demo.nickname,
      role: demo.role ?? 'user',
      // Demo addresses (demo.realcall.test) cannot receive codes: the seed vouches for them.
      loginProven: true,
    });
    if (demo.role === 'admin') admin = { id: person.id, login: demo.login };
    if (demo.legalName && demo.verification) {
      const idNumber = `DEMO${randomInt(10 ** 8, 10 ** 9)}`;
      const record = submitVerification(db, keys, person.id, { legalName: demo.legalName, idNumber });
      if (demo.verification === 'verified' && admin && record.status !== 'none') {
        decideVerification(db, noPbx, admin, record.id, 'approve', 'demo data');
      }
    }
    if (demo.privacy) setNamePrivacy(db, noPbx, person.id, demo.privacy);
    const seen = previewNamePrivacy(db, person.id);
    const shown = seen.options[seen.current];
    created.push({
      login: demo.login,
      password,
      extension: person.extension,
      nickname: demo.nickname,
      role: demo.role ?? 'user',
      callee: `${shown.name} (${shown.status})`,
    });
  }
  db.$client.close();

  if (values.json) {
    console.log(JSON.stringify(created, null, 2));
    return;
  }
  console.log(`Demo people in ${config.dbPath} (passwords are shown once):\n`);
  const head = ['extension', 'login', 'password', 'role', 'a callee sees'];
  const rows = created.map((c) => [c.extension, c.login, c.password, c.role, c.callee]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => width(r[i]!))));
  for (const row of [head, ...rows]) {
    console.log(
      row
        .map((cell, i) => cell + ' '.repeat(widths[i]! - width(cell)))
        .join('  ')
        .trimEnd(),
    );
  }
});

/** Columns line up in a terminal: CJK characters take two cells. */
function width(s: string): number {
  return Array.from(s).reduce(
    (n, ch) =>
      n +
      (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch)
        ? 2
        : 1),
    0,
  );
}
