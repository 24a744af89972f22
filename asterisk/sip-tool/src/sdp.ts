/**
 * WebRTC-shaped SDP without a browser. Asterisk answers 488 to an offer
 * without DTLS, ICE and AVPF on a `webrtc=yes` endpoint, so the tool offers
 * and answers what a browser would: UDP/TLS/RTP/SAVPF, a DTLS fingerprint,
 * ICE credentials, rtcp-mux and BUNDLE. No media ever flows: the port is the
 * discard port 9 and there are no candidates, so nothing (no STUN server
 * either) is ever contacted.
 */
import { randomBytes, randomInt } from 'node:crypto';

/** The codecs a browser offers Asterisk, by their static or customary payload type. */
const CODECS = [
  { pt: 111, rtpmap: 'opus/48000/2', extra: ['a=rtcp-fb:111 transport-cc', 'a=fmtp:111 minptime=10;useinbandfec=1'] },
  { pt: 0, rtpmap: 'PCMU/8000', extra: [] },
  { pt: 8, rtpmap: 'PCMA/8000', extra: [] },
] as const;

const ICE_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** RFC 8839 ice-char strings: ufrag ≥ 4 characters, pwd ≥ 22. */
function iceString(length: number): string {
  return Array.from(randomBytes(length), (b) => ICE_CHARS[b % ICE_CHARS.length]).join('');
}

/** 32 random bytes as a SHA-256 fingerprint: no DTLS handshake ever happens, so no certificate is needed. */
function fingerprint(): string {
  return Array.from(randomBytes(32), (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(':');
}

/**
 * Identity of one side's session: `o=` stays the same across offers, its version grows (RFC 3264 §8).
 * The connection address is 127.0.0.1 with the discard port: a real address, as a browser offers,
 * so the PBX does not read the call as held (0.0.0.0 would be a hold from the first INVITE, which
 * Asterisk passes on to the other party as a re-INVITE of its own). No media is ever sent, so the
 * PBX ends a tool's call after its rtp_timeout (8 s), as for a vanished browser.
 */
export type SdpOrigin = {
  sessionId: string;
  version: number;
  iceUfrag: string;
  icePwd: string;
  fingerprint: string;
  address: '127.0.0.1';
};

export function newOrigin(): SdpOrigin {
  return {
    address: '127.0.0.1',
    sessionId: String(randomInt(1, 2 ** 47)),
    version: 1,
    iceUfrag: iceString(8),
    icePwd: iceString(24),
    fingerprint: fingerprint(),
  };
}

type Codec = { pt: number; rtpmap: string; extra: readonly string[] };

/** RFC 3264 §6.1: the answer's direction for each offered one. */
const ANSWER_DIRECTION: Record<Direction, Direction> = {
  sendrecv: 'sendrecv',
  sendonly: 'recvonly',
  recvonly: 'sendonly',
  inactive: 'inactive',
};
export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

function render(
  origin: SdpOrigin,
  setup: 'actpass' | 'active',
  mid: string,
  codecs: readonly Codec[],
  direction: Direction = 'sendrecv',
): string {
  const lines = [
    'v=0',
    `o=- ${origin.sessionId} ${origin.version} IN IP4 127.0.0.1`,
    's=-',
    't=0 0',
    `a=group:BUNDLE ${mid}`,
    'a=msid-semantic: WMS',
    `m=audio 9 UDP/TLS/RTP/SAVPF ${codecs.map((c) => c.pt).join(' ')}`,
    `c=IN IP4 ${origin.address}`,
    `a=rtcp:9 IN IP4 ${origin.address}`,
    `a=ice-ufrag:${origin.iceUfrag}`,
    `a=ice-pwd:${origin.icePwd}`,
    `a=fingerprint:sha-256 ${origin.fingerprint}`,
    `a=setup:${setup}`,
    `a=mid:${mid}`,
    `a=${direction}`,
    'a=rtcp-mux',
    ...codecs.flatMap((c) => [`a=rtpmap:${c.pt} ${c.rtpmap}`, ...c.extra]),
  ];
  return lines.join('\r\n') + '\r\n';
}

/** An offer as a browser makes it: opus, PCMU, PCMA; `a=setup:actpass`; `a=sendonly` to hold. */
export function webrtcOffer(origin: SdpOrigin, direction: Direction = 'sendrecv'): string {
  return render(origin, 'actpass', '0', CODECS, direction);
}

/**
 * An answer to `offer`: the offered audio codecs we know (by name, keeping
 * the offer's payload numbers and order), the offer's mid, `a=setup:active`.
 * Throws when the offer has no audio codec in common: the caller then
 * answers 488, as a browser would.
 */
export function webrtcAnswer(origin: SdpOrigin, offer: string): string {
  const shape = sdpShape(offer);
  const codecs: Codec[] = [];
  for (const pt of shape.payloadTypes) {
    const name = shape.rtpmaps[pt]?.toLowerCase() ?? STATIC_NAMES[pt];
    const known = CODECS.find((c) => c.rtpmap.toLowerCase().split('/')[0] === name?.split('/')[0]);
    if (known)
      codecs.push({ pt, rtpmap: shape.rtpmaps[pt] ?? known.rtpmap, extra: pt === known.pt ? known.extra : [] });
  }
  if (codecs.length === 0) throw new Error('the offer has no audio codec in common (opus, PCMU, PCMA)');
  return render(origin, 'active', shape.mid ?? '0', codecs, ANSWER_DIRECTION[shape.direction]);
}

/** RFC 3551 payload types that may come without an rtpmap line. */
const STATIC_NAMES: Record<number, string> = { 0: 'pcmu/8000', 8: 'pcma/8000' };

/** What matters about an SDP for WebRTC, read from its first audio section. */
export type SdpShape = {
  /** `m=audio` transport protocol, e.g. `UDP/TLS/RTP/SAVPF`. */
  protocol: string | undefined;
  payloadTypes: number[];
  /** `a=rtpmap` by payload type, e.g. `111 → opus/48000/2`. */
  rtpmaps: Record<number, string>;
  fingerprint: { hash: string; value: string } | undefined;
  iceUfrag: string | undefined;
  icePwd: string | undefined;
  setup: string | undefined;
  mid: string | undefined;
  rtcpMux: boolean;
  bundle: string[];
  connection: string | undefined;
  /** The audio section's direction attribute (sendrecv when there is none). */
  direction: Direction;
};

/** Reads the WebRTC-relevant lines of an SDP body (session and first audio section). */
export function sdpShape(sdp: string): SdpShape {
  const shape: SdpShape = {
    protocol: undefined,
    payloadTypes: [],
    rtpmaps: {},
    fingerprint: undefined,
    iceUfrag: undefined,
    icePwd: undefined,
    setup: undefined,
    mid: undefined,
    rtcpMux: false,
    bundle: [],
    connection: undefined,
    direction: 'sendrecv',
  };
  let section: 'session' | 'audio' | 'other' = 'session';
  for (const line of sdp.split(/\r?\n/)) {
    if (line.startsWith('m=')) {
      if (section === 'audio' || !line.startsWith('m=audio ')) {
        section = 'other';
        continue;
      }
      section = 'audio';
      const [, , protocol, ...pts] = line.slice(2).split(' ');
      shape.protocol = protocol;
      shape.payloadTypes = pts.map(Number).filter((n) => Number.isInteger(n));
      continue;
    }
    if (section === 'other') continue;
    const [key, value = ''] = splitOnce(line, ':');
    switch (key) {
      case 'a=group':
        if (value.startsWith('BUNDLE')) shape.bundle = value.split(' ').slice(1).filter(Boolean);
        break;
      case 'a=rtpmap': {
        const [pt, name] = splitOnce(value, ' ');
        if (name) shape.rtpmaps[Number(pt)] = name;
        break;
      }
      case 'a=fingerprint': {
        const [hash, fp] = splitOnce(value, ' ');
        if (fp) shape.fingerprint = { hash: hash.toLowerCase(), value: fp };
        break;
      }
      case 'a=ice-ufrag':
        shape.iceUfrag = value;
        break;
      case 'a=ice-pwd':
        shape.icePwd = value;
        break;
      case 'a=setup':
        shape.setup = value;
        break;
      case 'a=mid':
        shape.mid = value;
        break;
      case 'a=rtcp-mux':
        shape.rtcpMux = true;
        break;
      case 'a=sendrecv':
      case 'a=sendonly':
      case 'a=recvonly':
      case 'a=inactive':
        shape.direction = key.slice(2) as Direction;
        break;
      default:
        if (line.startsWith('c=')) shape.connection = line.slice(2);
    }
  }
  return shape;
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + separator.length)];
}
