/**
 * `<rc-profile>`: nickname and picture, then the account's own controls
 * (`<rc-account>`: password, sign out everywhere, delete). The picture's type
 * and size are checked by the API (by content), which stores it re-encoded as
 * a WebP of at most 256 × 256. Refusals are said in the page's language, a
 * refused nickname beside its field.
 */
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Api, type Me } from '../../api/client';
import { LocaleController, t } from '../../i18n/i18n';
import { errorText, formProblems } from '../../i18n/problems';
import '../rc-account/rc-account';
import '../rc-avatar/rc-avatar';
import { describedBy, fieldError, invalid } from '../shared/field';
import { fileChoiceStyles } from '../shared/file-choice';
import { formText } from '../shared/form';
import { base } from '../shared/styles';

@customElement('rc-profile')
export class RcProfile extends LitElement {
  static override styles = [
    base,
    fileChoiceStyles,
    css`
      :host {
        display: block;
        max-width: 32rem;
      }
      .row {
        display: flex;
        gap: 1rem;
        align-items: center;
        flex-wrap: wrap;
      }
      form {
        display: grid;
        gap: 0.4rem;
      }
    `,
  ];

  @property({ attribute: false }) api = new Api();
  @property({ attribute: false }) me: Me | null = null;
  /** The last refusal (of the picture or the nickname), worded at render time. */
  @state() private refusal: { of: 'avatar' | 'nickname'; err: unknown } | null = null;
  /** What was saved, worded at render time. */
  @state() private saved: { width: number; height: number } | 'saved' | null = null;
  @state() private avatarVersion = 0;
  /** The name of the picture file last chosen, shown beside the button. */
  @state() private chosen: string | null = null;
  private readonly locale = new LocaleController(this);

  override render() {
    void this.locale;
    const me = this.me;
    if (!me) return nothing;
    const src = me.hasAvatar ? `${this.api.avatarUrl(me.extension)}?v=${this.avatarVersion}` : '';
    const nick = formProblems(this.refusal?.of === 'nickname' ? this.refusal.err : null, ['nickname']);
    const avatarError = this.refusal?.of === 'avatar' ? errorText(this.refusal.err) : '';
    return html`
      <h1>${t('profile.title')}</h1>
      <p role="status" aria-live="polite">${this.savedText()}</p>
      <h2>${t('profile.avatar')}</h2>
      <div class="row">
        <rc-avatar extension=${me.extension} name=${me.nickname} src=${src}></rc-avatar>
        <div>
          <label for="avatar">${t('profile.upload')}</label>
          <div class="file-choice">
            <!-- The browser's own file button speaks the browser's language: this one speaks the page's. -->
            <input
              id="avatar"
              class="visually-hidden"
              type="file"
              accept="image/png,image/jpeg,image/webp"
              aria-invalid=${invalid(avatarError)}
              aria-describedby=${describedBy('avatar', avatarError, 'avatar-name')}
              @change=${this.upload}
            />
            <label for="avatar" class="choose">${t('profile.choose')}</label>
            <span class="hint" id="avatar-name">
              ${this.chosen === null ? t('profile.noFile') : html`<bdi>${this.chosen}</bdi>`}
            </span>
          </div>
          ${fieldError('avatar', avatarError)}
          ${me.hasAvatar ? html`<button @click=${this.removeAvatar}>${t('profile.remove')}</button>` : nothing}
        </div>
      </div>
      <form @submit=${this.saveNickname} novalidate>
        <label for="nickname">${t('auth.nickname')}</label>
        <input
          id="nickname"
          name="nickname"
          .value=${me.nickname}
          required
          aria-invalid=${invalid(nick.byField.nickname)}
          aria-describedby=${describedBy('nickname', nick.byField.nickname, 'nickname-hint')}
        />
        <span class="hint" id="nickname-hint">${t('auth.nicknameHint')}</span>
        ${fieldError('nickname', nick.byField.nickname)}
        ${nick.rest.length ? html`<p class="error" role="alert">${nick.rest.join(' ')}</p>` : nothing}
        <button class="primary" type="submit">${t('profile.save')}</button>
      </form>
      <rc-account .api=${this.api}></rc-account>
    `;
  }

  private savedText(): string {
    if (this.saved === 'saved') return t('privacy.saved');
    return this.saved ? t('profile.scaled', this.saved) : '';
  }

  private changed(me: Me): void {
    this.me = me;
    this.dispatchEvent(new CustomEvent('rc-me-changed', { detail: { me }, bubbles: true, composed: true }));
  }

  private async upload(e: Event): Promise<void> {
    const file = (e.target as HTMLInputElement).files?.[0];
    this.chosen = file?.name ?? null;
    if (!file || !this.me) return;
    this.refusal = null;
    this.saved = null;
    try {
      const { avatar } = await this.api.uploadAvatar(file);
      this.avatarVersion += 1;
      this.changed({ ...this.me, hasAvatar: true });
      // The API keeps at most 256 × 256 pixels: say so when the picture was made smaller.
      this.saved =
        avatar.width < avatar.uploaded.width || avatar.height < avatar.uploaded.height
          ? { width: avatar.width, height: avatar.height }
          : 'saved';
    } catch (err) {
      this.refusal = { of: 'avatar', err };
    }
  }

  private async removeAvatar(): Promise<void> {
    if (!this.me) return;
    this.refusal = null;
    try {
      await this.api.removeAvatar();
      this.changed({ ...this.me, hasAvatar: false });
      // Nothing is chosen any more, and choosing the same file again must upload it again.
      this.chosen = null;
      const input = this.renderRoot.querySelector<HTMLInputElement>('#avatar');
      if (input) input.value = '';
    } catch (err) {
      this.refusal = { of: 'avatar', err };
    }
  }

  private async saveNickname(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const nickname = formText(new FormData(e.target as HTMLFormElement), 'nickname');
    this.refusal = null;
    this.saved = null;
    try {
      this.changed(await this.api.setNickname(nickname));
      this.saved = 'saved';
    } catch (err) {
      this.refusal = { of: 'nickname', err };
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('#nickname')?.focus();
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rc-profile': RcProfile;
  }
  interface HTMLElementEventMap {
    'rc-me-changed': CustomEvent<{ me: Me }>;
  }
}
