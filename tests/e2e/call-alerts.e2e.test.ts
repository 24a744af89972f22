/**
 * Call alerts at top level in headless Chromium, where Vitest's iframe cannot
 * go: a page that is really hidden (its window minimised, or another tab in
 * front), the notification permission granted, refused and blocked, real
 * notifications, and RealCall's service worker served from web/public by
 * Vite as the app serves it. CallAlerts and <rc-alerts-prompt> are driven
 * directly on a small page; no PBX is needed.
 *
 * Chromium is started here and attached with `noDefaults`: Playwright's own
 * pages emulate focus, which keeps every page `visible` whatever happens to
 * its window. What automation cannot do is click a system notification: a
 * click is dispatched on the real notification object instead (the page's
 * own, or in the worker a NotificationEvent for one the worker showed), so
 * everything from the click on is real, but not the desktop delivering it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, type BrowserContext, type CDPSession, type Page, type Worker } from 'playwright-core';
import { createServer as createVite, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallAlerts } from '../../web/src/state/call-alerts';
import { type AttachedChromium, launchChromiumAttached } from '../support/chromium';
import { realPartSuite } from '../support/real-parts';

const gate = realPartSuite('e2e: call alerts');

const WEB = resolve(import.meta.dirname, '..', '..', 'web');
const TITLE = 'RealCall · 1001';

/** The test page: CallAlerts and the prompt, as the app imports them. */
const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${TITLE}</title></head>
<body><script type="module">
  import { CallAlerts } from '/src/state/call-alerts.ts';
  import '/src/components/rc-alerts-prompt/rc-alerts-prompt.ts';
  window.rc = { CallAlerts, events: [] };
</script></body></html>`;

/**
 * Records every page-level notification (the real constructor still runs):
 * what it was given, whether the browser fired 'show' and 'close', and
 * whether the page closed it.
 */
const RECORD_NOTIFICATIONS = `(() => {
  const Native = window.Notification;
  if (!Native) return;
  const notes = (window.__notes = []);
  const close = Native.prototype.close;
  Native.prototype.close = function () {
    const note = notes.find((n) => n.n === this);
    if (note) note.closedByPage = true;
    return close.call(this);
  };
  window.Notification = new Proxy(Native, {
    construct(target, args) {
      const n = Reflect.construct(target, args);
      const note = { n, title: args[0], options: { ...args[1] }, shown: false, closed: false, closedByPage: false };
      n.addEventListener('show', () => (note.shown = true));
      n.addEventListener('close', () => (note.closed = true));
      notes.push(note);
      return n;
    },
  });
})();`;

type Note = { title: string; options: Record<string, unknown>; shown: boolean; closed: boolean; closedByPage: boolean };
/** What the test page and the recording script put on `window` (cast to it inside `page.evaluate`). */
type TestWindow = {
  rc: { CallAlerts: typeof CallAlerts; alerts: CallAlerts; events: string[] };
  __notes: (Note & { n: Notification })[];
};

let vite: ViteDevServer;
let server: Server;
let attached: AttachedChromium;
let viteCache: string;
let browser: Browser;
let context: BrowserContext;
/** The same server under two origins: one for the permission prompt, whose answer the browser keeps. */
let origin: string;
let promptOrigin: string;

beforeAll(async () => {
  if (gate.skip) return;
  viteCache = mkdtempSync(join(tmpdir(), 'realcall-alerts-vite-'));
  vite = await createVite({
    root: WEB,
    configFile: false,
    logLevel: 'error',
    appType: 'custom',
    // Its own pre-bundled lit, away from the browser project's.
    cacheDir: viteCache,
    server: { middlewareMode: true, hmr: false, ws: false },
    optimizeDeps: { noDiscovery: true, include: ['lit', 'lit/decorators.js'] },
  });
  server = createServer((req, res) => {
    if (req.url === '/') {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(PAGE);
      return;
    }
    vite.middlewares(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  origin = `http://localhost:${port}`;
  promptOrigin = `http://127.0.0.1:${port}`;

  attached = await launchChromiumAttached();
  browser = attached.browser;
  context = browser.contexts()[0]!;
  await context.addInitScript(RECORD_NOTIFICATIONS);
  await context.grantPermissions(['notifications'], { origin });
}, 20_000);

afterAll(async () => {
  await attached?.close();
  server?.close();
  await vite?.close();
  if (viteCache) rmSync(viteCache, { recursive: true, force: true });
});

async function open(at = origin): Promise<{ page: Page; cdp: CDPSession; windowId: number }> {
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[call-alerts page] ${e.message}`));
  await page.goto(`${at}/`);
  await page.waitForFunction(() => 'rc' in window);
  const cdp = await context.newCDPSession(page);
  const { windowId } = await cdp.send('Browser.getWindowForTarget');
  return { page, cdp, windowId };
}

type Tab = Awaited<ReturnType<typeof open>>;

/** Minimises the tab's window — the real thing, as far as the page can tell — and waits until the page is hidden. */
async function minimise({ page, cdp, windowId }: Tab): Promise<void> {
  // A tab opened in a window that is minimised already is shown: restore first.
  await cdp.send('Browser.setWindowBounds', { windowId, bounds: { windowState: 'normal' } });
  await cdp.send('Browser.setWindowBounds', { windowId, bounds: { windowState: 'minimized' } });
  await poll(() => visibility(page)).toBe('hidden');
}

/** Restores the tab's window and waits until the page is visible. */
async function restore({ page, cdp, windowId }: Tab): Promise<void> {
  await cdp.send('Browser.setWindowBounds', { windowId, bounds: { windowState: 'normal' } });
  await poll(() => visibility(page)).toBe('visible');
}

/** expect.poll with room for a loaded machine (a hidden tab's timers run once a second). */
const poll = <T>(value: () => Promise<T> | T) => expect.poll(value, { timeout: 5_000 });

const visibility = (page: Page) => page.evaluate(() => document.visibilityState);
const notes = (page: Page) =>
  page.evaluate(() => ((window as unknown as TestWindow).__notes ?? []).map(({ n: _n, ...note }) => note));
const events = (page: Page) => page.evaluate(() => (window as unknown as TestWindow).rc.events);

/**
 * Every title the tab shows over about `ms`, seen as it changes (a sampling
 * timer would be throttled along with the one it watches in a hidden tab).
 */
const titlesOver = (page: Page, ms: number) =>
  page.evaluate(async (ms) => {
    const seen = new Set([document.title]);
    const observer = new MutationObserver(() => seen.add(document.title));
    observer.observe(document.head, { subtree: true, childList: true, characterData: true });
    await new Promise((r) => setTimeout(r, ms));
    observer.disconnect();
    return [...seen].sort();
  }, ms);

describe.skipIf(gate.skip)('call alerts in a hidden tab', () => {
  it('page notification: only while hidden, the call’s text and nothing more, gone when the page is back or the call stops', async () => {
    const tab = await open();
    const { page } = tab;
    await page.evaluate(() => {
      const { rc } = window as unknown as TestWindow;
      rc.alerts = new rc.CallAlerts({ blinkMs: 200 });
      rc.alerts.ringing(
        { id: 1, title: '📞 Zhang Sanfeng is calling', body: '张三丰 · Verified real name' },
        { onShow: () => rc.events.push('show') },
      );
    });
    // In front: the title alternates, no notification.
    expect(await titlesOver(page, 500)).toEqual(['📞 Zhang Sanfeng is calling', TITLE].sort());
    expect(await notes(page)).toEqual([]);

    await minimise(tab);
    await poll(() => notes(page).then((n) => n.length)).toBe(1);
    await poll(() => notes(page).then((n) => n[0]!.shown)).toBe(true);
    const [first] = await notes(page);
    expect(first!.title).toBe('📞 Zhang Sanfeng is calling');
    expect(first!.options).toEqual({
      body: '张三丰 · Verified real name',
      tag: expect.stringMatching(/^rc-call-\w+-1$/),
      lang: 'en',
      requireInteraction: true,
    });
    // Hidden, the title still alternates (a hidden tab's timers run once a second).
    expect(await titlesOver(page, 1200)).toEqual(['📞 Zhang Sanfeng is calling', TITLE].sort());

    // Back in front: the call screen is there, the notification goes.
    await restore(tab);
    await poll(() => notes(page).then((n) => n[0]!.closed)).toBe(true);

    // Hidden again: shown again; a click brings the page and closes it.
    await minimise(tab);
    await poll(() => notes(page).then((n) => n[1]?.shown)).toBe(true);
    await page.evaluate(() => {
      (window as unknown as TestWindow).__notes[1]!.n.dispatchEvent(new Event('click'));
    });
    expect(await events(page)).toEqual(['show']);
    await poll(() => notes(page).then((n) => n[1]!.closed && n[1]!.closedByPage)).toBe(true);

    // Hidden once more, then the call stops: closed, and the page's title exactly as it was.
    await restore(tab);
    await minimise(tab);
    await poll(() => notes(page).then((n) => n[2]?.shown)).toBe(true);
    await page.evaluate(() => {
      const { alerts } = (window as unknown as TestWindow).rc;
      alerts.stop(1);
      alerts.stop(1);
    });
    await poll(() => notes(page).then((n) => n.every((note) => note.closed))).toBe(true);
    expect(await page.title()).toBe(TITLE);
    expect(await notes(page)).toHaveLength(3);
    await restore(tab);
    await page.close();
  });

  it('a call that rings while another tab is in front is shown at once, and its text kept current', async () => {
    const { page } = await open();
    expect(await visibility(page)).toBe('visible');
    // A new tab in the same window comes to the front, as a person's would.
    const other = await context.newPage();
    await poll(() => visibility(page)).toBe('hidden');
    await page.evaluate(() => {
      const { rc } = window as unknown as TestWindow;
      rc.alerts = new rc.CallAlerts();
      rc.alerts.ringing({ id: 4, title: '📞 Zhang Sanfeng is calling', body: '张三丰 · Verified real name' });
    });
    await poll(() => notes(page).then((n) => n[0]?.shown)).toBe(true);
    // The verification is revoked while it rings: the notification says so, the old one is gone.
    await page.evaluate(() => {
      const { rc } = window as unknown as TestWindow;
      rc.alerts.ringing({ id: 4, title: '📞 Sanfeng is calling', body: 'Sanfeng · Unverified' });
    });
    await poll(() => notes(page).then((n) => n[1]?.shown)).toBe(true);
    const [before, after] = await notes(page);
    expect(before!.closed).toBe(true);
    expect([after!.title, after!.options.body, after!.closed]).toEqual([
      '📞 Sanfeng is calling',
      'Sanfeng · Unverified',
      false,
    ]);
    await other.close();
    await poll(() => visibility(page)).toBe('visible');
    await poll(() => notes(page).then((n) => n.every((note) => note.closed))).toBe(true);
    await page.close();
  });
});

describe.skipIf(gate.skip)('call alerts with RealCall’s service worker', () => {
  const worker = async (): Promise<Worker> => {
    await poll(() => context.serviceWorkers().some((w) => w.url().endsWith('/call-alerts-sw.js'))).toBe(true);
    return context.serviceWorkers().find((w) => w.url().endsWith('/call-alerts-sw.js'))!;
  };
  /** The worker's notifications, as the page reads them. */
  const shown = (page: Page) =>
    page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration('/rc-call-alerts/');
      return ((await registration?.getNotifications()) ?? []).map((n) => ({
        title: n.title,
        body: n.body,
        tag: n.tag,
        requireInteraction: n.requireInteraction,
        actions: (n as Notification & { actions: { action: string; title: string }[] }).actions.map(
          ({ action, title }) => ({ action, title }),
        ),
        data: n.data as unknown,
        icon: n.icon,
        image: (n as Notification & { image: string }).image,
      }));
    });
  const ring = (page: Page, id: number) =>
    page.evaluate((id) => {
      const { rc } = window as unknown as TestWindow;
      const push = (what: string) => () => rc.events.push(`${what} ${id}`);
      rc.alerts.ringing(
        { id, title: '📞 Zhang Sanfeng is calling', body: '张三丰 · Verified real name' },
        { onShow: push('show'), onAnswer: push('answer'), onDecline: push('decline') },
      );
    }, id);
  const stop = (page: Page, id: number) =>
    page.evaluate((id) => (window as unknown as TestWindow).rc.alerts.stop(id), id);
  /** What a click on the worker's notification (or one of its buttons) would dispatch there. */
  const click = (sw: Worker, action: string) =>
    sw.evaluate(async (action) => {
      const scope = self as unknown as {
        registration: ServiceWorkerRegistration;
        dispatchEvent(e: Event): boolean;
        NotificationEvent: new (type: string, init: { notification: Notification; action: string }) => Event;
      };
      const [notification] = await scope.registration.getNotifications();
      scope.dispatchEvent(new scope.NotificationEvent('notificationclick', { notification: notification!, action }));
    }, action);

  it('Accept, Decline and a plain click reach the page; a stop, even right after ringing, leaves nothing', async () => {
    const tab = await open();
    const { page } = tab;
    await page.evaluate(() => {
      const { rc } = window as unknown as TestWindow;
      rc.alerts = new rc.CallAlerts({ serviceWorker: '/call-alerts-sw.js' });
    });
    const sw = await worker();
    // It controls no page, so it never sees a request.
    expect(await page.evaluate(() => navigator.serviceWorker.controller)).toBeNull();
    await minimise(tab);

    await ring(page, 1);
    await poll(() => shown(page).then((n) => n.length)).toBe(1);
    const [notification] = await shown(page);
    expect(notification).toEqual({
      title: '📞 Zhang Sanfeng is calling',
      body: '张三丰 · Verified real name',
      tag: expect.stringMatching(/^rc-call-\w+-1$/),
      requireInteraction: true,
      actions: [
        { action: 'answer', title: 'Accept' },
        { action: 'decline', title: 'Decline' },
      ],
      data: { client: expect.any(String) },
      icon: '',
      image: '',
    });
    // The worker showed it, not the page.
    expect(await notes(page)).toEqual([]);

    await click(sw, 'answer');
    await poll(() => events(page)).toEqual(['answer 1']);
    expect(await shown(page)).toEqual([]);
    await stop(page, 1);

    await ring(page, 2);
    await poll(() => shown(page).then((n) => n.length)).toBe(1);
    await click(sw, 'decline');
    await poll(() => events(page)).toEqual(['answer 1', 'decline 2']);
    await stop(page, 2);

    await ring(page, 3);
    await poll(() => shown(page).then((n) => n.length)).toBe(1);
    await click(sw, '');
    await poll(() => events(page)).toEqual(['answer 1', 'decline 2', 'show 3']);
    await stop(page, 3);

    // Stopped before the worker has shown it: it must not appear afterwards.
    await ring(page, 4);
    await stop(page, 4);
    await page.waitForTimeout(500);
    expect(await shown(page)).toEqual([]);

    // Stopped while shown; the page coming back closes it too.
    await ring(page, 5);
    await poll(() => shown(page).then((n) => n.length)).toBe(1);
    await stop(page, 5);
    await poll(() => shown(page)).toEqual([]);
    await ring(page, 6);
    await poll(() => shown(page).then((n) => n.length)).toBe(1);
    await restore(tab);
    await poll(() => shown(page)).toEqual([]);
    await stop(page, 6);
    expect(await page.title()).toBe(TITLE);
    await page.close();
  });

  it('a tab that closes takes its notification along; one that crashed leaves it only until RealCall opens again', async () => {
    const start = async () => {
      const tab = await open();
      await tab.page.evaluate(() => {
        const { rc } = window as unknown as TestWindow;
        rc.alerts = new rc.CallAlerts({ serviceWorker: '/call-alerts-sw.js' });
      });
      await minimise(tab);
      await ring(tab.page, 1);
      await poll(() => shown(tab.page).then((n) => n.length)).toBe(1);
      return tab;
    };
    const closing = await start();
    const watcher = await context.newPage();
    await watcher.goto(`${origin}/`);
    await closing.page.close();
    await poll(() => shown(watcher)).toEqual([]);

    const crashing = await start();
    const crashed = crashing.page.waitForEvent('crash');
    // The answer never comes: the renderer is gone.
    void crashing.cdp.send('Page.crash').catch(() => undefined);
    await crashed;
    await watcher.waitForTimeout(300);
    expect(await shown(watcher)).toHaveLength(1);
    const again = await open();
    await again.page.evaluate(() => {
      new (window as unknown as TestWindow).rc.CallAlerts({ serviceWorker: '/call-alerts-sw.js' });
    });
    await poll(() => shown(watcher)).toEqual([]);
    await restore(again);
    for (const p of [crashing.page, again.page, watcher]) await p.close().catch(() => undefined);
  });
});

describe.skipIf(gate.skip)('<rc-alerts-prompt> with the browser’s own permission', () => {
  it('asks only on "Turn on"; a refusal, a grant and a block in site settings each show at once', async () => {
    const { page, cdp } = await open(promptOrigin);
    await page.evaluate(() => {
      const prompt = document.createElement('rc-alerts-prompt');
      Object.assign(prompt, { alerts: new (window as unknown as TestWindow).rc.CallAlerts() });
      document.body.append(prompt);
    });
    const prompt = page.locator('rc-alerts-prompt');
    expect(await page.evaluate(() => Notification.permission)).toBe('default');
    await prompt.getByRole('region', { name: 'Call notices' }).waitFor();
    // Headless Chromium has no one to ask: it refuses at once, as a person clicking Block would.
    await prompt.getByRole('button', { name: 'Turn on' }).click();
    await prompt.getByText('Call notices are blocked for this site.').waitFor();
    expect(await page.evaluate(() => Notification.permission)).toBe('denied');

    await cdp.send('Browser.setPermission', {
      permission: { name: 'notifications' },
      setting: 'granted',
      origin: promptOrigin,
    });
    await poll(() => prompt.evaluate((el) => el.shadowRoot!.childElementCount)).toBe(0);
    await cdp.send('Browser.setPermission', {
      permission: { name: 'notifications' },
      setting: 'denied',
      origin: promptOrigin,
    });
    await prompt.getByText('Call notices are blocked for this site.').waitFor();
    await page.close();
  });
});
