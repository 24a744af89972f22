/**
 * `<rc-profile>`: nickname and picture. The picture's type and size are
 * checked by the API (by content), which stores it re-encoded as a WebP of
 * at most 256 × 256; its answer is shown as given.
 */
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Api, ApiError, type Me } from '../../api/client';
import { LocaleController, t } from '../../i18n/i18n';
import '../rc-avatar/rc-avatar';
import { formText } from '../shared/form';
import { base } from '../shared/styles';

@customElement('rc-profile')
export class RcProfile extends LitElement {
  static override styles = [
    base,
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
  @state() private error = '';
  @state() private message = '';
  @state() private avatarVersion = 0;
  private readonly locale = new LocaleController(this);

  override render() {
    void this.locale;
    const me = this.me;
    if (!me) return nothing;
    const src = me.hasAvatar ? `${this.api.avatarUrl(me.extension)}?v=${this.avatarVersion}` : '';
    return html`
      <h1>${t('profile.title')}</h1>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <p role="status" aria-live="polite">${this.message}</p>
      <h2>${t('profile.avatar')}</h2>
      <div class="row">
        <rc-avatar extension=${me.extension} name=${me.nickname} src=${src}></rc-avatar>
        <div>
          <label for="avatar">${t('profile.upload')}</label>
          <input id="avatar" type="file" accept="image/png,image/jpeg,image/webp" @change=${this.upload} />
          ${me.hasAvatar ? html`<button @click=${this.removeAvatar}>${t('profile.remove')}</button>` : nothing}
        </div>
      </div>
      <form @submit=${this.saveNickname}>
        <label for="nickname">${t('auth.nickname')}</label>
        <input id="nickname" name="nickname" .value=${me.nickname} required />
        <button class="primary" type="submit">${t('profile.save')}</button>
      </form>
    `;
  }

  private changed(me: Me): void {
    this.me = me;
    this.dispatchEvent(new CustomEvent('rc-me-changed', { detail: { me }, bubbles: true, composed: true }));
  }

  private async upload(e: Event): Promise<void> {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (!file || !this.me) return;
    this.error = '';
    try {
      const { avatar } = await this.api.uploadAvatar(file);
      this.avatarVersion += 1;
      this.changed({ ...this.me, hasAvatar: true });
      // The API keeps at most 256 × 256 pixels: say so when the picture was made smaller.
      this.message =
        avatar.width < avatar.uploaded.width || avatar.height < avatar.uploaded.height
          ? t('profile.scaled', { width: avatar.width, height: avatar.height })
          : t('privacy.saved');
    } catch (err) {
      this.error = err instanceof ApiError ? err.message : String(err);
    }
  }

  private async removeAvatar(): Promise<void> {
    if (!this.me) return;
    await this.api.removeAvatar();
    this.changed({ ...this.me, hasAvatar: false });
  }

  private async saveNickname(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const nickname = formText(new FormData(e.target as HTMLFormElement), 'nickname');
    this.error = '';
    try {
      this.changed(await this.api.setNickname(nickname));
      this.message = t('privacy.saved');
    } catch (err) {
      this.error = err instanceof ApiError ? err.message : String(err);
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
