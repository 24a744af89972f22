import { createServer } from 'node:net';
import { afterEach, expect, test } from 'vitest';
import { NAME_STATUSES as API_NAME_STATUSES } from '../../../api/src/services/caller-name';
import { accountFromApi, checkAccount, NAME_STATUSES } from './account';
import { person, startApi, type RunningApi } from './api-server.test-support';

let api: RunningApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

test('reads the SIP account and the expected presentation from the API, and signs out again', async () => {
  api = await startApi({ REALCALL_SIP_WS_URL: 'wss://pbx.realcall.test/ws' });
  const zhang = await person(api, { nickname: '三丰哥', legalName: '张三丰', privacy: 'full' });
  const { account, expected } = await accountFromApi(api.url, zhang.login, zhang.password);
  expect(account).toMatchObject({
    wsUrl: 'wss://pbx.realcall.test/ws',
    domain: 'realcall.test',
    user: zhang.extension,
  });
  expect(account.secret.length).toBeGreaterThanOrEqual(24);
  expect(expected).toEqual({ name: '张三丰', status: 'verified', num: zhang.extension });
  const sessions = api.app.db.$client.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number };
  expect(sessions.n).toBe(2); // the person's and their verifier's sign-ups; the tool's own session is gone
});

test('the expectation follows the person’s current privacy choice', async () => {
  api = await startApi();
  const li = await person(api, { nickname: '小龙', legalName: '李小龙', privacy: 'masked' });
  const bob = await person(api, { nickname: 'Bob' });
  expect((await accountFromApi(api.url, li.login, li.password)).expected).toEqual({
    name: '*小龙',
    status: 'masked',
    num: li.extension,
  });
  expect((await accountFromApi(api.url, bob.login, bob.password)).expected.status).toBe('unverified');
});

test('failures are one line naming the step', async () => {
  api = await startApi();
  const bob = await person(api, { nickname: 'Bob' });
  await expect(accountFromApi(api.url, bob.login, 'not the password')).rejects.toThrow(
    new RegExp(`^sign-in as ${bob.login} failed: 401 `),
  );
  const closed = await freePort();
  await expect(accountFromApi(`http://127.0.0.1:${closed}`, 'x@example.test', 'y')).rejects.toThrow(
    `cannot reach http://127.0.0.1:${closed}: ECONNREFUSED`,
  );
  await expect(accountFromApi('not a url', 'x', 'y')).rejects.toThrow('not a URL: not a url');
});

test('checkAccount names what is missing by flag and variable', () => {
  expect(() => checkAccount({ wsUrl: 'ws://x/ws', domain: 'x' })).toThrow(
    'missing --user (REALCALL_SIP_USER), --secret (REALCALL_SIP_SECRET)',
  );
  expect(() => checkAccount({ wsUrl: 'http://x', domain: 'x', user: '1', secret: 's' })).toThrow(/ws:\/\/ or wss:\/\//);
});

test('the tool knows the same name statuses as the API', () => {
  expect(NAME_STATUSES).toEqual(API_NAME_STATUSES);
});

/** A port nothing listens on (fetch refuses "unsafe" ports such as 1). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
