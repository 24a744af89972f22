import { describe, expect, it } from 'vitest';
import { readPeerConnection } from './peer-connection';

describe('readPeerConnection', () => {
  it('reads the two words of the PBX’s peer-connection NOTIFY, whatever their case', () => {
    expect(readPeerConnection('x-realcall-peer-connection', 'reconnecting')).toBe(true);
    expect(readPeerConnection('X-RealCall-Peer-Connection;id=1', ' Connected ')).toBe(false);
  });

  it('takes nothing else: another event package, a missing or unknown word', () => {
    expect(readPeerConnection('x-realcall-presentation', 'reconnecting')).toBeUndefined();
    expect(readPeerConnection(undefined, 'reconnecting')).toBeUndefined();
    expect(readPeerConnection('x-realcall-peer-connection', undefined)).toBeUndefined();
    expect(readPeerConnection('x-realcall-peer-connection', 'Your Bank')).toBeUndefined();
  });
});
