/**
 * `<rc-privacy-settings>`: full, masked or hidden — each choice shown with a
 * live preview of exactly what a callee sees (the API's preview, computed by
 * the same function as the PBX's lookup). Fires `rc-privacy-changed`.
 */
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Api, type NamePrivacy, type PrivacyPreview } from '../../api/client';
import { LocaleController, t } from '../../i18n/i18n';
import { errorText } from '../../i18n/problems';
import '../rc-name-badge/rc-name-badge';
import { base } from '../shared/styles';

const CHOICES: NamePrivacy[] = ['full', 'masked', 'hidden'];

@customElement('rc-privacy-settings')
export class RcPrivacySettings extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
        max-width: 40rem;
      }
      fieldset {
        border: none;
        padding: 0;
        margin: 0;
        display: grid;
        gap: 0.75rem;
      }
      .choice {
        display: grid;
        grid-template-columns: auto 1fr;
        gap: 0.4rem 0.8rem;
        align-items: center;
        border: 2px solid var(--rc-line);
        border-radius: 12px;
        padding: 0.8rem 1rem;
        cursor: pointer;
      }
      .choice.selected {
        border-color: var(--rc-accent);
        background: #f3f9ff;
      }
      .choice input {
        width: 1.2rem;
        height: 1.2rem;
        min-height: auto;
        margin: 0;
      }
      .choice label {
        margin: 0;
        cursor: pointer;
      }
      .preview {
        grid-column: 2;
        display: grid;
        gap: 0.4rem;
        min-width: 0;
        color: var(--rc-muted);
        font-size: 0.9rem;
      }
      /* A label and the badge it names: side by side where they fit, the badge below where they do not. */
      .pair {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.2rem 0.8rem;
        min-width: 0;
      }
      .pending-note {
        font-weight: 600;
      }
      .after {
        font-weight: 600;
      }
      rc-name-badge {
        --rc-name-size: 1.15rem;
        text-align: left;
      }
    `,
  ];

  @property({ attribute: false }) api = new Api();
  @state() private preview: PrivacyPreview | null = null;
  @state() private saved = false;
  /** The last refusal, worded at render time. */
  @state() private error: unknown = null;
  /** The choice being saved right now. */
  private saving: NamePrivacy | null = null;
  private readonly locale = new LocaleController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  async load(): Promise<void> {
    try {
      this.preview = await this.api.preview();
    } catch (err) {
      this.error = err;
    }
  }

  override render() {
    void this.locale;
    const p = this.preview;
    const unverified = p !== null && p.options.full.status === 'unverified';
    const why = p?.verification === 'verified' ? 'none' : (p?.verification ?? 'none');
    return html`
      <h1>${t('privacy.title')}</h1>
      <p>${t('privacy.intro')}</p>
      ${
        unverified
          ? html`<p class="hint" data-verification=${why}>
              ${t(`privacy.notVerified.${why}`)} <a href="#/verification">${t('privacy.toVerification')}</a>
            </p>`
          : nothing
      }
      ${p?.pending ? html`<p class="pending-note">${t('privacy.pendingPreview')}</p>` : nothing}
      ${this.error ? html`<p class="error" role="alert">${errorText(this.error)}</p>` : nothing}
      ${
        p
          ? html`<fieldset>
              <legend class="visually-hidden">${t('privacy.title')}</legend>
              ${CHOICES.map((choice) => {
                const shown = p.options[choice];
                return html`<div
                  class="choice ${p.current === choice ? 'selected' : ''}"
                  @click=${() => this.choose(choice)}
                >
                  <input
                    type="radio"
                    name="privacy"
                    id="privacy-${choice}"
                    value=${choice}
                    .checked=${p.current === choice}
                    aria-describedby="preview-${choice}"
                    @change=${() => this.choose(choice)}
                  />
                  <label for="privacy-${choice}">${t(`privacy.${choice}`)}</label>
                  <div class="preview" id="preview-${choice}" data-choice=${choice}>
                    <div class="pair">
                      <span>${p.pending ? t('privacy.now') : t('privacy.preview')}</span>
                      <rc-name-badge name=${shown.name} .status=${shown.status} number=${shown.num}></rc-name-badge>
                    </div>
                    ${
                      p.pending
                        ? html`<div class="pair">
                            <span class="after">${t('privacy.afterApproval')}</span>
                            <rc-name-badge
                              data-after
                              name=${p.pending[choice].name}
                              .status=${p.pending[choice].status}
                              number=${p.pending[choice].num}
                            ></rc-name-badge>
                          </div>`
                        : nothing
                    }
                  </div>
                </div>`;
              })}
            </fieldset>`
          : nothing
      }
      <p role="status" aria-live="polite">${this.saved ? t('privacy.saved') : ''}</p>
    `;
  }

  private async choose(choice: NamePrivacy): Promise<void> {
    // One click on a choice reaches both the card's click and the radio's change: save it once.
    if (!this.preview || this.preview.current === choice || this.saving === choice) return;
    this.saving = choice;
    this.saved = false;
    this.error = null;
    try {
      this.preview = await this.api.setPrivacy(choice);
      this.saved = true;
      this.dispatchEvent(
        new CustomEvent('rc-privacy-changed', { detail: { preview: this.preview }, bubbles: true, composed: true }),
      );
    } catch (err) {
      this.error = err;
    } finally {
      if (this.saving === choice) this.saving = null;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rc-privacy-settings': RcPrivacySettings;
  }
  interface HTMLElementEventMap {
    'rc-privacy-changed': CustomEvent<{ preview: PrivacyPreview }>;
  }
}
