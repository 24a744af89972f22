/**
 * `<rc-dialpad>`: twelve keys. Each press fires `rc-digit` with the key; the
 * keyboard's digits, * and # work too when the pad has focus.
 */
import { css, html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { base } from '../shared/styles';

export const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'] as const;
const LETTERS: Record<string, string> = {
  '2': 'ABC',
  '3': 'DEF',
  '4': 'GHI',
  '5': 'JKL',
  '6': 'MNO',
  '7': 'PQRS',
  '8': 'TUV',
  '9': 'WXYZ',
};

export type DigitEvent = CustomEvent<{ digit: string }>;

@customElement('rc-dialpad')
export class RcDialpad extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      .pad {
        display: grid;
        grid-template-columns: repeat(3, 1fr);
        gap: 0.5rem;
        max-width: 18rem;
        margin: 0 auto;
      }
      button {
        font-size: 1.4rem;
        min-height: 3.2rem;
        line-height: 1;
      }
      small {
        display: block;
        font-size: 0.6rem;
        letter-spacing: 0.1em;
        color: var(--rc-muted);
      }
    `,
  ];

  /** The accessible name of the group. */
  @property() label = 'Keypad';

  override render() {
    return html`<div class="pad" role="group" aria-label=${this.label} @keydown=${this.onKey}>
      ${KEYS.map(
        (k) =>
          html`<button type="button" data-key=${k} @click=${() => this.press(k)}>
            ${k}<small aria-hidden="true">${LETTERS[k] ?? ' '}</small>
          </button>`,
      )}
    </div>`;
  }

  private onKey(e: KeyboardEvent): void {
    if ((KEYS as readonly string[]).includes(e.key) && !(e.target instanceof HTMLButtonElement && e.key === ' ')) {
      e.preventDefault();
      this.press(e.key);
    }
  }

  private press(digit: string): void {
    this.dispatchEvent(new CustomEvent('rc-digit', { detail: { digit }, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rc-dialpad': RcDialpad;
  }
  interface HTMLElementEventMap {
    'rc-digit': DigitEvent;
  }
}
