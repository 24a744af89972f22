/**
 * `<rc-verification>`: the person's verification status, and the form to
 * submit a legal name and an identity document number for review.
 */
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Api, ApiError, type MyVerification } from '../../api/client';
import { LocaleController, t } from '../../i18n/i18n';
import { formText } from '../shared/form';
import { base } from '../shared/styles';

@customElement('rc-verification')
export class RcVerification extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
        max-width: 32rem;
      }
      form {
        display: grid;
        gap: 0.2rem;
      }
      button[type='submit'] {
        margin-top: 1rem;
      }
      .status {
        font-size: 1.1rem;
        font-weight: 600;
      }
    `,
  ];

  @property({ attribute: false }) api = new Api();
  @state() private verification: MyVerification | null = null;
  @state() private error = '';
  @state() private message = '';
  private readonly locale = new LocaleController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    this.api.myVerification().then(
      (v) => (this.verification = v),
      (err: Error) => (this.error = err.message),
    );
  }

  override render() {
    void this.locale;
    const v = this.verification;
    const canSubmit = v !== null && (v.status === 'none' || v.status === 'rejected' || v.status === 'revoked');
    return html`
      <h1>${t('verify.title')}</h1>
      ${
        v
          ? html`<p class="status" role="status" data-status=${v.status}>
                ${t('verify.status', { status: t(`verify.${v.status}`) })}
              </p>
              ${'reason' in v && v.reason ? html`<p>${t('verify.reason', { reason: v.reason })}</p>` : nothing}
              ${'legalName' in v ? html`<p>${v.legalName} · ****${v.idLast4}</p>` : nothing}`
          : nothing
      }
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.message ? html`<p role="status">${this.message}</p>` : nothing}
      ${
        canSubmit
          ? html`<form @submit=${this.submit} novalidate>
              <label for="legal-name">${t('verify.legalName')}</label>
              <input id="legal-name" name="legalName" autocomplete="name" required />
              <label for="id-number">${t('verify.idNumber')}</label>
              <input id="id-number" name="idNumber" autocomplete="off" aria-describedby="id-note" required />
              <span class="hint" id="id-note">${t('verify.idNote')}</span>
              <button class="primary" type="submit">${t('verify.submit')}</button>
            </form>`
          : nothing
      }
    `;
  }

  private async submit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    this.error = '';
    try {
      this.verification = await this.api.submitVerification(formText(form, 'legalName'), formText(form, 'idNumber'));
      this.message = t('verify.submitted');
      this.dispatchEvent(new CustomEvent('rc-verification-changed', { bubbles: true, composed: true }));
    } catch (err) {
      this.error = err instanceof ApiError ? err.message : String(err);
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rc-verification': RcVerification;
  }
}
