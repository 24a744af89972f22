/**
 * The API's internal listener alone, in its own process (so the load
 * generator does not share its core): `tsx bench/api-server.ts <db> <keyhex> <secret> <port>`.
 * Prints "ready" when it listens.
 */
import { serve } from '@hono/node-server';
import { openDatabase } from '../db/open';
import { createApp } from '../api/src/app';
import { loadConfig } from '../api/src/config';

const [dbPath, keyHex, secret, port] = process.argv.slice(2);
const config = loadConfig({
  NODE_ENV: 'production',
  REALCALL_DB_PATH: dbPath,
  REALCALL_SECRET_KEY: keyHex,
  REALCALL_INTERNAL_SECRET: secret,
  REALCALL_SIP_DOMAIN: 'bench.realcall.test',
  // Production requires PBX control; the bench's internal listener never uses it.
  REALCALL_AMI_URL: 'tcp://127.0.0.1:9',
  REALCALL_AMI_USER: 'realcall',
  REALCALL_AMI_SECRET: secret,
});
const db = openDatabase(config.dbPath);
const app = createApp({ db, config, log: () => {} });
serve({ fetch: app.internal.fetch, hostname: '127.0.0.1', port: Number(port) }, () => console.log('ready'));
process.once('SIGTERM', () => process.exit(0));
