/**
 * `<rc-admin-people>`: find people by nickname, extension or login (a phone
 * number however it is written); disable or enable them, and revoke a
 * verified person's verification, each after a confirmation at their row
 * that asks why. Each row says whether the person proved their login (only
 * then can they be approved, or matched by a CSV import); its History shows
 * the audit log about them. An admin is never offered to disable themselves.
 * A page of people at a time, the newest first.
 */
import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Api, type PersonSummary } from '../../api/client';
import { LocaleController, t } from '../../i18n/i18n';
import { formProblems } from '../../i18n/problems';
import { describedBy, fieldError, invalid } from '../shared/field';
import { base } from '../shared/styles';
import './confirm-step';
import { done, focusRow, goToHeading, saidHere, showHistory } from './section';
import { sectionStyles } from './styles';
import { data, person, personText, time, words } from './words';

type Step = 'disable' | 'enable' | 'revoke';
/** People shown at a time: a short page, so a phone is not one long list of everyone. */
const PAGE = 10;

@customElement('rc-admin-people')
export class RcAdminPeople extends LitElement {
  static override styles = [base, sectionStyles];

  @property({ attribute: false }) api = new Api();
  /** What this section just did, said under its heading (the page sets it). */
  @property({ attribute: false }) said: TemplateResult | null = null;
  @state() private people: PersonSummary[] = [];
  @state() private more = false;
  @state() private q = '';
  /** Why the search was refused, or the list not loaded (worded at render time). */
  @state() private loadError: unknown = null;
  @state() private meId: number | null = null;
  @state() private step: { id: number; action: Step } | null = null;
  @state() private stepError: unknown = null;
  @state() private busy = false;
  private readonly locale = new LocaleController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    void this.api
      .me()
      .then((me) => (this.meId = me.id))
      .catch(() => {});
    void this.reload();
  }

  /** The first page of the current search again. */
  async reload(): Promise<void> {
    await this.load(this.q);
  }

  private async load(q: string, before?: number): Promise<void> {
    try {
      // One more than shown: whether there is another page, without asking for an empty one.
      const found = await this.api.admin.people(q || undefined, before, PAGE + 1);
      const page = found.slice(0, PAGE);
      this.people = before === undefined ? page : [...this.people, ...page];
      this.more = found.length > PAGE;
      this.q = q;
      this.loadError = null;
    } catch (err) {
      this.loadError = err;
    }
  }

  private get heading() {
    return this.renderRoot.querySelector<HTMLElement>('h2');
  }

  /** Brings the heading into view, with focus. */
  override focus(): void {
    goToHeading(this.renderRoot);
  }

  /** The next page; focus goes to the first person it shows (the button may be gone). */
  private async loadMore(): Promise<void> {
    const first = this.people.length;
    await this.load(this.q, this.people.at(-1)?.id);
    await this.updateComplete;
    const shown = this.people[first];
    if (shown) focusRow(this.renderRoot, shown.id, null);
  }

  override render() {
    void this.locale;
    const { byField, rest } = this.loadError ? formProblems(this.loadError, ['q']) : { byField: {}, rest: [] };
    const qError = byField.q;
    return html`
      <h2 tabindex="-1">${t('admin.people')}</h2>
      ${saidHere(this.said)}
      <form
        class="bar"
        role="search"
        @submit=${(e: SubmitEvent) => {
          e.preventDefault();
          const q = new FormData(e.target as HTMLFormElement).get('q');
          this.step = null;
          void this.load(typeof q === 'string' ? q.trim() : '');
        }}
      >
        <div>
          <label for="q">${t('admin.peopleSearch')}</label>
          <input
            id="q"
            name="q"
            type="search"
            autocomplete="off"
            aria-invalid=${invalid(qError)}
            aria-describedby=${describedBy('q', qError, 'q-hint')}
          />
          <p class="hint" id="q-hint">${t('admin.peopleHint')}</p>
          ${fieldError('q', qError)}
        </div>
        <button type="submit">${t('admin.search')}</button>
      </form>
      ${
        rest.length
          ? html`<p class="error" role="alert">${t('admin.loadFailed', { why: rest.join(' ') })}</p>`
          : nothing
      }
      ${
        this.people.length === 0
          ? html`<p class="hint">${t('admin.nobody')}</p>`
          : html`<table class="list">
              <thead>
                <tr>
                  <th scope="col">${t('admin.person')}</th>
                  <th scope="col">${t('admin.account')}</th>
                  <th scope="col">${t('admin.loginColumn')}</th>
                  <th scope="col">${t('admin.verification')}</th>
                  <th scope="col">${t('admin.since')}</th>
                  <th scope="col">${t('admin.actions')}</th>
                </tr>
              </thead>
              <tbody>
                ${this.people.map((p) => this.renderRow(p))}
              </tbody>
            </table>`
      }
      ${this.more ? html`<button @click=${this.loadMore}>${t('admin.morePeople')}</button>` : nothing}
    `;
  }

  private renderRow(p: PersonSummary) {
    const self = p.id === this.meId;
    const toggle: Step = p.disabled ? 'enable' : 'disable';
    const verified = p.verification?.status === 'verified';
    const button = (action: Step, danger: boolean) =>
      html`<button
        class=${danger ? 'danger' : ''}
        aria-label="${t(`admin.${action}`)} ${p.nickname}"
        aria-expanded=${String(this.step?.id === p.id && this.step.action === action)}
        @click=${() => this.open(p, action)}
      >
        ${t(`admin.${action}`)}
      </button>`;
    return html`<tr data-id=${p.id}>
      <td data-label=${t('admin.person')}>
        ${data(p.nickname)} ${p.role === 'admin' ? html`<span class="badge">${t('admin.adminRole')}</span>` : nothing}
        ${self ? html`<span class="badge">${t('admin.you')}</span>` : nothing}
        <br /><span class="hint">${data(p.login)} · ${p.extension}</span>
      </td>
      <td class="narrow" data-label=${t('admin.account')}>
        ${p.disabled ? html`<span class="mark">${t('admin.disabledAccount')}</span>` : t('admin.active')}
      </td>
      <td class="narrow" data-label=${t('admin.loginColumn')}>
        ${p.loginProven ? t('admin.login.proven') : html`<span class="mark">${t('admin.login.unproven')}</span>`}
      </td>
      <td class="narrow" data-label=${t('admin.verification')}>${t(`verify.${p.verification?.status ?? 'none'}`)}</td>
      <td class="narrow" data-label=${t('admin.since')}>${time(p.createdAt)}</td>
      <td class="wide">
        <div class="actions">
          ${self ? nothing : button(toggle, toggle === 'disable')} ${verified ? button('revoke', true) : nothing}
          <button aria-label=${t('admin.historyOf', { person: personText(p) })} @click=${() => showHistory(this, p)}>
            ${t('admin.history')}
          </button>
        </div>
        ${this.renderStep(p)}
      </td>
    </tr>`;
  }

  private renderStep(p: PersonSummary) {
    if (this.step?.id !== p.id) return nothing;
    const action = this.step.action;
    const { byField, rest } = this.stepError ? formProblems(this.stepError, ['reason']) : { byField: {}, rest: [] };
    return html`<rc-admin-confirm
      .question=${words(`admin.confirm.${action}`, { person: html`${person(p)}` })}
      .reasonLabel=${t(`admin.stepReason.${action}`)}
      confirmLabel=${t(`admin.stepDo.${action}`)}
      tone=${action === 'enable' ? 'calm' : 'danger'}
      .reasonError=${byField.reason}
      .error=${rest.join(' ')}
      ?busy=${this.busy}
      @rc-admin-confirm=${(e: CustomEvent<{ reason: string }>) => this.act(p, action, e.detail.reason)}
      @rc-admin-cancel=${() => this.close(p.id)}
    ></rc-admin-confirm>`;
  }

  private open(p: PersonSummary, action: Step): void {
    this.step = { id: p.id, action };
    this.stepError = null;
  }

  private close(id: number): void {
    this.step = null;
    void this.updateComplete.then(() => focusRow(this.renderRoot, id, this.heading));
  }

  private async act(p: PersonSummary, action: Step, reason: string): Promise<void> {
    this.busy = true;
    try {
      if (action === 'revoke' && p.verification) await this.api.admin.decide(p.verification.id, 'revoke', reason);
      else await this.api.admin.setDisabled(p.id, action === 'disable', reason);
      this.step = null;
      done(this, html`${words(`admin.done.${action}`, { person: html`${person(p)}` })}`);
      await this.reload();
      await this.updateComplete;
      focusRow(this.renderRoot, p.id, this.heading);
    } catch (err) {
      this.stepError = err;
      await this.updateComplete;
      this.renderRoot.querySelector('rc-admin-confirm')?.focus();
    } finally {
      this.busy = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rc-admin-people': RcAdminPeople;
  }
}
