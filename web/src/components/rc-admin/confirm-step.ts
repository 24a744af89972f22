/**
 * `<rc-admin-confirm>`: the step between pressing a destructive action at a
 * row and doing it, shown at that row: what will happen, in words, the
 * reason field (its refusal right below it, until the reason is edited), and
 * the action or Cancel. Focus comes to the reason field when it opens (the
 * row brings it back with `focus()` when the reason is refused); Enter
 * confirms, Escape cancels. The row decides what to do with
 * `rc-admin-confirm` (the reason) and `rc-admin-cancel`.
 */
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { LocaleController, t } from '../../i18n/i18n';
import { describedBy, fieldError, invalid } from '../shared/field';
import { base } from '../shared/styles';

@customElement('rc-admin-confirm')
export class RcAdminConfirm extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
        margin-top: 0.5rem;
        padding: 0.6rem 0.75rem;
        border: 2px solid var(--rc-danger);
        border-radius: var(--rc-radius);
        background: #fff;
      }
      :host([tone='calm']) {
        border-color: var(--rc-accent);
      }
      p.question {
        margin: 0 0 0.4rem;
        font-weight: 600;
      }
      label {
        margin-top: 0;
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 0.4rem;
        margin-top: 0.5rem;
      }
      bdi {
        overflow-wrap: break-word;
      }
    `,
  ];

  /** What will happen, as a question (text or a template). */
  @property({ attribute: false }) question: unknown = '';
  /** The reason field's label (text or a template, e.g. a name in `<bdi>`). */
  @property({ attribute: false }) reasonLabel: unknown = '';
  @property() confirmLabel = '';
  /** `calm` for a step that takes nothing away (enable). */
  @property({ reflect: true }) tone: 'danger' | 'calm' = 'danger';
  /** The API's refusal of the reason, in words, shown below the field. */
  @property() reasonError: string | undefined;
  /** A refusal of the whole action, in words. */
  @property() error = '';
  @property({ type: Boolean }) busy = false;
  /** The reason was edited since it was refused: the refusal no longer applies to what is typed. */
  @state() private edited = false;
  @query('#reason') private reasonField!: HTMLInputElement;
  private readonly locale = new LocaleController(this);

  override focus(): void {
    this.reasonField?.focus();
  }

  protected override firstUpdated(): void {
    this.focus();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('reasonError')) this.edited = false;
  }

  override render() {
    void this.locale;
    const reasonError = this.edited ? undefined : this.reasonError;
    return html`<form
      role="group"
      aria-labelledby="question"
      @submit=${this.confirm}
      @keydown=${(e: KeyboardEvent) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          this.cancel();
        }
      }}
    >
      <p class="question" id="question">${this.question}</p>
      <label for="reason">${this.reasonLabel}</label>
      <input
        id="reason"
        name="reason"
        autocomplete="off"
        aria-invalid=${invalid(reasonError)}
        aria-describedby=${describedBy('reason', reasonError)}
        @input=${() => (this.edited = true)}
      />
      ${fieldError('reason', reasonError)}
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <div class="actions">
        <button type="submit" class=${this.tone === 'calm' ? 'primary' : 'danger'} ?disabled=${this.busy}>
          ${this.confirmLabel}
        </button>
        <button type="button" @click=${this.cancel}>${t('admin.cancel')}</button>
      </div>
    </form>`;
  }

  private confirm(e: Event): void {
    e.preventDefault();
    if (this.busy) return;
    // A refusal of this reason again is shown again, even in the same words.
    this.edited = false;
    this.dispatchEvent(
      new CustomEvent('rc-admin-confirm', {
        detail: { reason: this.reasonField.value.trim() },
        bubbles: true,
        composed: true,
      }),
    );
  }

  private cancel(): void {
    this.dispatchEvent(new CustomEvent('rc-admin-cancel', { bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rc-admin-confirm': RcAdminConfirm;
  }
  interface HTMLElementEventMap {
    'rc-admin-confirm': CustomEvent<{ reason: string }>;
    'rc-admin-cancel': CustomEvent<void>;
  }
}
