/**
 * `<rc-admin>`: the verification queue (approve, reject, revoke, each with a
 * reason where one is required) and the audit log. A plain page that works.
 *
 * A record whose document is someone else's too says so, with whose; a
 * person who has not proven their login cannot be approved, and the row says
 * why. When approving is refused because the document already verifies
 * someone else (`document_in_use`), the row offers to revoke that
 * verification and approve in one step, with a reason.
 */
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import {
  Api,
  ApiError,
  documentInUse,
  type AuditEntry,
  type DocumentInUse,
  type VerificationItem,
} from '../../api/client';
import { LocaleController, t } from '../../i18n/i18n';
import { base } from '../shared/styles';

type Action = 'approve' | 'reject' | 'revoke';
const FILTERS = ['pending', 'verified', 'rejected', 'revoked', ''] as const;

@customElement('rc-admin')
export class RcAdmin extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      table {
        border-collapse: collapse;
        width: 100%;
        margin: 0.5rem 0 1.5rem;
        font-size: 0.92rem;
      }
      th,
      td {
        text-align: left;
        padding: 0.45rem 0.5rem;
        border-bottom: 1px solid var(--rc-line);
        vertical-align: top;
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 0.4rem;
        align-items: center;
      }
      .actions input {
        width: 12rem;
        min-height: 2.2em;
      }
      .actions button {
        min-height: 2.2em;
        padding: 0.25em 0.7em;
      }
      select {
        width: auto;
      }
      .warn {
        color: var(--rc-warn);
        font-weight: 600;
        margin: 0.3rem 0 0;
      }
      .mark {
        display: inline-block;
        margin-top: 0.2rem;
        padding: 0 0.4em;
        border: 1px solid var(--rc-warn);
        border-radius: 4px;
        color: var(--rc-warn);
        font-size: 0.85em;
      }
      .conflict {
        margin-top: 0.5rem;
        padding: 0.5rem;
        border: 2px solid var(--rc-warn);
        border-radius: var(--rc-radius);
        display: grid;
        gap: 0.4rem;
      }
      .conflict p {
        margin: 0;
      }
      .conflict label {
        margin: 0;
      }
    `,
  ];

  @property({ attribute: false }) api = new Api();
  @state() private filter: (typeof FILTERS)[number] = 'pending';
  @state() private items: VerificationItem[] = [];
  @state() private audit: AuditEntry[] = [];
  @state() private reasons: Record<number, string> = {};
  /** Approvals refused because the document verifies someone else, by the record being approved. */
  @state() private conflicts: Record<number, DocumentInUse> = {};
  @state() private revokeReasons: Record<number, string> = {};
  @state() private error = '';
  @state() private message = '';
  private readonly locale = new LocaleController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    void this.reload();
  }

  async reload(): Promise<void> {
    try {
      [this.items, this.audit] = await Promise.all([
        this.api.admin.verifications(this.filter || undefined),
        this.api.admin.audit(),
      ]);
      this.error = '';
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
    }
  }

  override render() {
    void this.locale;
    return html`
      <h1>${t('admin.title')}</h1>
      <label for="filter">${t('admin.filter')}</label>
      <select
        id="filter"
        .value=${this.filter}
        @change=${(e: Event) => {
          this.filter = (e.target as HTMLSelectElement).value as (typeof FILTERS)[number];
          void this.reload();
        }}
      >
        ${FILTERS.map((f) => html`<option value=${f} ?selected=${f === this.filter}>${f ? t(`verify.${f}`) : t('admin.all')}</option>`)}
      </select>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <p role="status" aria-live="polite">${this.message}</p>
      ${
        this.items.length === 0
          ? html`<p class="hint">${t('admin.empty')}</p>`
          : html`<table>
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
      <h2>${t('admin.audit')}</h2>
      ${
        this.audit.length === 0
          ? html`<p class="hint">${t('admin.empty')}</p>`
          : html`<table>
              <thead>
                <tr>
                  <th scope="col">${t('admin.when')}</th>
                  <th scope="col">${t('admin.who')}</th>
                  <th scope="col">${t('admin.about')}</th>
                  <th scope="col">${t('admin.what')}</th>
                  <th scope="col">${t('admin.change')}</th>
                </tr>
              </thead>
              <tbody>
                ${this.audit.map(
                  (e) =>
                    html`<tr>
                      <td><time datetime=${e.at}>${new Date(e.at).toLocaleString()}</time></td>
                      <td>${e.actorLogin}</td>
                      <td>
                        ${
                          e.person
                            ? html`${e.person.nickname} <span class="hint">${e.person.extension}</span>`
                            : html`<span class="hint">${t('admin.deletedPerson')}</span>`
                        }
                      </td>
                      <td>${e.action}${e.reason ? html` — ${e.reason}` : nothing}</td>
                      <td>${e.beforeStatus ?? '—'} → ${e.afterStatus ?? '—'}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
    `;
  }

  private renderRow(v: VerificationItem) {
    const actions: Action[] =
      v.status === 'pending' ? ['approve', 'reject'] : v.status === 'verified' ? ['revoke'] : [];
    const reasonId = `reason-${v.id}`;
    const unprovenId = `unproven-${v.id}`;
    const sameId = `same-${v.id}`;
    const unproven = !v.person.loginProven;
    return html`<tr data-id=${v.id}>
      <td>
        ${v.person.nickname}<br /><span class="hint">${v.person.login} · ${v.person.extension}</span>
        ${unproven ? html`<br /><span class="mark">${t('admin.unproven')}</span>` : nothing}
      </td>
      <td>${v.legalName}</td>
      <td>
        ****${v.idLast4}
        ${
          v.sameDocument.length
            ? html`<div id=${sameId}>
                ${v.sameDocument.map(
                  (o) =>
                    html`<p class="warn">
                      <span aria-hidden="true">⚠</span>
                      ${t('admin.sameDocument', {
                        nickname: o.person.nickname,
                        extension: o.person.extension,
                        status: t(`verify.${o.status}`),
                      })}
                    </p>`,
                )}
              </div>`
            : nothing
        }
      </td>
      <td>${t(`verify.${v.status}`)}${v.reason ? html`<br /><span class="hint">${v.reason}</span>` : nothing}</td>
      <td><time datetime=${v.submittedAt}>${new Date(v.submittedAt).toLocaleString()}</time></td>
      <td>
        ${
          actions.length
            ? html`<div class="actions">
                  <label class="visually-hidden" for=${reasonId}
                    >${t('admin.reasonFor', { action: actions.map((a) => t(`admin.${a}`)).join(' / ') })}</label
                  >
                  <input
                    id=${reasonId}
                    placeholder=${t('admin.reason')}
                    .value=${this.reasons[v.id] ?? ''}
                    @input=${(e: InputEvent) => (this.reasons = { ...this.reasons, [v.id]: (e.target as HTMLInputElement).value })}
                  />
                  ${actions.map((a) => {
                    const blocked = a === 'approve' && unproven;
                    const described = [
                      blocked ? unprovenId : '',
                      a === 'approve' && v.sameDocument.length ? sameId : '',
                    ]
                      .filter(Boolean)
                      .join(' ');
                    return html`<button
                      class=${a === 'approve' ? 'ok' : 'danger'}
                      aria-label="${t(`admin.${a}`)} ${v.person.nickname}"
                      aria-describedby=${described || nothing}
                      ?disabled=${blocked}
                      @click=${() => this.decide(v, a)}
                    >
                      ${t(`admin.${a}`)}
                    </button>`;
                  })}
                </div>
                ${
                  unproven && actions.includes('approve')
                    ? html`<p class="hint" id=${unprovenId}>
                        ${t('admin.unprovenReason', { nickname: v.person.nickname, login: v.person.login })}
                      </p>`
                    : nothing
                }
                ${this.renderConflict(v)}`
            : nothing
        }
      </td>
    </tr>`;
  }

  /** The offer to revoke the other verification of this document and approve this one. */
  private renderConflict(v: VerificationItem) {
    const other = this.conflicts[v.id];
    if (!other || v.status !== 'pending') return nothing;
    const noteId = `conflict-${v.id}`;
    const inputId = `revoke-reason-${v.id}`;
    return html`<div class="conflict" role="group" aria-labelledby=${noteId}>
      <p class="warn" id=${noteId}>
        ${t('admin.documentInUse', { nickname: other.nickname, extension: other.extension, person: v.person.nickname })}
      </p>
      <label for=${inputId}>${t('admin.revokeReason', { nickname: other.nickname })}</label>
      <input
        id=${inputId}
        aria-describedby=${noteId}
        required
        .value=${this.revokeReasons[v.id] ?? ''}
        @input=${(e: InputEvent) =>
          (this.revokeReasons = { ...this.revokeReasons, [v.id]: (e.target as HTMLInputElement).value })}
      />
      <div class="actions">
        <button
          class="danger"
          aria-label="${t('admin.revokeAndApprove')} ${v.person.nickname}"
          @click=${() => this.revokeOtherAndApprove(v, other)}
        >
          ${t('admin.revokeAndApprove')}
        </button>
        <button @click=${() => this.dropConflict(v.id)}>${t('admin.cancel')}</button>
      </div>
    </div>`;
  }

  private async decide(v: VerificationItem, action: Action): Promise<void> {
    const reason = (this.reasons[v.id] ?? '').trim();
    try {
      if (action === 'approve') await this.api.admin.approve(v.id, reason ? { reason } : {});
      else await this.api.admin.decide(v.id, action, reason || undefined);
      this.message = `${t(`admin.${action}`)}: ${v.person.nickname}`;
      this.error = '';
      this.reasons = { ...this.reasons, [v.id]: '' };
      await this.reload();
    } catch (err) {
      const other = documentInUse(err);
      if (other) {
        this.error = '';
        this.conflicts = { ...this.conflicts, [v.id]: other };
        // The reason typed in the row, if any, is a good start for why the other is revoked.
        this.revokeReasons = { ...this.revokeReasons, [v.id]: this.revokeReasons[v.id] || reason };
        await this.updateComplete;
        this.renderRoot.querySelector<HTMLInputElement>(`#revoke-reason-${v.id}`)?.focus();
        return;
      }
      await this.failed(v, err);
    }
  }

  private async revokeOtherAndApprove(v: VerificationItem, other: DocumentInUse): Promise<void> {
    const reason = (this.revokeReasons[v.id] ?? '').trim();
    if (!reason) {
      this.error = t('admin.revokeReasonNeeded');
      this.renderRoot.querySelector<HTMLInputElement>(`#revoke-reason-${v.id}`)?.focus();
      return;
    }
    try {
      await this.api.admin.approve(v.id, { reason, revokeOther: true });
      this.message = t('admin.revokedAndApproved', { person: v.person.nickname, other: other.nickname });
      this.error = '';
      this.dropConflict(v.id);
      this.reasons = { ...this.reasons, [v.id]: '' };
      await this.reload();
    } catch (err) {
      await this.failed(v, err);
    }
  }

  private dropConflict(id: number): void {
    const { [id]: _gone, ...conflicts } = this.conflicts;
    const { [id]: _typed, ...revokeReasons } = this.revokeReasons;
    this.conflicts = conflicts;
    this.revokeReasons = revokeReasons;
  }

  private async failed(v: VerificationItem, err: unknown): Promise<void> {
    if (err instanceof ApiError && err.code === 'login_unproven') {
      // The row was out of date: show it as it is now, then say why.
      await this.reload();
      this.error = t('admin.loginUnproven', { nickname: v.person.nickname });
      return;
    }
    this.error = err instanceof ApiError ? err.message : String(err);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rc-admin': RcAdmin;
  }
}
