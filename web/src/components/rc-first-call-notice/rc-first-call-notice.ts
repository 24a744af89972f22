/**
 * `<rc-first-call-notice>`: before a person's very first call, says which
 * name the callee will see (the API's preview for the current choice) and
 * links to the privacy settings, so nobody is surprised by it. Fires
 * `rc-notice-continue` or `rc-notice-cancel`.
 */
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Presentation } from '../../api/client';
import { LocaleController, t } from '../../i18n/i18n';
import '../rc-name-badge/rc-name-badge';
import { base } from '../shared/styles';

@customElement('rc-first-call-notice')
export class RcFirstCallNotice extends LitElement {
  static override styles = [
    base,
    css`
      dialog {
        border: none;
        border-radius: 16px;
        padding: 1.5rem;
        max-width: 26rem;
        box-shadow: 0 12px 40px rgb(0 0 0 / 0.3);
      }
      .buttons {
        display: flex;
        flex-wrap: wrap;
        gap: 0.6rem;
        margin-top: 1.2rem;
      }
    `,
  ];

  @property({ attribute: false }) shown: Presentation | null = null;
  private readonly locale = new LocaleController(this);

  override firstUpdated(): void {
    this.renderRoot.querySelector('dialog')?.showModal();
  }

  override render() {
    void this.locale;
    const fire = (name: string) => () => this.dispatchEvent(new CustomEvent(name, { bubbles: true, composed: true }));
    return html`<dialog aria-labelledby="notice-title" @cancel=${fire('rc-notice-cancel')}>
      <h2 id="notice-title">${t('notice.title')}</h2>
      <p>${t('notice.body')}</p>
      ${this.shown ? html`<rc-name-badge name=${this.shown.name} .status=${this.shown.status} number=${this.shown.num}></rc-name-badge>` : nothing}
      <div class="buttons">
        <button class="primary" autofocus @click=${fire('rc-notice-continue')}>${t('notice.continue')}</button>
        <a href="#/privacy" @click=${fire('rc-notice-cancel')}>${t('notice.change')}</a>
        <button @click=${fire('rc-notice-cancel')}>${t('notice.cancel')}</button>
      </div>
    </dialog>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rc-first-call-notice': RcFirstCallNotice;
  }
}
