/**
 * The real RealCall API (api/src/testing.ts: a fresh SQLite per app, nothing
 * mocked) listening on 127.0.0.1, so the tool's API client is tested
 * against the routes it will meet, not against a fake of our own API.
 */
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { call, createTestApp, makeAdmin, signUp, type TestApp } from '../../../api/src/testing';

export type RunningApi = { url: string; app: TestApp; close(): Promise<void> };

export async function startApi(env: Record<string, string> = {}): Promise<RunningApi> {
  const app = createTestApp(env);
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.public.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      app.close();
    },
  };
}

/** Signs someone up (and, with a legal name, has an admin verify them), as the web app would. */
export async function person(
  api: RunningApi,
  who: { nickname: string; legalName?: string; privacy?: 'full' | 'masked' | 'hidden' },
): Promise<{ login: string; password: string; extension: string }> {
  const p = await signUp(api.app, { nickname: who.nickname });
  if (who.legalName) {
    await call(api.app, 'POST', '/api/me/verification', {
      cookie: p.cookie,
      body: { legalName: who.legalName, idNumber: 'G12345678' },
    });
    const admin = await signUp(api.app);
    makeAdmin(api.app.db, admin.me.id);
    const pending = await call(api.app, 'GET', '/api/admin/verifications?status=pending', { cookie: admin.cookie });
    const id = pending.body.verifications[0].id;
    await call(api.app, 'POST', `/api/admin/verifications/${id}/approve`, { cookie: admin.cookie, body: {} });
  }
  if (who.privacy) {
    await call(api.app, 'PUT', '/api/me/privacy', { cookie: p.cookie, body: { namePrivacy: who.privacy } });
  }
  return { login: p.login, password: p.password, extension: p.me.extension };
}
