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
 * A call (one line of the phone; a phone has at most two, see call-lines.ts):
 *
 *     idle ──dial──▶ outgoing ──180──▶ ringing ──200──▶ active ◀──resume──▶ held
 *       │               └──────────────────┴──rejected/cancel──▶ ended    (hold)
 *       ├──INVITE──▶ incoming ──accept──▶ active
 *       │               └──decline/cancelled/answered elsewhere──▶ ended
 *       └──INVITE while another call is on──▶ waiting ──accept──▶ active
 *                       │    (the other call is held first)
 *                       └──the other call ended──▶ incoming
 *
 * `held` is this side's hold (our re-INVITE, a=sendonly); the other side's
 * hold is the call's `remoteHeld` flag, whatever our own state is. Every
 * live state may end. No early media: a caller hears a local ringback.
 */

export const REGISTRATION_STATES = ['offline', 'connecting', 'registered', 'reconnecting', 'failed'] as const;
export type RegistrationState = (typeof REGISTRATION_STATES)[number];

/**
 * Why the phone is not registered, for the page to say in words: the
 * browser's network changed, the PBX does not answer (never reached, or the
 * WebSocket could not be opened again), the connection to it dropped, it
 * refused the registration, or it refused this account's credentials.
 */
export const REGISTRATION_CAUSES = [
  'network-changed',
  'pbx-unreachable',
  'connection-lost',
  'refused',
  'credentials',
] as const;
export type RegistrationCause = (typeof REGISTRATION_CAUSES)[number];

const REGISTRATION_MOVES: Record<RegistrationState, readonly RegistrationState[]> = {
  offline: ['connecting'],
  connecting: ['registered', 'reconnecting', 'failed', 'offline'],
  registered: ['reconnecting', 'connecting', 'failed', 'offline'],
  reconnecting: ['connecting', 'registered', 'failed', 'offline'],
  failed: ['connecting', 'offline'],
};

export const CALL_STATES = ['outgoing', 'ringing', 'incoming', 'waiting', 'active', 'held', 'ended'] as const;
export type CallState = (typeof CALL_STATES)[number];

const CALL_MOVES: Record<CallState, readonly CallState[]> = {
  outgoing: ['ringing', 'active', 'ended'],
  ringing: ['active', 'ended'],
  incoming: ['active', 'ended'],
  waiting: ['incoming', 'active', 'ended'],
  active: ['held', 'ended'],
  held: ['active', 'ended'],
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
