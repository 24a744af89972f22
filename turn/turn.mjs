// @ts-check
/**
 * Runs RealCall's TURN relay (coturn) from the environment.
 *
 *   npm run turn                     render .runtime/turn/turnserver.conf and start `turnserver`
 *   node turn/turn.mjs --render-only [--dir DIR]
 *                                    render only (the container's entrypoint does this,
 *                                    then execs turnserver itself)
 *   node turn/turn.mjs --health      exit 0 when the relay answers a STUN Binding on
 *                                    TURN_PORT (the container's health check)
 *
 * The relay hands out nothing by itself: every allocation needs credentials
 * the API minted for a signed-in person with the shared secret (coturn's
 * `use-auth-secret` + `static-auth-secret`), which expire. It never relays
 * into loopback, private, link-local or multicast ranges, except towards the
 * PBX's media address (TURN_ALLOWED_PEERS), and never opens TCP to a peer.
 * Plain JavaScript with no dependencies, so the image needs only Node.
 */
import { spawn } from 'node:child_process';
import { Buffer } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { delimiter, dirname, join, resolve } from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';

export class TurnConfigError extends Error {}

/**
 * Ranges a relay must not reach (RFC 6890 special-purpose and private
 * blocks, IPv4 and IPv6): otherwise anyone with a credential could use it to
 * reach the machines beside it. coturn reads "first-last" ranges.
 */
export const DENIED_PEER_RANGES = [
  '0.0.0.0-0.255.255.255', // "this" network
  '10.0.0.0-10.255.255.255', // private
  '100.64.0.0-100.127.255.255', // carrier-grade NAT
  '127.0.0.0-127.255.255.255', // loopback
  '169.254.0.0-169.254.255.255', // link-local (cloud metadata services)
  '172.16.0.0-172.31.255.255', // private
  '192.0.0.0-192.0.0.255', // IETF protocol assignments
  '192.0.2.0-192.0.2.255', // documentation
  '192.88.99.0-192.88.99.255', // 6to4 relay anycast
  '192.168.0.0-192.168.255.255', // private
  '198.18.0.0-198.19.255.255', // benchmarking
  '198.51.100.0-198.51.100.255', // documentation
  '203.0.113.0-203.0.113.255', // documentation
  '224.0.0.0-255.255.255.255', // multicast, reserved, broadcast
  // Loopback. Not '::' nor a range from it: coturn 4.6 takes those for "any" and refuses every peer.
  '::1',
  '::ffff:0.0.0.0-::ffff:255.255.255.255', // IPv4-mapped
  '64:ff9b::-64:ff9b::ffff:ffff', // NAT64
  '100::-100::ffff:ffff:ffff:ffff', // discard-only
  '2001:db8::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', // documentation
  'fc00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', // unique local
  'fe80::-febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff', // link-local
  'ff00::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', // multicast
];

/** The settings a relay reads, with their defaults for a native run (undefined = required or optional). */
export const TURN_VARIABLES = /** @type {const} */ ({
  REALCALL_TURN_SECRET: undefined,
  REALCALL_TURN_REALM: undefined,
  TURN_LISTEN_IPS: '127.0.0.1',
  TURN_RELAY_IP: undefined,
  TURN_EXTERNAL_IP: undefined,
  TURN_PORT: '3478',
  TURN_TLS_PORT: '5349',
  TURN_TLS_CERT: undefined,
  TURN_TLS_KEY: undefined,
  TURN_MIN_PORT: '49160',
  TURN_MAX_PORT: '49359',
  TURN_ALLOWED_PEERS: '',
  TURN_USER_QUOTA: '8',
  TURN_TOTAL_QUOTA: '2000',
});

/**
 * @typedef {{
 *   secret: string, realm: string, listenIps: string[], relayIp?: string, externalIp?: string,
 *   port: number, tlsPort: number, tls?: { cert: string, key: string },
 *   minPort: number, maxPort: number, allowedPeers: string[], userQuota: number, totalQuota: number,
 *   dir: string,
 * }} TurnSettings
 */

/**
 * The development secret the API generated (data/dev-secrets.json), outside production.
 * @param {Record<string, string | undefined>} env
 */
function devTurnSecret(env) {
  const file = join(dirname(resolve(env.REALCALL_DB_PATH ?? './data/realcall.db')), 'dev-secrets.json');
  if (env.NODE_ENV === 'production' || !existsSync(file)) return undefined;
  return /** @type {{ turnSecret?: string }} */ (JSON.parse(readFileSync(file, 'utf8'))).turnSecret;
}

/** @param {string} v */
const isPort = (v) => /^\d+$/.test(v) && Number(v) > 0 && Number(v) < 65536;

/** @param {string} v an address or a "first-last" range of them */
const isPeer = (v) => {
  const [first, last, ...rest] = v.split('-');
  return rest.length === 0 && isIP(first ?? '') !== 0 && (last === undefined || isIP(last) === isIP(first ?? ''));
};

/** @param {string} v */
const list = (v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * Reads and checks the relay's settings. Throws TurnConfigError naming each problem.
 * @param {Record<string, string | undefined>} env
 * @param {string} dir where the rendered config and the pid file go
 * @returns {TurnSettings}
 */
export function turnSettings(env, dir) {
  /** @param {keyof typeof TURN_VARIABLES} name */
  const get = (name) => env[name] || TURN_VARIABLES[name];
  const problems = [];
  const secret = get('REALCALL_TURN_SECRET') || devTurnSecret(env);
  if (!secret) problems.push('REALCALL_TURN_SECRET: is required (the same secret the API signs credentials with)');
  else if (secret.length < 32) problems.push('REALCALL_TURN_SECRET: must be at least 32 characters');
  const realm = get('REALCALL_TURN_REALM') || env.REALCALL_SIP_DOMAIN || 'realcall.localhost';
  if (!/^[a-z0-9.-]+$/i.test(realm)) problems.push('REALCALL_TURN_REALM: must be a host name');
  const listen = get('TURN_LISTEN_IPS') ?? '';
  const listenIps = listen === 'all' ? [] : list(listen);
  if (listen !== 'all' && (listenIps.length === 0 || !listenIps.every((ip) => isIP(ip))))
    problems.push('TURN_LISTEN_IPS: must be IP addresses, comma-separated, or `all`');
  const relayIp = get('TURN_RELAY_IP');
  if (relayIp && !isIP(relayIp)) problems.push('TURN_RELAY_IP: must be an IP address');
  const externalIp = get('TURN_EXTERNAL_IP');
  // coturn's form: the public address, or public/private when the relay sits behind a 1:1 NAT.
  if (externalIp && !externalIp.split('/').every((ip) => isIP(ip)))
    problems.push('TURN_EXTERNAL_IP: must be an IP address, or public/private addresses');
  for (const name of /** @type {const} */ (['TURN_PORT', 'TURN_TLS_PORT', 'TURN_MIN_PORT', 'TURN_MAX_PORT'])) {
    if (!isPort(get(name) ?? '')) problems.push(`${name}: must be a port number`);
  }
  if (Number(get('TURN_MIN_PORT')) >= Number(get('TURN_MAX_PORT')))
    problems.push('TURN_MAX_PORT: must be above TURN_MIN_PORT');
  const cert = get('TURN_TLS_CERT');
  const key = get('TURN_TLS_KEY');
  if (Boolean(cert) !== Boolean(key)) problems.push('TURN_TLS_CERT, TURN_TLS_KEY: set both or neither');
  for (const [name, file] of /** @type {const} */ ([
    ['TURN_TLS_CERT', cert],
    ['TURN_TLS_KEY', key],
  ])) {
    if (file && !existsSync(file)) problems.push(`${name}: no such file: ${file}`);
  }
  const allowedPeers = list(get('TURN_ALLOWED_PEERS') ?? '');
  if (!allowedPeers.every(isPeer))
    problems.push('TURN_ALLOWED_PEERS: must be IP addresses or first-last ranges, comma-separated');
  for (const name of /** @type {const} */ (['TURN_USER_QUOTA', 'TURN_TOTAL_QUOTA'])) {
    if (!/^\d+$/.test(get(name) ?? '') || Number(get(name)) < 1) problems.push(`${name}: must be a positive number`);
  }
  for (const [name, value] of Object.entries(env)) {
    if (name in TURN_VARIABLES && value && /[\r\n"]/.test(value))
      problems.push(`${name}: must not contain line breaks or quotes`);
  }
  if (problems.length > 0) {
    const hint =
      !secret && env.NODE_ENV !== 'production'
        ? '\n  (with REALCALL_TURN_URLS set, start the API once with `npm start`: it writes data/dev-secrets.json, which this reads)'
        : '';
    throw new TurnConfigError(`Invalid relay configuration:\n  ${problems.join('\n  ')}${hint}`);
  }
  return {
    secret: /** @type {string} */ (secret),
    realm,
    listenIps,
    ...(relayIp ? { relayIp } : {}),
    ...(externalIp ? { externalIp } : {}),
    port: Number(get('TURN_PORT')),
    tlsPort: Number(get('TURN_TLS_PORT')),
    ...(cert && key ? { tls: { cert, key } } : {}),
    minPort: Number(get('TURN_MIN_PORT')),
    maxPort: Number(get('TURN_MAX_PORT')),
    allowedPeers,
    userQuota: Number(get('TURN_USER_QUOTA')),
    totalQuota: Number(get('TURN_TOTAL_QUOTA')),
    dir: resolve(dir),
  };
}

/**
 * turnserver.conf for these settings (option meanings: coturn's turnserver.conf
 * and `turnserver --help`).
 * @param {TurnSettings} s
 */
export function turnConfig(s) {
  const lines = [
    '# Rendered by turn/turn.mjs from the environment; edits are lost at the next start.',
    `realm=${s.realm}`,
    // Long-term credentials from the TURN REST API scheme: username "<expiry>:<who>", password
    // base64(HMAC-SHA1(secret, username)); an expired timestamp is refused.
    'use-auth-secret',
    `static-auth-secret=${s.secret}`,
    'fingerprint',
    // A nonce lives 10 minutes; the client re-authenticates, which re-checks the expiry.
    'stale-nonce=600',
    ...s.listenIps.map((ip) => `listening-ip=${ip}`),
    `listening-port=${s.port}`,
    ...(s.relayIp ? [`relay-ip=${s.relayIp}`] : []),
    ...(s.externalIp ? [`external-ip=${s.externalIp}`] : []),
    `min-port=${s.minPort}`,
    `max-port=${s.maxPort}`,
    ...(s.tls ? [`tls-listening-port=${s.tlsPort}`, `cert=${s.tls.cert}`, `pkey=${s.tls.key}`] : ['no-tls']),
    // DTLS to the relay is not something browsers do.
    'no-dtls',
    // Relays UDP only (what WebRTC media needs): no TCP connections to peers (RFC 6062).
    'no-tcp-relay',
    'no-multicast-peers',
    ...DENIED_PEER_RANGES.map((r) => `denied-peer-ip=${r}`),
    // Allowed wins over denied: the PBX's media address, even when private.
    ...s.allowedPeers.map((p) => `allowed-peer-ip=${p}`),
    `user-quota=${s.userQuota}`,
    `total-quota=${s.totalQuota}`,
    'max-allocate-lifetime=3600',
    'no-cli',
    'no-software-attribute',
    'no-rfc5780',
    'no-stun-backward-compatibility',
    'log-file=stdout',
    'simple-log',
    `pidfile=${join(s.dir, 'turnserver.pid')}`,
    // coturn opens a user database even when every credential comes from the secret: keep it here.
    `userdb=${join(s.dir, 'turndb')}`,
    '',
  ];
  return lines.join('\n');
}

/**
 * Writes turnserver.conf into the settings' folder (mode 0600: it holds the secret).
 * @param {TurnSettings} s
 */
export function renderTurnConfig(s) {
  mkdirSync(s.dir, { recursive: true, mode: 0o700 });
  const file = join(s.dir, 'turnserver.conf');
  writeFileSync(file, turnConfig(s), { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}

/**
 * coturn's binary: TURNSERVER_BIN, else `turnserver` on PATH (Debian's and Alpine's coturn package).
 * @param {Record<string, string | undefined>} env
 */
export function findTurnserver(env) {
  if (env.TURNSERVER_BIN) return existsSync(env.TURNSERVER_BIN) ? env.TURNSERVER_BIN : undefined;
  for (const dir of [...(env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/sbin']) {
    if (dir && existsSync(join(dir, 'turnserver'))) return join(dir, 'turnserver');
  }
  return undefined;
}

/**
 * Starts turnserver on a rendered config; the caller owns the process.
 * @param {string} bin
 * @param {string} confFile
 * @param {import('node:child_process').StdioOptions} [stdio]
 */
export function startTurnserver(bin, confFile, stdio = 'inherit') {
  return spawn(bin, ['-c', confFile], { stdio });
}

/**
 * Whether a STUN server answers a Binding request (RFC 8489) at host:port within `ms`.
 * @param {string} host
 * @param {number} port
 * @param {number} [ms]
 * @returns {Promise<boolean>}
 */
export function stunAnswers(host, port, ms = 2000) {
  return new Promise((resolveAnswer) => {
    const socket = createSocket(isIP(host) === 6 ? 'udp6' : 'udp4');
    const id = randomBytes(12);
    const request = Buffer.alloc(20);
    request.writeUInt16BE(0x0001, 0); // Binding request, no attributes
    request.writeUInt32BE(0x2112a442, 4); // magic cookie
    id.copy(request, 8);
    /** @param {boolean} ok */
    const done = (ok) => {
      clearTimeout(timer);
      socket.close();
      resolveAnswer(ok);
    };
    const timer = setTimeout(() => done(false), ms);
    socket.on('message', (m) => {
      if (m.length >= 20 && m.readUInt16BE(0) === 0x0101 && m.subarray(8, 20).equals(id)) done(true);
    });
    socket.on('error', () => done(false));
    socket.send(request, port, host);
  });
}

async function main() {
  const args = process.argv.slice(2);
  if (args.includes('--health')) {
    const port = Number(process.env.TURN_PORT || TURN_VARIABLES.TURN_PORT);
    const listen = process.env.TURN_LISTEN_IPS || TURN_VARIABLES.TURN_LISTEN_IPS;
    const host = listen === 'all' ? '127.0.0.1' : (list(listen)[0] ?? '127.0.0.1');
    process.exit((await stunAnswers(host, port)) ? 0 : 1);
  }
  const renderOnly = args.includes('--render-only');
  const dirIndex = args.indexOf('--dir');
  const dir = (dirIndex >= 0 && args[dirIndex + 1]) || process.env.TURN_RUNTIME_DIR || '.runtime/turn';
  const settings = turnSettings(process.env, dir);
  const file = renderTurnConfig(settings);
  console.log(`[turn] rendered ${file}`);
  if (renderOnly) return;
  const bin = findTurnserver(process.env);
  if (!bin) throw new TurnConfigError('No coturn found: set TURNSERVER_BIN or install coturn (`turnserver` on PATH).');
  const where = settings.listenIps.length > 0 ? settings.listenIps.join(', ') : 'every address';
  console.log(
    `[turn] starting ${bin}: UDP and TCP ${settings.port}${settings.tls ? `, TLS ${settings.tlsPort}` : ''} on ${where}; relay ports ${settings.minPort}-${settings.maxPort}`,
  );
  const child = startTurnserver(bin, file);
  for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(err instanceof TurnConfigError ? err.message : err);
    process.exit(err instanceof TurnConfigError ? 78 : 1);
  });
}
