/**
 * `<rc-admin-audit>`: the audit log in words — who did what about whom
 * (nickname and extension, never a legal name), why, and the status before
 * and after — newest first, filtered by action and by person, with older
 * entries a page at a time (focus then goes to the first of them).
 */
import { html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Api, type AuditEntry, type PersonRef } from '../../api/client';
import { LocaleController, t } from '../../i18n/i18n';
import { errorText } from '../../i18n/problems';
import { base } from '../shared/styles';
import { goToHeading } from './section';
import { sectionStyles } from './styles';
import { actionName, auditReason, auditSentence, person, personText, statusWord, time, words } from './words';

/** The actions the API writes, in the order the filter offers them. */
export const AUDIT_ACTIONS = [
  'verification.approve',
  'verification.reject',
  'verification.revoke',
  'verification.revoke.same_document',
  'verification.import.approve',
  'verification.import.reject',
  'user.disable',
  'user.enable',
  'user.promote',
] as const;
/** Entries per page. */
const PAGE = 50;

@customElement('rc-admin-audit')
export class RcAdminAudit extends LitElement {
  static override styles = [base, sectionStyles];

  @property({ attribute: false }) api = new Api();
  @state() private entries: AuditEntry[] = [];
  /** Whether an older page may exist. */
  @state() private more = false;
  @state() private action = '';
  @state() private person: PersonRef | null = null;
  /** Why the log could not be loaded (worded at render time). */
  @state() private loadError: unknown = null;
  private readonly locale = new LocaleController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    void this.reload();
  }

  /** The newest page under the current filters. */
  async reload(): Promise<void> {
    await this.load();
  }

  /** Shows only the entries about `person`, and goes there. */
  async showPerson(person: PersonRef | null): Promise<void> {
    this.person = person;
    await this.reload();
    await this.updateComplete;
    goToHeading(this.renderRoot);
  }

  /** Brings the heading into view, with focus. */
  override focus(): void {
    goToHeading(this.renderRoot);
  }

  /**
   * The next older page. Focus goes to the first entry it shows, so the
   * keyboard reads on from there (the button is gone after the last page).
   */
  private async older(): Promise<void> {
    const first = this.entries.length;
    await this.load(this.entries.at(-1)?.id);
    await this.updateComplete;
    const shown = this.entries[first];
    if (shown) this.renderRoot.querySelector<HTMLElement>(`tr[data-id="${shown.id}"]`)?.focus();
  }

  private async load(before?: number): Promise<void> {
    try {
      // One more than shown: whether there is an older page, without asking for an empty one.
      const found = await this.api.admin.audit({
        limit: PAGE + 1,
        before,
        person: this.person?.id,
        action: this.action || undefined,
      });
      const page = found.slice(0, PAGE);
      this.entries = before === undefined ? page : [...this.entries, ...page];
      this.more = found.length > PAGE;
      this.loadError = null;
    } catch (err) {
      this.loadError = err;
    }
  }

  override render() {
    void this.locale;
    return html`
      <h2 tabindex="-1">${t('admin.audit')}</h2>
      <div class="bar">
        <div>
          <label for="action">${t('admin.audit.action')}</label>
          <select
            id="action"
            @change=${(e: Event) => {
              this.action = (e.target as HTMLSelectElement).value;
              void this.reload();
            }}
          >
            <option value="" ?selected=${this.action === ''}>${t('admin.audit.anyAction')}</option>
            ${AUDIT_ACTIONS.map(
              (a) => html`<option value=${a} ?selected=${a === this.action}>${actionName(a)}</option>`,
            )}
          </select>
        </div>
        ${
          this.person
            ? html`<p class="about">
                ${words('admin.audit.about', { person: html`${person(this.person)}` })}
                <button @click=${() => this.showPerson(null)}>${t('admin.audit.everyone')}</button>
              </p>`
            : nothing
        }
      </div>
      ${
        this.loadError
          ? html`<p class="error" role="alert">${t('admin.loadFailed', { why: errorText(this.loadError) })}</p>`
          : nothing
      }
      ${
        this.entries.length === 0
          ? html`<p class="hint">${t('admin.empty')}</p>`
          : html`<table class="list">
              <thead>
                <tr>
                  <th scope="col">${t('admin.when')}</th>
                  <th scope="col">${t('admin.what')}</th>
                  <th scope="col">${t('admin.change')}</th>
                </tr>
              </thead>
              <tbody>
                ${this.entries.map((e) => this.renderEntry(e))}
              </tbody>
            </table>`
      }
      ${
        this.more
          ? html`<button @click=${this.older}>${t('admin.audit.older')}</button>`
          : this.entries.length > 0
            ? html`<p class="hint">${t('admin.audit.noOlder')}</p>`
            : nothing
      }
    `;
  }

  private renderEntry(e: AuditEntry) {
    const who = e.person;
    // The person's name shows only their entries, unless that is what is shown already.
    const about = !who
      ? t('admin.deletedPerson')
      : this.person?.id === who.id
        ? html`${person(who)}`
        : html`<button
            class="link"
            aria-label=${t('admin.audit.onlyAbout', { person: personText(who) })}
            @click=${() => this.showPerson(who)}
          >
            ${person(who)}
          </button>`;
    const reason = auditReason(e);
    return html`<tr data-id=${e.id} tabindex="-1">
      <td class="narrow" data-label=${t('admin.when')}>${time(e.at)}</td>
      <td data-label=${t('admin.what')}>
        ${auditSentence(e, about)}${reason.length ? html`<br /><span class="hint">${reason}</span>` : nothing}
      </td>
      <td data-label=${t('admin.change')}>${statusWord(e.beforeStatus)} → ${statusWord(e.afterStatus)}</td>
    </tr>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rc-admin-audit': RcAdminAudit;
  }
}
