/**
 * The call screen and the first-call notice wired to a PhoneSession: the
 * same bindings for the full app (`<rc-app>`) and the embeddable
 * `<rc-phone>`.
 */
import { html, nothing } from 'lit';
import type { CallView } from '../../phone/phone-client';
import type { PhoneSession } from '../../state/phone-session';
import '../rc-call-screen/rc-call-screen';
import '../rc-first-call-notice/rc-first-call-notice';

export function callScreen(session: PhoneSession, call: CallView, onFloating?: (floating: boolean) => void) {
  return html`<rc-call-screen
    .call=${call}
    avatarSrc=${session.avatarSrc()}
    directoryName=${session.peerCard?.extension === call.peer.number ? session.peerCard.nickname : ''}
    ?soundBlocked=${session.soundBlocked}
    ?ringback=${session.ringback.playing}
    @rc-answer=${() => void session.answer()}
    @rc-decline=${() => void session.decline()}
    @rc-hangup=${() => void session.hangup()}
    @rc-mute=${(e: CustomEvent<{ muted: boolean }>) => void session.setMuted(e.detail.muted)}
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
