/**
 * `<rc-call-button extension="1002" name="张三丰">`: a call button to put
 * next to a conversation. A click fires `rc-call-request` ({ extension }),
 * which bubbles out of any shadow root to the page's `<rc-phone>`; the
 * button itself holds no phone and no credentials.
 *
 * Attributes: `extension` (required), `name` (for the accessible label),
 * `disabled`. Slot: the button's content (default: a phone icon).
 */
import { css, html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { LocaleController, t } from '../../i18n/i18n';
import { ICONS } from '../shared/icons';
import { base } from '../shared/styles';

@customElement('rc-call-button')
export class RcCallButton extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: inline-block;
      }
      button {
        display: inline-flex;
        align-items: center;
        gap: 0.4em;
      }
    `,
  ];

  @property() extension = '';
  @property() name = '';
  @property({ type: Boolean, reflect: true }) disabled = false;
  private readonly locale = new LocaleController(this);

  override render() {
    void this.locale;
    const valid = /^[0-9]{3,10}$/.test(this.extension);
    return html`<button
      class="primary"
      part="button"
      ?disabled=${this.disabled || !valid}
      aria-label=${t('embed.call', { name: this.name || this.extension })}
      @click=${this.request}
    >
      <slot>${ICONS.phone}</slot>
    </button>`;
  }

  private request(): void {
    this.dispatchEvent(
      new CustomEvent('rc-call-request', { detail: { extension: this.extension }, bubbles: true, composed: true }),
    );
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rc-call-button': RcCallButton;
  }
  interface HTMLElementEventMap {
    'rc-call-request': CustomEvent<{ extension: string }>;
  }
}
