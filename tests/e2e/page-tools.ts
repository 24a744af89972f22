/**
 * What the whole-system browser tests do to and read from a page: keep every
 * peer connection and microphone track it makes, read audio packet counts
 * and the selected ICE path, check release, and sign a person in.
 */
import type { Browser, Page } from 'playwright-core';

/**
 * Keeps every peer connection and microphone track a page creates, so the
 * test can read stats and check release, and counts the WebSockets it opens.
 */
export const INSTRUMENT = `
  (() => {
    const Native = window.RTCPeerConnection;
    window.__pcs = [];
    window.__tracks = [];
    window.RTCPeerConnection = function (...args) { const pc = new Native(...args); window.__pcs.push(pc); return pc; };
    window.RTCPeerConnection.prototype = Native.prototype;
    window.__sockets = 0;
    const NativeSocket = window.WebSocket;
    window.WebSocket = function (...args) { window.__sockets += 1; return new NativeSocket(...args); };
    window.WebSocket.prototype = NativeSocket.prototype;
    Object.assign(window.WebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
    const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = async (c) => { const s = await gum(c); window.__tracks.push(...s.getTracks()); return s; };
  })();
`;

export type Media = { state: string; received: number; sent: number };

/** Audio packets received and sent on the page's newest peer connection, and its state. */
export async function media(page: Page): Promise<Media> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs;
    const pc = pcs.at(-1);
    if (!pc) return { state: 'none', received: 0, sent: 0 };
    let received = 0;
    let sent = 0;
    (await pc.getStats()).forEach(
      (r: { type: string; kind?: string; packetsReceived?: number; packetsSent?: number }) => {
        if (r.type === 'inbound-rtp' && r.kind === 'audio') received += r.packetsReceived ?? 0;
        if (r.type === 'outbound-rtp' && r.kind === 'audio') sent += r.packetsSent ?? 0;
      },
    );
    return { state: pc.connectionState, received, sent };
  });
}

/** The ICE path the page's newest peer connection uses: both candidates' types, and how it reaches a relay. */
export async function selectedPath(
  page: Page,
): Promise<{ local: string; remote: string; relayProtocol: string | null; codec: string }> {
  return page.evaluate(async () => {
    const pc = (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.at(-1);
    const none = { local: 'none', remote: 'none', relayProtocol: null, codec: '' };
    if (!pc) return none;
    const reports = new Map<string, Record<string, unknown>>();
    (await pc.getStats()).forEach((r: Record<string, unknown>) => reports.set(r.id as string, r));
    const transport = [...reports.values()].find((r) => r.type === 'transport');
    const pair = transport ? reports.get(transport.selectedCandidatePairId as string) : undefined;
    if (!pair) return none;
    const local = reports.get(pair.localCandidateId as string) ?? {};
    const remote = reports.get(pair.remoteCandidateId as string) ?? {};
    const inbound = [...reports.values()].find((r) => r.type === 'inbound-rtp' && r.kind === 'audio');
    const codec = inbound ? reports.get(inbound.codecId as string) : undefined;
    return {
      local: String(local.candidateType),
      remote: String(remote.candidateType),
      relayProtocol: (local.relayProtocol as string | undefined) ?? null,
      codec: String((codec?.mimeType as string | undefined) ?? ''),
    };
  });
}

/** Every peer connection's state and every microphone track's, for the release checks. */
export async function released(page: Page): Promise<{ pcs: string[]; tracks: string[] }> {
  return page.evaluate(() => {
    const w = window as unknown as { __pcs: RTCPeerConnection[]; __tracks: MediaStreamTrack[] };
    return { pcs: w.__pcs.map((pc) => pc.connectionState), tracks: w.__tracks.map((t) => t.readyState) };
  });
}

/** How many WebSockets the page has opened so far. */
export function socketsOpened(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { __sockets: number }).__sockets);
}

export const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Opens the app at `origin` in a fresh context and signs in; resolves once the phone is registered. */
export async function signIn(
  browser: Browser,
  origin: string,
  login: string,
  password: string,
): Promise<{ page: Page; registeredMs: number }> {
  const context = await browser.newContext({ locale: 'en-US' });
  await context.addInitScript(INSTRUMENT);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[page ${login}] ${e.message}`));
  await page.goto(`${origin}/`);
  await page.getByLabel('E-mail or phone number').fill(login);
  await page.getByLabel('Password').fill(password);
  const started = Date.now();
  await page.locator('form button[type="submit"]').click();
  await page.getByText('Ready for calls').waitFor({ timeout: 15_000 });
  return { page, registeredMs: Date.now() - started };
}
