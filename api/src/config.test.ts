import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'realcall-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const strong = {
  REALCALL_INTERNAL_SECRET: 'Vq3r9ZkT2mXp7LwB8nYc4HdF6sJa1GeU',
  REALCALL_SECRET_KEY: 'a3f1c2e4b5d6978812345678abcdef0123456789abcdef0123456789abcdef01',
};
const amiVars = {
  REALCALL_AMI_URL: 'tcp://127.0.0.1:5038',
  REALCALL_AMI_USER: 'realcall',
  REALCALL_AMI_SECRET: 'Zt5Qw8Er2Ty7Ui1Op4As6Df9Gh3Jk0Lz',
};

function error(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('has safe defaults: loopback listeners, an embedded database under ./data', () => {
    const config = loadConfig({ ...strong, ...amiVars, NODE_ENV: 'production' });
    expect(config.publicListener).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(config.internalListener).toEqual({ host: '127.0.0.1', port: 8081 });
    expect(config.dbPath).toBe('./data/realcall.db');
    expect(config.cookieSecure).toBe(true);
    expect(config.sip.iceServers).toEqual([]);
    expect(config.trustProxy).toBe(false);
    expect(config.logins.defaultCountry).toBeUndefined();
    expect(config.ami?.host).toBe('127.0.0.1');
  });

  it('refuses to start in production without PBX control: a disable must reach the cached PBX at once', () => {
    expect(error({ ...strong, NODE_ENV: 'production' })).toMatch(/REALCALL_AMI_URL.*required in production/);
    expect(loadConfig({ ...strong, NODE_ENV: 'test' }).ami).toBeUndefined();
  });

  it('reads the code senders and the default phone country, refusing bad ones by name', () => {
    const config = loadConfig({
      ...strong,
      REALCALL_SMTP_URL: 'smtp://mail.example.org:587',
      REALCALL_MAIL_FROM: 'codes@example.org',
      REALCALL_SMS_WEBHOOK_URL: 'https://sms.example.org/send',
      REALCALL_PHONE_COUNTRY: 'cn',
    });
    expect(config.codes).toMatchObject({ smtpUrl: 'smtp://mail.example.org:587', mailFrom: 'codes@example.org' });
    expect(config.logins.defaultCountry).toBe('CN');
    expect(error({ ...strong, REALCALL_PHONE_COUNTRY: 'XX' })).toContain('REALCALL_PHONE_COUNTRY');
    expect(error({ ...strong, REALCALL_SMTP_URL: 'http://mail.example.org' })).toContain('REALCALL_SMTP_URL');
    expect(error({ ...strong, REALCALL_MAIL_FROM: 'not an address' })).toContain('REALCALL_MAIL_FROM');
  });

  it('refuses to start in production without secrets, naming the variables', () => {
    const message = error({ NODE_ENV: 'production', REALCALL_DB_PATH: join(dir, 'x.db') });
    expect(message).toContain('REALCALL_INTERNAL_SECRET: is required in production');
    expect(message).toContain('REALCALL_SECRET_KEY: is required in production');
  });

  it.each([
    ['REALCALL_INTERNAL_SECRET', '', 'is required in production'],
    ['REALCALL_INTERNAL_SECRET', 'short', 'at least 32 characters'],
    ['REALCALL_INTERNAL_SECRET', 'change-me-change-me-change-me-change-me', 'placeholder'],
    ['REALCALL_INTERNAL_SECRET', 'a'.repeat(40), 'too repetitive'],
    ['REALCALL_SECRET_KEY', 'abcd', '32 bytes'],
    ['REALCALL_PUBLIC_PORT', '70000', 'REALCALL_PUBLIC_PORT'],
    ['REALCALL_INTERNAL_PORT', 'eighty', 'REALCALL_INTERNAL_PORT'],
    ['REALCALL_SIP_WS_URL', 'http://pbx/ws', 'REALCALL_SIP_WS_URL'],
    ['REALCALL_ICE_SERVERS', '[{"urls":"http://stun"}]', 'STUN only'],
    ['REALCALL_ICE_SERVERS', 'not json', 'STUN only'],
    // A static TURN password would be in every page and work for ever: refused, pointing at the relay settings.
    [
      'REALCALL_ICE_SERVERS',
      '[{"urls":"turn:t.example:3478","username":"u","credential":"c"}]',
      'REALCALL_TURN_SECRET',
    ],
    ['REALCALL_TURN_URLS', 'http://turn.example', 'turn:host'],
    ['REALCALL_TURN_URLS', 'turn:t.example:3478?transport=sctp', 'turn:host'],
    ['REALCALL_TURN_SECRET', 'short', 'at least 32 characters'],
    ['REALCALL_TURN_TTL_SECONDS', '60', 'REALCALL_TURN_TTL_SECONDS'],
    ['REALCALL_TURN_TTL_SECONDS', '604800', 'REALCALL_TURN_TTL_SECONDS'],
    ['REALCALL_ICE_TRANSPORT_POLICY', 'none', 'REALCALL_ICE_TRANSPORT_POLICY'],
    ['REALCALL_SCRYPT_LOG_N', '10', 'REALCALL_SCRYPT_LOG_N'],
    ['REALCALL_COOKIE_SECURE', 'maybe', 'REALCALL_COOKIE_SECURE'],
    ['REALCALL_PUBLIC_ORIGINS', 'not a url', 'REALCALL_PUBLIC_ORIGINS'],
    ['NODE_ENV', 'staging', 'NODE_ENV'],
  ])('names %s when it is bad (%j)', (name, value, expected) => {
    const message = error({ ...strong, NODE_ENV: 'production', [name]: value });
    expect(message).toContain(name);
    expect(message).toContain(expected);
  });

  it('reads the relay: its URLs, a secret that is required in production, a bounded lifetime', () => {
    const turn = {
      REALCALL_TURN_URLS: 'turn:turn.example.org:3478?transport=udp, turns:turn.example.org:5349?transport=tcp',
      REALCALL_TURN_SECRET: 'Hq7Lm2Xc9Vb4Nz6Rt1Ws8Ek3Pf5Yg0Ju',
    };
    const config = loadConfig({ ...strong, ...amiVars, NODE_ENV: 'production', ...turn });
    expect(config.sip.turn).toEqual({
      urls: ['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:5349?transport=tcp'],
      secret: turn.REALCALL_TURN_SECRET,
      ttlSeconds: 3600,
    });
    expect(config.sip.iceTransportPolicy).toBe('all');
    expect(
      error({ ...strong, ...amiVars, NODE_ENV: 'production', REALCALL_TURN_URLS: turn.REALCALL_TURN_URLS }),
    ).toContain('REALCALL_TURN_SECRET: is required with REALCALL_TURN_URLS');
    // The secret alone (compose always passes it) hands out nothing.
    expect(loadConfig({ ...strong, REALCALL_TURN_SECRET: turn.REALCALL_TURN_SECRET }).sip.turn).toBeUndefined();
    // Relay-only without a relay would connect no call at all.
    expect(error({ ...strong, REALCALL_ICE_TRANSPORT_POLICY: 'relay' })).toContain('relay needs a relay');
    expect(loadConfig({ ...strong, ...turn, REALCALL_ICE_TRANSPORT_POLICY: 'relay' }).sip.iceTransportPolicy).toBe(
      'relay',
    );
  });

  it('outside production, generates the relay secret too (the one `npm run turn` reads)', () => {
    const env = {
      NODE_ENV: 'development',
      REALCALL_DB_PATH: join(dir, 'data', 'realcall.db'),
      REALCALL_TURN_URLS: 'turn:127.0.0.1:3478',
    };
    const first = loadConfig(env);
    const kept = JSON.parse(readFileSync(join(dir, 'data', 'dev-secrets.json'), 'utf8')) as { turnSecret: string };
    expect(first.sip.turn?.secret).toBe(kept.turnSecret);
    expect(kept.turnSecret.length).toBeGreaterThanOrEqual(32);
    expect(loadConfig(env).sip.turn?.secret).toBe(kept.turnSecret);
  });

  it('outside production, generates the local PBX’s metrics password too (the one `npm run pbx` reads)', () => {
    const env = { NODE_ENV: 'development', REALCALL_DB_PATH: join(dir, 'data', 'realcall.db') };
    loadConfig(env);
    const file = join(dir, 'data', 'dev-secrets.json');
    const first = (JSON.parse(readFileSync(file, 'utf8')) as { asteriskMetricsSecret: string }).asteriskMetricsSecret;
    expect(first.length).toBeGreaterThanOrEqual(32);
    loadConfig(env);
    expect(readFileSync(file, 'utf8')).toContain(first);
  });

  it('wants all three AMI variables or none', () => {
    expect(error({ ...strong, REALCALL_AMI_URL: 'tcp://127.0.0.1:5038' })).toMatch(/AMI_USER.*set all three or none/);
    const config = loadConfig({
      ...strong,
      REALCALL_AMI_URL: 'tcp://asterisk:5038',
      REALCALL_AMI_USER: 'realcall',
      REALCALL_AMI_SECRET: 'Zt5Qw8Er2Ty7Ui1Op4As6Df9Gh3Jk0Lz',
    });
    expect(config.ami).toEqual({
      host: 'asterisk',
      port: 5038,
      user: 'realcall',
      secret: 'Zt5Qw8Er2Ty7Ui1Op4As6Df9Gh3Jk0Lz',
    });
  });

  it('outside production, generates secrets once, private to the owner, and reuses them', () => {
    const env = { NODE_ENV: 'development', REALCALL_DB_PATH: join(dir, 'data', 'realcall.db') };
    const first = loadConfig(env);
    const file = join(dir, 'data', 'dev-secrets.json');
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toContain(first.internalSecret);
    const second = loadConfig(env);
    expect(second.internalSecret).toBe(first.internalSecret);
    expect(second.secretKey.equals(first.secretKey)).toBe(true);
    expect(first.cookieSecure).toBe(false);
  });

  it('in development, points its PBX defaults at the ports npm run pbx uses', () => {
    const env = { NODE_ENV: 'development', REALCALL_DB_PATH: join(dir, 'data', 'realcall.db') };
    const plain = loadConfig(env);
    expect([plain.ami?.host, plain.ami?.port, plain.ami?.user]).toEqual(['127.0.0.1', 5038, 'realcall']);
    expect(plain.sip.wsUrl).toBe('ws://127.0.0.1:8088/ws');
    const moved = loadConfig({ ...env, ASTERISK_AMI_PORT: '15038', ASTERISK_HTTP_PORT: '18088' });
    expect([moved.ami?.host, moved.ami?.port]).toEqual(['127.0.0.1', 15038]);
    expect(moved.ami?.secret).toBe(plain.ami?.secret);
    expect(moved.sip.wsUrl).toBe('ws://127.0.0.1:18088/ws');
    // An explicit setting still wins, and a bad port is refused by name.
    expect(
      loadConfig({ ...env, ASTERISK_HTTP_PORT: '18088', REALCALL_SIP_WS_URL: 'wss://pbx.example.org/ws' }).sip.wsUrl,
    ).toBe('wss://pbx.example.org/ws');
    expect(error({ ...env, ASTERISK_AMI_PORT: '99999' })).toContain('ASTERISK_AMI_PORT');
    // Outside development there is no implied PBX.
    expect(loadConfig({ ...strong, ASTERISK_AMI_PORT: '15038' }).ami).toBeUndefined();
  });

  it('derives the realm from the SIP domain unless given', () => {
    expect(loadConfig({ ...strong, REALCALL_SIP_DOMAIN: 'sip.example.org' }).sip.realm).toBe('sip.example.org');
    expect(
      loadConfig({ ...strong, REALCALL_SIP_DOMAIN: 'sip.example.org', REALCALL_SIP_REALM: 'realcall' }).sip.realm,
    ).toBe('realcall');
  });
});
