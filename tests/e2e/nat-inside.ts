/**
 * Calls across a NAT and a firewall, through a real coturn: run inside the
 * server namespace by nat.e2e.test.ts (see nat-net.ts for the three
 * namespaces). The PBX, the API, the relay and the callee's Chromium run
 * here; the caller's Chromium runs in the caller's namespace, behind the
 * router's masquerade and whatever firewall a scenario sets. Prints one JSON
 * line with what it measured and exits 0, or prints the failure and exits 1.
 *
 *   ip netns exec <server ns> tsx tests/e2e/nat-inside.ts <asterisk-bin> <chromium> '<NatNet as JSON>'
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { markLoginProven } from '../../api/src/testing';
import { startStack, type Stack } from '../../asterisk/tests/stack';
import { startRelay, type Relay } from '../../turn/testing';
import { CHROMIUM_ARGS, launchChromium } from '../support/chromium';
import { setFirewall, switchCallerNetwork, type FIREWALLS, type NatNet } from './nat-net';
import { media, selectedPath, signIn, socketsOpened, wait } from './page-tools';

const [bin, chromiumPath, netJson, benchArg] = process.argv.slice(2);
/** `--bench=N`: only the three ways of setting up a call, N rounds interleaved (bench/nat-bench.ts). */
const benchRounds = benchArg?.startsWith('--bench=') ? Number(benchArg.slice('--bench='.length)) : 0;
if (!bin || !chromiumPath || !netJson) throw new Error("usage: nat-inside.ts <asterisk-bin> <chromium> '<net json>'");
const net = JSON.parse(netJson) as NatNet;

type Side = { page: Page; extension: string };

/** What the script is doing now (said if it ever stops without finishing). */
let step = 'start';

const screen = (page: Page) => page.locator('rc-call-screen');
const bannerTexts = async (page: Page) =>
  (
    await screen(page)
      .locator('.net-banner')
      .allTextContents()
      .catch(() => [] as string[])
  ).join(' | ');

/** Polls both pages until each has received audio packets; the time it took. */
async function untilAudio(a: Page, b: Page, timeoutMs = 15_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    const [ma, mb] = [await media(a), await media(b)];
    if (ma.received > 0 && mb.received > 0) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`no audio in ${timeoutMs} ms: ${JSON.stringify({ ma, mb })}`);
    await wait(25);
  }
}

async function hangUp(caller: Side, callee: Side): Promise<void> {
  step = 'hanging up';
  await screen(caller.page).getByRole('button', { name: 'Hang up' }).click();
  for (const side of [caller, callee]) {
    await screen(side.page).waitFor({ state: 'detached', timeout: 15_000 });
  }
}

/** Dials, and the callee answers: click → ringing, answer → audio both ways, and what flowed after. */
async function call(caller: Side, callee: Side) {
  step = `call: dialling (${net.callerAddress})`;
  const clicked = Date.now();
  await caller.page.getByLabel('Extension to call').fill(callee.extension);
  await caller.page.locator('button.call').click();
  // The very first call shows the notice of what the callee will see; confirming it places the call.
  const callNow = caller.page.locator('rc-first-call-notice').getByRole('button', { name: 'Call now' });
  const ringing = screen(caller.page).getByText('Ringing…').first();
  await callNow.or(ringing).waitFor({ timeout: 15_000 });
  if (await callNow.isVisible()) await callNow.click();
  await ringing.waitFor({ timeout: 15_000 });
  const ringingMs = Date.now() - clicked;
  await screen(callee.page).getByText('Incoming call').first().waitFor({ timeout: 15_000 });
  step = 'call: answering';
  await screen(callee.page).getByRole('button', { name: 'Accept' }).click();
  step = 'call: waiting for audio';
  const audioMs = await untilAudio(caller.page, callee.page);
  const before = { caller: await media(caller.page), callee: await media(callee.page) };
  await wait(2000);
  const after = { caller: await media(caller.page), callee: await media(callee.page) };
  // REALCALL_NAT_SHOTS=<dir>: the caller's call screen, to look at what it says of the connection.
  if (process.env.REALCALL_NAT_SHOTS) {
    await screen(caller.page).screenshot({
      path: join(process.env.REALCALL_NAT_SHOTS, `${step.replace(/\W+/g, '-')}-${Date.now()}.png`),
    });
  }
  return {
    ringingMs,
    audioMs,
    path: await selectedPath(caller.page),
    calleePath: await selectedPath(callee.page),
    // Opus both ways over 2 s (50 packets a second when flowing).
    flowed: {
      callerReceived: after.caller.received - before.caller.received,
      calleeReceived: after.callee.received - before.callee.received,
    },
    quality: await screen(caller.page)
      .locator('.quality')
      .textContent()
      .then((t) => t?.replace(/\s+/g, ' ').trim() ?? '')
      .catch(() => ''),
  };
}

type Run = Awaited<ReturnType<typeof call>>;

/** Calls under one firewall (three by default), each set up and hung up. */
async function scenario(name: keyof typeof FIREWALLS, caller: Side, callee: Side, times = 3) {
  setFirewall(net, name);
  const runs = [];
  for (let i = 0; i < times; i++) {
    runs.push(await call(caller, callee));
    await hangUp(caller, callee);
    await wait(300);
  }
  return runs;
}

/**
 * The caller's network changes mid-call (Wi-Fi off, mobile on: a new
 * interface and address): how long until audio flows both
 * ways again, what each screen said meanwhile, and whether it is the same
 * call (the same two channels on the PBX, the callee's timer still running).
 */
async function addressChange(stack: Stack, caller: Side, callee: Side) {
  setFirewall(net, 'open');
  await call(caller, callee);
  const channelsBefore = (await stack.cli('core show channels count')).match(/(\d+) active channel/)?.[1];
  const timerBefore = await screen(callee.page).locator('.timer').textContent();
  const socketsBefore = await socketsOpened(caller.page);
  const said = { caller: new Set<string>(), callee: new Set<string>() };
  const moved = Date.now();
  step = 'network switch';
  switchCallerNetwork(net);
  let stalled = false;
  let resumedMs: number | null = null;
  const history: { t: number; caller: number; callee: number }[] = [];
  while (Date.now() - moved < 20_000) {
    const [ma, mb] = [await media(caller.page), await media(callee.page)];
    const t = Date.now() - moved;
    history.push({ t, caller: ma.received, callee: mb.received });
    for (const [side, page] of [
      ['caller', caller.page],
      ['callee', callee.page],
    ] as const) {
      const text = await bannerTexts(page);
      if (text) said[side].add(text);
    }
    // Stalled: the caller received nothing over the last 300 ms. Resumed: both got ≥ 10 packets in the last 300 ms.
    const past = history.findLast((h) => h.t <= t - 300);
    if (past) {
      if (ma.received === past.caller) stalled = true;
      if (stalled && ma.received - past.caller >= 10 && mb.received - past.callee >= 10) {
        resumedMs = t;
        break;
      }
    }
    await wait(50);
  }
  // The longest time each side went without a new audio packet.
  const longestGap = (side: 'caller' | 'callee') => {
    let longest = 0;
    let since = 0;
    for (let i = 1; i < history.length; i++) {
      if (history[i]![side] > history[i - 1]![side]) {
        longest = Math.max(longest, history[i]!.t - since);
        since = history[i]!.t;
      }
    }
    return longest;
  };
  const gaps = { caller: longestGap('caller'), callee: longestGap('callee') };
  // Let the screens settle, then read what they say now.
  await wait(1500);
  const after = {
    channels: (await stack.cli('core show channels count')).match(/(\d+) active channel/)?.[1],
    callerState: await screen(caller.page).locator('p.state').first().textContent(),
    timerStill: await screen(callee.page).locator('.timer').count(),
    banners: { caller: await bannerTexts(caller.page), callee: await bannerTexts(callee.page) },
    path: await selectedPath(caller.page),
    // The old WebSocket outlived its address: the page opened a new one for the call's re-INVITE.
    newSockets: (await socketsOpened(caller.page)) - socketsBefore,
  };
  const flowing1 = { caller: await media(caller.page), callee: await media(callee.page) };
  await wait(1000);
  const flowing2 = { caller: await media(caller.page), callee: await media(callee.page) };
  await hangUp(caller, callee);
  return {
    gaps,
    stalled,
    resumedMs,
    said: { caller: [...said.caller], callee: [...said.callee] },
    channelsBefore,
    timerBefore,
    after,
    flowingAfter: {
      callerReceived: flowing2.caller.received - flowing1.caller.received,
      calleeReceived: flowing2.callee.received - flowing1.callee.received,
    },
  };
}

/** The relay is down: a caller who needs it is told so; one who does not still connects. */
async function relayDown(relay: Relay, caller: Side, callee: Side) {
  step = 'relay down: stopping the relay';
  await relay.stop();
  step = 'relay down: direct call';
  setFirewall(net, 'open');
  const direct = await call(caller, callee);
  await hangUp(caller, callee);
  setFirewall(net, 'relayUdp');
  await caller.page.getByLabel('Extension to call').fill(callee.extension);
  await caller.page.locator('button.call').click();
  await screen(callee.page).getByText('Incoming call').first().waitFor({ timeout: 15_000 });
  const answered = Date.now();
  await screen(callee.page).getByRole('button', { name: 'Accept' }).click();
  step = 'relay down: waiting for the no-path alert';
  const alert = screen(caller.page).locator('.net-banner.failed');
  await alert.waitFor({ timeout: 20_000 }).catch(async (err: unknown) => {
    const shown = await screen(caller.page)
      .textContent({ timeout: 2000 })
      .catch(() => '(no call screen)');
    throw new Error(`${String(err)}\ncaller's screen: ${shown?.replace(/\s+/g, ' ')}`);
  });
  const toldMs = Date.now() - answered;
  const told = (await alert.textContent())?.trim() ?? '';
  // The PBX ends a call whose media never came (rtp_timeout); the caller's screen says why it ended.
  const ended = screen(caller.page).locator('p.state[role="status"]');
  await ended.waitFor({ timeout: 30_000 });
  const endedSaid = (await ended.textContent())?.trim() ?? '';
  await screen(caller.page).waitFor({ state: 'detached', timeout: 15_000 });
  await screen(callee.page).waitFor({ state: 'detached', timeout: 15_000 });
  setFirewall(net, 'open');
  return { direct, needing: { toldMs, told, endedSaid } };
}

/** The caller's Chromium, started inside the caller's namespace (the server's is this process's). */
async function launchInCallerNamespace(flags: string[], dir: string): Promise<Browser> {
  const wrapper = join(dir, 'chromium-in-caller-ns');
  writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${net.caller} ${chromiumPath} "$@"\n`);
  chmodSync(wrapper, 0o755);
  return chromium.launch({ executablePath: wrapper, args: [...CHROMIUM_ARGS, ...flags] });
}

async function main(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'realcall-nat-'));
  const webDist = join(scratch, 'web');
  await build({
    configFile: join(import.meta.dirname, '..', '..', 'web', 'vite.config.ts'),
    build: { outDir: webDist, emptyOutDir: true },
    logLevel: 'error',
  });
  const secret = randomBytes(32).toString('base64url');
  const relay = await startRelay({
    REALCALL_TURN_SECRET: secret,
    REALCALL_TURN_REALM: 'realcall.test',
    TURN_LISTEN_IPS: net.relayAddress,
    TURN_RELAY_IP: net.relayAddress,
    TURN_ALLOWED_PEERS: net.pbxAddress,
  });
  const turn = `${net.relayAddress}:${relay.port}`;
  const stack = await startStack(bin!, {
    webDist,
    publicHost: net.pbxAddress,
    apiEnv: {
      REALCALL_TURN_URLS: `turn:${turn}?transport=udp,turn:${turn}?transport=tcp`,
      REALCALL_TURN_SECRET: secret,
    },
  });
  const origin = `http://${net.pbxAddress}:${stack.ports.public}`;
  const flags = [
    // Real host candidates, not mDNS names Asterisk cannot resolve.
    '--disable-features=WebRtcHideLocalIpsWithMdns',
    // The page is served over plain HTTP on a private address: let it have the microphone as on https.
    `--unsafely-treat-insecure-origin-as-secure=${origin}`,
  ];
  const calleeBrowser = await launchChromium(flags);
  const callerBrowser = await launchInCallerNamespace(flags, scratch);
  try {
    const people = async (login: string, nickname: string) => {
      const res = await fetch(`${stack.api.publicUrl}/api/auth/sign-up`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin },
        body: JSON.stringify({ login, password: 'correct horse battery', nickname }),
      });
      const json = (await res.json()) as { me: { id: number; extension: string } };
      markLoginProven(stack.api.db, json.me.id);
      return json.me;
    };
    const callerMe = await people('caller@nat.test', 'Behind NAT');
    const calleeMe = await people('callee@nat.test', 'Callee');
    const caller: Side = {
      page: (await signIn(callerBrowser, origin, 'caller@nat.test', 'correct horse battery')).page,
      extension: callerMe.extension,
    };
    const callee: Side = {
      page: (await signIn(calleeBrowser, origin, 'callee@nat.test', 'correct horse battery')).page,
      extension: calleeMe.extension,
    };

    if (benchRounds > 0) {
      const bench = {
        direct: [] as Run[],
        relayUdp: [] as Run[],
        relayTcp: [] as Run[],
        switched: [] as (number | null)[],
      };
      for (let i = 0; i < benchRounds; i++) {
        for (const [way, firewall] of [
          ['direct', 'open'],
          ['relayUdp', 'relayUdp'],
          ['relayTcp', 'tcpOnly'],
        ] as const) {
          bench[way].push((await scenario(firewall, caller, callee, 1))[0]!);
        }
        // A network switch mid-call (each round goes the other way: Wi-Fi → mobile, mobile → Wi-Fi).
        bench.switched.push((await addressChange(stack, caller, callee)).resumedMs);
      }
      console.log(JSON.stringify({ ok: true, bench }));
      return;
    }
    const direct = await scenario('open', caller, callee);
    const relayedUdp = await scenario('relayUdp', caller, callee);
    const relayedTcp = await scenario('tcpOnly', caller, callee);
    const moved = await addressChange(stack, caller, callee);
    const down = await relayDown(relay, caller, callee);
    console.log(JSON.stringify({ ok: true, direct, relayedUdp, relayedTcp, moved, down }));
  } finally {
    // Bounded: a browser whose network was pulled away can take long to close, and nothing waits on it.
    const within = (p: Promise<unknown>) => Promise.race([p.catch(() => undefined), wait(10_000)]);
    await within(callerBrowser.close());
    await within(calleeBrowser.close());
    await within(stack.stop());
    await within(relay.stop());
    rmSync(scratch, { recursive: true, force: true });
  }
}

// Node exits quietly, with 0, when nothing is left to wait for but a promise that never settles:
// say so instead of printing nothing.
process.on('beforeExit', () => {
  console.log(
    JSON.stringify({ ok: false, error: `stopped waiting, at "${step}": it awaited something that never happened` }),
  );
  process.exit(1);
});

// Playwright does not keep the process alive while it waits on a browser: this does, so its timeouts fire.
const keepAlive = setInterval(() => undefined, 1000);
main().then(
  () => {
    clearInterval(keepAlive);
    process.exit(0);
  },
  (err) => {
    console.log(JSON.stringify({ ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }));
    process.exit(1);
  },
);
