/**
 * `<rc-admin-queue>`: the verification queue. Approve at once (it takes
 * nothing away, and stands apart from Reject); reject and revoke after a
 * confirmation at the row that says what will happen and asks why.
 *
 * A record whose document is someone else's too says so, with whose; a
 * person who has not proven their login cannot be approved, and the row says
 * why. When approving is refused because the document already verifies
 * someone else (`document_in_use`), the row offers to revoke that
 * verification and approve in one step: a confirmation like the others,
 * with a reason.
 */
import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Api, ApiError, documentInUse, type DocumentInUse, type VerificationItem } from '../../api/client';
import { LocaleController, t } from '../../i18n/i18n';
import { errorText, formProblems } from '../../i18n/problems';
import { base } from '../shared/styles';
import './confirm-step';
import { done, focusRow, goToHeading, saidHere } from './section';
import { sectionStyles } from './styles';
import { data, person, time, words } from './words';

type Step = 'reject' | 'revoke';
const FILTERS = ['pending', 'verified', 'rejected', 'revoked', ''] as const;

@customElement('rc-admin-queue')
export class RcAdminQueue extends LitElement {
  static override styles = [base, sectionStyles];

  @property({ attribute: false }) api = new Api();
  /** What this section just did, said under its heading (the page sets it). */
  @property({ attribute: false }) said: TemplateResult | null = null;
  @state() private filter: (typeof FILTERS)[number] = 'pending';
  @state() private items: VerificationItem[] = [];
  /** Why the list could not be loaded (worded at render time, as every refusal here). */
  @state() private loadError: unknown = null;
  /** The open confirmation, at its row. */
  @state() private step: { id: number; action: Step } | null = null;
  @state() private stepError: unknown = null;
  @state() private busy = false;
  /** A refusal said at its row. */
  @state() private rowErrors: Record<number, unknown> = {};
  /** Approvals refused because the document verifies someone else, by the record being approved. */
  @state() private conflicts: Record<number, DocumentInUse> = {};
  /** Why the other's revocation was refused: `needed` (no reason typed) or the API's refusal. */
  @state() private revokeErrors: Record<number, unknown> = {};
  private readonly locale = new LocaleController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    void this.reload();
  }

  async reload(): Promise<void> {
    try {
      this.items = await this.api.admin.verifications(this.filter || undefined);
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

  override render() {
    void this.locale;
    return html`
      <h2 tabindex="-1">${t('admin.title')}</h2>
      ${saidHere(this.said)}
      <div class="bar">
        <div>
          <label for="filter">${t('admin.filter')}</label>
          <select
            id="filter"
            .value=${this.filter}
            @change=${(e: Event) => {
              this.filter = (e.target as HTMLSelectElement).value as (typeof FILTERS)[number];
              this.step = null;
              void this.reload();
            }}
          >
            ${FILTERS.map(
              (f) =>
                html`<option value=${f} ?selected=${f === this.filter}>
                  ${f ? t(`verify.${f}`) : t('admin.all')}
                </option>`,
            )}
          </select>
        </div>
      </div>
      ${
        this.loadError
          ? html`<p class="error" role="alert">${t('admin.loadFailed', { why: errorText(this.loadError) })}</p>`
          : nothing
      }
      ${
        this.items.length === 0
          ? html`<p class="hint">${t('admin.empty')}</p>`
          : html`<table class="list">
              <thead>
                <tr>
                  <th scope="col">${t('admin.person')}</th>
                  <th scope="col">${t('admin.name')}</th>
                  <th scope="col">${t('admin.id')}</th>
                  <th scope="col">${t('admin.state')}</th>
                  <th scope="col">${t('admin.submitted')}</th>
                  <th scope="col">${t('admin.actions')}</th>
                </tr>
              </thead>
              <tbody>
                ${this.items.map((v) => this.renderRow(v))}
              </tbody>
            </table>`
      }
    `;
  }

  private renderRow(v: VerificationItem) {
    const actions =
      v.status === 'pending' ? (['approve', 'reject'] as const) : v.status === 'verified' ? (['revoke'] as const) : [];
    const unprovenId = `unproven-${v.id}`;
    const sameId = `same-${v.id}`;
    const unproven = !v.person.loginProven;
    return html`<tr data-id=${v.id}>
      <td data-label=${t('admin.person')}>
        ${data(v.person.nickname)}<br /><span class="hint">${data(v.person.login)} · ${v.person.extension}</span>
        ${unproven ? html`<br /><span class="mark">${t('admin.unproven')}</span>` : nothing}
      </td>
      <td data-label=${t('admin.name')}>${data(v.legalName)}</td>
      <td data-label=${t('admin.id')}>
        ****${data(v.idLast4)}
        ${
          v.sameDocument.length
            ? html`<div id=${sameId}>
                ${v.sameDocument.map(
                  (o) =>
                    html`<p class="warn">
                      <span aria-hidden="true">⚠</span>
                      ${words(
                        'admin.sameDocument',
                        { nickname: data(o.person.nickname) },
                        { extension: o.person.extension, status: t(`verify.${o.status}`) },
                      )}
                    </p>`,
                )}
              </div>`
            : nothing
        }
      </td>
      <td data-label=${t('admin.state')}>
        ${t(`verify.${v.status}`)}${v.reason ? html`<br /><span class="hint">${data(v.reason)}</span>` : nothing}
      </td>
      <td class="narrow" data-label=${t('admin.submitted')}>${time(v.submittedAt)}</td>
      <td class="wide">
        ${
          actions.length
            ? html`<div class="actions">
                  ${actions.map((a, i) => {
                    const blocked = a === 'approve' && unproven;
                    const described = [
                      blocked ? unprovenId : '',
                      a === 'approve' && v.sameDocument.length ? sameId : '',
                    ]
                      .filter(Boolean)
                      .join(' ');
                    // Approve, then room, then what takes something away.
                    const apart = i > 0 && actions[i - 1] === 'approve';
                    return html`${apart ? html`<span class="apart"></span>` : nothing}<button
                        class=${a === 'approve' ? 'ok' : 'danger'}
                        aria-label="${t(`admin.${a}`)} ${v.person.nickname}"
                        aria-describedby=${described || nothing}
                        aria-expanded=${a === 'approve' ? nothing : String(this.step?.id === v.id && this.step.action === a)}
                        ?disabled=${blocked}
                        @click=${() => (a === 'approve' ? this.approve(v) : this.open(v, a))}
                      >
                        ${t(`admin.${a}`)}
                      </button>`;
                  })}
                </div>
                ${
                  unproven && v.status === 'pending'
                    ? html`<p class="hint" id=${unprovenId}>
                        ${words('admin.unprovenReason', {
                          nickname: data(v.person.nickname),
                          login: data(v.person.login),
                        })}
                      </p>`
                    : nothing
                }
                ${this.rowErrors[v.id] ? html`<p class="error" role="alert">${this.rowError(v)}</p>` : nothing}
                ${this.renderStep(v)} ${this.renderConflict(v)}`
            : nothing
        }
      </td>
    </tr>`;
  }

  private renderStep(v: VerificationItem) {
    if (this.step?.id !== v.id) return nothing;
    const action = this.step.action;
    const { byField, rest } = this.stepError ? formProblems(this.stepError, ['reason']) : { byField: {}, rest: [] };
    return html`<rc-admin-confirm
      id="step-${v.id}"
      .question=${words(`admin.confirm.${action}`, { person: html`${person(v.person)}` })}
      .reasonLabel=${t(`admin.stepReason.${action}`)}
      confirmLabel=${t(`admin.stepDo.${action}`)}
      .reasonError=${byField.reason}
      .error=${rest.join(' ')}
      ?busy=${this.busy}
      @rc-admin-confirm=${(e: CustomEvent<{ reason: string }>) => this.decide(v, action, e.detail.reason)}
      @rc-admin-cancel=${() => this.close(v.id)}
    ></rc-admin-confirm>`;
  }

  /**
   * The offer to revoke the other verification of this document and approve
   * this one: a confirmation step like the others (Enter confirms, Escape
   * cancels, a refused reason said below the field until it is edited).
   */
  private renderConflict(v: VerificationItem) {
    const other = this.conflicts[v.id];
    if (!other || v.status !== 'pending') return nothing;
    const refused = this.revokeErrors[v.id];
    const reasonError =
      refused === undefined
        ? undefined
        : refused === 'needed'
          ? t('admin.revokeReasonNeeded')
          : formProblems(refused, ['reason']).byField.reason;
    return html`<rc-admin-confirm
      id="conflict-${v.id}"
      .question=${words(
        'admin.documentInUse',
        { nickname: data(other.nickname), person: data(v.person.nickname) },
        { extension: other.extension },
      )}
      .reasonLabel=${words('admin.revokeReason', { person: html`${person(other)}` })}
      confirmLabel=${t('admin.revokeAndApprove')}
      .reasonError=${reasonError}
      ?busy=${this.busy}
      @rc-admin-confirm=${(e: CustomEvent<{ reason: string }>) => this.revokeOtherAndApprove(v, other, e.detail.reason)}
      @rc-admin-cancel=${() => {
        this.dropConflict(v.id);
        void this.updateComplete.then(() => focusRow(this.renderRoot, v.id, this.heading));
      }}
    ></rc-admin-confirm>`;
  }

  /** The open confirmation at row `id` (`step` or `conflict`). */
  private confirmAt(kind: 'step' | 'conflict', id: number) {
    return this.renderRoot.querySelector<HTMLElement>(`rc-admin-confirm#${kind}-${id}`);
  }

  private open(v: VerificationItem, action: Step): void {
    // One confirmation at a row at a time.
    this.dropConflict(v.id);
    this.step = { id: v.id, action };
    this.stepError = null;
    this.rowErrors = { ...this.rowErrors, [v.id]: null };
  }

  private close(id: number): void {
    this.step = null;
    this.stepError = null;
    void this.updateComplete.then(() => focusRow(this.renderRoot, id, this.heading));
  }

  private async approve(v: VerificationItem): Promise<void> {
    this.rowErrors = { ...this.rowErrors, [v.id]: null };
    if (this.step?.id === v.id) this.step = null;
    try {
      await this.api.admin.approve(v.id);
      await this.succeeded(v, html`${words('admin.done.approve', { person: html`${person(v.person)}` })}`);
    } catch (err) {
      const other = documentInUse(err);
      if (other) {
        // The step focuses its reason field as it opens.
        this.conflicts = { ...this.conflicts, [v.id]: other };
        return;
      }
      await this.failed(v, err);
    }
  }

  private async decide(v: VerificationItem, action: Step, reason: string): Promise<void> {
    this.busy = true;
    // A refusal again is a new one (and said again, even in the same words).
    this.stepError = null;
    try {
      await this.api.admin.decide(v.id, action, reason || undefined);
      this.step = null;
      await this.succeeded(v, html`${words(`admin.done.${action}`, { person: html`${person(v.person)}` })}`);
    } catch (err) {
      this.stepError = err;
      await this.updateComplete;
      // Back to the reason, whose description now says why (or to it still, when the refusal is the whole action's).
      this.confirmAt('step', v.id)?.focus();
    } finally {
      this.busy = false;
    }
  }

  private async revokeOtherAndApprove(v: VerificationItem, other: DocumentInUse, reason: string): Promise<void> {
    const refused = async (why: unknown) => {
      this.revokeErrors = { ...this.revokeErrors, [v.id]: why };
      await this.updateComplete;
      this.confirmAt('conflict', v.id)?.focus();
    };
    if (!reason) {
      await refused('needed');
      return;
    }
    this.busy = true;
    const { [v.id]: _said, ...revokeErrors } = this.revokeErrors;
    this.revokeErrors = revokeErrors;
    try {
      await this.api.admin.approve(v.id, { reason, revokeOther: true });
      this.dropConflict(v.id);
      await this.succeeded(
        v,
        html`${words('admin.revokedAndApproved', {
          person: html`${person(v.person)}`,
          other: html`${person(other)}`,
        })}`,
      );
    } catch (err) {
      if (formProblems(err, ['reason']).byField.reason) await refused(err);
      else this.rowErrors = { ...this.rowErrors, [v.id]: err };
    } finally {
      this.busy = false;
    }
  }

  private dropConflict(id: number): void {
    const { [id]: _gone, ...conflicts } = this.conflicts;
    const { [id]: _said, ...revokeErrors } = this.revokeErrors;
    this.conflicts = conflicts;
    this.revokeErrors = revokeErrors;
  }

  /** Says it, shows the queue as it is now, and keeps focus at the row (or the heading when it left the list). */
  private async succeeded(v: VerificationItem, message: TemplateResult): Promise<void> {
    done(this, message);
    await this.reload();
    await this.updateComplete;
    focusRow(this.renderRoot, v.id, this.heading);
  }

  private async failed(v: VerificationItem, err: unknown): Promise<void> {
    // The row was out of date (their login is no longer proven): show it as it is now, then say why.
    if (err instanceof ApiError && err.code === 'login_unproven') await this.reload();
    this.rowErrors = { ...this.rowErrors, [v.id]: err };
  }

  /** A refusal at a row, in words. */
  private rowError(v: VerificationItem) {
    const err = this.rowErrors[v.id];
    if (err instanceof ApiError && err.code === 'login_unproven') {
      return words('admin.loginUnproven', { nickname: data(v.person.nickname) });
    }
    return errorText(err);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rc-admin-queue': RcAdminQueue;
  }
}
