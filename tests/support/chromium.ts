/**
 * Debian's headless Chromium through playwright-core (no browser download),
 * with the flags this project's whole-system tests, screenshots and
 * benchmarks use: as root, no background traffic, fake microphone and
 * camera granted without a prompt.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
];

export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...extraArgs] });
}

/** A Chromium this process started itself and attached to over CDP; `close()` ends it and removes its profile. */
export type AttachedChromium = { browser: Browser; close(): Promise<void> };

/**
 * Chromium started here and attached with `noDefaults`, for tests that need
 * a page to be really hidden: pages Playwright launches emulate focus, so
 * they stay `visible` whatever happens to their window. Minimising the
 * window (CDP `Browser.setWindowBounds`) or a second tab in front then hides
 * a page as it would a person's.
 */
export async function launchChromiumAttached(extraArgs: string[] = []): Promise<AttachedChromium> {
  const profile = mkdtempSync(join(tmpdir(), 'realcall-chromium-'));
  const child = spawn(
    CHROMIUM,
    [...CHROMIUM_ARGS, ...extraArgs, `--user-data-dir=${profile}`, '--remote-debugging-port=0', 'about:blank'],
    { stdio: 'ignore' },
  );
  const portFile = join(profile, 'DevToolsActivePort');
  const started = Date.now();
  while (!existsSync(portFile) || !readFileSync(portFile, 'utf8').includes('\n')) {
    if (Date.now() - started > 10_000 || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`${CHROMIUM} did not open its DevTools port`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const port = readFileSync(portFile, 'utf8').split('\n')[0];
  const browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`, { noDefaults: true });
  return {
    browser,
    async close() {
      const exited = new Promise((r) => child.once('exit', r));
      const cdp = await browser.newBrowserCDPSession().catch(() => undefined);
      await cdp?.send('Browser.close').catch(() => undefined);
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
