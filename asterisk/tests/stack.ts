/**
 * A real RealCall stack for integration tests: the API on real HTTP
 * listeners with a fresh SQLite file, and a real Asterisk started from the
 * project's own config folder (rendered by asterisk/pbx.mjs) on free
 * loopback ports. Nothing is faked. Used only when an Asterisk binary is
 * found (ASTERISK_BIN or PATH); see `asteriskOrSkip`.
 */
import { execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { serve, type ServerType } from '@hono/node-server';
import { openDatabase, type Db } from '../../db/open';
import { createApp } from '../../api/src/app';
import { loadConfig, type Config } from '../../api/src/config';
import { createAmiPbx, type AmiPbx } from '../../api/src/services/ami';
import { DEFAULT_GATE_LIMITS } from '../../api/src/services/password-gate';
import { freeTcpPort, spawnApiServer, testEnv } from '../../api/src/testing';
import { realPartSuite, type RealPartSuiteName } from '../../tests/support/real-parts';

export { freeTcpPort };
import {
  findAsterisk,
  hostInstallDirs,
  prepareRuntime,
  renderConfig,
  settingsFromEnv,
  startAsterisk,
} from '../pbx.mjs';

const run = promisify(execFile);

/**
 * The Asterisk binary a real-PBX suite uses, or undefined: the suite is then
 * skipped with one line — or, when ASTERISK_BIN is set, fails with the reason
 * (see tests/support/real-parts.ts).
 */
export function asteriskOrSkip(suite: RealPartSuiteName): string | undefined {
  return realPartSuite(suite).skip ? undefined : findAsterisk(process.env);
}

export async function freeUdpPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolvePort(port));
    });
  });
}

export type Api = {
  /** The process the API runs in (this one, unless `apiProcess`). */
  pid: number;
  config: Config;
  db: Db;
  publicUrl: string;
  internalUrl: string;
  pbx: AmiPbx;
  stop: () => Promise<void>;
};

/**
 * The API as it runs in production: `npm start`'s server in a process of its
 * own (benchmarks use it so the load generator does not share its event
 * loop). The test-side `db` is a second connection to the same file.
 */
async function startApiProcess(env: Record<string, string>, publicPort: number, internalPort: number): Promise<Api> {
  const childEnv: Record<string, string> = {
    ...env,
    REALCALL_PUBLIC_PORT: String(publicPort),
    REALCALL_INTERNAL_PORT: String(internalPort),
  };
  const config = loadConfig(childEnv);
  const child = await spawnApiServer(childEnv);
  const db = openDatabase(config.dbPath);
  const pbx: AmiPbx = {
    forget: () => {},
    tellOthers: () => Promise.resolve(0),
    flush: async () => {},
    close: () => {},
  };
  return {
    pid: child.pid!,
    config,
    db,
    publicUrl: `http://127.0.0.1:${publicPort}`,
    internalUrl: `http://127.0.0.1:${internalPort}`,
    pbx,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      db.$client.close();
    },
  };
}

/** Starts the API on real listeners (fixed ports when restarting, so Asterisk finds it again). */
export async function startApi(
  dir: string,
  env: Record<string, string>,
  ports?: { public: number; internal: number },
  inProcess = true,
  publicHost = '127.0.0.1',
): Promise<Api> {
  const publicPort = ports?.public ?? (await freeTcpPort());
  const internalPort = ports?.internal ?? (await freeTcpPort());
  if (!inProcess) return startApiProcess(env, publicPort, internalPort);
  const config = loadConfig({
    ...env,
    REALCALL_PUBLIC_PORT: String(publicPort),
    REALCALL_INTERNAL_PORT: String(internalPort),
  });
  const db = openDatabase(config.dbPath);
  const pbx = createAmiPbx(db, config.ami!, () => {});
  // Every test signs up and in from 127.0.0.1, dozens of times a minute: the per-address limit of
  // password checks (tested on its own in api/src/password-gate.test.ts) is raised here, as in the
  // browser tests' API; the rest is as deployed.
  const gateLimits = { ...DEFAULT_GATE_LIMITS, perAddress: { inFlight: 16, perMinute: 100_000 } };
  const app = createApp({ db, config, pbx, log: () => {}, gateLimits });
  const listen = (fetch: typeof app.public.fetch, port: number, hostname: string) =>
    new Promise<ServerType>((resolveListen) => {
      const server: ServerType = serve({ fetch, hostname, port }, () => resolveListen(server));
    });
  const servers = [
    await listen(app.public.fetch, publicPort, publicHost),
    await listen(app.internal.fetch, internalPort, '127.0.0.1'),
  ];
  return {
    pid: process.pid,
    config,
    db,
    publicUrl: `http://${publicHost}:${publicPort}`,
    internalUrl: `http://127.0.0.1:${internalPort}`,
    pbx,
    stop: async () => {
      pbx.close();
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolveClose) => {
              // Drop keep-alive connections too, so a stopped API really is unreachable.
              (s as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
              s.close(() => resolveClose());
            }),
        ),
      );
      db.$client.close();
    },
  };
}

export type Stack = {
  dir: string;
  api: Api;
  env: Record<string, string>;
  ports: { public: number; internal: number };
  ws: string;
  /** Asterisk's /metrics (res_prometheus) and the Basic auth it wants. */
  metrics: { url: string; user: string; password: string };
  udpPort: number;
  asterisk: ChildProcess;
  /** Runs an Asterisk CLI command on this instance and returns its output. */
  cli: (command: string) => Promise<string>;
  /** Stops the API (its listeners close); `startApiAgain` brings it back on the same ports. */
  stopApi: () => Promise<void>;
  /** Stops Asterisk and starts it again on the same config and ports (every WebSocket drops). */
  restartAsterisk: () => Promise<void>;
  startApiAgain: () => Promise<void>;
  log: () => string;
  stop: () => Promise<void>;
};

export type StackOptions = {
  /** A web build for the API to serve (the e2e tests' pages); none by default. */
  webDist?: string;
  /** Run the API as its own process, as in production (benchmarks); in this process by default. */
  apiProcess?: boolean;
  /** How long a callee's devices ring (REALCALL_RING_SECONDS); 45 by default, as in production. */
  ringSeconds?: number;
  /**
   * The address pages reach the API and Asterisk's WebSocket on (a namespace's
   * own address, for browsers in other namespaces); loopback by default. The
   * API's internal listener and AMI stay on loopback whatever this is.
   */
  publicHost?: string;
  /**
   * How many RTP ports Asterisk may use (100 by default). Asterisk takes even
   * ports only, one per call leg with rtcp-mux: 100 ports carry 25 calls.
   */
  rtpPorts?: number;
  /** More API settings (e.g. the relay's REALCALL_TURN_*). */
  apiEnv?: Record<string, string>;
};

export async function startStack(bin: string, options: StackOptions = {}): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), 'realcall-pbx-'));
  const amiPort = await freeTcpPort();
  const amiSecret = randomBytes(24).toString('base64url');
  const metricsSecret = randomBytes(24).toString('base64url');
  const httpPort = await freeTcpPort();
  const publicHost = options.publicHost ?? '127.0.0.1';
  const env = testEnv(dir, {
    REALCALL_SIP_DOMAIN: 'realcall.test',
    REALCALL_SIP_WS_URL: `ws://${publicHost}:${httpPort}/ws`,
    REALCALL_AMI_URL: `tcp://127.0.0.1:${amiPort}`,
    REALCALL_AMI_USER: 'realcall',
    REALCALL_AMI_SECRET: amiSecret,
    ...(options.webDist ? { REALCALL_WEB_DIST: options.webDist } : {}),
    ...options.apiEnv,
  });
  const api = await startApi(dir, env, undefined, !options.apiProcess, publicHost);
  const ports = { public: Number(new URL(api.publicUrl).port), internal: Number(new URL(api.internalUrl).port) };
  const udpPort = await freeUdpPort();
  const rtpPorts = options.rtpPorts ?? 100;
  const rtpStart = 20000 + Math.floor(Math.random() * Math.floor(40_000 / rtpPorts)) * rtpPorts;
  const host = hostInstallDirs(bin);
  const vars = settingsFromEnv(
    {
      NODE_ENV: 'test',
      REALCALL_API_INTERNAL_URL: api.internalUrl,
      REALCALL_INTERNAL_SECRET: api.config.internalSecret,
      REALCALL_AMI_SECRET: amiSecret,
      ASTERISK_METRICS_SECRET: metricsSecret,
      ASTERISK_AMI_PORT: String(amiPort),
      ASTERISK_HTTP_PORT: String(httpPort),
      ASTERISK_HTTP_BIND: publicHost,
      ASTERISK_HTTPS_PORT: String(await freeTcpPort()),
      ASTERISK_TLS_ENABLE: 'no',
      ASTERISK_UDP_PORT: String(udpPort),
      REALCALL_RING_SECONDS: String(options.ringSeconds ?? 45),
      ASTERISK_RTP_START: String(rtpStart),
      ASTERISK_RTP_END: String(rtpStart + rtpPorts - 1),
    },
    { runtimeDir: join(dir, 'pbx'), modulesDir: host.modules, dataDir: host.data },
  );
  prepareRuntime(vars, () => {});
  renderConfig(vars);
  const logFile = join(dir, 'asterisk.log');
  const out = createWriteStream(logFile);
  const conf = join(vars.ASTERISK_ETC_DIR, 'asterisk.conf');
  const cli = async (command: string) => (await run(bin, ['-C', conf, '-rx', command], { timeout: 10_000 })).stdout;

  /** Starts Asterisk on the rendered config and waits until it is fully booted. */
  const boot = async (): Promise<ChildProcess> => {
    const child = startAsterisk(bin, vars, ['ignore', 'pipe', 'pipe']);
    child.stdout?.pipe(out, { end: false });
    child.stderr?.pipe(out, { end: false });
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        if ((await cli('core waitfullybooted')).includes('fully booted')) return child;
      } catch {
        // not up yet
      }
      if (child.exitCode !== null) throw new Error(`Asterisk exited at start:\n${readFileSync(logFile, 'utf8')}`);
      if (Date.now() > deadline) throw new Error(`Asterisk did not boot in 30 s:\n${readFileSync(logFile, 'utf8')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  /** Stops Asterisk (gracefully, then by force after 5 s). */
  const halt = async (child: ChildProcess): Promise<void> => {
    await cli('core stop now').catch(() => undefined);
    await new Promise<void>((resolveExit) => {
      if (child.exitCode !== null) return resolveExit();
      const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => {
        clearTimeout(kill);
        resolveExit();
      });
    });
  };

  const asterisk = await boot();

  const stack: Stack = {
    dir,
    api,
    env,
    ports,
    ws: `ws://${publicHost}:${httpPort}/ws`,
    metrics: { url: `http://${publicHost}:${httpPort}/metrics`, user: 'prometheus', password: metricsSecret },
    udpPort,
    asterisk,
    cli,
    stopApi: () => stack.api.stop(),
    startApiAgain: async () => {
      stack.api = await startApi(dir, env, ports, !options.apiProcess, publicHost);
    },
    restartAsterisk: async () => {
      await halt(stack.asterisk);
      stack.asterisk = await boot();
    },
    log: () => readFileSync(logFile, 'utf8'),
    stop: async () => {
      await halt(stack.asterisk);
      await stack.api.stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return stack;
}
