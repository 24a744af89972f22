/**
 * `<rc-sign-in>`: sign in, or create an account. On success fires
 * `rc-signed-in` with the person (`{ me }`); errors are shown as the API
 * words them, next to the form.
 */
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Api, ApiError, type Me } from '../../api/client';
import { LocaleController, t } from '../../i18n/i18n';
import { formText } from '../shared/form';
import { base } from '../shared/styles';

@customElement('rc-sign-in')
export class RcSignIn extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
        max-width: 24rem;
        margin: 2rem auto;
      }
      form {
        display: grid;
        gap: 0.2rem;
      }
      button[type='submit'] {
        margin-top: 1rem;
      }
      .switch {
        margin-top: 1rem;
        background: none;
        border: none;
        color: var(--rc-accent);
        text-decoration: underline;
        padding: 0;
        min-height: auto;
      }
    `,
  ];

  @property({ attribute: false }) api = new Api();
  @property() mode: 'sign-in' | 'sign-up' = 'sign-in';
  @state() private error = '';
  @state() private working = false;
  private readonly locale = new LocaleController(this);

  override render() {
    void this.locale;
    const signUp = this.mode === 'sign-up';
    return html`
      <h1>${signUp ? t('auth.signUp') : t('auth.signIn')}</h1>
      <form @submit=${this.submit} novalidate>
        <label for="login">${t('auth.login')}</label>
        <input id="login" name="login" autocomplete="username" required />
        <label for="password">${t('auth.password')}</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete=${signUp ? 'new-password' : 'current-password'}
          required
        />
        ${
          signUp
            ? html`<label for="nickname">${t('auth.nickname')}</label>
                <input id="nickname" name="nickname" aria-describedby="nickname-hint" required />
                <span class="hint" id="nickname-hint">${t('auth.nicknameHint')}</span>`
            : nothing
        }
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
        <button class="primary" type="submit" ?disabled=${this.working}>
          ${this.working ? t('auth.working') : signUp ? t('auth.signUp') : t('auth.signIn')}
        </button>
      </form>
      <button class="switch" @click=${this.switchMode}>${signUp ? t('auth.toSignIn') : t('auth.toSignUp')}</button>
    `;
  }

  private switchMode(): void {
    this.mode = this.mode === 'sign-in' ? 'sign-up' : 'sign-in';
    this.error = '';
  }

  private async submit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    const value = (k: string) => formText(form, k);
    this.working = true;
    this.error = '';
    try {
      const me: Me =
        this.mode === 'sign-up'
          ? await this.api.signUp(value('login'), value('password'), value('nickname'))
          : await this.api.signIn(value('login'), value('password'));
      this.dispatchEvent(new CustomEvent('rc-signed-in', { detail: { me }, bubbles: true, composed: true }));
    } catch (err) {
      this.error =
        err instanceof ApiError && err.code === 'account_disabled'
          ? t('auth.disabled')
          : err instanceof ApiError && err.status !== 0
            ? err.message
            : t('error.network');
    } finally {
      this.working = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rc-sign-in': RcSignIn;
  }
  interface HTMLElementEventMap {
    'rc-signed-in': CustomEvent<{ me: Me }>;
  }
}
