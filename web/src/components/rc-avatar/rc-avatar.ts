/**
 * `<rc-avatar>`: a person's picture, fetched from the API by extension, or
 * their initials on a colour of their own when there is none.
 */
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { base } from '../shared/styles';

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Initials: the first letters of the first and last words, or the first character of a one-word name. */
export function initials(name: string): string {
  const words = name
    .trim()
    .split(/[\s·・]+/)
    // Letters only: a masked name (*三丰) or punctuation must not become the "initial".
    .map((w) => w.replace(/^[^\p{L}\p{N}]+/u, ''))
    .filter(Boolean);
  const first = (w: string) => segmenter.segment(w)[Symbol.iterator]().next().value?.segment ?? '';
  if (words.length === 0) return '#';
  if (words.length === 1) return first(words[0]!).toUpperCase();
  return (first(words[0]!) + first(words.at(-1)!)).toUpperCase();
}

/**
 * A hue per person: FNV-1a over the seed, so neighbouring extensions get
 * unlike colours. At 45% saturation and 32% lightness white initials keep
 * 4.5:1 on every hue.
 */
function hue(seed: string): number {
  let h = 0x811c9dc5;
  for (const ch of seed) h = Math.imul(h ^ ch.codePointAt(0)!, 0x01000193) >>> 0;
  return h % 360;
}

@customElement('rc-avatar')
export class RcAvatar extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: inline-block;
        width: var(--rc-avatar-size, 96px);
        height: var(--rc-avatar-size, 96px);
      }
      .face {
        width: 100%;
        height: 100%;
        border-radius: 50%;
        display: grid;
        place-items: center;
        overflow: hidden;
        color: #fff;
        font-weight: 700;
        font-size: calc(var(--rc-avatar-size, 96px) * 0.38);
        user-select: none;
      }
      img {
        width: 100%;
        height: 100%;
        object-fit: cover;
      }
    `,
  ];

  /** Whose avatar: the extension is also the colour's seed. */
  @property() extension = '';
  /** The name to draw initials from and to describe the picture with. */
  @property() name = '';
  /** The picture's URL; empty for initials. */
  @property() src = '';
  /** The accessible name; by default "Picture of <name>". */
  @property() label = '';

  @state() private failed = false;

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('src')) this.failed = false;
  }

  override render() {
    const label = this.label || this.name || this.extension;
    const showImage = this.src && !this.failed;
    return html`<div
      class="face"
      role="img"
      aria-label=${label}
      style="background: hsl(${hue(this.extension || this.name)} 45% 32%)"
    >
      ${
        showImage
          ? html`<img src=${this.src} alt="" @error=${() => (this.failed = true)} />`
          : html`<span aria-hidden="true">${initials(this.name || this.extension)}</span>`
      }
      ${nothing}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rc-avatar': RcAvatar;
  }
}
