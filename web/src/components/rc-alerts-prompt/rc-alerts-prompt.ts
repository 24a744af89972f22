/**
 * `<rc-alerts-prompt>`: offers system notices of calls that ring while the
 * tab is hidden, saying why and what they show before the browser asks —
 * the browser's own question comes only from the "Turn on" click. Blocked:
 * one line on how to allow it again. Allowed, unsupported, or put off with
 * "Not now" (remembered in this browser): nothing. Fires `rc-alerts-dismiss`.
 *
 * Unsupported shows nothing because there is nothing the person could do
 * about it; the tab title and the ringtone still tell them of a call.
 */
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { LocaleController, t } from '../../i18n/i18n';
import type { AlertPermission, CallAlerts } from '../../state/call-alerts';
import { base } from '../shared/styles';

/** Set once the person chose "Not now" (or hid the blocked line). */
export const ALERTS_DISMISSED_KEY = 'rc.alerts.dismissed';

function dismissedHere(): boolean {
  try {
    return localStorage.getItem(ALERTS_DISMISSED_KEY) === '1';
  } catch {
    return false;
  }
}

@customElement('rc-alerts-prompt')
export class RcAlertsPrompt extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      section {
        border: 1px solid var(--rc-line);
        border-radius: var(--rc-radius);
        padding: 0.8rem 1rem;
      }
      h2 {
        font-size: 1rem;
        margin: 0 0 0.3rem;
      }
      p {
        margin: 0;
        font-size: 0.95rem;
      }
      .buttons {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        margin-top: 0.7rem;
      }
      .blocked {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5em;
        color: var(--rc-muted);
      }
      .blocked button {
        min-height: 2em;
        padding: 0.2em 0.7em;
      }
    `,
  ];

  /** The page's call alerts (only `permission`, `subscribe` and `ask` are used). */
  @property({ attribute: false }) alerts: Pick<CallAlerts, 'permission' | 'subscribe' | 'ask'> | null = null;
  @state() private permission: AlertPermission = 'unsupported';
  @state() private dismissed = dismissedHere();
  @state() private asking = false;
  private unsubscribe: (() => void) | undefined;
  private readonly locale = new LocaleController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    // Moved in the page: follow again (the first time, willUpdate does).
    if (this.hasUpdated) this.follow();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('alerts')) this.follow();
  }

  private follow(): void {
    this.unsubscribe?.();
    this.unsubscribe = this.alerts?.subscribe((p) => (this.permission = p));
    if (!this.alerts) this.permission = 'unsupported';
  }

  private async turnOn(): Promise<void> {
    if (!this.alerts) return;
    this.asking = true;
    try {
      this.permission = await this.alerts.ask();
    } finally {
      this.asking = false;
    }
  }

  private dismiss(): void {
    this.dismissed = true;
    try {
      localStorage.setItem(ALERTS_DISMISSED_KEY, '1');
    } catch {
      // private mode: hidden for this page only
    }
    this.dispatchEvent(new CustomEvent('rc-alerts-dismiss', { bubbles: true, composed: true }));
  }

  override render() {
    void this.locale;
    if (this.dismissed) return nothing;
    if (this.permission === 'default') {
      return html`<section aria-labelledby="alerts-title">
        <h2 id="alerts-title">${t('alerts.title')}</h2>
        <p>${t('alerts.why')}</p>
        <div class="buttons">
          <button class="primary" ?disabled=${this.asking} @click=${() => void this.turnOn()}>
            ${t('alerts.turnOn')}
          </button>
          <button @click=${() => this.dismiss()}>${t('alerts.notNow')}</button>
        </div>
      </section>`;
    }
    if (this.permission === 'denied') {
      return html`<p class="blocked">
        <span>${t('alerts.denied')}</span><button @click=${() => this.dismiss()}>${t('alerts.hide')}</button>
      </p>`;
    }
    return nothing;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rc-alerts-prompt': RcAlertsPrompt;
  }
  interface HTMLElementEventMap {
    'rc-alerts-dismiss': CustomEvent<Record<string, never>>;
  }
}
