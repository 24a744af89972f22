/**
 * The call screen and the first-call notice wired to a PhoneSession: the
 * same bindings for the full app (`<rc-app>`) and the embeddable
 * `<rc-phone>`.
 */
import { html, nothing } from 'lit';
import type { CallView } from '../../phone/phone-client';
import type { PhoneSession } from '../../state/phone-session';
import type { CallIdEvent } from '../rc-call-screen/rc-call-screen';
import '../rc-call-screen/rc-call-screen';
import '../rc-first-call-notice/rc-first-call-notice';

export function callScreen(session: PhoneSession, call: CallView, onFloating?: (floating: boolean) => void) {
  const others = session.snapshot.calls.filter((c) => c.id !== call.id);
  return html`<rc-call-screen
    .call=${call}
    .others=${others}
    .directoryNames=${Object.fromEntries(others.map((c) => [c.peer.number, session.directoryName(c.peer.number)]))}
    avatarSrc=${session.avatarSrc()}
    directoryName=${session.directoryName(call.peer.number)}
    ?directoryUnavailable=${session.directoryUnavailable(call.peer.number)}
    ?soundBlocked=${session.soundBlocked}
    ?ringback=${session.ringback.playing}
    .devices=${session.devices}
    deviceNotice=${session.deviceNotice}
    @rc-answer=${(e: CallIdEvent) => void session.answer(e.detail.id)}
    @rc-decline=${(e: CallIdEvent) => void session.decline(e.detail.id)}
    @rc-hangup=${() => void session.hangup()}
    @rc-mute=${(e: CustomEvent<{ muted: boolean }>) => void session.setMuted(e.detail.muted)}
    @rc-hold=${(e: CustomEvent<{ held: boolean }>) => void session.setHeld(e.detail.held)}
    @rc-switch=${(e: CustomEvent<{ id: number }>) => void session.switchTo(e.detail.id)}
    @rc-dtmf=${(e: CustomEvent<{ tone: string }>) => session.sendDtmf(e.detail.tone)}
    @rc-floating=${(e: CustomEvent<{ floating: boolean }>) => onFloating?.(e.detail.floating)}
  ></rc-call-screen>`;
}

/** The one-time notice before a person's first call, while one is waiting for it. */
export function firstCallNotice(session: PhoneSession) {
  if (!session.pendingCall) return nothing;
  return html`<rc-first-call-notice
    .shown=${session.ownPresentation}
    @rc-notice-continue=${() => void session.confirmFirstCall()}
    @rc-notice-cancel=${() => session.cancelFirstCall()}
  ></rc-first-call-notice>`;
}
