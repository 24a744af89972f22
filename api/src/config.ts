/**
 * RealCall's configuration: parsed once from the environment at start. No
 * other file reads `process.env`. `.env.example` lists every variable.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { isPhoneCountry, type LoginRules } from './services/logins';

const port = z.coerce.number().int().min(1).max(65535);
const host = z.string().min(1);
const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => ['true', '1', 'yes'].includes(v));

/** Placeholders people paste from examples; never accepted as a secret. */
const KNOWN_PLACEHOLDERS = ['change-me', 'changeme', 'secret', 'password', 'realcall', 'example', 'default', 'test'];

const secret = z
  .string()
  .min(32, 'must be at least 32 characters (e.g. `openssl rand -hex 32`)')
  .refine((v) => !KNOWN_PLACEHOLDERS.some((p) => v.toLowerCase().includes(p)), 'looks like a placeholder, not a secret')
  .refine((v) => new Set(v).size >= 8, 'is too repetitive to be a secret');

/** 32 bytes as 64 hex digits or base64/base64url. */
const key32 = z.string().transform((v, ctx) => {
  const raw = /^[0-9a-f]{64}$/i.test(v) ? Buffer.from(v, 'hex') : Buffer.from(v, 'base64');
  if (raw.length !== 32) {
    ctx.addIssue({ code: 'custom', message: 'must be 32 bytes as 64 hex digits or base64 (`openssl rand -hex 32`)' });
    return z.NEVER;
  }
  return raw;
});

/**
 * STUN servers only: a TURN password written here would reach every page and
 * work for ever. TURN credentials are minted per person (REALCALL_TURN_*).
 */
const iceServer = z.strictObject({
  urls: z.union([z.string().regex(/^stun:/), z.array(z.string().regex(/^stun:/)).min(1)]),
});

const iceServers = z.string().transform((v, ctx) => {
  try {
    const parsed = z.array(iceServer).safeParse(JSON.parse(v));
    if (parsed.success) return parsed.data;
  } catch {
    // fall through to the issue below
  }
  ctx.addIssue({
    code: 'custom',
    message:
      'must be a JSON array of {"urls": "stun:…"} (STUN only: a static TURN password would be handed to every page; ' +
      'set REALCALL_TURN_URLS and REALCALL_TURN_SECRET for a relay)',
  });
  return z.NEVER;
});

/** turn:/turns: URLs of RealCall's relay, comma-separated (RFC 7065 form, e.g. turn:host:3478?transport=tcp). */
const turnUrls = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(
    z
      .array(
        z
          .string()
          .regex(
            /^turns?:(\[[0-9a-f:]+\]|[a-z0-9.-]+)(:\d{1,5})?(\?transport=(udp|tcp))?$/i,
            'must be turn:host[:port][?transport=udp|tcp] or turns:…',
          ),
      )
      .min(1),
  );

const origins = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.url().transform((u) => new URL(u).origin)));

const EnvSchema = z.object({
  NODE_ENV: z.enum(['production', 'development', 'test']).default('development'),
  REALCALL_DB_PATH: z.string().min(1).default('./data/realcall.db'),
  REALCALL_PUBLIC_HOST: host.default('127.0.0.1'),
  REALCALL_PUBLIC_PORT: port.default(8080),
  REALCALL_INTERNAL_HOST: host.default('127.0.0.1'),
  REALCALL_INTERNAL_PORT: port.default(8081),
  REALCALL_INTERNAL_SECRET: secret.optional(),
  REALCALL_SECRET_KEY: key32.optional(),
  REALCALL_SIP_DOMAIN: z
    .string()
    .regex(/^[a-z0-9.-]+$/i, 'must be a host name')
    .default('realcall.localhost'),
  REALCALL_SIP_REALM: z
    .string()
    .regex(/^[\w.-]+$/)
    .optional(),
  // Unset: the local PBX's WebSocket, on ASTERISK_HTTP_PORT (npm run pbx reads the same variable).
  REALCALL_SIP_WS_URL: z.url({ protocol: /^wss?$/ }).optional(),
  REALCALL_ICE_SERVERS: iceServers.default([]),
  REALCALL_TURN_URLS: turnUrls.optional(),
  // coturn's static-auth-secret (use-auth-secret): the API signs each person's short-lived credentials with it.
  REALCALL_TURN_SECRET: secret.optional(),
  REALCALL_TURN_TTL_SECONDS: z.coerce.number().int().min(300).max(86_400).default(3600),
  // relay: media only through the relay, so no one (the PBX, the other caller) learns a caller's own address.
  REALCALL_ICE_TRANSPORT_POLICY: z.enum(['all', 'relay']).default('all'),
  REALCALL_COOKIE_SECURE: bool.optional(),
  REALCALL_PUBLIC_ORIGINS: origins.default([]),
  REALCALL_TRUST_PROXY: bool.optional(),
  REALCALL_SCRYPT_LOG_N: z.coerce.number().int().min(14).max(20).default(16),
  REALCALL_SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  REALCALL_MAIL_FROM: z.email().optional(),
  REALCALL_SMS_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
  REALCALL_SMS_WEBHOOK_TOKEN: z.string().min(16).max(500).optional(),
  REALCALL_PHONE_COUNTRY: z
    .string()
    .transform((v) => v.toUpperCase())
    .refine(isPhoneCountry, 'must be an ISO 3166 country code such as CN or US')
    .optional(),
  REALCALL_WEB_DIST: z.string().min(1).default('./web/dist'),
  REALCALL_AMI_URL: z.url({ protocol: /^tcp$/ }).optional(),
  REALCALL_AMI_USER: z
    .string()
    .regex(/^[\w.-]+$/)
    .optional(),
  REALCALL_AMI_SECRET: secret.optional(),
  // Shared with `npm run pbx` (asterisk/pbx.mjs): the API's defaults for a PBX on this host follow them.
  ASTERISK_AMI_PORT: port.optional(),
  ASTERISK_HTTP_PORT: port.optional(),
});

/** Every variable the API reads (for the compose/static consistency tests and .env.example). */
export const ENV_VARIABLES = Object.keys(EnvSchema.shape);

export type Config = {
  env: 'production' | 'development' | 'test';
  dbPath: string;
  publicListener: { host: string; port: number };
  internalListener: { host: string; port: number };
  /** Shared with Asterisk: every internal request carries it. */
  internalSecret: string;
  /** Root key: id-number hashes and sealed SIP secrets are derived from it. */
  secretKey: Buffer;
  sip: {
    domain: string;
    realm: string;
    wsUrl: string;
    /** STUN servers handed to every page as they are. */
    iceServers: z.infer<typeof iceServer>[];
    /** 'relay': browsers send media only through the relay. */
    iceTransportPolicy: 'all' | 'relay';
    /** RealCall's relay: each person gets credentials that expire (services/turn.ts). */
    turn?: TurnConfig;
  };
  cookieSecure: boolean;
  /** Extra origins allowed to send state-changing requests (besides same-origin). */
  publicOrigins: string[];
  /** Read the client's address from X-Forwarded-For (only behind a proxy that sets it). */
  trustProxy: boolean;
  scryptLogN: number;
  /** How logins are read: phone numbers without a country code are in `defaultCountry`. */
  logins: LoginRules;
  /** Where one-time login codes are sent (services/code-senders.ts). */
  codes: { smtpUrl?: string; mailFrom: string; smsWebhookUrl?: string; smsWebhookToken?: string };
  webDist: string;
  /** AMI, to expire Asterisk's cache and hang up the revoked; absent = no PBX control. */
  ami?: { host: string; port: number; user: string; secret: string };
};

export type TurnConfig = { urls: string[]; secret: string; ttlSeconds: number };

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Parses the environment into a Config, or throws a ConfigError naming each
 * bad variable. Outside production, missing secrets are generated once and
 * kept in `<db dir>/dev-secrets.json` (mode 0600), so `npm start` works on a
 * fresh clone; production refuses to start without them.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  // An empty variable (`FOO=` in an env file) means "not set", never "set to nothing".
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(given);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';

  const amiParts = [e.REALCALL_AMI_URL, e.REALCALL_AMI_USER, e.REALCALL_AMI_SECRET];
  if (amiParts.some(Boolean) && !amiParts.every(Boolean)) {
    throw new ConfigError(
      'Invalid configuration:\n  REALCALL_AMI_URL, REALCALL_AMI_USER, REALCALL_AMI_SECRET: set all three or none',
    );
  }
  let ami =
    e.REALCALL_AMI_URL && e.REALCALL_AMI_USER && e.REALCALL_AMI_SECRET
      ? { url: new URL(e.REALCALL_AMI_URL), user: e.REALCALL_AMI_USER, secret: e.REALCALL_AMI_SECRET }
      : undefined;

  let internalSecret = e.REALCALL_INTERNAL_SECRET;
  let secretKey = e.REALCALL_SECRET_KEY;
  if (!internalSecret || !secretKey) {
    if (production) {
      const missing = [!internalSecret && 'REALCALL_INTERNAL_SECRET', !secretKey && 'REALCALL_SECRET_KEY'].filter(
        Boolean,
      );
      throw new ConfigError(
        `Invalid configuration:\n${missing.map((m) => `  ${m}: is required in production`).join('\n')}`,
      );
    }
    const dev = devSecrets(e.REALCALL_DB_PATH);
    internalSecret ??= dev.internalSecret;
    secretKey ??= Buffer.from(dev.secretKey, 'hex');
    // A development install talks to `npm run pbx` on this host, which reads the same file and
    // listens for AMI on ASTERISK_AMI_PORT.
    if (e.NODE_ENV === 'development') {
      const amiPort = e.ASTERISK_AMI_PORT ?? 5038;
      ami ??= { url: new URL(`tcp://127.0.0.1:${amiPort}`), user: 'realcall', secret: dev.amiSecret };
    }
  }

  let turn: TurnConfig | undefined;
  if (e.REALCALL_TURN_URLS) {
    let turnSecret = e.REALCALL_TURN_SECRET;
    if (!turnSecret && production) {
      throw new ConfigError('Invalid configuration:\n  REALCALL_TURN_SECRET: is required with REALCALL_TURN_URLS');
    }
    // Development: the same generated secret `npm run turn` (turn/turn.mjs) reads.
    turnSecret ??= devSecrets(e.REALCALL_DB_PATH).turnSecret;
    turn = { urls: e.REALCALL_TURN_URLS, secret: turnSecret, ttlSeconds: e.REALCALL_TURN_TTL_SECONDS };
  }
  if (e.REALCALL_ICE_TRANSPORT_POLICY === 'relay' && !turn) {
    throw new ConfigError(
      'Invalid configuration:\n  REALCALL_ICE_TRANSPORT_POLICY: relay needs a relay (REALCALL_TURN_URLS), or no call would connect',
    );
  }

  // RealCall's Asterisk caches people (sorcery memory cache, asterisk/conf/sorcery.conf): without AMI
  // nothing expires that cache, and a disable or revocation would not reach the PBX for hours.
  if (production && !ami) {
    throw new ConfigError(
      'Invalid configuration:\n  REALCALL_AMI_URL, REALCALL_AMI_USER, REALCALL_AMI_SECRET: required in production, ' +
        'so that a disable or revocation reaches the PBX at once',
    );
  }

  return {
    env: e.NODE_ENV,
    dbPath: e.REALCALL_DB_PATH,
    publicListener: { host: e.REALCALL_PUBLIC_HOST, port: e.REALCALL_PUBLIC_PORT },
    internalListener: { host: e.REALCALL_INTERNAL_HOST, port: e.REALCALL_INTERNAL_PORT },
    internalSecret,
    secretKey,
    sip: {
      domain: e.REALCALL_SIP_DOMAIN,
      realm: e.REALCALL_SIP_REALM ?? e.REALCALL_SIP_DOMAIN,
      wsUrl: e.REALCALL_SIP_WS_URL ?? `ws://127.0.0.1:${e.ASTERISK_HTTP_PORT ?? 8088}/ws`,
      iceServers: e.REALCALL_ICE_SERVERS,
      iceTransportPolicy: e.REALCALL_ICE_TRANSPORT_POLICY,
      ...(turn ? { turn } : {}),
    },
    cookieSecure: e.REALCALL_COOKIE_SECURE ?? production,
    publicOrigins: e.REALCALL_PUBLIC_ORIGINS,
    trustProxy: e.REALCALL_TRUST_PROXY ?? false,
    scryptLogN: e.REALCALL_SCRYPT_LOG_N,
    logins: { defaultCountry: e.REALCALL_PHONE_COUNTRY },
    codes: {
      ...(e.REALCALL_SMTP_URL ? { smtpUrl: e.REALCALL_SMTP_URL } : {}),
      mailFrom: e.REALCALL_MAIL_FROM ?? `RealCall <no-reply@${e.REALCALL_SIP_DOMAIN}>`,
      ...(e.REALCALL_SMS_WEBHOOK_URL ? { smsWebhookUrl: e.REALCALL_SMS_WEBHOOK_URL } : {}),
      ...(e.REALCALL_SMS_WEBHOOK_TOKEN ? { smsWebhookToken: e.REALCALL_SMS_WEBHOOK_TOKEN } : {}),
    },
    webDist: e.REALCALL_WEB_DIST,
    ...(ami
      ? { ami: { host: ami.url.hostname, port: Number(ami.url.port || 5038), user: ami.user, secret: ami.secret } }
      : {}),
  };
}

type DevSecrets = {
  internalSecret: string;
  secretKey: string;
  amiSecret: string;
  turnSecret: string;
  /** The API never reads it: `npm run pbx` does, for the Basic auth of Asterisk's /metrics. */
  asteriskMetricsSecret: string;
};

/** Secrets for a development install (the API's, and the local PBX's), generated on first use next to the database. */
function devSecrets(dbPath: string): DevSecrets {
  const file = join(dirname(resolve(dbPath)), 'dev-secrets.json');
  const kept = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<DevSecrets>) : {};
  const secrets: DevSecrets = {
    internalSecret: kept.internalSecret ?? randomBytes(32).toString('base64url'),
    secretKey: kept.secretKey ?? randomBytes(32).toString('hex'),
    amiSecret: kept.amiSecret ?? randomBytes(32).toString('base64url'),
    turnSecret: kept.turnSecret ?? randomBytes(32).toString('base64url'),
    asteriskMetricsSecret: kept.asteriskMetricsSecret ?? randomBytes(32).toString('base64url'),
  };
  if (Object.keys(kept).length !== Object.keys(secrets).length) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return secrets;
}
