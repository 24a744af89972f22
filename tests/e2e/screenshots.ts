/**
 * `npm run docs:screenshots`: the callee's call screen for every name
 * status, in English and Chinese, taken from real calls — a real Asterisk,
 * the real API, the SIP test tool as the caller and the web softphone in
 * headless Chromium as the callee. Writes docs/screenshots/*.png.
 *
 * Needs an Asterisk binary (ASTERISK_BIN or PATH), Chromium, and CJK fonts
 * (Debian: fonts-noto-cjk) for the Chinese names to render.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../support/chromium';
import { build } from 'vite';
import { makeAdmin, markLoginProven } from '../../api/src/testing';
import { findAsterisk } from '../../asterisk/pbx.mjs';
import { accountFromApi, placeCall } from '../../asterisk/sip-tool/src';
import { startStack } from '../../asterisk/tests/stack';

const ROOT = join(import.meta.dirname, '..', '..');
const OUT = join(ROOT, 'docs', 'screenshots');

const CALLERS = [
  { status: 'verified', nickname: '三丰', legalName: '张三丰', decision: 'approve', privacy: 'full' },
  { status: 'masked', nickname: '小龙', legalName: '李小龙', decision: 'approve', privacy: 'masked' },
  { status: 'hidden', nickname: '明明', legalName: '王小明', decision: 'approve', privacy: 'hidden' },
  { status: 'unverified', nickname: 'Alice', legalName: null, decision: null, privacy: 'full' },
] as const;

async function main(): Promise<void> {
  const bin = findAsterisk(process.env);
  if (!bin) throw new Error('No Asterisk binary: set ASTERISK_BIN or put asterisk on PATH.');
  mkdirSync(OUT, { recursive: true });
  const webDist = mkdtempSync(join(tmpdir(), 'realcall-web-'));
  await build({
    configFile: join(ROOT, 'web', 'vite.config.ts'),
    build: { outDir: webDist, emptyOutDir: true },
    logLevel: 'error',
  });
  const stack = await startStack(bin, { webDist });
  const browser = await launchChromium();
  try {
    const post = async (path: string, body: unknown, cookie?: string, method = 'POST') => {
      const res = await fetch(`${stack.api.publicUrl}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
        body: JSON.stringify(body),
      });
      return {
        json: (await res.json().catch(() => ({}))) as { me?: { id: number; extension: string } },
        cookie: /rc_session=[^;]+/.exec(res.headers.get('set-cookie') ?? '')?.[0] ?? '',
      };
    };
    const signUp = async (login: string, nickname: string) => {
      const r = await post('/api/auth/sign-up', { login, password: 'correct horse battery', nickname });
      if (!r.json.me) throw new Error(`sign-up of ${login} failed`);
      // Proving the login by code is tested on its own (api/src/routes/login-proof.test.ts).
      markLoginProven(stack.api.db, r.json.me.id);
      return { ...r.json.me, login, cookie: r.cookie };
    };
    const admin = await signUp('admin@shots.test', 'Admin');
    makeAdmin(stack.api.db, admin.id);
    const callee = await signUp('callee@shots.test', '收件人');
    const callers = [];
    for (const c of CALLERS) {
      const p = await signUp(`${c.status}@shots.test`, c.nickname);
      if (c.legalName) {
        await post('/api/me/verification', { legalName: c.legalName, idNumber: `S${10_000_000 + p.id}` }, p.cookie);
        const list = await fetch(`${stack.api.publicUrl}/api/admin/verifications?status=pending`, {
          headers: { cookie: admin.cookie },
        });
        const id = ((await list.json()) as { verifications: { id: number }[] }).verifications[0]!.id;
        await post(`/api/admin/verifications/${id}/approve`, {}, admin.cookie);
      }
      await post('/api/me/privacy', { namePrivacy: c.privacy }, p.cookie, 'PUT');
      callers.push({ ...c, ...(await accountFromApi(stack.api.publicUrl, p.login, 'correct horse battery')) });
    }

    for (const locale of ['en', 'zh-CN'] as const) {
      const context = await browser.newContext({
        locale: locale === 'en' ? 'en-US' : 'zh-CN',
        viewport: { width: 560, height: 760 },
        deviceScaleFactor: 1,
      });
      const page = await context.newPage();
      await page.goto(`http://localhost:${stack.ports.public}/`);
      await page.locator('#login').fill(callee.login);
      await page.locator('#password').fill('correct horse battery');
      await page.locator('form button[type="submit"]').click();
      await page.locator('rc-registration-status [data-state="registered"]').waitFor({ timeout: 15_000 });
      const shoot = async (name: string, call: Promise<unknown>) => {
        const screen = page.locator('rc-call-screen');
        await screen.locator('.answer').waitFor({ timeout: 10_000 });
        await page.waitForTimeout(300);
        await screen.screenshot({ path: join(OUT, `${name}.${locale}.png`) });
        await screen.locator('.answer button.danger').click();
        await call;
        await page.locator('rc-call-screen').waitFor({ state: 'detached', timeout: 10_000 });
      };
      for (const c of callers) {
        await shoot(
          `call-${c.status}`,
          placeCall(c.account, callee.extension, { timeoutMs: 20_000, hangupAfterMs: 100 }),
        );
      }
      // `unavailable`: the API is down when the call is set up; the PBX shows the number only.
      await stack.stopApi();
      await shoot(
        'call-unavailable',
        placeCall(callers[0]!.account, callee.extension, { timeoutMs: 20_000, hangupAfterMs: 100 }),
      );
      await stack.startApiAgain();
      await context.close();
      console.log(`[screenshots] ${locale}: ${callers.length + 1} call screens`);
    }
  } finally {
    await browser.close();
    await stack.stop();
    rmSync(webDist, { recursive: true, force: true });
  }
  console.log(`[screenshots] written to ${OUT}`);
}

await main();
