/**
 * Call views as the phone client publishes them, for tests of the screens
 * that render calls (the call screen, the zh-CN walk): an incoming verified
 * call unless told otherwise.
 */
import { NO_CONNECTION } from '../phone/connection';
import type { CallView } from '../phone/phone-client';

export function callView(overrides: Partial<CallView> = {}, peer: Partial<CallView['peer']> = {}): CallView {
  return {
    id: 1,
    direction: 'incoming',
    state: 'incoming',
    peer: { number: '1002', name: '张三丰', status: 'verified', ...peer },
    peerChangedAt: null,
    remoteHeld: false,
    peerReconnecting: false,
    startedAt: Date.now(),
    answeredAt: null,
    endedAt: null,
    endReason: null,
    muted: false,
    remoteStream: null,
    connection: { ...NO_CONNECTION, state: 'ok' },
    ...overrides,
  };
}

export const active = (overrides: Partial<CallView> = {}, peer: Partial<CallView['peer']> = {}) =>
  callView({ state: 'active', answeredAt: Date.now() - 65_000, ...overrides }, peer);
