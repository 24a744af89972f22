/**
 * `<rc-account>`: the account's own controls — change the password (every
 * other session ends), sign out everywhere, and delete the account (it says
 * what is deleted and asks for the password first). Each refusal is said
 * beside its field in the page's language. Fires `rc-signed-out-everywhere`
 * and `rc-account-deleted` (the app then shows the sign-in form, saying so),
 * and `rc-password-changed` (the account's SIP secret was replaced with it).
 *
 *     idle ──Delete my account…──▶ confirming ──password, Delete for good──▶ deleted
 *                  ▲                   │
 *                  └──── Cancel ───────┘
 */
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Api } from '../../api/client';
import { LocaleController, t } from '../../i18n/i18n';
import { formProblems } from '../../i18n/problems';
import { describedBy, fieldError, invalid } from '../shared/field';
import { formText } from '../shared/form';
import { base } from '../shared/styles';

type Form = 'password' | 'everywhere' | 'delete';

@customElement('rc-account')
export class RcAccount extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      section {
        margin-top: 1.5rem;
      }
      form {
        display: grid;
        gap: 0.2rem;
      }
      form button {
        margin-top: 0.75rem;
        justify-self: start;
      }
      .danger-zone {
        padding: 0.75rem 1rem;
        border: 2px solid var(--rc-danger);
        border-radius: var(--rc-radius);
      }
      .danger-zone h2 {
        margin-top: 0;
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: 0.6rem;
      }
    `,
  ];

  @property({ attribute: false }) api = new Api();
  /** The last refusal and which form it answered, worded at render time. */
  @state() private refusal: { form: Form; err: unknown } | null = null;
  @state() private passwordChanged = false;
  @state() private confirmingDelete = false;
  @state() private working = false;
  private readonly locale = new LocaleController(this);

  override render() {
    void this.locale;
    const pw = formProblems(this.refusal?.form === 'password' ? this.refusal.err : null, [
      'currentPassword',
      'newPassword',
    ]);
    return html`
      <h2>${t('account.title')}</h2>
      <section aria-labelledby="password-title">
        <h3 id="password-title">${t('account.passwordTitle')}</h3>
        <form @submit=${this.changePassword} novalidate>
          <label for="current-password">${t('account.current')}</label>
          <input
            id="current-password"
            name="currentPassword"
            type="password"
            autocomplete="current-password"
            required
            aria-invalid=${invalid(pw.byField.currentPassword)}
            aria-describedby=${describedBy('current-password', pw.byField.currentPassword)}
          />
          ${fieldError('current-password', pw.byField.currentPassword)}
          <label for="new-password">${t('account.new')}</label>
          <input
            id="new-password"
            name="newPassword"
            type="password"
            autocomplete="new-password"
            minlength="10"
            required
            aria-invalid=${invalid(pw.byField.newPassword)}
            aria-describedby=${describedBy('new-password', pw.byField.newPassword, 'new-password-hint')}
          />
          <span class="hint" id="new-password-hint">${t('auth.passwordRules')}</span>
          ${fieldError('new-password', pw.byField.newPassword)}
          ${pw.rest.length ? html`<p class="error" role="alert">${pw.rest.join(' ')}</p>` : nothing}
          <button class="primary" type="submit" aria-disabled=${this.working ? 'true' : 'false'}>
            ${t('account.changePassword')}
          </button>
          <p role="status" aria-live="polite">${this.passwordChanged ? t('account.passwordChanged') : ''}</p>
        </form>
      </section>

      <section aria-labelledby="everywhere-title">
        <h3 id="everywhere-title">${t('account.everywhereTitle')}</h3>
        <p class="hint" id="everywhere-hint">${t('account.everywhereHint')}</p>
        ${this.refusal?.form === 'everywhere' ? html`<p class="error" role="alert">${formProblems(this.refusal.err, []).rest.join(' ')}</p>` : nothing}
        <button
          aria-describedby="everywhere-hint"
          aria-disabled=${this.working ? 'true' : 'false'}
          @click=${this.signOutEverywhere}
        >
          ${t('account.everywhere')}
        </button>
      </section>

      <section class="danger-zone" aria-labelledby="delete-title">
        <h3 id="delete-title">${t('account.deleteTitle')}</h3>
        <p id="delete-what">${t('account.deleteWhat')}</p>
        ${this.confirmingDelete ? this.renderDeleteForm() : html`<button class="danger" id="delete-start" @click=${this.startDelete}>${t('account.deleteStart')}</button>`}
      </section>
    `;
  }

  private renderDeleteForm() {
    const del = formProblems(this.refusal?.form === 'delete' ? this.refusal.err : null, ['password']);
    return html`<form @submit=${this.deleteAccount} novalidate>
      <label for="delete-password">${t('account.deletePassword')}</label>
      <input
        id="delete-password"
        name="password"
        type="password"
        autocomplete="current-password"
        required
        aria-invalid=${invalid(del.byField.password)}
        aria-describedby=${describedBy('delete-password', del.byField.password, 'delete-what')}
      />
      ${fieldError('delete-password', del.byField.password)}
      ${del.rest.length ? html`<p class="error" role="alert">${del.rest.join(' ')}</p>` : nothing}
      <div class="row">
        <button class="danger" type="submit" aria-disabled=${this.working ? 'true' : 'false'}>
          ${t('account.deleteButton')}
        </button>
        <button type="button" @click=${this.cancelDelete}>${t('account.cancel')}</button>
      </div>
    </form>`;
  }

  private readonly changePassword = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    const formEl = e.target as HTMLFormElement;
    const form = new FormData(formEl);
    await this.run('password', async () => {
      await this.api.changePassword(formText(form, 'currentPassword'), formText(form, 'newPassword'));
      this.passwordChanged = true;
      formEl.reset();
      // The API gave this account a new SIP secret too: the phone needs it.
      this.fire('rc-password-changed');
    });
  };

  private readonly signOutEverywhere = async (): Promise<void> => {
    await this.run('everywhere', async () => {
      await this.api.signOutEverywhere();
      this.fire('rc-signed-out-everywhere');
    });
  };

  private readonly startDelete = async (): Promise<void> => {
    this.confirmingDelete = true;
    this.refusal = null;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('#delete-password')?.focus();
  };

  private readonly cancelDelete = async (): Promise<void> => {
    this.confirmingDelete = false;
    this.refusal = null;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('#delete-start')?.focus();
  };

  private readonly deleteAccount = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    await this.run('delete', async () => {
      await this.api.deleteAccount(formText(form, 'password'));
      this.fire('rc-account-deleted');
    });
  };

  /** Runs one form's request; a refusal is kept for that form, and its first refused field takes the focus. */
  private async run(form: Form, action: () => Promise<void>): Promise<void> {
    if (this.working) return;
    this.working = true;
    this.refusal = null;
    this.passwordChanged = false;
    try {
      await action();
    } catch (err) {
      this.refusal = { form, err };
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
    } finally {
      this.working = false;
    }
  }

  private fire(name: 'rc-signed-out-everywhere' | 'rc-account-deleted' | 'rc-password-changed'): void {
    this.dispatchEvent(new CustomEvent(name, { bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rc-account': RcAccount;
  }
  interface HTMLElementEventMap {
    'rc-signed-out-everywhere': CustomEvent<undefined>;
    'rc-account-deleted': CustomEvent<undefined>;
    'rc-password-changed': CustomEvent<undefined>;
  }
}
