/**
 * Creates the first (or another) telephony admin, or promotes an existing
 * person. There is no default admin and no default password: the password
 * is generated here and printed once, or read from standard input.
 *
 *   npm run admin:create -- --login admin@example.org [--nickname Admin] [--password-stdin]
 *   npm run admin:create -- --login someone@example.org --promote
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { users } from '../../db/schema';
import { loginSchema, nickname as nicknameSchema, password as passwordSchema } from '../src/schemas';
import { promoteToAdmin } from '../src/services/admin-users';
import { createPerson } from '../src/services/people';
import { fail, flags, open, run } from './cli';

const USAGE = `Usage: npm run admin:create -- --login <e-mail or phone> [--nickname <name>] [--password-stdin] [--promote] [--json]`;

await run(async () => {
  const { values } = flags(
    {
      login: { type: 'string' },
      nickname: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      promote: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    USAGE,
  );
  if (values.help) fail(USAGE, 0);
  const { db, config, keys } = open();
  const login = loginSchema(config.logins).safeParse(values.login ?? '');
  if (!login.success) fail(`--login: ${login.error.issues[0]?.message}\n\n${USAGE}`, 64);

  const existing = db.select({ id: users.id }).from(users).where(eq(users.login, login.data)).get();
  if (existing) {
    if (!values.promote) fail(`${login.data} already exists; add --promote to make them an admin.`, 1);
    promoteToAdmin(db, existing.id);
    console.log(values.json ? JSON.stringify({ login: login.data, promoted: true }) : `${login.data} is now an admin.`);
    return;
  }
  if (values.promote) fail(`${login.data} does not exist; leave out --promote to create them.`, 1);

  const nickname = nicknameSchema.safeParse(values.nickname ?? 'Admin');
  if (!nickname.success) fail(`--nickname: ${nickname.error.issues[0]?.message}`, 64);
  const generated = !values['password-stdin'];
  const password = generated ? randomBytes(15).toString('base64url') : readFileSync(0, 'utf8').replace(/\r?\n$/, '');
  const checked = passwordSchema.safeParse(password);
  if (!checked.success) fail(`password: ${checked.error.issues[0]?.message}`, 64);

  const person = await createPerson(
    db,
    { keys, scryptLogN: config.scryptLogN },
    {
      login: login.data,
      password,
      nickname: nickname.data,
      role: 'admin',
      // The operator who runs this on the server vouches for the admin's address.
      loginProven: true,
    },
  );
  if (values.json) {
    console.log(JSON.stringify({ login: login.data, extension: person.extension, ...(generated ? { password } : {}) }));
  } else {
    console.log(`Admin ${login.data} created (extension ${person.extension}).`);
    if (generated) console.log(`Password (shown once, store it now): ${password}`);
  }
  db.$client.close();
});
