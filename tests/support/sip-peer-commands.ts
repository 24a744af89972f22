/**
 * Vitest browser commands (they run in Node, called from tests in Chromium)
 * that drive a scripted SIP peer for the phone client's tests: the same
 * peer the SIP tool's tests use — real digest auth over SIP-over-WebSocket —
 * standing in for Asterisk, whose behaviour the Asterisk integration and e2e
 * tests check for real. One peer per test file (per browser session).
 */
import type { BrowserCommand } from 'vitest/node';
import {
  type Direction,
  startScriptedPbx,
  type ScriptedPbx,
} from '../../asterisk/sip-tool/src/scripted-pbx.test-support.ts';

const peers = new Map<string, ScriptedPbx>();

const peer = (sessionId: string): ScriptedPbx => {
  const p = peers.get(sessionId);
  if (!p) throw new Error('call sipPeerStart first');
  return p;
};

export const sipPeerStart: BrowserCommand<[accounts: Record<string, string>]> = async ({ sessionId }, accounts) => {
  await peers.get(sessionId)?.close();
  const pbx = await startScriptedPbx({
    domain: 'realcall.test',
    accounts: Object.fromEntries(Object.entries(accounts).map(([user, secret]) => [user, { secret }])),
  });
  peers.set(sessionId, pbx);
  return { wsUrl: pbx.wsUrl, domain: pbx.domain };
};

export const sipPeerWaitRegistered: BrowserCommand<[user: string]> = ({ sessionId }, user) =>
  peer(sessionId).waitForRegistration(user, 10_000);

export const sipPeerRing: BrowserCommand<[user: string, fromHeader: string, extraHeaders: string[]]> = (
  { sessionId },
  user,
  fromHeader,
  extraHeaders,
) => peer(sessionId).ring(user, { fromHeader, extraHeaders });

// `from`: only the calls rung from that user (call waiting has two); every rung call when omitted.
export const sipPeerHangUp: BrowserCommand<[extraHeaders?: string[], from?: string]> = (
  { sessionId },
  extraHeaders,
  from,
) => {
  peer(sessionId).hangUpRung(extraHeaders, from);
};

export const sipPeerCancel: BrowserCommand<[extraHeaders: string[], from?: string]> = (
  { sessionId },
  extraHeaders,
  from,
) => {
  peer(sessionId).cancelRung(extraHeaders, from);
};

export const sipPeerNotify: BrowserCommand<[extraHeaders: string[], from?: string]> = (
  { sessionId },
  extraHeaders,
  from,
) => {
  peer(sessionId).notifyRung(extraHeaders, from);
};

/** The PBX re-INVITEs a rung call, as Asterisk does when the other party holds (sendonly) or resumes (sendrecv). */
export const sipPeerReInvite: BrowserCommand<[direction: Direction, from?: string]> = (
  { sessionId },
  direction,
  from,
) => peer(sessionId).reInviteRung(direction, from);

export const sipPeerDrop: BrowserCommand<[]> = ({ sessionId }) => {
  peer(sessionId).dropConnections();
};

/** The requests the peer received of one method, as their start lines and selected headers. */
export const sipPeerReceived: BrowserCommand<[method: string]> = ({ sessionId }, method) =>
  peer(sessionId)
    .received.filter((m) => m.method === method)
    .map((m) => ({ uri: m.requestUri ?? '', headers: m.headers }));

export const sipPeerStop: BrowserCommand<[]> = async ({ sessionId }) => {
  await peers.get(sessionId)?.close();
  peers.delete(sessionId);
};
