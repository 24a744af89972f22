import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, test } from 'vitest';
import { WebSocketServer } from 'ws';
import { describeRegistration, register } from './register';
import { startScriptedPbx, type ScriptedPbx } from './scripted-pbx.test-support';

let pbx: ScriptedPbx | undefined;
const servers: Server[] = [];
afterEach(async () => {
  await pbx?.close();
  pbx = undefined;
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

const account = (user: string, secret: string) => ({ wsUrl: pbx!.wsUrl, domain: pbx!.domain, user, secret });

async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

test('registers through the digest challenge, reports 200 and the time, then unregisters', async () => {
  pbx = await startScriptedPbx({ accounts: { '1002': { secret: 'right secret' } } });
  const result = await register(account('1002', 'right secret'), { timeoutMs: 2000 });
  expect(result).toMatchObject({ ok: true, statusCode: 200, reason: 'OK' });
  expect(result.ms).toBeGreaterThan(0);
  expect(result.connectMs).toBeGreaterThan(0);
  // Challenged once, answered, and unregistered (Expires 0, the nonce reused) at the end.
  const registers = pbx.received.filter((m) => m.method === 'REGISTER');
  expect(registers.map((m) => m.headers.authorization !== undefined)).toEqual([false, true, true]);
  expect(registers[2]!.headers.contact![0]).toMatch(/expires=0/);
  expect(pbx.isRegistered('1002')).toBe(false);
  expect(describeRegistration(result)).toBe('registered (200 OK)');
});

test('a wrong secret is "registration failed: 401 Unauthorized"', async () => {
  pbx = await startScriptedPbx({ accounts: { '1002': { secret: 'right secret' } } });
  const result = await register(account('1002', 'wrong secret'), { timeoutMs: 2000 });
  expect(result).toMatchObject({ ok: false, statusCode: 401 });
  expect(describeRegistration(result)).toBe('registration failed: 401 Unauthorized');
});

test('nothing listening is "cannot reach <url>: ECONNREFUSED"', async () => {
  const port = await listen(createServer());
  await new Promise((resolve) => servers.pop()!.close(resolve));
  const wsUrl = `ws://127.0.0.1:${port}/ws`;
  const result = await register({ wsUrl, domain: 'x.test', user: '1', secret: 's' }, { timeoutMs: 2000 });
  expect(result).toMatchObject({ ok: false, reason: `cannot reach ${wsUrl}: ECONNREFUSED` });
});

test('an HTTP server that is not a SIP WebSocket says so', async () => {
  const port = await listen(createServer((_, res) => res.writeHead(404).end()));
  const wsUrl = `ws://127.0.0.1:${port}/ws`;
  const result = await register({ wsUrl, domain: 'x.test', user: '1', secret: 's' }, { timeoutMs: 2000 });
  expect(result.reason).toBe(`cannot reach ${wsUrl}: Unexpected server response: 404`);
});

test('a registrar that never answers is reported within the timeout', async () => {
  const http = createServer();
  new WebSocketServer({ server: http, handleProtocols: () => 'sip' });
  const port = await listen(http);
  const started = Date.now();
  const result = await register(
    { wsUrl: `ws://127.0.0.1:${port}/ws`, domain: 'x.test', user: '1', secret: 's' },
    { timeoutMs: 300 },
  );
  expect(result).toMatchObject({ ok: false, reason: 'no answer to REGISTER within 300 ms' });
  // The REGISTER wait, then a bounded close (the unregister cannot be answered either).
  expect(Date.now() - started).toBeLessThan(2000);
});
