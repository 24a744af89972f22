/**
 * The call screen's second line: a call waiting beside the one in view
 * (with the caller's name and status, as the PBX presented them), a call on
 * hold to switch to, or one that just ended. A template, rendered inside
 * `<rc-call-screen>`, which turns its buttons into events.
 */
import { html, nothing } from 'lit';
import { t } from '../../i18n/i18n';
import type { CallView } from '../../phone/phone-client';
import '../rc-name-badge/rc-name-badge';

export type OtherCallsProps = {
  /** The name to show for a call ('' for none), as the screen decides it. */
  nameOf: (call: CallView) => string;
  /** The call in view is being talked on: answering the waiting one holds it first. */
  talking: boolean;
  onAnswer: (id: number) => void;
  onDecline: (id: number) => void;
  onSwitch: (id: number) => void;
};

export function otherCalls(calls: readonly CallView[], p: OtherCallsProps) {
  if (calls.length === 0) return nothing;
  return html`<section class="others" aria-label=${t('call.otherCalls')}>
    ${calls.map((call) => otherCall(call, p))}
  </section>`;
}

function otherCall(call: CallView, p: OtherCallsProps) {
  const name = p.nameOf(call);
  const label = name || call.peer.number;
  return html`<div class="other ${call.state}" role="group" aria-label=${label} data-call=${call.id}>
    <rc-name-badge name=${name} .status=${call.peer.status} number=${call.peer.number}></rc-name-badge>
    <p class="state">${stateText(call)}</p>
    ${
      call.state === 'waiting'
        ? html`<p class="visually-hidden" role="alert">
              ${t('call.waitingAnnounce', { name: label, status: t(`status.${call.peer.status ?? 'directory'}`) })}
            </p>
            <div class="answer">
              <button class="ok" @click=${() => p.onAnswer(call.id)}>
                ${p.talking ? t('call.holdAndAnswer') : t('call.accept')}
              </button>
              <button class="danger" @click=${() => p.onDecline(call.id)}>${t('call.decline')}</button>
            </div>`
        : nothing
    }
    ${
      call.state === 'held' || call.state === 'active'
        ? html`<button class="switch" @click=${() => p.onSwitch(call.id)}>${t('call.switch')}</button>`
        : nothing
    }
  </div>`;
}

/** A call's state in words; for an ended call, how it ended. */
export function stateText(call: CallView): string {
  if (call.state === 'ended' && call.endReason) {
    return t(`end.${call.endReason}`, {
      seconds: Math.round(((call.endedAt ?? call.startedAt) - call.startedAt) / 1000),
    });
  }
  return t(`call.${call.state}`);
}
