/**
 * `<rc-sign-in>`: sign in, or create an account. Says in two lines what
 * RealCall is; sign-up says what verification involves and the password
 * rules before the first try. A refused field is said beside it in the
 * page's language (`aria-invalid`, `aria-describedby`); a refusal of the
 * whole request (wrong password, disabled account, no network) above the
 * button. `notice` says why the person is here (e.g. signed out elsewhere).
 * On success fires `rc-signed-in` with the person (`{ me }`).
 */
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Api, ApiError, type Me } from '../../api/client';
import { LocaleController, t } from '../../i18n/i18n';
import { formProblems } from '../../i18n/problems';
import { describedBy, fieldError, invalid } from '../shared/field';
import { formText } from '../shared/form';
import { base } from '../shared/styles';

const FIELDS = ['login', 'password', 'nickname'] as const;

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
      .intro p {
        margin: 0 0 0.4rem;
      }
      .intro {
        margin-bottom: 1rem;
      }
      .notice {
        padding: 0.6rem 0.8rem;
        border-inline-start: 4px solid var(--rc-warn);
        background: #fff8c5;
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
  /** Why the person is at this form, said above it (e.g. "You were signed out on every device"). */
  @property() notice = '';
  /** The last refusal, worded at render time so a language switch re-words it. */
  @state() private refusal: unknown = null;
  @state() private working = false;
  private readonly locale = new LocaleController(this);

  override render() {
    void this.locale;
    const signUp = this.mode === 'sign-up';
    const { byField, rest } = formProblems(this.refusal, signUp ? FIELDS : FIELDS.slice(0, 2));
    // A login someone already has is about the login field: said there, not above the button.
    const taken = rest.length === 1 && this.refusal instanceof ApiError && this.refusal.code === 'login_taken';
    if (taken) byField.login = rest.pop();
    return html`
      ${this.notice ? html`<p class="notice" role="status">${this.notice}</p>` : nothing}
      <div class="intro">
        <p>${t('auth.intro1')}</p>
        <p class="hint">${t('auth.intro2')}</p>
      </div>
      <h1>${signUp ? t('auth.signUp') : t('auth.signIn')}</h1>
      ${signUp ? html`<p class="hint">${t('auth.signUpIntro')}</p>` : nothing}
      <form @submit=${this.submit} novalidate>
        <label for="login">${t('auth.login')}</label>
        <input
          id="login"
          name="login"
          autocomplete="username"
          required
          aria-invalid=${invalid(byField.login)}
          aria-describedby=${describedBy('login', byField.login, ...(signUp ? ['login-hint'] : []))}
        />
        ${signUp ? html`<span class="hint" id="login-hint">${t('auth.loginHint')}</span>` : nothing}
        ${fieldError('login', byField.login)}
        <label for="password">${t('auth.password')}</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete=${signUp ? 'new-password' : 'current-password'}
          required
          minlength=${signUp ? 10 : nothing}
          aria-invalid=${invalid(byField.password)}
          aria-describedby=${describedBy('password', byField.password, ...(signUp ? ['password-hint'] : []))}
        />
        ${signUp ? html`<span class="hint" id="password-hint">${t('auth.passwordRules')}</span>` : nothing}
        ${fieldError('password', byField.password)}
        ${
          signUp
            ? html`<label for="nickname">${t('auth.nickname')}</label>
                <input
                  id="nickname"
                  name="nickname"
                  required
                  aria-invalid=${invalid(byField.nickname)}
                  aria-describedby=${describedBy('nickname', byField.nickname, 'nickname-hint')}
                />
                <span class="hint" id="nickname-hint">${t('auth.nicknameHint')}</span>
                ${fieldError('nickname', byField.nickname)}`
            : nothing
        }
        ${rest.length ? html`<p class="error" role="alert">${rest.join(' ')}</p>` : nothing}
        <button class="primary" type="submit" aria-disabled=${this.working ? 'true' : 'false'}>
          ${this.working ? t('auth.working') : signUp ? t('auth.signUp') : t('auth.signIn')}
        </button>
      </form>
      <button class="switch" @click=${this.switchMode}>${signUp ? t('auth.toSignIn') : t('auth.toSignUp')}</button>
    `;
  }

  private switchMode(): void {
    this.mode = this.mode === 'sign-in' ? 'sign-up' : 'sign-in';
    this.refusal = null;
  }

  private async submit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    // Not `disabled` while working: a disabled button drops the focus to the page's body.
    if (this.working) return;
    const form = new FormData(e.target as HTMLFormElement);
    const value = (k: string) => formText(form, k);
    this.working = true;
    this.refusal = null;
    try {
      const me: Me =
        this.mode === 'sign-up'
          ? await this.api.signUp(value('login'), value('password'), value('nickname'))
          : await this.api.signIn(value('login'), value('password'));
      this.dispatchEvent(new CustomEvent('rc-signed-in', { detail: { me }, bubbles: true, composed: true }));
    } catch (err) {
      this.refusal = err;
      await this.updateComplete;
      // The first refused field takes the focus, so its reason is read out with it.
      this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
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
