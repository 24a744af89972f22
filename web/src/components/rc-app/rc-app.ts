/**
 * `<rc-app>`: the whole softphone. Sign in, then the phone registers with the
 * SIP account from the API; screens by hash route (#/phone, #/privacy,
 * #/verification, #/profile, #/admin); the call screen covers them while a
 * call is on; language switch and registration status in the header.
 */
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { keyed } from 'lit/directives/keyed.js';
import { Api, ApiError, type Me } from '../../api/client';
import { LocaleController, locale, setLocale, t } from '../../i18n/i18n';
import { LOCALES, type Locale, type MessageKey } from '../../i18n/messages';
import { CallAlerts } from '../../state/call-alerts';
import { PhoneSession } from '../../state/phone-session';
import { clearRecents } from '../../state/recents';
import '../rc-admin/rc-admin';
import '../rc-home/rc-home';
import '../rc-privacy-settings/rc-privacy-settings';
import '../rc-profile/rc-profile';
import { whyCallsUnavailable } from '../rc-registration-status/rc-registration-status';
import '../rc-sign-in/rc-sign-in';
import '../rc-verification/rc-verification';
import { callScreen, firstCallNotice } from '../shared/phone-views';
import { base } from '../shared/styles';

export const ROUTES = ['phone', 'privacy', 'verification', 'profile', 'admin'] as const;
export type Route = (typeof ROUTES)[number];

/** Why a session that answered 401 was ended, as the sign-in form says it ('' for no session at all). */
function endedNotice(err: ApiError): MessageKey | '' {
  if (err.code !== 'session_ended') return '';
  const reason = typeof err.details.reason === 'string' ? err.details.reason : '';
  const known = ['disabled', 'password_changed', 'signed_out_everywhere', 'expired'];
  return `session.ended.${known.includes(reason) ? (reason as 'disabled') : 'other'}`;
}

const routeFromHash = (hash: string): Route => {
  const name = hash.replace(/^#\/?/, '');
  return (ROUTES as readonly string[]).includes(name) ? (name as Route) : 'phone';
};

@customElement('rc-app')
export class RcApp extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
        min-height: 100vh;
        background: #f6f8fa;
      }
      header {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.75rem 1.25rem;
        padding: 0.75rem 1.25rem;
        background: #fff;
        border-bottom: 1px solid var(--rc-line);
      }
      header h1 {
        font-size: 1.2rem;
        margin: 0;
      }
      nav ul {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem;
        list-style: none;
        margin: 0;
        padding: 0;
      }
      nav a {
        display: inline-block;
        padding: 0.35rem 0.7rem;
        border-radius: 8px;
        text-decoration: none;
        color: var(--rc-fg);
      }
      nav a[aria-current='page'] {
        background: #ddf4ff;
        font-weight: 600;
      }
      .spacer {
        flex: 1;
      }
      select {
        width: auto;
        min-height: 2.2em;
        padding: 0.2em 0.4em;
      }
      main:focus {
        outline: none;
      }
      main {
        padding: 1.25rem;
        max-width: 72rem;
        margin: 0 auto;
      }
      /*
       * A phone: three short rows — the name with the language and Sign out, whether calls can be made,
       * then the pages (scrolling sideways rather than wrapping) — instead of five wrapped ones.
       */
      @media (max-width: 40rem) {
        header {
          display: grid;
          grid-template-columns: 1fr auto auto;
          grid-template-areas:
            'title lang out'
            'status status status'
            'nav nav nav';
          gap: 0.4rem 0.5rem;
          padding: 0.5rem 0.75rem;
        }
        header h1 {
          grid-area: title;
          font-size: 1.05rem;
        }
        header nav {
          grid-area: nav;
          min-width: 0;
          overflow-x: auto;
        }
        header nav ul {
          flex-wrap: nowrap;
        }
        header nav a {
          white-space: nowrap;
          padding: 0.3rem 0.55rem;
        }
        header rc-registration-status {
          grid-area: status;
        }
        header .lang {
          grid-area: lang;
        }
        header .out {
          grid-area: out;
          min-height: 2.2em;
          padding: 0.2em 0.6em;
        }
        .spacer {
          display: none;
        }
        main {
          padding: 0.75rem;
        }
      }
      .call-layer {
        position: fixed;
        inset: 0;
        background: rgb(27 31 36 / 0.55);
        display: grid;
        place-items: center;
        padding: 1rem;
        z-index: 10;
      }
      .call-layer rc-call-screen {
        width: min(30rem, 100%);
        box-shadow: 0 16px 48px rgb(0 0 0 / 0.35);
        border-radius: 16px;
      }
      .away {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 1rem;
        align-items: center;
        margin-bottom: 1rem;
        padding: 0.5rem 0.9rem;
        background: #fff8c5;
        border: 1px solid var(--rc-warn);
        border-radius: var(--rc-radius);
      }
      .away p {
        margin: 0;
      }
      .unreachable {
        max-width: 30rem;
        margin: 2rem auto;
        padding: 1rem 1.25rem;
        background: #fff;
        border: 2px solid var(--rc-warn);
        border-radius: var(--rc-radius);
      }
      .unreachable h2 {
        margin-top: 0;
      }
      .call-layer.floating {
        position: static;
        background: none;
        padding: 0;
      }
    `,
  ];

  @property({ attribute: false }) api = new Api();
  @state() private me: Me | null = null;
  @state() private loading = true;
  @state() private route: Route = routeFromHash(location.hash);
  @state() private floating = false;
  /** The API did not answer while finding out who is signed in: said so, and tried again (the sign-in form would lie). */
  @state() private unreachable = false;
  @state() private nextTryAt = 0;
  @state() private now = Date.now();
  /** Said above the sign-in form: why the person was signed out (a session cut elsewhere, a deleted account). */
  @state() private signedOutNotice: MessageKey | '' = '';
  @state() private deviceOffline = !navigator.onLine;
  // The app's own origin serves the call-alerts worker: its notifications can answer and decline.
  private readonly session = new PhoneSession(
    this,
    this.api,
    undefined,
    new CallAlerts({ serviceWorker: '/call-alerts-sw.js' }),
  );
  private readonly locale = new LocaleController(this);
  private readonly onHash = () => (this.route = routeFromHash(location.hash));
  private readonly onNetwork = () => {
    this.deviceOffline = !navigator.onLine;
    if (navigator.onLine && this.unreachable) void this.restore();
  };
  private restoreAttempts = 0;
  /** A check of who is signed in is under way (its own answer must not start another). */
  private checking = false;
  /** Bumped when the API is back after an absence: the page on show is made afresh, so it loads again. */
  @state() private pageGeneration = 0;
  private restoreTimer: ReturnType<typeof setTimeout> | undefined;
  private tick: ReturnType<typeof setInterval> | undefined;
  private lastRegistration = '';

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('hashchange', this.onHash);
    window.addEventListener('online', this.onNetwork);
    window.addEventListener('offline', this.onNetwork);
    void this.restore();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.onHash);
    window.removeEventListener('online', this.onNetwork);
    window.removeEventListener('offline', this.onNetwork);
    clearTimeout(this.restoreTimer);
    clearInterval(this.tick);
    this.api.onSessionEnded = undefined;
    void this.session.stop();
  }

  /**
   * Who is signed in, asked of the API — at start, and again while the API is
   * away. A 401 means nobody (or a session that ended: said why); no answer
   * at all means the service is unreachable: said in words (instead of the
   * sign-in form, or above the page a signed-in person is on) and asked again
   * on a bounded back-off (2, 4, 8, then every 15 s). When it answers again,
   * the page on show is loaded afresh; the phone is left alone.
   */
  private async restore(): Promise<void> {
    clearTimeout(this.restoreTimer);
    this.api.onSessionEnded = (err) => void this.sessionEnded(err);
    this.api.onReachable = (reachable) => {
      if (!reachable) this.away();
      else if (this.unreachable && !this.checking) void this.restore();
    };
    this.checking = true;
    try {
      const me = await this.api.me();
      const wasAway = this.unreachable;
      this.serviceBack();
      if (!this.me) await this.signedIn(me);
      else if (wasAway) this.pageGeneration += 1;
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        this.serviceBack();
        // A reload after the session was cut elsewhere still says why.
        if (!this.me) this.signedOutNotice = endedNotice(err);
      } else {
        this.unreachable = true;
        this.scheduleCheck();
      }
    } finally {
      this.checking = false;
      this.loading = false;
    }
  }

  /** A request got no answer: say so, and start asking again (once). */
  private away(): void {
    if (this.unreachable) return;
    this.unreachable = true;
    if (!this.checking) this.scheduleCheck();
  }

  private scheduleCheck(): void {
    clearTimeout(this.restoreTimer);
    const wait = Math.min(15_000, 2000 * 2 ** this.restoreAttempts);
    this.restoreAttempts += 1;
    this.nextTryAt = Date.now() + wait;
    this.now = Date.now();
    this.tick ??= setInterval(() => (this.now = Date.now()), 1000);
    this.restoreTimer = setTimeout(() => void this.restore(), wait);
  }

  private serviceBack(): void {
    this.unreachable = false;
    this.restoreAttempts = 0;
    clearTimeout(this.restoreTimer);
    clearInterval(this.tick);
    this.tick = undefined;
  }

  /** The session is gone (ended elsewhere, disabled, expired): back to the sign-in form, saying why. */
  private async sessionEnded(err: ApiError): Promise<void> {
    if (!this.me) return;
    this.signedOutNotice = endedNotice(err) || 'session.ended.other';
    await this.session.stop();
    this.me = null;
  }

  override updated(): void {
    // A phone whose registration is refused may belong to a session that was just cut: asking the API
    // finds out (its 401 reaches sessionEnded) and says why, instead of "Calls unavailable" for ever.
    const registration = this.session.snapshot.registration;
    if (registration !== this.lastRegistration) {
      this.lastRegistration = registration;
      if (registration === 'failed' && this.me) void this.api.me().catch(() => undefined);
    }
  }

  /** Signed in with the form on this page: the form is gone with the focus it held, so the page takes it. */
  private async signedInHere(me: Me): Promise<void> {
    const started = this.signedIn(me);
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('main')?.focus();
    await started;
  }

  private async signedIn(me: Me): Promise<void> {
    this.me = me;
    this.signedOutNotice = '';
    try {
      await this.session.start(me);
    } catch (err) {
      this.session.lastError = err instanceof Error ? err.message : String(err);
      this.requestUpdate();
    }
  }

  private async signOut(): Promise<void> {
    await this.session.stop();
    await this.api.signOut().catch(() => undefined);
    this.me = null;
  }

  /** The person left on every device, or deleted their account, from the Profile page. */
  private async accountClosed(why: 'everywhere' | 'deleted'): Promise<void> {
    const me = this.me;
    await this.session.stop();
    if (why === 'deleted' && me) clearRecents(me.extension);
    this.me = null;
    this.signedOutNotice = why === 'deleted' ? 'account.deleted' : 'session.ended.signed_out_everywhere';
  }

  override render() {
    void this.locale;
    if (this.loading) return html`<main aria-busy="true"></main>`;
    // While a call screen is up (not shrunk to a floating window) the page behind it is out of reach.
    const modal = Boolean(this.session.snapshot.call) && !this.floating;
    return html`
      <header ?inert=${modal}>
        <h1>${t('app.title')}</h1>
        ${this.me ? this.renderNav(this.me) : nothing}
        <span class="spacer"></span>
        ${
          this.me
            ? html`<rc-registration-status
                registration=${this.session.snapshot.registration}
                .cause=${this.session.snapshot.cause}
                .retryAt=${this.session.snapshot.retryAt}
                ?deviceOffline=${this.deviceOffline}
                @rc-retry=${() => void this.session.retry()}
              ></rc-registration-status>`
            : nothing
        }
        <label class="visually-hidden" for="lang">${t('app.language')}</label>
        <select
          id="lang"
          class="lang"
          @change=${(e: Event) => setLocale((e.target as HTMLSelectElement).value as Locale)}
        >
          ${LOCALES.map((l) => html`<option value=${l} ?selected=${l === locale()}>${l === 'en' ? 'English' : '简体中文'}</option>`)}
        </select>
        ${this.me ? html`<button class="out" @click=${() => void this.signOut()}>${t('app.signOut')}</button>` : nothing}
      </header>
      <main ?inert=${modal} tabindex="-1">
        ${this.session.refusal ? html`<p class="error" role="alert">${this.session.refusal}</p>` : nothing}
        ${this.session.lastError ? html`<p class="error" role="alert">${t('error.generic', { message: this.session.lastError })}</p>` : nothing}
        ${this.me && this.unreachable ? this.renderAway() : nothing}
        ${
          this.me
            ? keyed(this.pageGeneration, this.renderRoute(this.me))
            : this.unreachable
              ? this.renderUnreachable()
              : html`<rc-sign-in
                  .api=${this.api}
                  notice=${this.signedOutNotice ? t(this.signedOutNotice) : ''}
                  @rc-signed-in=${(e: CustomEvent<{ me: Me }>) => void this.signedInHere(e.detail.me)}
                ></rc-sign-in>`
        }
      </main>
      ${this.renderCall()} ${this.renderNotice()}
    `;
  }

  private renderUnreachable() {
    const seconds = Math.max(0, Math.ceil((this.nextTryAt - this.now) / 1000));
    return html`<section class="unreachable" role="alert" aria-labelledby="unreachable-title">
      <h2 id="unreachable-title">${t('service.unreachable')}</h2>
      <p>${t('service.unreachableBody')}</p>
      <p class="hint">${t('service.nextTry', { seconds })}</p>
      <button class="primary" @click=${() => void this.restore()}>${t('service.tryNow')}</button>
    </section>`;
  }

  /** The API is away while a person is signed in: their page stays, with a word on what is going on. */
  private renderAway() {
    const seconds = Math.max(0, Math.ceil((this.nextTryAt - this.now) / 1000));
    return html`<div class="away" role="status">
      <p><strong>${t('service.away')}</strong> ${t('service.nextTry', { seconds })}</p>
      <button @click=${() => void this.restore()}>${t('service.tryNow')}</button>
    </div>`;
  }

  private renderNav(me: Me) {
    const items: Route[] = me.role === 'admin' ? [...ROUTES] : ROUTES.filter((r) => r !== 'admin');
    return html`<nav aria-label=${t('app.nav')}>
      <ul>
        ${items.map(
          (r) =>
            html`<li><a href="#/${r}" aria-current=${this.route === r ? 'page' : nothing}>${t(`nav.${r}`)}</a></li>`,
        )}
      </ul>
    </nav>`;
  }

  private renderRoute(me: Me) {
    switch (this.route) {
      case 'privacy':
        return html`<rc-privacy-settings
          .api=${this.api}
          @rc-privacy-changed=${() => void this.session.refreshPresentation()}
        ></rc-privacy-settings>`;
      case 'verification':
        return html`<rc-verification
          .api=${this.api}
          @rc-verification-changed=${() => void this.session.refreshPresentation()}
          @rc-me-changed=${(e: CustomEvent<{ me: Me }>) => (this.me = e.detail.me)}
        ></rc-verification>`;
      case 'profile':
        return html`<rc-profile
          .api=${this.api}
          .me=${me}
          @rc-me-changed=${(e: CustomEvent<{ me: Me }>) => (this.me = e.detail.me)}
          @rc-signed-out-everywhere=${() => void this.accountClosed('everywhere')}
          @rc-account-deleted=${() => void this.accountClosed('deleted')}
          @rc-password-changed=${() => this.session.credentialsChanged()}
        ></rc-profile>`;
      case 'admin':
        return me.role === 'admin' ? html`<rc-admin .api=${this.api}></rc-admin>` : nothing;
      default:
        return html`<rc-home
          .api=${this.api}
          extension=${me.extension}
          .me=${this.session.ownPresentation}
          verification=${this.session.ownVerification}
          .recents=${this.session.recents}
          .devices=${this.session.devices}
          .alerts=${this.session.alerts}
          ?canCall=${this.session.snapshot.registration === 'registered' && !this.session.snapshot.call}
          callWhy=${whyCallsUnavailable(this.session.snapshot.registration, this.session.snapshot.cause, {
            deviceOffline: this.deviceOffline,
            inCall: Boolean(this.session.snapshot.call),
          })}
          @rc-dial=${(e: CustomEvent<{ extension: string }>) => void this.session.dial(e.detail.extension)}
          @rc-clear-recents=${() => {
            clearRecents(me.extension);
            this.session.clearRecents();
          }}
        ></rc-home>`;
    }
  }

  private renderCall() {
    const call = this.session.snapshot.call;
    if (!call) return nothing;
    return html`<div class="call-layer ${this.floating ? 'floating' : ''}">
      ${callScreen(this.session, call, (floating) => (this.floating = floating))}
    </div>`;
  }

  private renderNotice() {
    return firstCallNotice(this.session);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rc-app': RcApp;
  }
}
