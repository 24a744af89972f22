/**
 * The phone's two state machines, written down.
 *
 * Registration:
 *
 *     offline ──start──▶ connecting ──registered──▶ registered
 *        ▲                │    ▲                        │
 *        │          failed│    └──────reconnected───┐   │ transport lost
 *        │                ▼                         │   ▼
 *        └──stop──── failed (credentials refused)  reconnecting
 *        └──stop──────────────────────────────────────────┘
 *
 * A call:
 *
 *     idle ──dial──▶ outgoing ──180──▶ ringing ──200──▶ active ──bye──▶ ended
 *       │               └──────────────────┴──rejected/cancel──────────▶ ended
 *       └──INVITE──▶ incoming ──accept──▶ active
 *                       └──decline/cancelled──────────────────────────▶ ended
 */

export const REGISTRATION_STATES = ['offline', 'connecting', 'registered', 'reconnecting', 'failed'] as const;
export type RegistrationState = (typeof REGISTRATION_STATES)[number];

const REGISTRATION_MOVES: Record<RegistrationState, readonly RegistrationState[]> = {
  offline: ['connecting'],
  connecting: ['registered', 'reconnecting', 'failed', 'offline'],
  registered: ['reconnecting', 'connecting', 'failed', 'offline'],
  reconnecting: ['connecting', 'registered', 'failed', 'offline'],
  failed: ['connecting', 'offline'],
};

export const CALL_STATES = ['outgoing', 'ringing', 'incoming', 'active', 'ended'] as const;
export type CallState = (typeof CALL_STATES)[number];

const CALL_MOVES: Record<CallState, readonly CallState[]> = {
  outgoing: ['ringing', 'active', 'ended'],
  ringing: ['active', 'ended'],
  incoming: ['active', 'ended'],
  active: ['ended'],
  ended: [],
};

export class IllegalTransition extends Error {
  override name = 'IllegalTransition';
}

/** The next registration state, or an IllegalTransition for a move the diagram does not have. */
export function nextRegistration(from: RegistrationState, to: RegistrationState): RegistrationState {
  if (from === to || REGISTRATION_MOVES[from].includes(to)) return to;
  throw new IllegalTransition(`registration: ${from} → ${to}`);
}

/** The next call state, or an IllegalTransition. */
export function nextCall(from: CallState, to: CallState): CallState {
  if (from === to || CALL_MOVES[from].includes(to)) return to;
  throw new IllegalTransition(`call: ${from} → ${to}`);
}
