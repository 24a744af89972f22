import { describe, expect, it } from 'vitest';
import { offerHolds } from './hold';

const offer = (audio: string[], session: string[] = []) =>
  [
    'v=0',
    'o=- 1 2 IN IP4 192.0.2.1',
    's=-',
    'c=IN IP4 192.0.2.1',
    't=0 0',
    ...session,
    'm=audio 4000 RTP/AVP 0',
    ...audio,
  ]
    .join('\r\n')
    .concat('\r\n');

describe('offerHolds', () => {
  it.each([
    ['sendonly', ['a=sendonly'], [], true],
    ['inactive', ['a=inactive'], [], true],
    ['sendrecv', ['a=sendrecv'], [], false],
    ['recvonly (the other side only listens)', ['a=recvonly'], [], false],
    ['no direction at all', [], [], false],
    ['a session-level sendonly', [], ['a=sendonly'], true],
    ['a media-level sendrecv over a session-level sendonly', ['a=sendrecv'], ['a=sendonly'], false],
  ])('%s', (_what, audio, session, holds) => expect(offerHolds(offer(audio, session))).toBe(holds));

  it('does not read c=0.0.0.0 as hold (ICE offers carry it)', () => {
    expect(offerHolds(offer(['a=sendrecv']).replace('c=IN IP4 192.0.2.1', 'c=IN IP4 0.0.0.0'))).toBe(false);
  });

  it('reads only the audio section, and nothing from no body', () => {
    const withVideo = offer(['a=sendrecv']).concat('m=video 4002 RTP/AVP 96\r\na=sendonly\r\n');
    expect(offerHolds(withVideo)).toBe(false);
    expect(offerHolds(undefined)).toBe(false);
    expect(offerHolds('')).toBe(false);
  });
});
