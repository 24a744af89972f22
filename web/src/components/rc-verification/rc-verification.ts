/**
 * `<rc-verification>`: the person's verification status and, once they have
 * proved that their login is theirs, the form to submit a legal name and an
 * identity document number for review.
 *
 *     login unproven ──Send code──▶ code sent ──Confirm, right code──▶ proven: the form
 *          ▲                          │
 *          └─── wrong, expired ───────┘ (said in words; ask for a new code)
 *
 * The proof step asks the API to send a one-time code to the login and checks
 * the code typed; every refusal is said in the page's language. A submission
 * waiting for review can be corrected (the form again, filled in) or
 * withdrawn (after a confirmation: nothing of it is kept); an approved one
 * points to the privacy settings. The document number shows how it will be
 * read (full-width digits, spaces and dashes normalised) as it is typed, and
 * each refused field says why beside it. Fires
 * `rc-me-changed` `{ me }` once the login is proven and
 * `rc-verification-changed` once a verification is submitted.
 */
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Api, ApiError, type CodeSent, type Me, type MyVerification } from '../../api/client';
import { dateTime, timeOfDay } from '../../i18n/format';
import { LocaleController, t } from '../../i18n/i18n';
import { errorText, formProblems } from '../../i18n/problems';
import { describedBy, fieldError, invalid } from '../shared/field';
import { formText } from '../shared/form';
import { base } from '../shared/styles';

/** Something to say, read in the current language each time it is shown. */
type Said = () => string;

/** "45 s" or, past two minutes, "12 min". */
function waitText(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  return seconds > 120 ? t('proof.minutes', { n: Math.ceil(seconds / 60) }) : t('proof.seconds', { n: seconds });
}

/** A document number as the API reads it: NFKC (full-width → ASCII), no spaces or dashes, upper case. */
export const normaliseIdNumber = (typed: string) => typed.normalize('NFKC').replace(/[\s-]/g, '').toUpperCase();

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
      .send {
        display: flex;
        flex-wrap: wrap;
        gap: 0.6rem;
        align-items: center;
      }
      .read-as {
        font-family: ui-monospace, monospace;
        font-weight: 600;
      }
      .confirm {
        padding: 0.6rem 0.8rem;
        border: 2px solid var(--rc-warn);
        border-radius: var(--rc-radius);
      }
      .confirm p {
        margin-top: 0;
      }
      #login-code {
        max-width: 10rem;
        letter-spacing: 0.2em;
      }
    `,
  ];

  @property({ attribute: false }) api = new Api();
  @state() private me: Me | null = null;
  @state() private verification: MyVerification | null = null;
  @state() private error: Said | null = null;
  @state() private note: Said | null = null;
  @state() private sent: CodeSent | null = null;
  /** This server has no way to send a code to this kind of login (the API's 503). */
  @state() private unavailable = false;
  @state() private codeInvalid = false;
  /** When a new code may be asked for (ms), and the clock the countdown to it is drawn against. */
  @state() private resendAt = 0;
  @state() private now = Date.now();
  /** The last refusal of the verification form, worded at render time. */
  @state() private formRefusal: unknown = null;
  /** Fields changed since that refusal: their old reason no longer applies, so it is no longer shown. */
  @state() private edited: ReadonlySet<string> = new Set();
  /** The document number as typed, to show how it will be read. */
  @state() private idTyped = '';
  /** Correcting a pending submission: the form is shown again, filled in. */
  @state() private correcting = false;
  @state() private confirmingWithdraw = false;
  private busy = false;
  private tick: ReturnType<typeof setInterval> | undefined;
  private readonly locale = new LocaleController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    Promise.all([this.api.me(), this.api.myVerification()]).then(
      ([me, v]) => {
        this.me = me;
        this.verification = v;
      },
      (err: unknown) => (this.error = () => errorText(err)),
    );
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopCountdown();
  }

  override render() {
    void this.locale;
    const v = this.verification;
    const me = this.me;
    const canSubmit =
      v !== null && (v.status === 'none' || v.status === 'rejected' || v.status === 'revoked' || this.correcting);
    return html`
      <h1>${t('verify.title')}</h1>
      ${
        v
          ? html`<p class="status" role="status" data-status=${v.status} tabindex="-1">
                ${t('verify.status', { status: t(`verify.${v.status}`) })}
              </p>
              ${
                // Why it was refused or revoked is the person's to read; an approval carries no reason for them.
                (v.status === 'rejected' || v.status === 'revoked') && v.reason
                  ? html`<p>${t('verify.reason', { reason: v.reason })}</p>`
                  : nothing
              }
              ${
                'legalName' in v
                  ? html`<p>
                      ${v.legalName} · ****${v.idLast4} ·
                      <time datetime=${v.submittedAt}>${dateTime(v.submittedAt)}</time>
                    </p>`
                  : nothing
              }
              ${v.status === 'pending' && !this.correcting ? this.renderPending() : nothing}
              ${
                v.status === 'verified'
                  ? html`<p>${t('verify.approvedNext')} <a href="#/privacy">${t('verify.toPrivacy')}</a></p>`
                  : nothing
              }`
          : nothing
      }
      <p class="note" role="status" aria-live="polite">${this.note?.() ?? ''}</p>
      ${this.error && !this.codeInvalid ? html`<p class="error" role="alert">${this.error()}</p>` : nothing}
      ${me && !me.loginProven ? this.renderProof(me) : nothing}
      ${me?.loginProven && canSubmit ? this.renderForm() : nothing}
    `;
  }

  /** A submission waiting for review: correct it, or withdraw it after saying what that does. */
  private renderPending() {
    if (this.confirmingWithdraw) {
      return html`<div class="confirm" role="group" aria-labelledby="withdraw-q">
        <p id="withdraw-q">${t('verify.withdrawConfirm')}</p>
        <div class="send">
          <button class="danger" @click=${this.withdraw}>${t('verify.withdrawYes')}</button>
          <button
            id="keep"
            @click=${async () => {
              this.confirmingWithdraw = false;
              await this.focusField('#withdraw');
            }}
          >
            ${t('verify.keep')}
          </button>
        </div>
      </div>`;
    }
    return html`<p class="hint">${t('verify.pendingEdit')}</p>
      <div class="send">
        <button
          id="correct"
          @click=${async () => {
            this.correcting = true;
            this.formRefusal = null;
            await this.focusField('#legal-name');
          }}
        >
          ${t('verify.correct')}
        </button>
        <button
          id="withdraw"
          @click=${async () => {
            this.confirmingWithdraw = true;
            // The safe answer takes the focus: Enter must not withdraw by accident.
            await this.focusField('#keep');
          }}
        >
          ${t('verify.withdraw')}
        </button>
      </div>`;
  }

  private renderForm() {
    const { byField: refused, rest } = formProblems(this.formRefusal, ['legalName', 'idNumber']);
    const byField = Object.fromEntries(Object.entries(refused).filter(([path]) => !this.edited.has(path)));
    const touched = (path: string) => () => {
      if (!this.edited.has(path)) this.edited = new Set([...this.edited, path]);
    };
    const v = this.verification;
    const readAs = normaliseIdNumber(this.idTyped);
    const showReadAs = this.idTyped.trim() !== '' && readAs !== this.idTyped;
    return html`<form @submit=${this.submit} novalidate>
      <label for="legal-name">${t('verify.legalName')}</label>
      <input
        id="legal-name"
        name="legalName"
        autocomplete="name"
        required
        .value=${this.correcting && v && 'legalName' in v ? v.legalName : ''}
        @input=${touched('legalName')}
        aria-invalid=${invalid(byField.legalName)}
        aria-describedby=${describedBy('legal-name', byField.legalName, 'legal-name-hint')}
      />
      <span class="hint" id="legal-name-hint">${t('verify.legalNameHint')}</span>
      ${fieldError('legal-name', byField.legalName)}
      <label for="id-number">${t('verify.idNumber')}</label>
      <input
        id="id-number"
        name="idNumber"
        autocomplete="off"
        required
        @input=${(e: InputEvent) => {
          this.idTyped = (e.target as HTMLInputElement).value;
          touched('idNumber')();
        }}
        aria-invalid=${invalid(byField.idNumber)}
        aria-describedby=${describedBy(
          'id-number',
          byField.idNumber,
          ...(this.correcting ? ['id-retype'] : []),
          'id-note',
          ...(showReadAs ? ['id-read-as'] : []),
        )}
      />
      ${this.correcting ? html`<span class="hint" id="id-retype">${t('verify.retypeId')}</span>` : nothing}
      ${showReadAs ? html`<span class="read-as" id="id-read-as">${t('verify.readAs', { value: readAs })}</span>` : nothing}
      <span class="hint" id="id-note">${t('verify.idNote')}</span>
      ${fieldError('id-number', byField.idNumber)}
      ${rest.length ? html`<p class="error" role="alert">${rest.join(' ')}</p>` : nothing}
      <div class="send">
        <button class="primary" type="submit">
          ${this.correcting ? t('verify.saveCorrection') : t('verify.submit')}
        </button>
        ${
          this.correcting
            ? html`<button
                type="button"
                @click=${async () => {
                  this.correcting = false;
                  this.formRefusal = null;
                  await this.focusField('#correct');
                }}
              >
                ${t('account.cancel')}
              </button>`
            : nothing
        }
      </div>
    </form>`;
  }

  private renderProof(me: Me) {
    const waiting = this.resendAt > this.now;
    return html`<section aria-labelledby="proof-title">
      <h2 id="proof-title">${t('proof.title', { login: me.login })}</h2>
      <p>${t(me.loginKind === 'phone' ? 'proof.introPhone' : 'proof.introEmail')}</p>
      <div class="send">
        <button
          class=${this.sent ? '' : 'primary'}
          type="button"
          ?disabled=${waiting}
          aria-describedby=${waiting ? 'resend-wait' : nothing}
          @click=${this.sendCode}
        >
          ${this.sent ? t('proof.sendAgain') : t('proof.send')}
        </button>
        ${
          waiting
            ? html`<span class="hint" id="resend-wait"
                >${t('proof.resendIn', { wait: waitText(this.resendAt - this.now) })}</span
              >`
            : nothing
        }
      </div>
      ${
        this.unavailable
          ? nothing
          : html`<form @submit=${this.confirmCode} novalidate>
              <label for="login-code">${t('proof.code')}</label>
              <input
                id="login-code"
                name="code"
                inputmode="numeric"
                autocomplete="one-time-code"
                aria-describedby=${this.codeInvalid && this.error ? 'code-hint login-code-error' : 'code-hint'}
                aria-invalid=${this.codeInvalid ? 'true' : 'false'}
                required
              />
              <span class="hint" id="code-hint">${t('proof.codeHint')}</span>
              ${
                this.codeInvalid && this.error
                  ? html`<p class="field-error" id="login-code-error" role="alert">
                      <span aria-hidden="true">⚠ </span>${this.error()}
                    </p>`
                  : nothing
              }
              <button class="primary" type="submit">${t('proof.confirm')}</button>
            </form>`
      }
    </section>`;
  }

  private async sendCode(): Promise<void> {
    if (this.busy || !this.me) return;
    this.busy = true;
    this.error = null;
    this.codeInvalid = false;
    this.note = () => t('proof.sending');
    try {
      const sent = await this.api.requestLoginCode();
      this.sent = sent;
      this.unavailable = false;
      this.note = () => t('proof.sent', { sentTo: sent.sentTo, time: timeOfDay(sent.expiresAt) });
      this.startCountdown(Date.parse(sent.resendAfter));
      await this.focusField('#login-code');
    } catch (err) {
      this.note = null;
      await this.proofFailed(err);
    } finally {
      this.busy = false;
    }
  }

  private async confirmCode(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    if (this.busy) return;
    const code = formText(new FormData(e.target as HTMLFormElement), 'code')
      .normalize('NFKC')
      .replace(/[\s-]/g, '');
    this.error = null;
    if (!/^[0-9]{6}$/.test(code)) {
      this.codeInvalid = true;
      this.error = () => t('proof.format');
      await this.focusField('#login-code');
      return;
    }
    this.busy = true;
    this.note = () => t('proof.confirming');
    try {
      await this.proven(await this.api.confirmLoginCode(code));
    } catch (err) {
      this.note = null;
      await this.proofFailed(err);
      // The reason is said beside the code: the field takes the focus, so it is read out with it.
      if (this.codeInvalid) await this.focusField('#login-code');
    } finally {
      this.busy = false;
    }
  }

  /** What each refusal of the proof means, in words; the code stays where it was typed. */
  private async proofFailed(err: unknown): Promise<void> {
    if (!(err instanceof ApiError)) {
      this.error = () => errorText(err);
      return;
    }
    const kind = this.me?.loginKind;
    switch (err.code) {
      case 'login_already_proven':
        // Proven meanwhile (another tab): nothing left to do here.
        await this.proven(await this.api.me());
        return;
      case 'login_code_wrong': {
        this.codeInvalid = true;
        const left = typeof err.details.triesLeft === 'number' ? err.details.triesLeft : 0;
        this.error = () =>
          left > 1 ? t('proof.wrong', { left }) : left === 1 ? t('proof.wrongOne') : t('proof.wrongLast');
        return;
      }
      case 'invalid_input':
        this.codeInvalid = true;
        this.error = () => t('proof.format');
        return;
      case 'login_code_expired':
        this.codeInvalid = true;
        this.error = () => t('proof.expired');
        return;
      case 'too_many_requests': {
        const ms = (err.retryAfter ?? 60) * 1000;
        this.startCountdown(Date.now() + ms);
        // Said once (an alert that counted down would be read out every second); the hint counts.
        this.error = () => t('proof.tooMany', { wait: waitText(ms) });
        await this.focusField('#login-code');
        return;
      }
      case 'login_code_not_sent':
        this.error = () => t('proof.notSent');
        return;
      case 'login_proof_unavailable':
        this.unavailable = true;
        this.error = () => t(kind === 'phone' ? 'proof.unavailablePhone' : 'proof.unavailableEmail');
        return;
      default:
        this.error = () => errorText(err);
    }
  }

  private async proven(me: Me): Promise<void> {
    this.me = me;
    this.sent = null;
    this.codeInvalid = false;
    this.error = null;
    this.stopCountdown();
    this.note = () => t('proof.proven', { login: me.login });
    this.dispatchEvent(new CustomEvent('rc-me-changed', { detail: { me }, bubbles: true, composed: true }));
    // The proof step is gone with the control that had focus: the form's first field takes it.
    await this.focusField('#legal-name');
  }

  private startCountdown(until: number): void {
    this.stopCountdown();
    this.resendAt = until;
    this.now = Date.now();
    this.tick = setInterval(() => {
      this.now = Date.now();
      if (this.now >= this.resendAt) this.stopCountdown();
    }, 1000);
  }

  private stopCountdown(): void {
    clearInterval(this.tick);
    this.tick = undefined;
    this.now = Date.now();
  }

  private async focusField(selector: string): Promise<void> {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(selector)?.focus();
  }

  private async submit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    const correcting = this.correcting;
    this.error = null;
    this.formRefusal = null;
    this.edited = new Set();
    try {
      const legalName = formText(form, 'legalName');
      const idNumber = formText(form, 'idNumber');
      this.verification = correcting
        ? await this.api.correctVerification(legalName, idNumber)
        : await this.api.submitVerification(legalName, idNumber);
      this.correcting = false;
      this.idTyped = '';
      this.note = () => t(correcting ? 'verify.corrected' : 'verify.submitted');
      this.dispatchEvent(new CustomEvent('rc-verification-changed', { bubbles: true, composed: true }));
      // The form is gone with the button that had focus: the status it led to takes it.
      await this.focusField('.status');
    } catch (err) {
      if (err instanceof ApiError && err.code === 'login_unproven' && this.me) {
        // Proof lost meanwhile (an operator reset it): back to the proof step.
        const login = this.me.login;
        this.me = { ...this.me, loginProven: false };
        this.error = () => t('proof.unproven', { login });
        return;
      }
      if (err instanceof ApiError && err.code === 'not_pending') {
        // Decided meanwhile: show it as it is now, and say so.
        this.correcting = false;
        this.verification = await this.api.myVerification().catch(() => this.verification);
      }
      this.formRefusal = err;
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
    }
  }

  private readonly withdraw = async (): Promise<void> => {
    this.error = null;
    try {
      await this.api.withdrawVerification();
      this.confirmingWithdraw = false;
      this.verification = await this.api.myVerification();
      this.note = () => t('verify.withdrawn');
      this.dispatchEvent(new CustomEvent('rc-verification-changed', { bubbles: true, composed: true }));
      await this.focusField('.status');
    } catch (err) {
      this.confirmingWithdraw = false;
      if (err instanceof ApiError && err.code === 'not_pending') {
        this.verification = await this.api.myVerification().catch(() => this.verification);
      }
      this.error = () => errorText(err);
    }
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'rc-verification': RcVerification;
  }
}
