import { describe, expect, it } from 'vitest';
import { CALL_STATES, type CallState, IllegalTransition, nextCall, nextRegistration } from './states';

describe('the call state table', () => {
  const legal: [CallState, CallState][] = [
    ['outgoing', 'ringing'],
    ['ringing', 'active'],
    ['incoming', 'active'],
    ['waiting', 'active'],
    ['waiting', 'incoming'],
    ['active', 'held'],
    ['held', 'active'],
    ['held', 'ended'],
    ['waiting', 'ended'],
  ];
  it.each(legal)('allows %s → %s', (from, to) => expect(nextCall(from, to)).toBe(to));

  const illegal: [CallState, CallState][] = [
    ['ended', 'active'],
    ['incoming', 'held'],
    ['waiting', 'held'],
    ['ringing', 'held'],
    ['held', 'ringing'],
    ['active', 'incoming'],
    ['active', 'waiting'],
    ['incoming', 'waiting'],
  ];
  it.each(illegal)('refuses %s → %s', (from, to) => expect(() => nextCall(from, to)).toThrow(IllegalTransition));

  it('lets every live state end, and nothing leave ended', () => {
    for (const state of CALL_STATES) {
      if (state !== 'ended') expect(nextCall(state, 'ended')).toBe('ended');
      else for (const to of CALL_STATES.filter((s) => s !== 'ended')) expect(() => nextCall('ended', to)).toThrow();
    }
  });

  it('keeps the registration table too', () => {
    expect(nextRegistration('offline', 'connecting')).toBe('connecting');
    expect(() => nextRegistration('offline', 'registered')).toThrow(IllegalTransition);
  });
});
