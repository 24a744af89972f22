/**
 * The relay: its rendered configuration (always), and a real coturn started
 * from it that takes the API's credentials and refuses everything else
 * (when `turnserver` is installed; otherwise one line says it was skipped).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createTestApp, freeTcpPort, signUp, type TestApp } from '../api/src/testing';
import { realPartSuite } from '../tests/support/real-parts';
import { TurnClient } from '../tests/support/turn-client';
import { startRelay, type Relay } from './testing';
import {
  DENIED_PEER_RANGES,
  renderTurnConfig,
  stunAnswers,
  turnConfig,
  turnSettings,
  TurnConfigError,
} from './turn.mjs';

const SECRET = 'Hq7Lm2Xc9Vb4Nz6Rt1Ws8Ek3Pf5Yg0Ju';

function problems(env: Record<string, string>): string {
  try {
    turnSettings({ NODE_ENV: 'production', ...env }, '/tmp/unused');
  } catch (err) {
    expect(err).toBeInstanceOf(TurnConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a TurnConfigError');
}

describe('the relay configuration', () => {
  it('needs credentials signed with the secret, relays UDP only, and never into private ranges but the PBX', () => {
    const conf = turnConfig(
      turnSettings(
        { REALCALL_TURN_SECRET: SECRET, TURN_ALLOWED_PEERS: '10.80.0.2', TURN_LISTEN_IPS: '10.80.0.3' },
        '/x',
      ),
    );
    const lines = conf.split('\n');
    expect(lines).toContain('use-auth-secret');
    expect(lines).toContain(`static-auth-secret=${SECRET}`);
    // No static user, no anonymous relay, no CLI to log into.
    expect(lines.filter((l) => /^(user|lt-cred-mech|no-auth|cli-password)(=|$)/.test(l))).toEqual([]);
    expect(lines).toContain('no-cli');
    expect(lines).toContain('no-tcp-relay');
    expect(lines).toContain('no-multicast-peers');
    expect(lines).not.toContain('allow-loopback-peers');
    for (const range of ['10.0.0.0-10.255.255.255', '127.0.0.0-127.255.255.255', '169.254.0.0-169.254.255.255']) {
      expect(lines).toContain(`denied-peer-ip=${range}`);
    }
    expect(lines.filter((l) => l.startsWith('denied-peer-ip='))).toHaveLength(DENIED_PEER_RANGES.length);
    expect(lines.filter((l) => l.startsWith('allowed-peer-ip='))).toEqual(['allowed-peer-ip=10.80.0.2']);
    expect(lines).toContain('listening-ip=10.80.0.3');
    expect(lines).toContain('listening-port=3478');
    expect(lines).toContain('min-port=49160');
    expect(lines).toContain('max-port=49359');
    // Without a certificate, no TLS listener.
    expect(lines).toContain('no-tls');
    expect(conf).not.toMatch(/tls-listening-port/);
  });

  it('listens for TLS on 5349 (or 443) with a certificate, and writes the file for its owner only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'realcall-turn-conf-'));
    try {
      const cert = join(dir, 'turn.crt');
      const key = join(dir, 'turn.key');
      // Stand-in files: the renderer checks they exist; coturn itself is not started here.
      for (const f of [cert, key]) writeFileSync(f, 'pem');
      const settings = turnSettings(
        { REALCALL_TURN_SECRET: SECRET, TURN_TLS_CERT: cert, TURN_TLS_KEY: key, TURN_TLS_PORT: '443' },
        join(dir, 'run'),
      );
      const file = renderTurnConfig(settings);
      const lines = readFileSync(file, 'utf8').split('\n');
      expect(lines).toContain('tls-listening-port=443');
      expect(lines).toContain(`cert=${cert}`);
      expect(lines).toContain(`pkey=${key}`);
      expect(lines).not.toContain('no-tls');
      expect(statSync(file).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [{}, 'REALCALL_TURN_SECRET: is required'],
    [{ REALCALL_TURN_SECRET: 'short' }, 'at least 32 characters'],
    [{ REALCALL_TURN_SECRET: SECRET, TURN_PORT: '99999' }, 'TURN_PORT: must be a port number'],
    [{ REALCALL_TURN_SECRET: SECRET, TURN_MIN_PORT: '50000', TURN_MAX_PORT: '40000' }, 'TURN_MAX_PORT'],
    [{ REALCALL_TURN_SECRET: SECRET, TURN_LISTEN_IPS: 'turn.example.org' }, 'TURN_LISTEN_IPS'],
    [{ REALCALL_TURN_SECRET: SECRET, TURN_ALLOWED_PEERS: '10.0.0.0/8' }, 'TURN_ALLOWED_PEERS'],
    [{ REALCALL_TURN_SECRET: SECRET, TURN_EXTERNAL_IP: 'public' }, 'TURN_EXTERNAL_IP'],
    [{ REALCALL_TURN_SECRET: SECRET, TURN_TLS_CERT: '/etc/turn.crt' }, 'set both or neither'],
    [{ REALCALL_TURN_SECRET: SECRET, TURN_TLS_CERT: '/no/such.crt', TURN_TLS_KEY: '/no/such.key' }, 'no such file'],
    [{ REALCALL_TURN_SECRET: `${SECRET}\nno-auth` }, 'line breaks'],
  ])('refuses %j, naming the problem', (env, expected) => {
    expect(problems(env as Record<string, string>)).toContain(expected);
  });
});

const gate = realPartSuite('turn: coturn');

describe.skipIf(gate.skip)('a real coturn with the API’s credentials', () => {
  let relay: Relay;
  let app: TestApp;
  let cookie: string;

  beforeAll(async () => {
    const port = await freeTcpPort();
    relay = await startRelay({
      REALCALL_TURN_SECRET: SECRET,
      TURN_LISTEN_IPS: '127.0.0.1',
      TURN_PORT: String(port),
      TURN_MIN_PORT: '49400',
      TURN_MAX_PORT: '49499',
      TURN_ALLOWED_PEERS: '10.80.0.2',
    });
    app = createTestApp({
      REALCALL_TURN_URLS: `turn:127.0.0.1:${port}?transport=udp,turn:127.0.0.1:${port}?transport=tcp`,
      REALCALL_TURN_SECRET: SECRET,
    });
    cookie = (await signUp(app)).cookie;
  }, 20_000);
  afterAll(async () => {
    app?.close();
    await relay?.stop();
  });

  /** What the API gives the page now (its clock can be moved). */
  const credentials = async (): Promise<{ username: string; credential: string }> => {
    app.clock.now = Date.now();
    const res = await call(app, 'GET', '/api/me/ice', { cookie });
    return res.body.iceServers.at(-1);
  };

  it.each(['udp', 'tcp'] as const)('relays for them over %s, and for nothing unauthenticated', async (transport) => {
    const { username, credential } = await credentials();
    const client = await TurnClient.open(relay.host, relay.port, transport);
    try {
      const answer = await client.allocate(username, credential);
      expect(answer.first.error).toBe(401); // no credentials: no relay
      expect(answer.ok, `${answer.error} ${answer.reason}\n${relay.log()}`).toBe(true);
      expect(answer.relayed?.port).toBeGreaterThanOrEqual(49400);
      expect(answer.relayed?.port).toBeLessThanOrEqual(49499);
      // The PBX's media address may be reached; loopback, private networks and metadata services may not.
      expect((await client.createPermission('10.80.0.2')).ok).toBe(true);
      const publicPeer = await client.createPermission('1.1.1.1');
      expect(publicPeer.ok, `${publicPeer.error} ${publicPeer.reason}`).toBe(true);
      for (const denied of ['127.0.0.1', '10.80.0.9', '192.168.1.1', '172.17.0.1', '169.254.169.254', '100.64.0.1']) {
        const refused = await client.createPermission(denied);
        expect(refused.ok, denied).toBe(false);
        expect(refused.error, denied).toBe(403);
      }
      expect((await client.refresh(0)).ok).toBe(true);
    } finally {
      client.close();
    }
  });

  it('relays over TLS with a certificate it was given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'realcall-turn-tls-'));
    const cert = join(dir, 'fullchain.pem');
    const key = join(dir, 'privkey.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=turn.realcall.test',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    const tlsPort = await freeTcpPort();
    const tlsRelay = await startRelay({
      REALCALL_TURN_SECRET: SECRET,
      TURN_LISTEN_IPS: '127.0.0.1',
      TURN_PORT: String(await freeTcpPort()),
      TURN_TLS_PORT: String(tlsPort),
      TURN_TLS_CERT: cert,
      TURN_TLS_KEY: key,
      TURN_MIN_PORT: '49500',
      TURN_MAX_PORT: '49599',
    });
    const client = await TurnClient.open(tlsRelay.host, tlsPort, 'tls');
    try {
      const { username, credential } = await credentials();
      const answer = await client.allocate(username, credential);
      expect(answer.ok, `${answer.error} ${answer.reason}\n${tlsRelay.log()}`).toBe(true);
      expect((await client.refresh(0)).ok).toBe(true);
    } finally {
      client.close();
      await tlsRelay.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers the health check (a STUN Binding), which fails where no relay listens', async () => {
    expect(await stunAnswers(relay.host, relay.port)).toBe(true);
    expect(await stunAnswers(relay.host, await freeTcpPort(), 500)).toBe(false);
  });

  it('refuses expired and forged credentials; fresh ones from the API work again', async () => {
    const expired = await (async () => {
      app.clock.now = Date.now() - 2 * 3600_000; // minted two hours ago: expired an hour ago
      return (await call(app, 'GET', '/api/me/ice', { cookie })).body.iceServers.at(-1);
    })();
    const fresh = await credentials();
    const [expiry, who] = fresh.username.split(':');
    const attempts = {
      expired,
      // A later expiry with the old password: the HMAC no longer matches.
      extended: { username: `${Number(expiry) + 86_400}:${who}`, credential: fresh.credential },
      // Someone else's name with this person's password.
      otherPerson: { username: `${expiry}:rc999`, credential: fresh.credential },
      // A password of one's own making.
      madeUp: { username: fresh.username, credential: Buffer.from('not the hmac').toString('base64') },
      // A static-looking user with no expiry at all.
      static: { username: 'admin', credential: 'admin' },
    };
    for (const [what, { username, credential }] of Object.entries(attempts)) {
      const client = await TurnClient.open(relay.host, relay.port, 'udp');
      try {
        const answer = await client.allocate(username, credential);
        expect(answer.ok, what).toBe(false);
        expect(answer.error, what).toBe(401);
      } finally {
        client.close();
      }
    }
    const client = await TurnClient.open(relay.host, relay.port, 'udp');
    try {
      expect((await client.allocate(fresh.username, fresh.credential)).ok).toBe(true);
      await client.refresh(0);
    } finally {
      client.close();
    }
  });
});
