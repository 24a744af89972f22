/**
 * `<rc-admin>`: the admin console — the verification queue, people, CSV
 * import and the audit log, each a section of its own (queue.ts,
 * people.ts, import.ts, audit.ts), reached from a short navigation at the
 * top (buttons that bring a section's heading into view and focus it: the
 * app routes on the hash, so these are not hash links). What a section did
 * is said under that section's heading, in its polite live region, in words
 * naming the person and the action; the other sections then show the change
 * too. Works from a 390 px phone up: each section's list reads as a table
 * with room, as cards without.
 */
import { css, html, LitElement, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Api, type PersonRef } from '../../api/client';
import { LocaleController, t } from '../../i18n/i18n';
import { base } from '../shared/styles';
import './audit';
import './import';
import './people';
import './queue';

/** The sections, in page order, with their name in the navigation. */
const SECTIONS = [
  { tag: 'rc-admin-queue', nav: 'admin.nav.queue' },
  { tag: 'rc-admin-people', nav: 'admin.nav.people' },
  { tag: 'rc-admin-import', nav: 'admin.nav.import' },
  { tag: 'rc-admin-audit', nav: 'admin.nav.audit' },
] as const;
type SectionTag = (typeof SECTIONS)[number]['tag'];

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
      nav ul {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        list-style: none;
        margin: 0 0 1.25rem;
        padding: 0;
      }
      nav button {
        min-height: 2.75rem;
      }
    `,
  ];

  @property({ attribute: false }) api = new Api();
  /** What was done last, and which section did it (it says so under its heading). */
  @state() private said: { from: string; message: TemplateResult } | null = null;
  private readonly locale = new LocaleController(this);

  private section<K extends SectionTag>(tag: K): HTMLElementTagNameMap[K] | null {
    return this.renderRoot.querySelector(tag);
  }

  private sections(): HTMLElementTagNameMap[SectionTag][] {
    return SECTIONS.map((s) => this.section(s.tag)).filter((s) => s !== null);
  }

  /** Every section loads its list again. */
  async reload(): Promise<void> {
    await Promise.all(this.sections().map((s) => s.reload()));
  }

  override render() {
    void this.locale;
    const said = (tag: SectionTag) => (this.said?.from === tag ? this.said.message : null);
    return html`
      <h1>${t('admin.page')}</h1>
      <nav aria-label=${t('admin.sections')}>
        <ul>
          ${SECTIONS.map(
            (s) =>
              html`<li><button type="button" @click=${() => this.section(s.tag)?.focus()}>${t(s.nav)}</button></li>`,
          )}
        </ul>
      </nav>
      <rc-admin-queue .api=${this.api} .said=${said('rc-admin-queue')} @rc-admin-done=${this.done}></rc-admin-queue>
      <rc-admin-people
        .api=${this.api}
        .said=${said('rc-admin-people')}
        @rc-admin-done=${this.done}
        @rc-admin-history=${this.history}
      ></rc-admin-people>
      <rc-admin-import .api=${this.api} .said=${said('rc-admin-import')} @rc-admin-done=${this.done}></rc-admin-import>
      <rc-admin-audit .api=${this.api}></rc-admin-audit>
    `;
  }

  private done(e: CustomEvent<{ message: TemplateResult }>): void {
    const from = e.currentTarget as HTMLElement;
    this.said = { from: from.localName, message: e.detail.message };
    // The section that did it shows it already; the others catch up.
    for (const section of this.sections()) if (section !== from) void section.reload();
  }

  private history(e: CustomEvent<{ person: PersonRef }>): void {
    void this.section('rc-admin-audit')?.showPerson(e.detail.person);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rc-admin': RcAdmin;
  }
}
