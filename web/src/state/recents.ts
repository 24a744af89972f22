/**
 * Recent calls, kept only in this browser (the server stores no call
 * history), per signed-in extension, newest first, at most 50.
 */
import type { CallView, EndReason } from '../phone/phone-client';
import type { NameStatus } from '../phone/name-status';

/**
 * One call as this person saw it. For an incoming call `name` and `status`
 * are what the PBX presented (so a nickname stays marked as one); for an
 * outgoing call `status` is null and `name` the directory's nickname.
 */
export type RecentCall = {
  number: string;
  name: string;
  status: NameStatus | null;
  direction: 'outgoing' | 'incoming';
  missed: boolean;
  at: number;
  seconds: number;
  /** How it ended; `busy-here`: they called while this person was in another call. Absent in lists from before. */
  reason?: EndReason | 'busy-here';
};

const MAX = 50;
const key = (extension: string) => `rc.recents.${extension}`;

export function loadRecents(extension: string): RecentCall[] {
  try {
    const parsed = JSON.parse(localStorage.getItem(key(extension)) ?? '[]') as unknown;
    return Array.isArray(parsed) ? (parsed as RecentCall[]).slice(0, MAX) : [];
  } catch {
    return [];
  }
}

/**
 * Adds an ended call; returns the new list. `directoryName` names the other
 * party of an outgoing call (the PBX tells a caller nothing about the callee).
 */
export function rememberCall(extension: string, call: CallView, directoryName = ''): RecentCall[] {
  const entry: RecentCall = {
    number: call.peer.number,
    name: call.peer.status === null ? directoryName : shownName(call.peer),
    status: call.peer.status,
    direction: call.direction,
    missed: call.endReason === 'missed',
    at: call.startedAt,
    seconds: call.answeredAt && call.endedAt ? Math.round((call.endedAt - call.answeredAt) / 1000) : 0,
    ...(call.endReason ? { reason: call.endReason } : {}),
  };
  return save(extension, entry);
}

/** A caller turned away busy while this person was in another call: shown as missed. */
export function rememberBusyHere(extension: string, peer: CallView['peer'], at: number): RecentCall[] {
  return save(extension, {
    number: peer.number,
    name: shownName(peer),
    status: peer.status,
    direction: 'incoming',
    missed: true,
    at,
    seconds: 0,
    reason: 'busy-here',
  });
}

/** The name the PBX presented, none when it said the name is unavailable. */
const shownName = (peer: CallView['peer']) => (peer.status === 'unavailable' ? '' : peer.name);

function save(extension: string, entry: RecentCall): RecentCall[] {
  const list = [entry, ...loadRecents(extension)].slice(0, MAX);
  try {
    localStorage.setItem(key(extension), JSON.stringify(list));
  } catch {
    // storage full or disabled: the list lives for this page only
  }
  return list;
}

export function clearRecents(extension: string): void {
  try {
    localStorage.removeItem(key(extension));
  } catch {
    // nothing to clear
  }
}

const noticeKey = (extension: string) => `rc.firstCallNoticeSeen.${extension}`;

/** Whether this person has seen the one-time notice of what callees will see. */
export function firstCallNoticeSeen(extension: string): boolean {
  try {
    return localStorage.getItem(noticeKey(extension)) === 'yes';
  } catch {
    return false;
  }
}

export function markFirstCallNoticeSeen(extension: string): void {
  try {
    localStorage.setItem(noticeKey(extension), 'yes');
  } catch {
    // shown again next time: better than never
  }
}
