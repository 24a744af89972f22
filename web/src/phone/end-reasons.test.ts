import { describe, expect, it } from 'vitest';
import { END_REASONS, q850Cause, reasonForBye, reasonForCancel, reasonForResponse } from './end-reasons';

describe('how a call ended, from what the PBX sent', () => {
  it.each([
    [603, 'declined'],
    [486, 'busy'],
    [600, 'busy'],
    [408, 'no-answer'],
    [480, 'unavailable'],
    [404, 'not-found'],
    [403, 'refused'],
    [487, 'cancelled'],
    [503, 'failed'],
    [500, 'failed'],
    [488, 'failed'],
  ] as const)('a final %i is "%s"', (code, reason) => {
    expect(reasonForResponse(code)).toBe(reason);
  });

  it('gives every distinct dialplan answer its own reason', () => {
    // asterisk/conf/extensions.conf [realcall-dialstatus]: SELF 403, NOTFOUND 404, UNREGISTERED 480, BUSY 486, NOANSWER 408, declined 603.
    const reasons = [403, 404, 480, 486, 408, 603].map(reasonForResponse);
    expect(new Set(reasons).size).toBe(reasons.length);
    for (const r of reasons) expect(END_REASONS).toContain(r);
  });

  it('reads a BYE for a lost connection apart from a hang-up', () => {
    expect(reasonForBye('Q.850;cause=44')).toBe('connection-lost');
    expect(reasonForBye('Q.850;cause=38;text="network out of order"')).toBe('connection-lost');
    expect(reasonForBye('Q.850;cause=16')).toBe('remote-hangup');
    expect(reasonForBye(undefined)).toBe('remote-hangup');
    expect(reasonForBye('garbage cause=44')).toBe('remote-hangup');
  });

  it('reads a CANCEL for a call answered on another device apart from a missed one', () => {
    expect(reasonForCancel('SIP;cause=200;text="Call completed elsewhere"')).toBe('answered-elsewhere');
    expect(reasonForCancel('Q.850;cause=26')).toBe('answered-elsewhere');
    expect(reasonForCancel('Q.850;cause=16')).toBe('missed');
    expect(reasonForCancel(undefined)).toBe('missed');
  });

  it('parses the Q.850 cause only from a Q.850 reason', () => {
    expect(q850Cause('Q.850 ; cause = 44')).toBe(44);
    expect(q850Cause('SIP;cause=200')).toBeUndefined();
  });
});
