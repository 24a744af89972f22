import { describe, expect, test } from 'vitest';
import { parseNameAddr, parseSipMessage, quoteDisplayName, uriUser } from './sip-message';

const INVITE = [
  'INVITE sip:1006@realcall.test SIP/2.0',
  'Via: SIP/2.0/WSS pbx.invalid;branch=z9hG4bK1',
  'f: "张三丰" <sip:1002@realcall.test>;tag=abc',
  'To: <sip:1006@realcall.test>',
  'i: call-1',
  'CSeq: 1 INVITE',
  'X-RealCall-Name-Status: verified',
  'x-realcall-name-status: masked',
  'Subject: a long',
  '  folded line',
  'Content-Length: 4',
  '',
  'body',
].join('\r\n');

describe('parseSipMessage', () => {
  test('reads a request: compact names expanded, names lower-cased, repeats kept, folds joined', () => {
    const msg = parseSipMessage(INVITE)!;
    expect(msg.method).toBe('INVITE');
    expect(msg.requestUri).toBe('sip:1006@realcall.test');
    expect(msg.headers.from).toEqual(['"张三丰" <sip:1002@realcall.test>;tag=abc']);
    expect(msg.headers['call-id']).toEqual(['call-1']);
    expect(msg.headers['x-realcall-name-status']).toEqual(['verified', 'masked']);
    expect(msg.headers.subject).toEqual(['a long folded line']);
    expect(msg.body).toBe('body');
  });

  test('reads a response and refuses what is not SIP', () => {
    const msg = parseSipMessage('SIP/2.0 486 Busy Here\r\nCall-ID: x\r\n\r\n')!;
    expect(msg).toMatchObject({ status: 486, reason: 'Busy Here', headers: { 'call-id': ['x'] } });
    expect(parseSipMessage('hello world')).toBeUndefined();
  });
});

describe('parseNameAddr', () => {
  test('undoes quoted-pair escapes exactly once and keeps header parameters apart', () => {
    const value = '"Bank\\" <sip:95566@bank.example>;x=\\"" <sip:1002@realcall.test>;tag=t1';
    expect(parseNameAddr(value)).toEqual({
      displayName: 'Bank" <sip:95566@bank.example>;x="',
      uri: 'sip:1002@realcall.test',
      user: '1002',
      params: { tag: 't1' },
    });
  });

  test('reads token display names, bare addr-specs and no display name', () => {
    expect(parseNameAddr('Alice Chen <sip:1005@x>').displayName).toBe('Alice Chen');
    expect(parseNameAddr('sip:1005@x;tag=9')).toMatchObject({
      displayName: '',
      uri: 'sip:1005@x',
      params: { tag: '9' },
    });
    expect(parseNameAddr('<sip:anonymous@anonymous.invalid>').user).toBe('anonymous');
  });

  test('percent-decodes the user part', () => {
    expect(uriUser('sip:%2B8610@x')).toBe('+8610');
    expect(uriUser('sip:x.example')).toBe('');
  });

  test('quoteDisplayName escapes what parseNameAddr unescapes', () => {
    const name = 'a"b\\c';
    expect(parseNameAddr(`${quoteDisplayName(name)} <sip:1@x>`).displayName).toBe(name);
  });
});
