/**
 * One real WebRTC call between two headless Chromium pages through a real
 * Asterisk, run *inside* a network namespace by call.e2e.test.ts (neither
 * Asterisk nor Chromium uses loopback ICE candidates, so media needs the
 * namespace's veth address). Prints one JSON line with what it measured and
 * exits 0, or prints the failure and exits 1.
 *
 *   ip netns exec <ns> tsx tests/e2e/call-inside.ts <asterisk-bin> <chromium> [<screenshot dir>]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Page } from 'playwright-core';
import { launchChromium, launchChromiumAttached } from '../support/chromium';
import { build } from 'vite';
import { makeAdmin, markLoginProven } from '../../api/src/testing';
import { startStack } from '../../asterisk/tests/stack';
import { media, released, signIn as signInAt, wait } from './page-tools';

const [bin, chromiumPath] = process.argv.slice(2);
if (!bin || !chromiumPath) throw new Error('usage: call-inside.ts <asterisk-bin> <chromium>');

async function main(): Promise<void> {
  const signIn = (b: Parameters<typeof signInAt>[0], st: { ports: { public: number } }, login: string, pw: string) =>
    signInAt(b, `http://localhost:${st.ports.public}`, login, pw);
  const webDist = mkdtempSync(join(tmpdir(), 'realcall-web-'));
  await build({
    configFile: join(import.meta.dirname, '..', '..', 'web', 'vite.config.ts'),
    build: { outDir: webDist, emptyOutDir: true },
    logLevel: 'error',
  });
  const stack = await startStack(bin!, { webDist });
  const browser = await launchChromium([
    // Real host candidates, not mDNS names Asterisk cannot resolve.
    '--disable-features=WebRtcHideLocalIpsWithMdns',
  ]);
  try {
    const api = (path: string, body: unknown, cookie?: string) =>
      fetch(`${stack.api.publicUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
        body: JSON.stringify(body),
      });
    const people = async (login: string, nickname: string) => {
      const res = await api('/api/auth/sign-up', { login, password: 'correct horse battery', nickname });
      const json = (await res.json()) as { me: { id: number; extension: string } };
      // Proving the login by code is tested on its own (api/src/routes/login-proof.test.ts).
      markLoginProven(stack.api.db, json.me.id);
      return { ...json.me, cookie: /rc_session=[^;]+/.exec(res.headers.get('set-cookie') ?? '')![0] };
    };
    const admin = await people('admin@e2e.test', 'Admin');
    makeAdmin(stack.api.db, admin.id);
    const caller = await people('caller@e2e.test', 'Sanfeng');
    const callee = await people('callee@e2e.test', 'Callee');
    await people('third@e2e.test', 'Third');
    const hidden = await people('hidden@e2e.test', 'Hidden');
    await api('/api/me/verification', { legalName: '张三丰', idNumber: 'E12345678' }, caller.cookie);
    const pending = (await (
      await fetch(`${stack.api.publicUrl}/api/admin/verifications?status=pending`, {
        headers: { cookie: admin.cookie },
      })
    ).json()) as {
      verifications: { id: number }[];
    };
    const verificationId = pending.verifications[0]!.id;
    await api(`/api/admin/verifications/${verificationId}/approve`, {}, admin.cookie);
    const put = await fetch(`${stack.api.publicUrl}/api/me/privacy`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', cookie: caller.cookie },
      body: JSON.stringify({ namePrivacy: 'full' }),
    });
    if (!put.ok) throw new Error(`privacy: ${put.status}`);

    const a = await signIn(browser, stack, 'caller@e2e.test', 'correct horse battery');
    const b = await signIn(browser, stack, 'callee@e2e.test', 'correct horse battery');

    // The callee picks a microphone and an output on the home page (Chromium's fake devices).
    const picker = b.page.locator('rc-home rc-device-picker');
    await picker.getByLabel('Microphone').selectOption({ label: 'Fake Audio Input 1' });
    await picker.getByLabel('Output').selectOption({ label: 'Fake Audio Output 1' });
    const chosenOutput = await picker.getByLabel('Output').inputValue();

    // The caller dials; the one-time notice says what the callee will see, then the call goes out.
    await a.page.getByLabel('Extension to call').fill(callee.extension);
    await a.page.locator('button.call').click();
    const notice = a.page.locator('rc-first-call-notice');
    await notice.getByText('张三丰').waitFor({ timeout: 5000 });
    await notice.getByRole('button', { name: 'Call now' }).click();

    // The callee sees the verified real name beneath the avatar, then accepts.
    const screenB = b.page.locator('rc-call-screen');
    await screenB.getByText('Incoming call').first().waitFor({ timeout: 10_000 });
    const shown = await screenB
      .locator('rc-name-badge')
      .evaluate((el) => el.shadowRoot?.textContent?.replace(/\s+/g, ' ').trim() ?? '');
    await screenB.getByRole('button', { name: 'Accept' }).click();
    await b.page.locator('rc-call-screen .timer').waitFor({ timeout: 10_000 });
    await a.page.locator('rc-call-screen .timer').waitFor({ timeout: 10_000 });
    // The chosen microphone is what the call sends, and the chosen output what it plays on.
    const devicesUsed = {
      microphone: await b.page.evaluate(
        () => (window as unknown as { __tracks: MediaStreamTrack[] }).__tracks.at(-1)?.label ?? '',
      ),
      output: await b.page
        .locator('rc-call-screen audio')
        .evaluate((el) => (el as HTMLAudioElement & { sinkId: string }).sinkId),
      chosenOutput,
    };

    await wait(4000);
    const flowing = { caller: await media(a.page), callee: await media(b.page) };

    // Mute on the caller's side: nothing more is sent.
    const mute = a.page.locator('rc-call-screen').getByRole('button', { name: 'Mute' });
    await mute.click();
    await a.page.locator('rc-call-screen').getByText('Muted — they cannot hear you').waitFor();
    await wait(1000);
    const muted1 = { caller: await media(a.page), callee: await media(b.page) };
    await wait(2000);
    const muted2 = { caller: await media(a.page), callee: await media(b.page) };
    // Muted for longer than the PBX's RTP timeout (8 s): RTCP and ICE consent checks still reach it,
    // so a muted caller is not taken for a vanished one.
    await wait(9000);
    const upWhileMuted = await a.page.locator('rc-call-screen .timer').count();
    await mute.click();

    // Hold on the callee's side: the caller's screen says so (the PBX's re-INVITE), and not a packet
    // flows either way until the callee resumes.
    const holdB = screenB.getByRole('button', { name: 'Hold' });
    await holdB.click();
    await screenB.getByText('On hold: they cannot hear you').waitFor({ timeout: 5000 });
    await a.page.locator('rc-call-screen').getByText('Callee put you on hold').waitFor({ timeout: 5000 });
    await wait(1000);
    const held1 = { caller: await media(a.page), callee: await media(b.page) };
    await wait(3000);
    const held2 = { caller: await media(a.page), callee: await media(b.page) };
    await holdB.click();
    await a.page
      .locator('rc-call-screen')
      .getByText('Callee put you on hold')
      .waitFor({ state: 'detached', timeout: 5000 });
    await wait(1000);
    const resumed1 = { caller: await media(a.page), callee: await media(b.page) };
    await wait(2000);
    const resumed2 = { caller: await media(a.page), callee: await media(b.page) };
    const delta = (x: typeof held1, y: typeof held1) => ({
      callerSent: y.caller.sent - x.caller.sent,
      callerReceived: y.caller.received - x.caller.received,
      calleeSent: y.callee.sent - x.callee.sent,
      calleeReceived: y.callee.received - x.callee.received,
    });
    const hold = { held: delta(held1, held2), resumed: delta(resumed1, resumed2) };

    // Call waiting: a third person calls the callee during the call; it waits beside it with its own
    // name and status; the callee holds the first call and answers, then switches back.
    const c = await signIn(browser, stack, 'third@e2e.test', 'correct horse battery');
    await c.page.getByLabel('Extension to call').fill(callee.extension);
    await c.page.locator('button.call').click();
    await c.page.locator('rc-first-call-notice').getByRole('button', { name: 'Call now' }).click();
    const waitingRow = screenB.locator('.other.waiting');
    await waitingRow.waitFor({ timeout: 10_000 });
    const waitingShown = await waitingRow
      .locator('rc-name-badge')
      .evaluate((el) => el.shadowRoot?.textContent?.replace(/\s+/g, ' ').trim() ?? '');
    const stillTalking = await screenB.locator('.timer').count();
    await waitingRow.getByRole('button', { name: 'Hold and answer' }).click();
    await c.page.locator('rc-call-screen .timer').waitFor({ timeout: 10_000 });
    await a.page.locator('rc-call-screen').getByText('Callee put you on hold').waitFor({ timeout: 5000 });
    const shownAfterAnswer = await screenB
      .locator('section > rc-name-badge')
      .evaluate((el) => el.shadowRoot?.textContent?.replace(/\s+/g, ' ').trim() ?? '');
    await wait(1000);
    const w1 = { caller: await media(a.page), third: await media(c.page) };
    await wait(2000);
    const w2 = { caller: await media(a.page), third: await media(c.page) };
    await screenB.locator('.other.held').getByRole('button', { name: 'Switch to this call' }).click();
    await c.page.locator('rc-call-screen').getByText('Callee put you on hold').waitFor({ timeout: 5000 });
    await a.page
      .locator('rc-call-screen')
      .getByText('Callee put you on hold')
      .waitFor({ state: 'detached', timeout: 5000 });
    await wait(1000);
    const s1 = { caller: await media(a.page), third: await media(c.page) };
    await wait(2000);
    const s2 = { caller: await media(a.page), third: await media(c.page) };
    const shownAfterSwitch = await screenB
      .locator('section > rc-name-badge')
      .evaluate((el) => el.shadowRoot?.textContent?.replace(/\s+/g, ' ').trim() ?? '');
    await c.page.locator('rc-call-screen').getByRole('button', { name: 'Hang up' }).click();
    await screenB.locator('.other.ended').getByText('The other side hung up.').waitFor({ timeout: 10_000 });
    const waiting = {
      shown: waitingShown,
      stillTalking,
      shownAfterAnswer,
      shownAfterSwitch,
      answered: {
        callerReceived: w2.caller.received - w1.caller.received,
        thirdReceived: w2.third.received - w1.third.received,
      },
      switched: {
        callerReceived: s2.caller.received - s1.caller.received,
        thirdReceived: s2.third.received - s1.third.received,
      },
    };
    await c.page.context().close();

    // The floating window: Document Picture-in-Picture from a top-level page (it cannot open inside a test iframe).
    const pipAvailable = await b.page.evaluate(() => 'documentPictureInPicture' in window);
    let floating: { opened: boolean; text: string } = { opened: false, text: '' };
    if (pipAvailable) {
      await screenB.getByRole('button', { name: 'Floating window' }).click();
      await wait(500);
      floating = await b.page.evaluate(() => {
        const pip = (window as unknown as { documentPictureInPicture: { window: Window | null } })
          .documentPictureInPicture.window;
        return { opened: Boolean(pip), text: pip?.document.body.textContent?.replace(/\s+/g, ' ').trim() ?? '' };
      });
    }

    // Hang up on the caller's side: both ends end, and everything is released.
    await a.page.locator('rc-call-screen').getByRole('button', { name: 'Hang up' }).click();
    await b.page.locator('rc-call-screen').getByText('Call ended').waitFor({ timeout: 10_000 });
    await a.page.locator('rc-call-screen').getByText('Call ended').waitFor({ timeout: 10_000 });
    await wait(500);
    const after = { caller: await released(a.page), callee: await released(b.page) };
    const pipClosed = pipAvailable
      ? await b.page.evaluate(
          () =>
            (window as unknown as { documentPictureInPicture: { window: Window | null } }).documentPictureInPicture
              .window === null,
        )
      : true;

    const endedText = (page: Page) =>
      page
        .locator('rc-call-screen [role="status"]')
        .last()
        .textContent({ timeout: 15_000 })
        .then((t) => t?.trim() ?? '');
    const dial = async (page: Page, extension: string) => {
      await page.getByLabel('Extension to call').fill(extension);
      await page.locator('button.call').click();
    };
    const waitGone = (page: Page) => page.locator('rc-call-screen').waitFor({ state: 'detached', timeout: 15_000 });
    await waitGone(a.page);
    await waitGone(b.page);

    // Declined on the callee's only device: the caller is told "Declined.", not "No answer.".
    await dial(a.page, callee.extension);
    await screenB.getByRole('button', { name: 'Decline' }).click();
    await a.page.locator('rc-call-screen').getByText('Declined.').waitFor({ timeout: 10_000 });
    const declined = await endedText(a.page);
    await waitGone(a.page);
    // No such number: "No such number." at once.
    const notFoundStarted = Date.now();
    await dial(a.page, '4099999999');
    await a.page.locator('rc-call-screen').getByText('No such number.').waitFor({ timeout: 10_000 });
    const notFoundMs = Date.now() - notFoundStarted;
    await waitGone(a.page);
    // One's own number is refused before dialling: no call screen at all.
    await dial(a.page, caller.extension);
    const selfRefusal = (await a.page.getByRole('alert').filter({ hasText: 'own number' }).textContent()) ?? '';
    const selfScreen = await a.page.locator('rc-call-screen').count();

    // A callee whose window is minimised: a system notification with the caller's name and status,
    // the tab's title changing, both gone once the caller gives up. Chromium is started and attached
    // here, not launched by Playwright, whose pages never become hidden (tests/support/chromium.ts).
    const attached = await launchChromiumAttached(['--disable-features=WebRtcHideLocalIpsWithMdns']);
    let notified: { notes: unknown[]; titles: string[]; after: { notes: unknown[]; title: string }; title: string };
    try {
      const context = attached.browser.contexts()[0]!;
      const origin = `http://localhost:${stack.ports.public}`;
      await context.grantPermissions(['notifications'], { origin });
      const d = await context.newPage();
      d.on('pageerror', (e) => console.error(`[page hidden] ${e.message}`));
      await d.goto(`${origin}/`);
      await d.getByLabel('E-mail or phone number').fill('hidden@e2e.test');
      await d.getByLabel('Password').fill('correct horse battery');
      await d.locator('form button[type="submit"]').click();
      await d.getByText('Ready for calls').waitFor({ timeout: 15_000 });
      const title = await d.title();
      const cdp = await context.newCDPSession(d);
      const { windowId } = await cdp.send('Browser.getWindowForTarget');
      await cdp.send('Browser.setWindowBounds', { windowId, bounds: { windowState: 'minimized' } });
      // A hidden page draws no frames: poll by time, not by animation frame.
      await d.waitForFunction(() => document.visibilityState === 'hidden', undefined, { timeout: 5000, polling: 200 });
      const shownNotes = () =>
        d.evaluate(async () => {
          const registration = await navigator.serviceWorker.getRegistration('/rc-call-alerts/');
          return ((await registration?.getNotifications()) ?? []).map((n) => ({
            title: n.title,
            body: n.body,
            actions: (n as Notification & { actions: { action: string }[] }).actions.map((x) => x.action),
          }));
        });
      await dial(a.page, hidden.extension);
      await d
        .waitForFunction(() => document.title.includes('is calling'), undefined, { timeout: 10_000, polling: 200 })
        .catch(async (err: unknown) => {
          const seen = await d.evaluate(() => ({
            title: document.title,
            visibility: document.visibilityState,
            screen: document.querySelector('rc-app')?.shadowRoot?.querySelector('rc-call-screen')?.shadowRoot
              ?.textContent,
            permission: Notification.permission,
          }));
          throw new Error(`no ringing title on the hidden page: ${JSON.stringify(seen)} (${String(err)})`);
        });
      const titles = [await d.title()];
      let notes: unknown[] = [];
      for (let i = 0; i < 50 && notes.length === 0; i++) {
        notes = await shownNotes();
        if (notes.length === 0) await wait(100);
      }
      await a.page.locator('rc-call-screen').getByRole('button', { name: 'Hang up' }).click();
      await d.waitForFunction((t) => document.title === t, title, { timeout: 10_000, polling: 200 });
      let after = await shownNotes();
      for (let i = 0; i < 30 && after.length > 0; i++) {
        await wait(100);
        after = await shownNotes();
      }
      notified = { notes, titles, after: { notes: after, title: await d.title() }, title };
    } finally {
      await attached.close();
    }
    await waitGone(a.page);

    // Two tabs of the callee: both ring, the caller hears ringback, the first to accept takes it.
    const b2 = await b.page.context().newPage();
    await b2.goto(`http://localhost:${stack.ports.public}/`);
    await b2.getByText('Ready for calls').waitFor({ timeout: 15_000 });
    await dial(a.page, callee.extension);
    await screenB.getByText('Incoming call', { exact: true }).waitFor({ timeout: 10_000 });
    await b2.locator('rc-call-screen').getByText('Incoming call', { exact: true }).waitFor({ timeout: 10_000 });
    const ringback = await a.page.locator('rc-call-screen[ringback]').count();
    // Focus moved into the call screen (Accept), and the page behind it is inert.
    const focus = await b.page.evaluate(() => {
      let el: Element | null = document.activeElement;
      while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
      const main = document.querySelector('rc-app')?.shadowRoot?.querySelector('main');
      return { focused: el?.textContent?.trim() ?? '', inert: main?.hasAttribute('inert') ?? false };
    });
    await b.page.keyboard.press('Enter');
    await b.page.locator('rc-call-screen .timer').waitFor({ timeout: 10_000 });
    await b2.locator('rc-call-screen').getByText('Answered on another of your devices.').waitFor({ timeout: 10_000 });
    const ringbackAfterAnswer = await a.page.locator('rc-call-screen[ringback]').count();
    await wait(1500);
    const twoTabs = { callee: await media(b.page), caller: await media(a.page) };

    // Revoked mid-call: the callee's screen in this call says so, from the PBX.
    const revoke = await api(`/api/admin/verifications/${verificationId}/revoke`, { reason: 'e2e' }, admin.cookie);
    if (!revoke.ok) throw new Error(`revoke: ${revoke.status}`);
    await screenB.getByText('Changed during the call: now Unverified').waitFor({ timeout: 5000 });
    const afterRevocation = await screenB
      .locator('rc-name-badge')
      .evaluate((el) => el.shadowRoot?.textContent?.replace(/\s+/g, ' ').trim() ?? '');
    // The callee vanishes (reloads the page) mid-call: the caller is told the connection was lost.
    const vanishedAt = Date.now();
    await b.page.reload();
    await a.page.locator('rc-call-screen').getByText('Call ended').waitFor({ timeout: 20_000 });
    const lostDetectedMs = Date.now() - vanishedAt;
    const lostSaid = await endedText(a.page);
    await b2.close();
    await b.page.getByText('Ready for calls').waitFor({ timeout: 15_000 });

    // The PBX restarts: both pages say they are reconnecting, then register again on their own.
    const watch = (page: Page) =>
      page.evaluate(() => {
        const w = window as unknown as { __states: string[] };
        w.__states = [];
        setInterval(() => {
          const el = document.querySelector('rc-app')?.shadowRoot?.querySelector('rc-registration-status');
          const state = el?.shadowRoot?.querySelector('[data-state]')?.getAttribute('data-state') ?? '';
          if (w.__states.at(-1) !== state) w.__states.push(state);
        }, 25);
      });
    await watch(a.page);
    await watch(b.page);
    const restartedAt = Date.now();
    await stack.restartAsterisk();
    const reconnected: Record<string, number> = {};
    for (const [name, page] of [
      ['caller', a.page],
      ['callee', b.page],
    ] as const) {
      await page.locator('rc-registration-status [data-state="registered"]').waitFor({ timeout: 40_000 });
      reconnected[name] = Date.now() - restartedAt;
    }
    const statesSeen = {
      caller: await a.page.evaluate(() => (window as unknown as { __states: string[] }).__states),
      callee: await b.page.evaluate(() => (window as unknown as { __states: string[] }).__states),
    };

    console.log(
      JSON.stringify({
        ok: true,
        reconnectedMs: reconnected,
        statesSeen,
        registeredMs: { caller: a.registeredMs, callee: b.registeredMs },
        shown,
        pipAvailable,
        floating,
        pipClosed,
        flowing,
        muted: {
          caller: muted2.caller.sent - muted1.caller.sent,
          calleeReceived: muted2.callee.received - muted1.callee.received,
        },
        unmutedDirection: muted2.caller.received - muted1.caller.received,
        released: after,
        upWhileMuted,
        declined,
        notFound: { ms: notFoundMs },
        self: { refusal: selfRefusal, screens: selfScreen },
        twoTabs: { ringback, ringbackAfterAnswer, focus, media: twoTabs },
        devicesUsed,
        hold,
        waiting,
        notified,
        afterRevocation,
        lostDetectedMs,
        lostSaid,
      }),
    );
  } finally {
    await browser.close();
    await stack.stop();
    rmSync(webDist, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.log(JSON.stringify({ ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }));
    process.exit(1);
  },
);
