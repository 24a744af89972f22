/**
 * Starts RealCall's API: reads the configuration, opens (and migrates) the
 * database, and listens on the public and the internal listener.
 */
import { serve, type ServerType } from '@hono/node-server';
import { openDatabase } from '../../db/open';
import { createApp } from './app';
import { ConfigError, loadConfig, type Config } from './config';
import { createAmiPbx } from './services/ami';
import { noPbx } from './services/pbx';
import { reencodeStoredAvatars } from './services/avatars';
import { normaliseStoredLogins, type StoredLoginReport } from './services/logins';
import { pruneSessions } from './services/people';
import { pruneThrottle } from './services/throttle';

/** Says what bringing old logins into canonical form did, once, at the first start after the change. */
function reportLogins(report: StoredLoginReport): void {
  if (report.changed) console.log(`[api] ${report.changed} stored login(s) rewritten in canonical form`);
  for (const c of report.conflicts) {
    console.error(
      `[api] login ${JSON.stringify(c.login)} (person ${c.userId}) is the same as ${c.wouldBe}, which someone else has: left as it is; see the audit log`,
    );
  }
  for (const r of report.refused) {
    console.error(
      `[api] login ${JSON.stringify(r.login)} (person ${r.userId}) is refused by the login rules (${r.why}): left as it is; see the audit log`,
    );
  }
}

function start(config: Config) {
  const db = openDatabase(config.dbPath);
  reportLogins(normaliseStoredLogins(db, config.logins));
  void reencodeStoredAvatars(db).then(({ reencoded, removed }) => {
    if (reencoded || removed)
      console.log(`[api] stored avatars: ${reencoded} re-encoded, ${removed} removed (not whole images)`);
  });
  pruneSessions(db);
  const ami = config.ami ? createAmiPbx(db, config.ami) : undefined;
  const pbx = ami ?? noPbx;
  const app = createApp({ db, config, pbx });

  const listen = (
    name: string,
    fetch: (req: Request) => Response | Promise<Response>,
    where: Config['publicListener'],
  ) =>
    new Promise<ServerType>((resolveListen) => {
      const server = serve({ fetch, hostname: where.host, port: where.port }, (info) => {
        console.log(`[api] ${name} listener on http://${where.host}:${info.port}`);
        resolveListen(server);
      });
    });

  pruneThrottle(db);
  const prune = setInterval(
    () => {
      pruneSessions(db);
      pruneThrottle(db);
    },
    60 * 60 * 1000,
  );
  prune.unref();

  return Promise.all([
    listen('public', app.public.fetch, config.publicListener),
    listen('internal', app.internal.fetch, config.internalListener),
  ]).then((servers) => {
    console.log(
      `[api] database ${config.dbPath}; ${config.ami ? 'PBX control over AMI' : 'no PBX control (AMI not configured)'}`,
    );
    const stop = (signal: string) => {
      console.log(`[api] ${signal}: closing`);
      for (const s of servers) s.close();
      ami?.close();
      db.$client.close();
      process.exit(0);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}

try {
  await start(loadConfig(process.env));
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(78); // EX_CONFIG
  }
  throw err;
}
