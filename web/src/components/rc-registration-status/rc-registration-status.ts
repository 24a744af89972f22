/**
 * `<rc-registration-status>`: registered, connecting, reconnecting (with why
 * and when the next try is), offline or failed — said in words, not only
 * colour, and announced politely to screen readers.
 */
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { LocaleController, t } from '../../i18n/i18n';
import type { RegistrationState } from '../../phone/states';
import { base } from '../shared/styles';

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
      button {
        min-height: 2em;
        padding: 0.2em 0.7em;
      }
    `,
  ];

  @property() registration: RegistrationState = 'offline';
  @property() reason: string | null = null;
  @property({ type: Number }) retryAt: number | null = null;
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
    const reason = this.reason ?? '';
    let text: string;
    switch (this.registration) {
      case 'reconnecting':
        text = this.retryAt
          ? t('reg.reconnecting', { reason, seconds: Math.max(0, Math.ceil((this.retryAt - this.now) / 1000)) })
          : t('reg.reconnectingNow', { reason });
        break;
      case 'failed':
        text = t('reg.failed', { reason });
        break;
      default:
        text = t(`reg.${this.registration}`);
    }
    return html`<p role="status" aria-live="polite" data-state=${this.registration}>
      <span class="dot ${this.registration}" aria-hidden="true"></span><span>${text}</span>
      ${
        this.registration === 'failed' || this.registration === 'offline'
          ? html`<button
              @click=${() => this.dispatchEvent(new CustomEvent('rc-retry', { bubbles: true, composed: true }))}
            >
              ${t('reg.retry')}
            </button>`
          : nothing
      }
    </p>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rc-registration-status': RcRegistrationStatus;
  }
}
