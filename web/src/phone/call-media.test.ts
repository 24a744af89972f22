import { type Session, Web } from 'sip.js';
import { describe, expect, test } from 'vitest';
import { guardOffers, NoMediaPathError } from './call-media';

/** A real browser session description handler (a real RTCPeerConnection), as sip.js makes one for a call. */
function handler(iceTransportPolicy: RTCIceTransportPolicy) {
  const quiet = { error: () => {}, warn: () => {}, log: () => {}, debug: () => {} };
  const session = { userAgent: { getLogger: () => quiet } } as unknown as Session;
  const make = Web.defaultSessionDescriptionHandlerFactory(() =>
    navigator.mediaDevices.getUserMedia({ audio: true, video: false }),
  );
  return make(session, {
    iceGatheringTimeout: 500,
    peerConnectionConfiguration: { iceServers: [], iceTransportPolicy },
  });
}

describe('no offer without a single candidate', () => {
  test('relay-only with no reachable relay: refused, and the peer connection is left as it was', async () => {
    const sdh = guardOffers(handler('relay'));
    try {
      await expect(sdh.getDescription({ constraints: { audio: true, video: false } })).rejects.toBeInstanceOf(
        NoMediaPathError,
      );
      // Rolled back: a later ICE restart can make a new offer on the same connection.
      expect(sdh.peerConnection?.signalingState).toBe('stable');
      expect(sdh.peerConnection?.localDescription).toBeNull();
    } finally {
      sdh.close();
    }
  });

  test('an offer that has candidates goes out unchanged', async () => {
    const offer = {
      body: 'v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=candidate:1 1 udp 1 10.0.0.2 5000 typ host\r\n',
      contentType: 'application/sdp',
    };
    const sdh = guardOffers({ getDescription: () => Promise.resolve(offer) });
    await expect(sdh.getDescription()).resolves.toBe(offer);
  });
});
