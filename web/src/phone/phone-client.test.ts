/**
 * The phone client driving real sip.js in real Chromium (fake microphone)
 * against a scripted SIP peer over WebSocket with real digest auth
 * (tests/support/sip-peer-commands.ts). The peer stands in for Asterisk,
 * which is an edge we do not own here; what the real PBX sends is checked by
 * the Asterisk integration and e2e tests. No media flows (the peer's SDP has
 * no candidates): these tests are about signalling, state and release.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import type {} from '../test-support/provided';
import { PhoneClient, PhoneError, type PhoneSnapshot, type SipAccount } from './phone-client';

const USER = '2001';
const SECRET = 'scripted-peer-secret-2001-abcdef';

/** Every peer connection and microphone track the page creates, to check configuration and release. */
const created: { pcs: RTCPeerConnection[]; tracks: MediaStreamTrack[] } = { pcs: [], tracks: [] };
const NativePc = window.RTCPeerConnection;
const nativeGum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);

let phone: PhoneClient | undefined;
let account: SipAccount;

beforeEach(async () => {
  created.pcs = [];
  created.tracks = [];
  window.RTCPeerConnection = function (...args: ConstructorParameters<typeof RTCPeerConnection>) {
    const pc = new NativePc(...args);
    created.pcs.push(pc);
    return pc;
  } as unknown as typeof RTCPeerConnection;
  window.RTCPeerConnection.prototype = NativePc.prototype;
  navigator.mediaDevices.getUserMedia = async (c) => {
    const stream = await nativeGum(c);
    created.tracks.push(...stream.getTracks());
    return stream;
  };
  const { wsUrl, domain } = await commands.sipPeerStart({ [USER]: SECRET, '2002': 'another-secret-for-2002-abcdef' });
  account = {
    wsUrl,
    uri: `sip:${USER}@${domain}`,
    authUser: USER,
    secret: SECRET,
    realm: domain,
    extension: USER,
    iceServers: [],
    iceTransportPolicy: 'all',
    expiresAt: null,
  };
});

afterEach(async () => {
  await phone?.stop();
  phone = undefined;
  window.RTCPeerConnection = NativePc;
  navigator.mediaDevices.getUserMedia = nativeGum;
  await commands.sipPeerStop();
});

function start(overrides: Partial<SipAccount> = {}, backoff = { initialMs: 150, maxMs: 600 }): PhoneClient {
  phone = new PhoneClient({ ...account, ...overrides }, { backoff, iceGatheringTimeoutMs: 300 });
  void phone.start();
  return phone;
}

/** Resolves with the first snapshot that meets `test`. */
function until(p: PhoneClient, test: (s: PhoneSnapshot) => boolean, timeoutMs = 8000): Promise<PhoneSnapshot> {
  return new Promise((resolve, reject) => {
    let unsubscribe = () => {};
    const timer = setTimeout(() => {
      unsubscribe();
      reject(
        new Error(
          `timed out; last state ${JSON.stringify({ ...p.state, call: p.state.call && { ...p.state.call, remoteStream: undefined } })}`,
        ),
      );
    }, timeoutMs);
    unsubscribe = p.subscribe((s) => {
      if (test(s)) {
        clearTimeout(timer);
        queueMicrotask(() => unsubscribe());
        resolve(s);
      }
    });
  });
}

const registered = (p: PhoneClient) => until(p, (s) => s.registration === 'registered');

/** A registered phone with an incoming call from 1002 that it answered. */
async function inCall(from: string, status: string): Promise<PhoneClient> {
  const p = start();
  await registered(p);
  const ring = commands.sipPeerRing(USER, from, [`X-RealCall-Name-Status: ${status}`]);
  await until(p, (x) => x.call?.state === 'incoming');
  await p.answer();
  await ring;
  await until(p, (x) => x.call?.state === 'active');
  return p;
}

describe('registration', () => {
  it('registers with digest auth and says so', async () => {
    const p = start();
    expect(p.state.registration).toBe('connecting');
    await registered(p);
    const registers = await commands.sipPeerReceived('REGISTER');
    expect(registers.some((r) => r.headers.authorization?.[0]?.startsWith('Digest '))).toBe(true);
    // The phone never names a STUN server it was not given.
    expect(JSON.stringify(registers)).not.toMatch(/google/);
  });

  it('reports refused credentials as failed, with the reason', async () => {
    const p = start({ secret: 'not-the-secret-at-all-0123456789' });
    const s = await until(p, (x) => x.registration === 'failed');
    expect(s.cause).toBe('credentials');
    expect(s.reason).toBe('credentials refused');
  });

  it('reconnects with backoff after the transport drops, telling what it does, and registers again', async () => {
    const p = start();
    await registered(p);
    const seen: PhoneSnapshot[] = [];
    p.subscribe((s) => seen.push(s));
    await commands.sipPeerDrop();
    const lost = await until(p, (s) => s.registration === 'reconnecting' && s.retryAt !== null);
    expect(lost.cause).toBe('connection-lost');
    await registered(p);
    expect(seen.map((s) => s.registration)).toContain('connecting');
  });

  it('a PBX that never answers is "pbx-unreachable"; Try now does not wait out the back-off', async () => {
    // A port nothing listens on: the WebSocket cannot open.
    const p = start({ wsUrl: 'ws://127.0.0.1:9/ws' }, { initialMs: 60_000, maxMs: 60_000 });
    const down = await until(p, (s) => s.registration === 'reconnecting' && s.retryAt !== null);
    expect(down.cause).toBe('pbx-unreachable');
    expect(down.retryAt! - Date.now()).toBeGreaterThan(30_000);
    const seen: PhoneSnapshot[] = [];
    p.subscribe((s) => seen.push(s));
    p.tryNow();
    // Tried at once (well before the 45–60 s wait), failed again, and waits again.
    await until(p, (s) => s.registration === 'reconnecting' && s.retryAt !== null && seen.length > 1, 4000);
    expect(seen.map((s) => s.registration)).toContain('connecting');
  });
});

describe('incoming calls', () => {
  it.each([
    [
      'verified',
      '"张三丰" <sip:1002@realcall.test>',
      ['X-RealCall-Name-Status: verified'],
      { name: '张三丰', status: 'verified' },
    ],
    [
      'masked',
      '"*三丰" <sip:1002@realcall.test>',
      ['X-RealCall-Name-Status: masked'],
      { name: '*三丰', status: 'masked' },
    ],
    [
      'hidden',
      '"三丰哥" <sip:1002@realcall.test>',
      ['X-RealCall-Name-Status: hidden'],
      { name: '三丰哥', status: 'hidden' },
    ],
    [
      'unverified',
      '"Bob" <sip:1002@realcall.test>',
      ['X-RealCall-Name-Status: unverified'],
      { name: 'Bob', status: 'unverified' },
    ],
    [
      'unavailable',
      '<sip:1002@realcall.test>',
      ['X-RealCall-Name-Status: unavailable'],
      { name: '', status: 'unavailable' },
    ],
    ['a missing status', '"中国银行" <sip:1002@realcall.test>', [], { name: '', status: 'unavailable' }],
    [
      'an unknown status',
      '"中国银行" <sip:1002@realcall.test>',
      ['X-RealCall-Name-Status: super-verified'],
      { name: '', status: 'unavailable' },
    ],
  ])('reads %s exactly as the PBX sent it, never better', async (_what, from, headers, expected) => {
    const p = start();
    await registered(p);
    const ring = commands.sipPeerRing(USER, from, headers);
    const s = await until(p, (x) => x.call?.state === 'incoming');
    expect(s.call!.peer).toEqual({ ...expected, number: '1002' });
    expect(s.call!.direction).toBe('incoming');
    await p.decline();
    expect(await ring).toBe(603);
    expect((await until(p, (x) => x.call?.state === 'ended')).call!.endReason).toBe('declined');
  });

  it('uses the relay credentials it was last given: for the next call, and for the call under way', async () => {
    const relay = (user: string) => ({ urls: 'turn:127.0.0.1:9?transport=tcp', username: user, credential: 'c' });
    const p = start({ iceServers: [relay('1000:rc1')], expiresAt: 1_000_000 });
    expect(p.iceExpiresAt).toBe(1_000_000);
    await registered(p);
    p.setIce({ iceServers: [relay('2000:rc1')], iceTransportPolicy: 'all', expiresAt: 2_000_000 });
    expect(p.iceExpiresAt).toBe(2_000_000);
    const ring = commands.sipPeerRing(USER, '"张三丰" <sip:1002@realcall.test>', ['X-RealCall-Name-Status: verified']);
    await until(p, (x) => x.call?.state === 'incoming');
    await p.answer();
    expect(await ring).toBe(200);
    await until(p, (x) => x.call?.state === 'active');
    const pc = created.pcs.at(-1)!;
    expect(pc.getConfiguration().iceServers).toEqual([relay('2000:rc1')].map((r) => ({ ...r, urls: [r.urls] })));
    expect(pc.getConfiguration().iceTransportPolicy).toBe('all');
    // Renewed mid-call: the next ICE restart of this call authenticates with the new ones.
    p.setIce({ iceServers: [relay('3000:rc1')], iceTransportPolicy: 'all', expiresAt: 3_000_000 });
    expect(pc.getConfiguration().iceServers?.[0]?.username).toBe('3000:rc1');
    await p.hangup();
    await until(p, (x) => x.call?.state === 'ended');
  });

  it('answers, mutes by taking the track off the sender, hangs up, and releases the microphone and the connection', async () => {
    const p = start();
    await registered(p);
    const ring = commands.sipPeerRing(USER, '"张三丰" <sip:1002@realcall.test>', ['X-RealCall-Name-Status: verified']);
    await until(p, (x) => x.call?.state === 'incoming');
    await p.answer();
    expect(await ring).toBe(200);
    const active = await until(p, (x) => x.call?.state === 'active');
    expect(active.call!.answeredAt).not.toBeNull();
    expect(active.call!.remoteStream).toBeInstanceOf(MediaStream);

    const pc = created.pcs.at(-1)!;
    // Only the ICE servers the API gave (none): never sip.js's default public STUN server.
    expect(pc.getConfiguration().iceServers).toEqual([]);
    const sender = pc.getSenders().find((s) => s.track?.kind === 'audio')!;
    const track = sender.track!;
    await p.setMuted(true);
    expect(p.state.call!.muted).toBe(true);
    expect(sender.track).toBeNull();
    expect(track.readyState).toBe('live');
    await p.setMuted(false);
    expect(sender.track).toBe(track);
    expect(p.state.call!.muted).toBe(false);

    // Muted at the end: the track off the sender must be stopped too.
    await p.setMuted(true);
    await p.hangup();
    const ended = await until(p, (x) => x.call?.state === 'ended');
    expect(ended.call!.endReason).toBe('hangup');
    expect(ended.call!.remoteStream).toBeNull();
    expect((await commands.sipPeerReceived('BYE')).length).toBe(1);
    expect(pc.signalingState).toBe('closed');
    expect(created.tracks.length).toBeGreaterThan(0);
    expect(created.tracks.every((t) => t.readyState === 'ended')).toBe(true);
    p.dismissEndedCall();
    expect(p.state.call).toBeNull();
  });

  it('ends as remote-hangup when the other side hangs up', async () => {
    const p = await inCall('"A" <sip:1002@realcall.test>', 'unverified');
    await commands.sipPeerHangUp(['Reason: Q.850;cause=16']);
    expect((await until(p, (x) => x.call?.state === 'ended')).call!.endReason).toBe('remote-hangup');
    expect(created.tracks.every((t) => t.readyState === 'ended')).toBe(true);
  });

  it('ends as connection-lost when the PBX ends a call whose media vanished (Q.850 44), not as a hang-up', async () => {
    const p = await inCall('"A" <sip:1002@realcall.test>', 'unverified');
    await commands.sipPeerHangUp(['Reason: Q.850;cause=44']);
    expect((await until(p, (x) => x.call?.state === 'ended')).call!.endReason).toBe('connection-lost');
  });

  it('stops ringing as answered-elsewhere when the PBX cancels because another device answered', async () => {
    const p = start();
    await registered(p);
    const ring = commands.sipPeerRing(USER, '"A" <sip:1002@realcall.test>', ['X-RealCall-Name-Status: verified']);
    await until(p, (x) => x.call?.state === 'incoming');
    await commands.sipPeerCancel(['Reason: SIP;cause=200;text="Call completed elsewhere"']);
    expect(await ring).toBe(487);
    expect((await until(p, (x) => x.call?.state === 'ended')).call!.endReason).toBe('answered-elsewhere');
  });

  it('stops ringing as missed when the caller gives up', async () => {
    const p = start();
    await registered(p);
    const ring = commands.sipPeerRing(USER, '"A" <sip:1002@realcall.test>', ['X-RealCall-Name-Status: verified']);
    await until(p, (x) => x.call?.state === 'incoming');
    await commands.sipPeerCancel([]);
    await ring;
    expect((await until(p, (x) => x.call?.state === 'ended')).call!.endReason).toBe('missed');
  });

  it("shows the PBX's new name and status when its NOTIFY says the caller changed mid-call, and nothing else", async () => {
    const p = await inCall('"张三丰" <sip:1002@realcall.test>', 'verified');
    expect(p.state.call!.peerChangedAt).toBeNull();
    // A NOTIFY of another event package changes nothing.
    await commands.sipPeerNotify(['Event: talk', 'X-RealCall-Name-Status: verified', 'X-RealCall-Name: Someone']);
    await new Promise((r) => setTimeout(r, 300));
    expect(p.state.call!.peer).toEqual({ name: '张三丰', status: 'verified', number: '1002' });
    // An unknown status is never better than unavailable.
    await commands.sipPeerNotify([
      'Event: x-realcall-presentation',
      'X-RealCall-Name-Status: super',
      `X-RealCall-Name: ${encodeURIComponent('张三丰')}`,
    ]);
    await until(p, (x) => x.call?.peer.status === 'unavailable');
    expect(p.state.call!.peer.name).toBe('');
    await commands.sipPeerNotify([
      'Event: x-realcall-presentation',
      'X-RealCall-Name-Status: unverified',
      `X-RealCall-Name: ${encodeURIComponent('Sanfeng 三丰')}`,
    ]);
    const s = await until(p, (x) => x.call?.peer.status === 'unverified');
    expect(s.call!.peer).toEqual({ name: 'Sanfeng 三丰', status: 'unverified', number: '1002' });
    expect(s.call!.peerChangedAt).not.toBeNull();
    expect(s.call!.state).toBe('active');
  });
});

describe('hold and call waiting', () => {
  const audioSender = () =>
    created.pcs
      .at(-1)!
      .getSenders()
      .find((s) => s.track?.kind === 'audio' || s.track === null)!;

  it('holds with a=sendonly and the microphone off the sender, resumes with a=sendrecv, and keeps mute apart', async () => {
    const p = await inCall('"张三丰" <sip:1002@realcall.test>', 'verified');
    const sender = audioSender();
    const track = sender.track!;
    const before = (await commands.sipPeerReceived('INVITE')).length;
    await p.setHeld(true);
    expect(p.state.call!.state).toBe('held');
    expect((await commands.sipPeerReceived('INVITE')).length).toBe(before + 1);
    expect(created.pcs.at(-1)!.localDescription!.sdp).toMatch(/a=sendonly/);
    expect(sender.track).toBeNull();
    // Muted while held, then resumed: still muted, the microphone stays off.
    await p.setMuted(true);
    await p.setHeld(false);
    expect(p.state.call!.state).toBe('active');
    expect(created.pcs.at(-1)!.localDescription!.sdp).toMatch(/a=sendrecv/);
    expect(sender.track).toBeNull();
    await p.setMuted(false);
    expect(sender.track).toBe(track);
  });

  it("shows the other side's hold from the PBX's re-INVITE, and its end", async () => {
    const p = await inCall('"张三丰" <sip:1002@realcall.test>', 'verified');
    expect(await commands.sipPeerReInvite('sendonly')).toBe(200);
    const held = await until(p, (x) => x.call?.remoteHeld === true);
    // Our own state is unchanged, and our answer says we only receive.
    expect(held.call!.state).toBe('active');
    expect(created.pcs.at(-1)!.localDescription!.sdp).toMatch(/a=recvonly/);
    expect(await commands.sipPeerReInvite('sendrecv')).toBe(200);
    await until(p, (x) => x.call?.remoteHeld === false);
    expect(p.state.call!.peer).toEqual({ name: '张三丰', status: 'verified', number: '1002' });
  });

  it('lets a second caller wait beside the call with their own name and status; a third hears busy', async () => {
    const p = await inCall('"First" <sip:1002@realcall.test>', 'verified');
    const turnedAway: unknown[] = [];
    p.onBusyHere = (peer) => turnedAway.push(peer);
    const firstId = p.state.call!.id;
    const second = commands.sipPeerRing(USER, '"Second" <sip:1003@realcall.test>', ['X-RealCall-Name-Status: masked']);
    const s = await until(p, (x) => x.calls.some((c) => c.state === 'waiting'));
    // The call in view is still the first one; the second waits beside it.
    expect(s.call!.id).toBe(firstId);
    expect(s.call!.state).toBe('active');
    expect(s.calls.find((c) => c.state === 'waiting')!.peer).toEqual({
      name: 'Second',
      status: 'masked',
      number: '1003',
    });
    expect(
      await commands.sipPeerRing(USER, '"Third" <sip:1004@realcall.test>', ['X-RealCall-Name-Status: verified']),
    ).toBe(486);
    expect(turnedAway).toEqual([{ name: 'Third', status: 'verified', number: '1004' }]);
    // Declined: the first call goes on.
    const waitingId = s.calls.find((c) => c.state === 'waiting')!.id;
    await p.decline(waitingId);
    expect(await second).toBe(603);
    const after = await until(p, (x) => x.calls.find((c) => c.id === waitingId)?.state === 'ended');
    expect(after.calls.find((c) => c.id === waitingId)!.endReason).toBe('declined');
    expect(after.call!.id).toBe(firstId);
    expect(after.call!.state).toBe('active');
  });

  it('holds the first call to answer the second, switches between them, and comes back to the held one when one ends', async () => {
    const p = await inCall('"First" <sip:1002@realcall.test>', 'verified');
    const firstId = p.state.call!.id;
    const firstSender = audioSender();
    const second = commands.sipPeerRing(USER, '"Second" <sip:1003@realcall.test>', ['X-RealCall-Name-Status: hidden']);
    const waitingId = (await until(p, (x) => x.calls.some((c) => c.state === 'waiting'))).calls.find(
      (c) => c.state === 'waiting',
    )!.id;
    await p.answer(waitingId);
    expect(await second).toBe(200);
    const both = await until(p, (x) => x.call?.id === waitingId && x.call.state === 'active');
    expect(both.calls.find((c) => c.id === firstId)!.state).toBe('held');
    // The held call sends nothing: its microphone is off its sender.
    expect(firstSender.track).toBeNull();
    expect(both.call!.peer).toEqual({ name: 'Second', status: 'hidden', number: '1003' });

    await p.switchTo(firstId);
    let s = await until(p, (x) => x.call?.id === firstId && x.call.state === 'active');
    expect(s.calls.find((c) => c.id === waitingId)!.state).toBe('held');
    expect(firstSender.track).not.toBeNull();
    expect(s.call!.peer).toEqual({ name: 'First', status: 'verified', number: '1002' });

    // The first caller hangs up: the view moves to the held second call, which the person resumes.
    await commands.sipPeerHangUp([], '1002');
    s = await until(p, (x) => x.call?.id === waitingId);
    expect(s.call!.state).toBe('held');
    expect(s.calls.find((c) => c.id === firstId)!.endReason).toBe('remote-hangup');
    await p.setHeld(false);
    expect(p.state.call!.state).toBe('active');
    p.dismissEndedCall(firstId);
    expect(p.state.calls.map((c) => c.id)).toEqual([waitingId]);
  });

  it('rings the waiting call on its own when the call under way ends first', async () => {
    const p = await inCall('"First" <sip:1002@realcall.test>', 'verified');
    const second = commands.sipPeerRing(USER, '"Second" <sip:1003@realcall.test>', [
      'X-RealCall-Name-Status: verified',
    ]);
    await until(p, (x) => x.calls.some((c) => c.state === 'waiting'));
    await p.hangup();
    const s = await until(p, (x) => x.call?.state === 'incoming');
    expect(s.call!.peer.name).toBe('Second');
    await p.answer();
    expect(await second).toBe(200);
    await until(p, (x) => x.call?.state === 'active' && x.call.peer.name === 'Second');
  });

  it('refuses hold without a call, and a new outgoing call while one is held', async () => {
    const p = start();
    await registered(p);
    await expect(p.setHeld(true)).rejects.toMatchObject({ code: 'no-call' });
    await p.stop();
    const r = await inCall('"First" <sip:1002@realcall.test>', 'verified');
    await r.setHeld(true);
    await expect(r.call('2002')).rejects.toMatchObject({ code: 'busy-here' });
  });
});

describe('outgoing calls', () => {
  it('refuses to call while not registered, and a number that is not an extension', async () => {
    const p = new PhoneClient(account);
    await expect(p.call('2002')).rejects.toThrow(PhoneError);
    const q = start();
    await registered(q);
    await expect(q.call('12; drop')).rejects.toThrow(/3 to 10 digits/);
    // One's own number is refused before anything is sent.
    const before = (await commands.sipPeerReceived('INVITE')).length;
    await expect(q.call(USER)).rejects.toMatchObject({ code: 'self' });
    expect((await commands.sipPeerReceived('INVITE')).length).toBe(before);
    expect(q.state.call).toBeNull();
  });

  it('calls an extension and reports how it ended', async () => {
    const p = start();
    await registered(p);
    // 2002 is not registered: the peer answers 480, as Asterisk does for a callee signed in nowhere.
    await p.call('2002');
    const s = await until(p, (x) => x.call?.state === 'ended');
    expect(s.call!.direction).toBe('outgoing');
    expect(s.call!.peer).toEqual({ number: '2002', name: '', status: null });
    expect(s.call!.endReason).toBe('unavailable');
    const invites = await commands.sipPeerReceived('INVITE');
    expect(invites.at(-1)!.uri).toBe('sip:2002@realcall.test');
    expect(created.tracks.every((t) => t.readyState === 'ended')).toBe(true);
  });

  it('sends DTMF only as RFC 4733 in the media, and only valid tones', async () => {
    const p = start();
    await registered(p);
    expect(() => p.sendDtmf('x')).toThrow(PhoneError);
    // No active call: nothing is sent, and no SIP INFO ever.
    expect(p.sendDtmf('5')).toBe(false);
    expect(await commands.sipPeerReceived('INFO')).toEqual([]);
  });
});
