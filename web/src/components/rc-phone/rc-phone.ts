/**
 * `<rc-phone>`: the phone without the app around it, for someone else's
 * page. Put one anywhere on the page (it shows nothing until there is a
 * call); it signs in with the page's RealCall session, registers, answers
 * `rc-call-request` events from any `<rc-call-button>` on the page, and shows
 * the call screen — incoming calls included — over the page.
 *
 * Attributes: `api` (the API's base URL, default same origin).
 * Events: `rc-phone-ready` ({ extension }) once registered for the first
 * time; `rc-phone-error` ({ message }) when it cannot start (e.g. not
 * signed in).
 */
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { Api } from '../../api/client';
import { LocaleController } from '../../i18n/i18n';
import { PhoneSession } from '../../state/phone-session';
import { callScreen, firstCallNotice } from '../shared/phone-views';
import { base } from '../shared/styles';

export type CallRequestEvent = CustomEvent<{ extension: string }>;

@customElement('rc-phone')
export class RcPhone extends LitElement {
  static override styles = [
    base,
    css`
      .layer {
        position: fixed;
        right: 1rem;
        bottom: 1rem;
        width: min(24rem, calc(100vw - 2rem));
        z-index: 2147482000;
        box-shadow: 0 12px 40px rgb(0 0 0 / 0.35);
        border-radius: 16px;
      }
    `,
  ];

  @property({ attribute: 'api' }) apiBase = '';
  private api = new Api();
  private session = new PhoneSession(this, this.api);
  private readonly locale = new LocaleController(this);
  private announced = false;
  private readonly onRequest = (e: Event) => {
    const { extension } = (e as CallRequestEvent).detail;
    e.stopPropagation();
    void this.session.dial(extension);
  };

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.apiBase) {
      this.api = new Api(this.apiBase);
      this.session = new PhoneSession(this, this.api);
    }
    document.addEventListener('rc-call-request', this.onRequest);
    void this.start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('rc-call-request', this.onRequest);
    void this.session.stop();
  }

  /** Whether the phone is registered and free for a call. */
  get ready(): boolean {
    return this.session.snapshot.registration === 'registered' && !this.session.snapshot.call;
  }

  private async start(): Promise<void> {
    try {
      await this.session.start(await this.api.me());
    } catch (err) {
      this.fire('rc-phone-error', { message: err instanceof Error ? err.message : String(err) });
    }
  }

  override updated(): void {
    if (!this.announced && this.session.snapshot.registration === 'registered' && this.session.me) {
      this.announced = true;
      this.fire('rc-phone-ready', { extension: this.session.me.extension });
    }
  }

  override render() {
    void this.locale;
    const call = this.session.snapshot.call;
    return html`${call ? html`<div class="layer">${callScreen(this.session, call)}</div>` : nothing}
    ${firstCallNotice(this.session)}`;
  }

  private fire(name: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rc-phone': RcPhone;
  }
  interface DocumentEventMap {
    'rc-call-request': CallRequestEvent;
  }
}
