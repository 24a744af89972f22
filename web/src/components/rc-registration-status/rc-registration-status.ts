/**
 * `<rc-registration-status>`: whether calls can be made, in a few words that
 * fit one header row — "Ready for calls", "Connecting…", "Calls unavailable ·
 * next try in 7 s" — with a "Try now" button whenever calls are unavailable.
 * The why, in a full sentence, is `whyCallsUnavailable()`: the Phone page
 * shows it beside the greyed Call buttons, and this element's `title` too.
 * Announced politely to screen readers.
 */
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { LocaleController, t } from '../../i18n/i18n';
import type { RegistrationCause, RegistrationState } from '../../phone/states';
import { base } from '../shared/styles';

/** Why calls cannot be made now, in a sentence in the page's language; '' when they can. */
export function whyCallsUnavailable(
  registration: RegistrationState,
  cause: RegistrationCause | null,
  options: { deviceOffline?: boolean; inCall?: boolean } = {},
): string {
  if (options.inCall) return t('reg.why.inCall');
  if (registration === 'registered') return '';
  if (options.deviceOffline) return t('reg.why.device-offline');
  if (registration === 'connecting' && !cause) return t('reg.why.connecting');
  if (registration === 'offline') return t('reg.why.offline');
  return t(`reg.why.${cause ?? 'pbx-unreachable'}`);
}

@customElement('rc-registration-status')
export class RcRegistrationStatus extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      p {
        display: flex;
        align-items: center;
        gap: 0.5em;
        margin: 0;
        font-size: 0.95rem;
        white-space: nowrap;
      }
      .dot {
        width: 0.7em;
        height: 0.7em;
        border-radius: 50%;
        flex: none;
      }
      .registered {
        background: var(--rc-ok);
      }
      .connecting,
      .reconnecting {
        background: var(--rc-warn);
      }
      .offline,
      .failed {
        background: var(--rc-danger);
      }
      .when {
        color: var(--rc-muted);
        /* The countdown does not move the row each second. */
        font-variant-numeric: tabular-nums;
      }
      button[aria-disabled='true'] {
        opacity: 0.6;
        cursor: progress;
      }
      button {
        min-height: 2em;
        padding: 0.2em 0.7em;
      }
    `,
  ];

  @property() registration: RegistrationState = 'offline';
  @property({ attribute: false }) cause: RegistrationCause | null = null;
  @property({ type: Number }) retryAt: number | null = null;
  /** The browser says it has no network at all. */
  @property({ type: Boolean }) deviceOffline = false;
  @state() private now = Date.now();
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly locale = new LocaleController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    this.timer = setInterval(() => (this.now = Date.now()), 1000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.timer);
  }

  override render() {
    void this.locale;
    const registration = this.registration;
    // Connecting again after a loss is still "unavailable": the countdown is over, a try is under way.
    const retrying = registration === 'connecting' && this.cause !== null;
    const text =
      registration === 'registered' || registration === 'offline' || (registration === 'connecting' && !retrying)
        ? t(`reg.${registration}`)
        : t('reg.unavailable');
    const when =
      registration === 'reconnecting' && this.retryAt
        ? t('reg.nextTry', { seconds: Math.max(0, Math.ceil((this.retryAt - this.now) / 1000)) })
        : registration === 'reconnecting' || retrying
          ? t('reg.trying')
          : '';
    const why = whyCallsUnavailable(registration, this.cause, { deviceOffline: this.deviceOffline });
    return html`<p role="status" aria-live="polite" data-state=${registration} title=${why || nothing}>
      <span class="dot ${registration}" aria-hidden="true"></span><span>${text}</span>
      ${when ? html`<span class="when">· ${when}</span>` : nothing}
      ${
        registration === 'reconnecting' || registration === 'failed' || registration === 'offline' || retrying
          ? // Kept (not removed, not disabled) while the try it started runs, so focus stays where it was.
            html`<button
              aria-describedby="why"
              aria-disabled=${retrying ? 'true' : 'false'}
              @click=${() => {
                if (!retrying) this.dispatchEvent(new CustomEvent('rc-retry', { bubbles: true, composed: true }));
              }}
            >
              ${t('reg.retry')}
            </button>`
          : nothing
      }
      <span class="visually-hidden" id="why">${why}</span>
    </p>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rc-registration-status': RcRegistrationStatus;
  }
}
