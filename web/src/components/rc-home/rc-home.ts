/**
 * `<rc-home>`: the dial pad, the directory search, recent calls (kept in
 * this browser only), and the person's own name as callees see it, with a
 * link to change it. Fires `rc-dial` ({ extension }) and `rc-clear-recents`.
 */
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Api, type DirectoryEntry, type Presentation, type PrivacyPreview } from '../../api/client';
import { dateTime } from '../../i18n/format';
import { LocaleController, t } from '../../i18n/i18n';
import { errorText } from '../../i18n/problems';
import type { RecentCall } from '../../state/recents';
import { formatDuration } from '../shared/duration';
import '../rc-avatar/rc-avatar';
import '../rc-dialpad/rc-dialpad';
import type { CallAlerts } from '../../state/call-alerts';
import type { AudioDevices } from '../../state/devices';
import '../rc-alerts-prompt/rc-alerts-prompt';
import '../rc-device-picker/rc-device-picker';
import '../rc-name-badge/rc-name-badge';
import { ICONS } from '../shared/icons';
import { base } from '../shared/styles';

export type DialEvent = CustomEvent<{ extension: string }>;

@customElement('rc-home')
export class RcHome extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: grid;
        gap: 1.5rem;
        grid-template-columns: repeat(auto-fit, minmax(17rem, 1fr));
        align-items: start;
      }
      section {
        border: 1px solid var(--rc-line);
        border-radius: 14px;
        padding: 1rem;
      }
      h2 {
        margin: 0 0 0.6rem;
        font-size: 1.1rem;
      }
      .number {
        display: flex;
        gap: 0.5rem;
        margin-bottom: 0.75rem;
      }
      .number input {
        font-size: 1.4rem;
        letter-spacing: 0.08em;
        text-align: center;
      }
      .call {
        width: 100%;
        margin-top: 0.75rem;
        font-size: 1.1rem;
      }
      ul {
        list-style: none;
        padding: 0;
        margin: 0;
      }
      li {
        display: flex;
        align-items: center;
        gap: 0.6rem;
        padding: 0.4rem 0;
        border-bottom: 1px solid #eaeef2;
      }
      li:last-child {
        border-bottom: none;
      }
      li .who {
        flex: 1;
        min-width: 0;
      }
      li .who strong {
        display: block;
        overflow-wrap: anywhere;
      }
      rc-avatar {
        --rc-avatar-size: 36px;
      }
      .mark {
        font-size: 0.8rem;
        font-weight: 600;
        margin-inline-start: 0.4rem;
      }
      .mark.verified,
      .mark.masked {
        color: #116329;
      }
      .mark.hidden,
      .mark.directory {
        color: #424a53;
      }
      .mark.unverified {
        color: #7d4e00;
      }
      .mark.unavailable {
        color: #a40e26;
      }
      .call-why {
        margin: 0.6rem 0 0;
        color: var(--rc-warn);
        font-weight: 600;
      }
      .missed {
        color: var(--rc-danger);
      }
      .me {
        display: flex;
        flex-direction: column;
        align-items: center;
        gap: 0.4rem;
      }
    `,
  ];

  @property({ attribute: false }) api = new Api();
  @property() extension = '';
  @property({ attribute: false }) me: Presentation | null = null;
  @property({ attribute: false }) recents: RecentCall[] = [];
  /** Where the person's own verification stands (from the privacy preview), to say why callees see what they see. */
  @property() verification: PrivacyPreview['verification'] | '' = '';
  @property({ type: Boolean }) canCall = false;
  /** Why calls cannot be made now, in a sentence (said beside the greyed Call buttons); '' when they can. */
  @property() callWhy = '';
  /** The microphones and outputs to call with, chosen here before a call (and on the call screen during one). */
  @property({ attribute: false }) devices: AudioDevices | null = null;
  /** System notices of calls while this tab is hidden: asked for here, where the card says why. */
  @property({ attribute: false }) alerts: CallAlerts | null = null;

  @state() private number = '';
  @state() private query = '';
  @state() private results: DirectoryEntry[] | null = null;
  /** The last refusal of a search, worded at render time. */
  @state() private searchError: unknown = null;
  private searchTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly locale = new LocaleController(this);

  override render() {
    void this.locale;
    return html`
      ${this.alerts ? html`<rc-alerts-prompt .alerts=${this.alerts}></rc-alerts-prompt>` : nothing}
      <section aria-labelledby="dial-title">
        <h2 id="dial-title">${t('home.dial')}</h2>
        <div class="number">
          <label class="visually-hidden" for="number">${t('home.number')}</label>
          <input
            id="number"
            inputmode="numeric"
            autocomplete="off"
            .value=${this.number}
            @input=${(e: InputEvent) => (this.number = (e.target as HTMLInputElement).value.replace(/[^0-9]/g, '').slice(0, 10))}
            @keydown=${(e: KeyboardEvent) => e.key === 'Enter' && this.dial(this.number)}
          />
          <button aria-label=${t('home.delete')} @click=${() => (this.number = this.number.slice(0, -1))}>
            ${ICONS.backspace}
          </button>
        </div>
        <rc-dialpad
          label=${t('home.dial')}
          @rc-digit=${(e: CustomEvent<{ digit: string }>) => {
            if (/[0-9]/.test(e.detail.digit)) this.number = (this.number + e.detail.digit).slice(0, 10);
          }}
        ></rc-dialpad>
        <button
          class="primary call"
          aria-disabled=${!this.canCall || this.number.length < 3 ? 'true' : 'false'}
          aria-describedby=${this.why()}
          @click=${() => this.dial(this.number)}
        >
          ${t('home.call')}
        </button>
        ${!this.canCall && this.callWhy ? html`<p class="call-why" id="call-why" role="status">${this.callWhy}</p>` : nothing}
      </section>

      <section aria-labelledby="search-title">
        <h2 id="search-title">${t('home.search')}</h2>
        <label class="visually-hidden" for="q">${t('home.searchLabel')}</label>
        <input id="q" type="search" placeholder=${t('home.searchLabel')} .value=${this.query} @input=${this.onSearch} />
        ${this.searchError ? html`<p class="error" role="alert">${errorText(this.searchError)}</p>` : nothing}
        ${
          this.results === null
            ? nothing
            : this.results.every((p) => p.extension === this.extension)
              ? html`<p class="hint" role="status">${t('home.noResults')}</p>`
              : html`<ul aria-label=${t('home.search')}>
                  ${this.results
                    .filter((p) => p.extension !== this.extension)
                    .map(
                      (p) =>
                        html`<li>
                          <rc-avatar
                            extension=${p.extension}
                            name=${p.nickname}
                            src=${p.hasAvatar ? this.api.avatarUrl(p.extension) : ''}
                          ></rc-avatar>
                          <span class="who"
                            ><strong>${p.nickname}</strong>
                            <span class="hint"
                              >${p.extension}${p.verified ? html` · ✔ ${t('home.verifiedAccount')}` : nothing}</span
                            ></span
                          >
                          <button
                            aria-disabled=${this.canCall ? 'false' : 'true'}
                            aria-describedby=${this.why()}
                            aria-label=${t('embed.call', { name: `${p.nickname} (${p.extension})` })}
                            @click=${() => this.dial(p.extension)}
                          >
                            ${t('home.call')}
                          </button>
                        </li>`,
                    )}
                </ul>`
        }
      </section>

      <section aria-labelledby="recent-title">
        <h2 id="recent-title">${t('home.recents')}</h2>
        <p class="hint">${t('home.recentsNote')}</p>
        ${
          this.recents.length === 0
            ? html`<p class="hint">${t('home.noRecents')}</p>`
            : html`<ul aria-label=${t('home.recents')}>
                  ${this.recents.map(
                    (r) =>
                      html`<li>
                        <span class="who">
                          <strong>${r.name || r.number}</strong>
                          ${
                            r.name && r.status
                              ? html`<span class="mark ${r.status}" data-status=${r.status}
                                  >${t(`status.${r.status}`)}</span
                                >`
                              : r.name && r.direction === 'outgoing'
                                ? html`<span class="mark directory" data-status="directory"
                                    >${t('status.directory')}</span
                                  >`
                                : nothing
                          }
                          <span class="hint ${r.missed ? 'missed' : ''}"
                            >${recentKind(r)} · ${r.number} ·
                            <time datetime=${new Date(r.at).toISOString()}>${dateTime(r.at)}</time
                            >${r.seconds > 0 ? html` · ${formatDuration(r.seconds * 1000)}` : nothing}</span
                          >
                        </span>
                        <button
                          aria-disabled=${this.canCall ? 'false' : 'true'}
                          aria-describedby=${this.why()}
                          aria-label=${t('embed.call', { name: r.name || r.number })}
                          @click=${() => this.dial(r.number)}
                        >
                          ${t('home.call')}
                        </button>
                      </li>`,
                  )}
                </ul>
                <button
                  @click=${() => this.dispatchEvent(new CustomEvent('rc-clear-recents', { bubbles: true, composed: true }))}
                >
                  ${t('home.clearRecents')}
                </button>`
        }
      </section>

      <section aria-labelledby="me-title" class="me">
        <h2 id="me-title">${t('home.myName')}</h2>
        ${
          this.me
            ? html`<rc-name-badge name=${this.me.name} .status=${this.me.status} number=${this.me.num}></rc-name-badge>`
            : nothing
        }
        ${
          this.verification && this.verification !== 'verified'
            ? html`<p class="hint" data-verification=${this.verification}>
                ${t(`home.status.${this.verification}`)} <a href="#/verification">${t('privacy.toVerification')}</a>
              </p>`
            : nothing
        }
        <p class="hint">${t('home.yourExtension', { extension: this.extension })}</p>
        <a href="#/privacy">${t('home.changePrivacy')}</a>
      </section>
      ${
        this.devices
          ? html`<section aria-labelledby="devices-title">
              <h2 id="devices-title">${t('home.devices')}</h2>
              <rc-device-picker .devices=${this.devices}></rc-device-picker>
            </section>`
          : nothing
      }
    `;
  }

  /** The greyed Call buttons' description: why calls are unavailable. */
  private why() {
    return !this.canCall && this.callWhy ? 'call-why' : nothing;
  }

  private dial(extension: string): void {
    if (!this.canCall || !/^[0-9]{3,10}$/.test(extension)) return;
    this.dispatchEvent(new CustomEvent('rc-dial', { detail: { extension }, bubbles: true, composed: true }));
  }

  private onSearch(e: InputEvent): void {
    this.query = (e.target as HTMLInputElement).value;
    clearTimeout(this.searchTimer);
    const q = this.query.trim();
    if (!q) {
      this.results = null;
      return;
    }
    this.searchTimer = setTimeout(() => {
      this.api.directory(q).then(
        (people) => {
          if (this.query.trim() === q) {
            this.results = people;
            this.searchError = null;
          }
        },
        (err: unknown) => (this.searchError = err),
      );
    }, 200);
  }
}

/** What kind of entry a recent call is, in words: how it ended when it was not talked through. */
function recentKind(r: RecentCall): string {
  if (r.reason === 'busy-here') return t('recent.busy-here');
  if (r.missed) return t('recent.missed');
  const direction = t(`recent.${r.direction}`);
  const notTalked = r.seconds === 0 && r.reason && !['hangup', 'remote-hangup', 'connection-lost'].includes(r.reason);
  if (!notTalked) return direction;
  return `${direction} · ${r.reason === 'no-answer' ? t('recent.no-answer') : t(`end.${r.reason!}`)}`;
}

declare global {
  interface HTMLElementTagNameMap {
    'rc-home': RcHome;
  }
  interface HTMLElementEventMap {
    'rc-dial': DialEvent;
  }
}
