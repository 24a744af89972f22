/**
 * `<rc-admin>`: the verification queue (approve, reject, revoke, each with a
 * reason where one is required) and the audit log. A plain page that works.
 */
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Api, ApiError, type AuditEntry, type VerificationItem } from '../../api/client';
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
    `,
  ];

  @property({ attribute: false }) api = new Api();
  @state() private filter: (typeof FILTERS)[number] = 'pending';
  @state() private items: VerificationItem[] = [];
  @state() private audit: AuditEntry[] = [];
  @state() private reasons: Record<number, string> = {};
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
        this.api.verifications(this.filter || undefined),
        this.api.audit(),
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
                      <td>${e.action} #${e.targetId}${e.reason ? html` — ${e.reason}` : nothing}</td>
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
    return html`<tr data-id=${v.id}>
      <td>${v.person.nickname}<br /><span class="hint">${v.person.login} · ${v.person.extension}</span></td>
      <td>${v.legalName}</td>
      <td>****${v.idLast4}</td>
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
                ${actions.map(
                  (a) =>
                    html`<button
                      class=${a === 'approve' ? 'ok' : 'danger'}
                      aria-label="${t(`admin.${a}`)} ${v.person.nickname}"
                      @click=${() => this.decide(v, a)}
                    >
                      ${t(`admin.${a}`)}
                    </button>`,
                )}
              </div>`
            : nothing
        }
      </td>
    </tr>`;
  }

  private async decide(v: VerificationItem, action: Action): Promise<void> {
    const reason = (this.reasons[v.id] ?? '').trim();
    try {
      await this.api.decide(v.id, action, reason || undefined);
      this.message = `${t(`admin.${action}`)}: ${v.person.nickname}`;
      this.reasons = { ...this.reasons, [v.id]: '' };
      await this.reload();
    } catch (err) {
      this.error = err instanceof ApiError ? err.message : String(err);
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rc-admin': RcAdmin;
  }
}
