/**
 * `<rc-name-badge>`: the name beneath an avatar, with what it is worth said
 * unmistakably: a verified mark for `verified` and `masked`, "nickname, not a
 * real name" for `hidden`, "unverified", or "name unavailable" (then no name
 * at all, only the number). `status` null means the PBX said nothing (an
 * outgoing call): the name is then the directory's nickname, labelled so.
 */
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { LocaleController, t } from '../../i18n/i18n';
import type { NameStatus } from '../../phone/name-status';
import { ICONS } from '../shared/icons';
import { base } from '../shared/styles';

@customElement('rc-name-badge')
export class RcNameBadge extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
        text-align: center;
      }
      .name {
        font-size: var(--rc-name-size, 1.6rem);
        font-weight: 700;
        overflow-wrap: anywhere;
        margin: 0;
      }
      .mark {
        display: inline-flex;
        align-items: center;
        gap: 0.35em;
        margin-top: 0.3em;
        padding: 0.15em 0.6em;
        border-radius: 999px;
        font-size: 0.9rem;
        font-weight: 600;
      }
      .verified,
      .masked {
        background: #dafbe1;
        color: #116329;
      }
      .hidden,
      .directory {
        background: #eaeef2;
        color: #424a53;
      }
      .unverified {
        background: #fff8c5;
        color: #7d4e00;
      }
      .unavailable {
        background: #ffebe9;
        color: #a40e26;
      }
    `,
  ];

  @property() name = '';
  @property() status: NameStatus | null = null;
  @property() number = '';

  private readonly locale = new LocaleController(this);

  override render() {
    void this.locale;
    const kind = this.status ?? 'directory';
    const shownName = kind === 'unavailable' ? '' : this.name;
    const icon =
      kind === 'verified' || kind === 'masked'
        ? ICONS.check
        : kind === 'unavailable' || kind === 'unverified'
          ? ICONS.alert
          : ICONS.dot;
    return html`
      ${shownName ? html`<p class="name" part="name">${shownName}</p>` : nothing}
      <span class="mark ${kind}" part="mark" data-status=${kind}>
        <span aria-hidden="true">${icon}</span>${t(`status.${kind}`)}
      </span>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rc-name-badge': RcNameBadge;
  }
}
