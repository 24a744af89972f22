import { describe, expect, test } from 'vitest';
import { newOrigin, sdpShape, webrtcAnswer, webrtcOffer } from './sdp';
import { WebRtcShapedSdh } from './session-description-handler';

/** What Asterisk's `webrtc=yes` requires of an offer (488 otherwise), read back from the text. */
function expectWebRtcShaped(sdp: string, setup: string) {
  const shape = sdpShape(sdp);
  expect(shape.protocol).toBe('UDP/TLS/RTP/SAVPF');
  expect(shape.fingerprint?.hash).toBe('sha-256');
  expect(shape.fingerprint?.value).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  expect(shape.iceUfrag).toMatch(/^[A-Za-z0-9+/]{4,256}$/);
  expect(shape.icePwd).toMatch(/^[A-Za-z0-9+/]{22,256}$/);
  expect(shape.rtcpMux).toBe(true);
  expect(shape.setup).toBe(setup);
  expect(shape.bundle).toEqual([shape.mid]);
  expect(shape.connection).toBe('IN IP4 127.0.0.1');
  expect(sdp).toMatch(/^m=audio 9 /m);
  expect(sdp).toMatch(/^a=sendrecv$/m);
  expect(sdp).toMatch(/^a=rtcp-fb:111 /m);
  // Candidates would point at addresses; no media flows, so none are offered (and no STUN is asked).
  expect(sdp).not.toMatch(/a=candidate/);
  expect(sdp.endsWith('\r\n')).toBe(true);
}

describe('webrtcOffer', () => {
  test('offers opus, PCMU, PCMA the way a browser does, actpass', () => {
    const sdp = webrtcOffer(newOrigin());
    expectWebRtcShaped(sdp, 'actpass');
    const shape = sdpShape(sdp);
    expect(shape.payloadTypes).toEqual([111, 0, 8]);
    expect(shape.rtpmaps).toEqual({ 111: 'opus/48000/2', 0: 'PCMU/8000', 8: 'PCMA/8000' });
    expect(shape.mid).toBe('0');
  });

  test('random ICE credentials and fingerprint per session', () => {
    const [a, b] = [sdpShape(webrtcOffer(newOrigin())), sdpShape(webrtcOffer(newOrigin()))];
    expect(a.iceUfrag).not.toBe(b.iceUfrag);
    expect(a.icePwd).not.toBe(b.icePwd);
    expect(a.fingerprint?.value).not.toBe(b.fingerprint?.value);
  });
});

describe('webrtcAnswer', () => {
  // An offer as Asterisk sends a WebRTC callee: its own payload numbers, mid "audio", telephone-event too.
  const asteriskOffer = [
    'v=0',
    'o=- 1 2 IN IP4 10.0.0.1',
    's=Asterisk',
    't=0 0',
    'a=group:BUNDLE audio',
    'm=audio 12000 UDP/TLS/RTP/SAVPF 107 0 101',
    'c=IN IP4 10.0.0.1',
    'a=rtpmap:107 opus/48000/2',
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:101 telephone-event/8000',
    'a=mid:audio',
    'a=setup:actpass',
    '',
  ].join('\r\n');

  test('answers active, keeping the offer’s mid, payload numbers and order, dropping what it lacks', () => {
    const sdp = webrtcAnswer(newOrigin(), asteriskOffer);
    const shape = sdpShape(sdp);
    expect(shape.setup).toBe('active');
    expect(shape.mid).toBe('audio');
    expect(shape.bundle).toEqual(['audio']);
    expect(shape.payloadTypes).toEqual([107, 0]);
    expect(shape.rtpmaps).toEqual({ 107: 'opus/48000/2', 0: 'PCMU/8000' });
    expect(sdp).not.toMatch(/a=rtcp-fb:111|a=fmtp:111/);
    expect(shape.fingerprint?.value).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  test('refuses an offer with no codec in common', () => {
    expect(() => webrtcAnswer(newOrigin(), 'v=0\r\nm=audio 9 RTP/AVP 9\r\na=rtpmap:9 G722/8000\r\n')).toThrow(
      /no audio codec in common/,
    );
  });
});

describe('WebRtcShapedSdh', () => {
  test('outgoing: offer, then the answer is taken; the next description is a new offer with a higher version', async () => {
    const sdh = new WebRtcShapedSdh();
    const offer = await sdh.getDescription();
    expect(offer.contentType).toBe('application/sdp');
    expectWebRtcShaped(offer.body, 'actpass');
    await sdh.setDescription(webrtcAnswer(newOrigin(), offer.body));
    const again = await sdh.getDescription();
    expect(sdpShape(again.body).setup).toBe('actpass');
    expect(again.body.split('\r\n')[1]).not.toBe(offer.body.split('\r\n')[1]);
  });

  test('incoming: the remote offer is answered, active', async () => {
    const sdh = new WebRtcShapedSdh();
    await sdh.setDescription(webrtcOffer(newOrigin()));
    const answer = await sdh.getDescription();
    expectWebRtcShaped(answer.body, 'active');
    expect(sdh.hasDescription('application/sdp; charset=utf-8')).toBe(true);
    expect(sdh.hasDescription('text/plain')).toBe(false);
  });

  test('close() releases it: later use is refused', async () => {
    const sdh = new WebRtcShapedSdh();
    sdh.close();
    await expect(sdh.getDescription()).rejects.toThrow(/closed/);
    await expect(sdh.setDescription(webrtcOffer(newOrigin()))).rejects.toThrow(/closed/);
    expect(sdh.sendDtmf()).toBe(false);
  });

  test('a body without an audio section is refused', async () => {
    await expect(new WebRtcShapedSdh().setDescription('v=0\r\n')).rejects.toThrow(/no audio/);
  });
});
