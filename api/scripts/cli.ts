/**
 * Small helpers shared by the command-line tools: flags, and opening the
 * configured database.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { openDatabase, type Db } from '../../db/open';
import { ConfigError, loadConfig, type Config } from '../src/config';
import { AppError } from '../src/errors';
import { normaliseStoredLogins } from '../src/services/logins';
import { deriveKeys, type Keys } from '../src/services/secrets';

export function flags<T extends NonNullable<ParseArgsConfig['options']>>(options: T, usage: string) {
  try {
    return parseArgs({ options: { ...options, help: { type: 'boolean' } }, strict: true, allowPositionals: false });
  } catch (err) {
    fail(`${(err as Error).message}\n\n${usage}`, 64);
  }
}

export function open(): { config: Config; db: Db; keys: Keys } {
  try {
    const config = loadConfig(process.env);
    const db = openDatabase(config.dbPath);
    normaliseStoredLogins(db, config.logins);
    return { config, db, keys: deriveKeys(config.secretKey) };
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message, 78);
    throw err;
  }
}

export function fail(message: string, code = 1): never {
  console.error(message);
  process.exit(code);
}

/** Runs a tool's main, turning the API's own errors into one clear line. */
export async function run(main: () => Promise<void> | void): Promise<void> {
  try {
    await main();
  } catch (err) {
    if (err instanceof AppError) fail(`error: ${err.message} (${err.code})`);
    throw err;
  }
}
