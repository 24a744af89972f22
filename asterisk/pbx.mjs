// @ts-check
/**
 * Runs RealCall's Asterisk from the one config folder, asterisk/conf/.
 *
 *   npm run pbx                      render into .runtime/asterisk and start `asterisk -f`
 *   node asterisk/pbx.mjs --render-only [--etc DIR]
 *                                    render only (the container's entrypoint does this,
 *                                    then execs Asterisk itself)
 *
 * Every `{{NAME}}` in asterisk/conf/*.conf is filled in from the environment
 * (defaults below: every listener on 127.0.0.1). A name the renderer does not
 * know is an error, never left in place. Plain JavaScript with no
 * dependencies, so the Asterisk image needs only Node's binary to run it.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CONF_DIR = join(dirname(fileURLToPath(import.meta.url)), 'conf');

/** The placeholders asterisk/conf may use, with their defaults for a native run (undefined = required). */
export const VARIABLES = /** @type {const} */ ({
  REALCALL_API_INTERNAL_URL: 'http://127.0.0.1:8081',
  REALCALL_INTERNAL_SECRET: undefined,
  REALCALL_AMI_USER: 'realcall',
  REALCALL_AMI_SECRET: undefined,
  // The Basic auth password of /metrics (prometheus.conf; the user is `prometheus`).
  ASTERISK_METRICS_SECRET: undefined,
  ASTERISK_AMI_PORT: '5038',
  ASTERISK_HTTP_BIND: '127.0.0.1',
  ASTERISK_HTTP_PORT: '8088',
  ASTERISK_HTTPS_PORT: '8089',
  ASTERISK_HTTP_SESSION_LIMIT: '5000',
  ASTERISK_TLS_ENABLE: 'yes',
  ASTERISK_TLS_CERT: undefined,
  ASTERISK_TLS_KEY: undefined,
  ASTERISK_UDP_PORT: '5060',
  REALCALL_RING_SECONDS: '45',
  ASTERISK_RTP_START: '10000',
  ASTERISK_RTP_END: '10199',
  ASTERISK_ICE_HOST_CANDIDATES: '',
  ASTERISK_ETC_DIR: undefined,
  ASTERISK_MOD_DIR: undefined,
  ASTERISK_VAR_DIR: undefined,
  ASTERISK_DATA_DIR: undefined,
  ASTERISK_SPOOL_DIR: undefined,
  ASTERISK_RUN_DIR: undefined,
  ASTERISK_LOG_DIR: undefined,
});

/** @typedef {Record<keyof typeof VARIABLES, string>} Vars */

export class PbxConfigError extends Error {}

const PORTS = [
  'ASTERISK_AMI_PORT',
  'ASTERISK_HTTP_PORT',
  'ASTERISK_HTTPS_PORT',
  'ASTERISK_UDP_PORT',
  'ASTERISK_RTP_START',
  'ASTERISK_RTP_END',
];
/** Values that end up inside a .conf line: no line breaks, no comment or template characters. */
const SAFE_VALUE = /^[^\r\n;{}]*$/;

/**
 * Finds the Asterisk binary: ASTERISK_BIN, else `asterisk` on PATH. Undefined when neither exists.
 * @param {Record<string, string | undefined>} env
 */
export function findAsterisk(env) {
  if (env.ASTERISK_BIN) return existsSync(env.ASTERISK_BIN) ? env.ASTERISK_BIN : undefined;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'asterisk'))) return join(dir, 'asterisk');
  }
  return undefined;
}

/**
 * Where a host install keeps its modules and data, guessed from the binary.
 * @param {string} bin
 */
export function hostInstallDirs(bin) {
  const prefix = dirname(dirname(realpathSync(bin)));
  const first = (/** @type {string[]} */ candidates) => candidates.find((d) => existsSync(d));
  return {
    modules: first([
      join(prefix, 'lib', 'asterisk', 'modules'),
      join(prefix, 'lib64', 'asterisk', 'modules'),
      '/usr/lib/asterisk/modules',
      '/usr/lib/x86_64-linux-gnu/asterisk/modules',
      '/usr/lib/aarch64-linux-gnu/asterisk/modules',
      '/usr/lib64/asterisk/modules',
    ]),
    data: first([
      join(prefix, 'var', 'lib', 'asterisk'),
      join(prefix, 'share', 'asterisk'),
      '/usr/share/asterisk',
      '/var/lib/asterisk',
    ]),
  };
}

/**
 * The secrets of a development install, written by the API at its first start.
 * @param {Record<string, string | undefined>} env
 */
function devSecrets(env) {
  const file = join(dirname(resolve(env.REALCALL_DB_PATH ?? './data/realcall.db')), 'dev-secrets.json');
  if (env.NODE_ENV === 'production' || !existsSync(file)) return {};
  return /** @type {{ internalSecret?: string, amiSecret?: string, asteriskMetricsSecret?: string }} */ (
    JSON.parse(readFileSync(file, 'utf8'))
  );
}

/**
 * Builds the variables for a run from the environment, with a runtime folder
 * for everything Asterisk writes. Throws PbxConfigError naming each problem.
 * @param {Record<string, string | undefined>} env
 * @param {{ runtimeDir: string, modulesDir?: string, dataDir?: string }} where
 * @returns {Vars}
 */
export function settingsFromEnv(env, where) {
  const dev = devSecrets(env);
  const run = resolve(where.runtimeDir);
  /** @type {Record<string, string | undefined>} */
  const derived = {
    // The API on this host, wherever REALCALL_INTERNAL_PORT (which the API reads too) put it.
    REALCALL_API_INTERNAL_URL: env.REALCALL_INTERNAL_PORT
      ? `http://127.0.0.1:${env.REALCALL_INTERNAL_PORT}`
      : undefined,
    REALCALL_INTERNAL_SECRET: dev.internalSecret,
    REALCALL_AMI_SECRET: dev.amiSecret,
    ASTERISK_METRICS_SECRET: dev.asteriskMetricsSecret,
    ASTERISK_ETC_DIR: join(run, 'etc'),
    ASTERISK_VAR_DIR: join(run, 'var'),
    ASTERISK_SPOOL_DIR: join(run, 'spool'),
    ASTERISK_RUN_DIR: join(run, 'run'),
    ASTERISK_LOG_DIR: join(run, 'log'),
    ASTERISK_MOD_DIR: where.modulesDir,
    ASTERISK_DATA_DIR: where.dataDir ?? join(run, 'var'),
  };
  /** @type {Record<string, string>} */
  const vars = {};
  const problems = [];
  for (const [name, fallback] of Object.entries(VARIABLES)) {
    const value = env[name] || derived[name] || fallback;
    if (value === undefined) {
      if (name !== 'ASTERISK_TLS_CERT' && name !== 'ASTERISK_TLS_KEY') problems.push(`${name}: is required`);
      continue;
    }
    vars[name] = value;
  }
  // Not under <var>/keys: res_crypto would try to load the TLS key as one of its own.
  vars.ASTERISK_TLS_CERT ??= join(vars.ASTERISK_VAR_DIR ?? run, 'tls', 'realcall-wss.crt');
  vars.ASTERISK_TLS_KEY ??= join(vars.ASTERISK_VAR_DIR ?? run, 'tls', 'realcall-wss.key');
  for (const name of PORTS) {
    const n = Number(vars[name]);
    if (vars[name] !== undefined && !(Number.isInteger(n) && n > 0 && n < 65536))
      problems.push(`${name}: must be a port number`);
  }
  if (Number(vars.ASTERISK_RTP_START) >= Number(vars.ASTERISK_RTP_END))
    problems.push('ASTERISK_RTP_END: must be above ASTERISK_RTP_START');
  for (const name of ['REALCALL_INTERNAL_SECRET', 'REALCALL_AMI_SECRET', 'ASTERISK_METRICS_SECRET']) {
    const value = vars[name];
    if (value !== undefined && value.length < 32) problems.push(`${name}: must be at least 32 characters`);
  }
  if (vars.ASTERISK_TLS_ENABLE !== 'yes' && vars.ASTERISK_TLS_ENABLE !== 'no')
    problems.push('ASTERISK_TLS_ENABLE: must be yes or no');
  if (vars.REALCALL_API_INTERNAL_URL && !/^https?:\/\/[^\s/]+$/.test(vars.REALCALL_API_INTERNAL_URL)) {
    problems.push('REALCALL_API_INTERNAL_URL: must be http(s)://host:port with no path');
  }
  const sessions = Number(vars.ASTERISK_HTTP_SESSION_LIMIT);
  if (!(Number.isInteger(sessions) && sessions >= 100 && sessions <= 1_000_000))
    problems.push('ASTERISK_HTTP_SESSION_LIMIT: must be a whole number from 100 to 1000000');
  const ring = Number(vars.REALCALL_RING_SECONDS);
  if (!(Number.isInteger(ring) && ring >= 2 && ring <= 300))
    problems.push('REALCALL_RING_SECONDS: must be a whole number of seconds from 2 to 300');
  if (vars.REALCALL_AMI_USER && !/^[\w.-]+$/.test(vars.REALCALL_AMI_USER))
    problems.push('REALCALL_AMI_USER: letters, digits, . _ - only');
  for (const [name, value] of Object.entries(vars)) {
    if (name !== 'ASTERISK_ICE_HOST_CANDIDATES' && !SAFE_VALUE.test(value))
      problems.push(`${name}: must not contain line breaks, ; { or }`);
  }
  const publicAddress = env.REALCALL_PUBLIC_MEDIA_ADDRESS;
  if (publicAddress && !vars.ASTERISK_ICE_HOST_CANDIDATES) {
    if (!/^[0-9a-f.:]+$/i.test(publicAddress)) problems.push('REALCALL_PUBLIC_MEDIA_ADDRESS: must be an IP address');
    else vars.ASTERISK_ICE_HOST_CANDIDATES = iceHostCandidates(publicAddress);
  }
  if (problems.length > 0) {
    const hint =
      problems.some((p) => p.includes('SECRET')) && env.NODE_ENV !== 'production'
        ? '\n  (start the API once with `npm start`: it writes data/dev-secrets.json, which this reads)'
        : '';
    throw new PbxConfigError(`Invalid PBX configuration:\n  ${problems.join('\n  ')}${hint}`);
  }
  return /** @type {Vars} */ (vars);
}

/**
 * Maps every private IPv4 address of this host to the address browsers reach
 * (rtp.conf [ice_host_candidates]), keeping nothing else.
 * @param {string} publicAddress
 */
export function iceHostCandidates(publicAddress) {
  return Object.values(networkInterfaces())
    .flat()
    .filter((a) => a && a.family === 'IPv4' && !a.internal)
    .map((a) => `${a?.address} => ${publicAddress}`)
    .join('\n');
}

/**
 * Fills every {{NAME}} in `text`. Throws on a name outside VARIABLES.
 * @param {string} text
 * @param {Vars} vars
 * @param {string} file for error messages
 */
export function fill(text, vars, file) {
  return text.replace(/\{\{([A-Z0-9_]+)\}\}/g, (_m, /** @type {string} */ name) => {
    if (!(name in VARIABLES)) throw new PbxConfigError(`${file}: unknown placeholder {{${name}}}`);
    return vars[/** @type {keyof Vars} */ (name)];
  });
}

/**
 * Renders asterisk/conf into `etcDir` (mode 0600: the files hold secrets).
 * @param {Vars} vars
 * @param {string} [confDir]
 */
export function renderConfig(vars, confDir = CONF_DIR) {
  mkdirSync(vars.ASTERISK_ETC_DIR, { recursive: true, mode: 0o700 });
  const files = readdirSync(confDir).filter((f) => f.endsWith('.conf'));
  for (const file of files) {
    const out = join(vars.ASTERISK_ETC_DIR, file);
    writeFileSync(out, fill(readFileSync(join(confDir, file), 'utf8'), vars, file), { mode: 0o600 });
    chmodSync(out, 0o600);
  }
  return files;
}

/**
 * Creates Asterisk's writable folders and, when TLS is on and no certificate
 * is mounted, a self-signed one for wss:// (openssl).
 * @param {Vars} vars
 * @param {(line: string) => void} [log]
 */
export function prepareRuntime(vars, log = console.log) {
  for (const dir of ['ASTERISK_VAR_DIR', 'ASTERISK_SPOOL_DIR', 'ASTERISK_RUN_DIR', 'ASTERISK_LOG_DIR']) {
    mkdirSync(vars[/** @type {keyof Vars} */ (dir)], { recursive: true, mode: 0o700 });
  }
  if (vars.ASTERISK_TLS_ENABLE === 'yes' && !existsSync(vars.ASTERISK_TLS_CERT)) {
    mkdirSync(dirname(vars.ASTERISK_TLS_CERT), { recursive: true, mode: 0o700 });
    mkdirSync(dirname(vars.ASTERISK_TLS_KEY), { recursive: true, mode: 0o700 });
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-days',
          '825',
          '-subj',
          '/CN=realcall-pbx',
          '-keyout',
          vars.ASTERISK_TLS_KEY,
          '-out',
          vars.ASTERISK_TLS_CERT,
        ],
        { stdio: 'ignore' },
      );
      chmodSync(vars.ASTERISK_TLS_KEY, 0o600);
      log(`[pbx] generated a self-signed certificate for wss: ${vars.ASTERISK_TLS_CERT}`);
    } catch {
      throw new PbxConfigError(
        'ASTERISK_TLS_ENABLE=yes but no certificate is mounted and openssl could not make one; install openssl, mount one, or set ASTERISK_TLS_ENABLE=no',
      );
    }
  }
}

/**
 * The environment Asterisk runs with: this one, and glibc's malloc held to
 * two arenas unless MALLOC_ARENA_MAX says otherwise. Asterisk runs a thread
 * per WebSocket and many PJSIP and task processor threads; glibc gives
 * threads arenas of their own (up to 8 per core), and memory freed in one is
 * not reused by another, so RSS rose to 2.8× what the work needed and crept
 * for minutes (the soak, docs/operations.md: 200 REGISTER/s over UDP
 * plateaued at ~555 MB after 2.5 min, at ~198 MB after 35 s with two
 * arenas). musl (the Alpine image) has no per-thread arenas and ignores it.
 * @param {Record<string, string | undefined>} env
 */
export function asteriskEnvironment(env) {
  return { ...env, MALLOC_ARENA_MAX: env.MALLOC_ARENA_MAX || '2' };
}

/**
 * Starts `asterisk -f` on a rendered config; the caller owns the process.
 * @param {string} bin
 * @param {Vars} vars
 * @param {import('node:child_process').StdioOptions} [stdio]
 */
export function startAsterisk(bin, vars, stdio = 'inherit') {
  return spawn(bin, ['-f', '-C', join(vars.ASTERISK_ETC_DIR, 'asterisk.conf')], {
    stdio,
    env: asteriskEnvironment(process.env),
  });
}

async function main() {
  const args = process.argv.slice(2);
  const renderOnly = args.includes('--render-only');
  const etcIndex = args.indexOf('--etc');
  const env = { ...process.env };
  if (etcIndex >= 0 && args[etcIndex + 1]) env.ASTERISK_ETC_DIR = args[etcIndex + 1];
  const bin = renderOnly ? undefined : findAsterisk(env);
  if (!renderOnly && !bin) {
    throw new PbxConfigError(
      'No Asterisk found: set ASTERISK_BIN or put `asterisk` on PATH (Asterisk 22 with PJSIP, res_config_curl and res_srtp).',
    );
  }
  const host = bin ? hostInstallDirs(bin) : { modules: undefined, data: undefined };
  const vars = settingsFromEnv(env, {
    runtimeDir: env.REALCALL_PBX_RUNTIME ?? '.runtime/asterisk',
    modulesDir: host.modules,
    dataDir: host.data,
  });
  prepareRuntime(vars);
  const files = renderConfig(vars);
  console.log(`[pbx] rendered ${files.length} files into ${vars.ASTERISK_ETC_DIR}`);
  if (renderOnly || !bin) return;
  console.log(
    `[pbx] starting ${bin}: ws://${vars.ASTERISK_HTTP_BIND}:${vars.ASTERISK_HTTP_PORT}/ws, UDP 127.0.0.1:${vars.ASTERISK_UDP_PORT}, AMI 127.0.0.1:${vars.ASTERISK_AMI_PORT}`,
  );
  const child = startAsterisk(bin, vars);
  for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(err instanceof PbxConfigError ? err.message : err);
    process.exit(err instanceof PbxConfigError ? 78 : 1);
  });
}
