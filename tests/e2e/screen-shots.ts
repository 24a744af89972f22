/**
 * `npm run docs:screens`: the screens around the calls — signing in and up,
 * a refused field, verification waiting for review, privacy's "after
 * approval" previews, the account, "Calls unavailable" in the header, and
 * the admin console's import, people and audit log — in English and 中文,
 * at 390 px (a phone), the admin console at 1280 px too. Writes
 * docs/screenshots/<screen>.<lang>.png.
 *
 * Needs no PBX: the web app is built, served by the real API (a fresh
 * SQLite file) and driven in Debian's headless Chromium. The phone's SIP
 * WebSocket points where nothing listens, so the header says calls are
 * unavailable, as it does when the PBX is down. Needs a CJK font
 * (Debian: fonts-wqy-microhei) for the Chinese to render.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { openDatabase, type Db } from '../../db/open';
import { createApp } from '../../api/src/app';
import { loadConfig } from '../../api/src/config';
import { DEFAULT_GATE_LIMITS } from '../../api/src/services/password-gate';
import { makeAdmin, markLoginProven, testEnv } from '../../api/src/testing';
import { launchChromium } from '../support/chromium';

const ROOT = join(import.meta.dirname, '..', '..');
const OUT = join(ROOT, 'docs', 'screenshots');
const PASSWORD = 'correct horse battery';
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

type Lang = 'en' | 'zh-CN';

/** Who is in each language's pictures, and what they typed: the demo data of one language throughout. */
const CAST = {
  en: {
    admin: { login: 'margaret@example.test', nickname: 'Margaret' },
    // Proven login, nothing submitted: the form, refused.
    newcomer: { login: 'grace@example.test', nickname: 'Grace', legalName: 'Grace Hopper', id: 'GH1906120901' },
    // A zero-width space between the names, and a number with a stray sign.
    typed: { legalName: 'Grace\u200b Hopper', id: '12#' },
    pending: { login: 'ada@example.test', nickname: 'Ada', legalName: 'Ada Lovelace', id: 'AL1815121001' },
    // Verified after one refusal, disabled once and enabled again: the audit log's person.
    history: { login: 'alan@example.test', nickname: 'Alan', legalName: 'Alan Turing', id: 'AT1912062301' },
    reasons: {
      reject: 'The name does not match the document photo.',
      disable: 'Asked us to pause the account while travelling.',
      enable: 'Back home; confirmed by phone.',
      disableAgain: 'Two reports of posing as a bank.',
    },
    search: 'alan',
  },
  'zh-CN': {
    admin: { login: 'zhou@example.test', nickname: '周管理员' },
    newcomer: { login: 'li@example.test', nickname: '小龙', legalName: '李小龙', id: 'L19401127001' },
    // Full-width digits are read as ASCII; the sign is not a letter or a digit.
    typed: { legalName: '李\u200b小龙', id: '１２#' },
    pending: { login: 'zhang@example.test', nickname: '三丰', legalName: '张三丰', id: 'Z12470409001' },
    history: { login: 'wang@example.test', nickname: '明明', legalName: '王小明', id: 'W19900101001' },
    reasons: {
      reject: '姓名与证件照片不一致。',
      disable: '本人出差，申请暂停账户。',
      enable: '本人已回，电话确认。',
      disableAgain: '两人举报其冒充快递员。',
    },
    search: '明明',
  },
} as const;

/** The API these screenshots are taken against: its URL, a connection to its database, and how to stop it. */
type RunningApi = { url: string; db: Db; close: () => Promise<void> };

/** The real API on a fresh SQLite file in `dir`, serving the web build in `webDist`. */
async function startApi(dir: string, webDist: string): Promise<RunningApi> {
  const config = loadConfig(
    testEnv(dir, {
      REALCALL_WEB_DIST: webDist,
      // No PBX: nothing listens here, so the phone cannot register and says so.
      REALCALL_SIP_WS_URL: 'ws://127.0.0.1:9/ws',
    }),
  );
  const db = openDatabase(config.dbPath);
  // Everyone signs up and in from 127.0.0.1 within a minute: the per-address limit of password checks
  // (tested on its own in api/src/password-gate.test.ts) is raised, as in the browser tests' API.
  const gateLimits = { ...DEFAULT_GATE_LIMITS, perAddress: { inFlight: 16, perMinute: 100_000 } };
  const app = createApp({ db, config, gateLimits });
  const server = await new Promise<ServerType>((resolve) => {
    const s: ServerType = serve({ fetch: app.public.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    db,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // The browser keeps connections alive.
      (server as unknown as { closeAllConnections: () => void }).closeAllConnections();
      await closed;
      db.$client.close();
    },
  };
}

/** A JSON request to the API, with a session cookie or none; the answer and the cookie it set. */
async function send<T>(api: RunningApi, method: string, path: string, body?: unknown, cookie?: string) {
  const res = await fetch(`${api.url}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(cookie ? { cookie } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  const text = await res.text();
  return {
    json: (text ? JSON.parse(text) : {}) as T,
    cookie: /rc_session=[^;]+/.exec(res.headers.get('set-cookie') ?? '')?.[0] ?? '',
  };
}

/**
 * One language's people, made through the API as they would make themselves: the admin, the
 * newcomer, the one waiting for review, and the person whose history the audit log tells (refused,
 * approved, disabled, enabled again).
 */
async function seed(api: RunningApi, lang: Lang): Promise<void> {
  const cast = CAST[lang];
  const signUp = async (who: { login: string; nickname: string }) => {
    const body = { login: who.login, nickname: who.nickname, password: PASSWORD };
    const r = await send<{ me: { id: number } }>(api, 'POST', '/api/auth/sign-up', body);
    // Proving a login by code has tests of its own (api/src/routes/login-proof.test.ts).
    markLoginProven(api.db, r.json.me.id);
    return { id: r.json.me.id, cookie: r.cookie };
  };
  const submit = (who: { legalName: string; id: string }, cookie: string) =>
    send(api, 'POST', '/api/me/verification', { legalName: who.legalName, idNumber: who.id }, cookie);

  const admin = await signUp(cast.admin);
  makeAdmin(api.db, admin.id);
  await signUp(cast.newcomer);
  await submit(cast.pending, (await signUp(cast.pending)).cookie);

  const history = await signUp(cast.history);
  const decide = async (decision: 'approve' | 'reject', reason?: string) => {
    const list = await send<{ verifications: { id: number; person: { id: number } }[] }>(
      api,
      'GET',
      '/api/admin/verifications?status=pending',
      undefined,
      admin.cookie,
    );
    const v = list.json.verifications.find((x) => x.person.id === history.id)!;
    await send(api, 'POST', `/api/admin/verifications/${v.id}/${decision}`, reason ? { reason } : {}, admin.cookie);
  };
  await submit(cast.history, history.cookie);
  await decide('reject', cast.reasons.reject);
  await submit(cast.history, history.cookie);
  await decide('approve');
  const people = `/api/admin/people/${history.id}`;
  await send(api, 'POST', `${people}/disable`, { reason: cast.reasons.disable }, admin.cookie);
  await send(api, 'POST', `${people}/enable`, { reason: cast.reasons.enable }, admin.cookie);
}

/** What an import preview shows: a row that would be verified, one refused for want of a reason, an unknown login. */
function importCsv(lang: Lang): string {
  const cast = CAST[lang];
  return [
    'login,legal_name,id_number,status,reason',
    `${cast.newcomer.login},${cast.newcomer.legalName},${cast.newcomer.id},verified,`,
    `${cast.pending.login},${cast.pending.legalName},${cast.pending.id},rejected,`,
    `nobody@example.test,${lang === 'en' ? 'Nobody Known' : '查无此人'},N00000000001,verified,`,
  ].join('\n');
}

async function signIn(page: Page, login: string): Promise<void> {
  await page.locator('rc-sign-in #login').fill(login);
  await page.locator('rc-sign-in #password').fill(PASSWORD);
  await page.locator('rc-sign-in form button[type="submit"]').click();
  await page.locator('rc-app header nav').waitFor();
}

async function signOut(page: Page): Promise<void> {
  await page.locator('rc-app header .out').click();
  await page.locator('rc-sign-in #login').waitFor();
}

/** Goes to a page of the app by its hash route and waits for `ready` on it. */
async function go(page: Page, route: string, ready: string): Promise<void> {
  await page.evaluate((r) => (location.hash = `#/${r}`), route);
  await page.locator(ready).first().waitFor();
  // Requests the page made as it opened land, and the fonts settle.
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(300);
}

async function shootLanguage(browser: Browser, url: string, lang: Lang): Promise<string[]> {
  const cast = CAST[lang];
  const written: string[] = [];
  // A browser in English: the 中文 pictures pick 简体中文 in the header, as a person with it would.
  const context = await browser.newContext({ locale: 'en-US', viewport: PHONE, deviceScaleFactor: 1 });
  const page = await context.newPage();
  /**
   * The whole page; or only the part `area` covers, with a margin of the page around it; or the page
   * from its top down to the bottom of `until`.
   */
  const shot = async (name: string, options: { area?: string; until?: string } = {}) => {
    const path = join(OUT, `${name}.${lang}.png`);
    // No focus ring or caret in some pictures and not others.
    await page.locator('rc-app').evaluate(() => (document.activeElement as HTMLElement | null)?.blur?.());
    const selector = options.area ?? options.until;
    if (!selector) {
      await page.screenshot({ path, fullPage: true });
    } else {
      const box = await page.locator(selector).evaluate((el) => {
        const r = el.getBoundingClientRect();
        return { x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height };
      });
      const width = page.viewportSize()!.width;
      const margin = 12;
      const clip = options.area
        ? {
            x: Math.max(0, box.x - margin),
            y: Math.max(0, box.y - margin),
            width: Math.min(width, box.width + 2 * margin),
            height: box.height + 2 * margin,
          }
        : { x: 0, y: 0, width, height: box.y + box.height + margin };
      await page.screenshot({ path, fullPage: true, clip });
    }
    written.push(path);
  };

  // First visit: what RealCall is, in two lines, above the form; the language picked in the header.
  await page.goto(url);
  await page.locator('rc-sign-in #login').waitFor();
  if (lang !== 'en') await page.locator('rc-app #lang').selectOption(lang);
  await page.waitForTimeout(300);
  await shot('sign-in');
  await page.locator('rc-sign-in button.switch').click();
  await page.locator('rc-sign-in #password-hint').waitFor();
  await shot('sign-up');
  await page.locator('rc-sign-in button.switch').click();

  // A newcomer whose login is proven: the form, and what it refuses, beside each field.
  await signIn(page, cast.newcomer.login);
  await go(page, 'verification', 'rc-verification #legal-name');
  await page.locator('rc-verification #legal-name').fill(cast.typed.legalName);
  await page.locator('rc-verification #id-number').fill(cast.typed.id);
  await page.locator('rc-verification form button[type="submit"]').click();
  await page.locator('rc-verification #id-number[aria-invalid="true"]').waitFor();
  await shot('verification-refused');
  await signOut(page);

  // Waiting for review: correct or withdraw; privacy says what callees will see once approved.
  await signIn(page, cast.pending.login);
  await go(page, 'verification', 'rc-verification #withdraw');
  await shot('verification-pending');
  await go(page, 'privacy', 'rc-privacy-settings .preview');
  await shot('privacy-pending');
  await go(page, 'profile', 'rc-account #delete-start');
  await shot('account', { area: 'rc-account' });
  // No PBX: the header says calls are unavailable, when it tries next, and offers Try now.
  await go(page, 'phone', 'rc-home');
  await page.locator('rc-registration-status p[data-state="reconnecting"] .when').waitFor({ timeout: 20_000 });
  await page.waitForTimeout(300);
  await shot('calls-unavailable', { until: 'rc-home section[aria-labelledby="dial-title"]' });
  await signOut(page);

  // The admin console: an import preview, a person found with their Disable confirmation open, their history.
  await signIn(page, cast.admin.login);
  await go(page, 'admin', 'rc-admin-import #paste');
  await page.locator('rc-admin-import #paste').fill(importCsv(lang));
  await page.locator('rc-admin-import form button[type="submit"]').click();
  await page.locator('rc-admin-import tr[data-line="4"]').waitFor();
  // The file's header line in view, not its last line where typing left it.
  await page.locator('rc-admin-import #paste').evaluate((el) => (el.scrollTop = 0));
  await page.locator('rc-admin-people #q').fill(cast.search);
  await page.locator('rc-admin-people form button[type="submit"]').click();
  const row = page.locator('rc-admin-people tbody tr').filter({ hasText: cast.history.login });
  await row.waitFor();
  await page.locator('rc-admin-people tbody tr').nth(1).waitFor({ state: 'detached' });
  await row.locator('td.wide > .actions > button').first().click();
  await row.locator('rc-admin-confirm #reason').fill(cast.reasons.disableAgain);
  await row.locator('td.wide > .actions > button').last().click();
  await page.locator('rc-admin-audit .about').waitFor();
  await page.waitForTimeout(300);
  for (const [suffix, viewport] of [
    ['', PHONE],
    ['-desktop', DESKTOP],
  ] as const) {
    await page.setViewportSize(viewport);
    await page.waitForTimeout(300);
    await shot(`admin-import${suffix}`, { area: 'rc-admin-import' });
    await shot(`admin-people${suffix}`, { area: 'rc-admin-people' });
    await shot(`admin-audit${suffix}`, { area: 'rc-admin-audit' });
  }
  await context.close();
  return written;
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'realcall-screens-'));
  const webDist = join(dir, 'web');
  await build({
    configFile: join(ROOT, 'web', 'vite.config.ts'),
    build: { outDir: webDist, emptyOutDir: true },
    logLevel: 'error',
  });
  const api = await startApi(dir, webDist);
  const browser = await launchChromium();
  try {
    for (const lang of ['en', 'zh-CN'] as const) {
      await seed(api, lang);
      const written = await shootLanguage(browser, api.url, lang);
      console.log(`[screens] ${lang}: ${written.length} screenshots`);
    }
  } finally {
    await browser.close();
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`[screens] written to ${OUT}`);
}

await main();
