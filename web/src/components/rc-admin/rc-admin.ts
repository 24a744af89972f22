/**
 * `<rc-admin>`: the admin console — the verification queue, people, CSV
 * import and the audit log, each a section of its own (queue.ts,
 * people.ts, import.ts, audit.ts). What a section did is said here, in one
 * polite live region, in words naming the person and the action; the other
 * sections then show the change too. Works from a 390 px phone up: each
 * section's list reads as a table with room, as cards without.
 */
import { css, html, LitElement, nothing, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Api, type PersonRef } from '../../api/client';
import { LocaleController, t } from '../../i18n/i18n';
import { base } from '../shared/styles';
import './audit';
import './import';
import './people';
import './queue';

type Section = HTMLElement & { reload(): Promise<void> };

@customElement('rc-admin')
export class RcAdmin extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      h1 {
        margin-top: 0;
      }
      /* Stays in view at the bottom of the page while there is something to say. */
      .said {
        position: sticky;
        bottom: 0;
        z-index: 1;
        margin: 0;
      }
      .said.shown {
        margin: 0 0 1rem;
        padding: 0.6rem 0.8rem;
        background: #dafbe1;
        border: 1px solid var(--rc-ok);
        border-radius: var(--rc-radius);
        box-shadow: 0 4px 16px rgb(0 0 0 / 0.12);
      }
      bdi {
        overflow-wrap: break-word;
      }
    `,
  ];

  @property({ attribute: false }) api = new Api();
  @state() private message: TemplateResult | null = null;
  private readonly locale = new LocaleController(this);

  private sections(): Section[] {
    return [
      ...this.renderRoot.querySelectorAll<Section>('rc-admin-queue, rc-admin-people, rc-admin-import, rc-admin-audit'),
    ];
  }

  /** Every section loads its list again. */
  async reload(): Promise<void> {
    await Promise.all(this.sections().map((s) => s.reload()));
  }

  override render() {
    void this.locale;
    return html`
      <h1>${t('admin.page')}</h1>
      <rc-admin-queue .api=${this.api} @rc-admin-done=${this.said}></rc-admin-queue>
      <rc-admin-people .api=${this.api} @rc-admin-done=${this.said} @rc-admin-history=${this.history}></rc-admin-people>
      <rc-admin-import .api=${this.api} @rc-admin-done=${this.said}></rc-admin-import>
      <rc-admin-audit .api=${this.api}></rc-admin-audit>
      <p class=${this.message ? 'said shown' : 'said'} role="status" aria-live="polite">${this.message ?? nothing}</p>
    `;
  }

  private said(e: CustomEvent<{ message: TemplateResult }>): void {
    this.message = e.detail.message;
    // The section that did it shows it already; the others catch up.
    for (const section of this.sections()) if (section !== e.currentTarget) void section.reload();
  }

  private history(e: CustomEvent<{ person: PersonRef }>): void {
    void this.renderRoot.querySelector('rc-admin-audit')?.showPerson(e.detail.person);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rc-admin': RcAdmin;
  }
}
