/**
 * `<rc-call-screen>`: one call, from ringing to its end. The other party's
 * avatar, and beneath it the name the PBX delivered with its status; then
 * the number and a timer. Toggles for speaker, microphone and a floating
 * window, a keypad for DTMF, and hang up — or, while an incoming call rings,
 * accept and decline.
 *
 * It renders the call it is given and fires events; the phone does the rest:
 * `rc-answer`, `rc-decline`, `rc-hangup`, `rc-mute` ({ muted }), `rc-dtmf`
 * ({ tone }). Audio output (speaker) and the floating window are its own:
 * they are about where things are shown and heard.
 */
import { css, html, LitElement, nothing, render, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { LocaleController, t } from '../../i18n/i18n';
import type { CallView } from '../../phone/phone-client';
import '../rc-avatar/rc-avatar';
import '../rc-dialpad/rc-dialpad';
import '../rc-name-badge/rc-name-badge';
import { ICONS } from '../shared/icons';
import { base } from '../shared/styles';

export type MuteEvent = CustomEvent<{ muted: boolean }>;
export type DtmfEvent = CustomEvent<{ tone: string }>;

/** Document Picture-in-Picture, where the browser has it. */
type DocumentPip = {
  requestWindow(options: { width: number; height: number }): Promise<Window>;
  window: Window | null;
};
const documentPip = (): DocumentPip | undefined =>
  (window as unknown as { documentPictureInPicture?: DocumentPip }).documentPictureInPicture;

type SinkAudio = HTMLAudioElement & { setSinkId?: (id: string) => Promise<void>; sinkId?: string };

/** The focused element, looking inside shadow roots. */
function deepActiveElement(): HTMLElement | null {
  let el: Element | null = document.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return el instanceof HTMLElement ? el : null;
}

export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

const PIP_STYLE = `
  body { margin: 0; font-family: system-ui, 'PingFang SC', 'Microsoft YaHei', sans-serif; background: #fff; color: #1b1f24; }
  .mini { display: grid; grid-template-columns: auto 1fr; gap: 8px 12px; align-items: center; padding: 12px; }
  .face { width: 48px; height: 48px; border-radius: 50%; display: grid; place-items: center; color: #fff; font-weight: 700; overflow: hidden; background: #36648b; }
  .face img { width: 100%; height: 100%; object-fit: cover; }
  .name { font-weight: 700; font-size: 1.1rem; margin: 0; overflow-wrap: anywhere; }
  .mark { font-size: 0.8rem; font-weight: 600; }
  .verified, .masked { color: #116329; } .hidden { color: #424a53; } .unverified { color: #7d4e00; } .unavailable, .directory { color: #a40e26; }
  .row { grid-column: 1 / -1; display: flex; gap: 8px; align-items: center; }
  .timer { font-variant-numeric: tabular-nums; margin-right: auto; }
  button { font: inherit; border-radius: 8px; border: 1px solid #d0d7de; background: #f6f8fa; padding: 6px 10px; min-height: 36px; cursor: pointer; }
  button[aria-pressed='true'] { background: #ddf4ff; border-color: #0b6bcb; }
  button.danger { background: #c62828; border-color: #c62828; color: #fff; }
  button:focus-visible { outline: 3px solid #f2a900; outline-offset: 2px; }
`;

@customElement('rc-call-screen')
export class RcCallScreen extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      section {
        display: flex;
        flex-direction: column;
        align-items: center;
        gap: 0.6rem;
        padding: 1.5rem 1rem;
        background: var(--rc-bg);
        border-radius: 16px;
      }
      .state {
        color: var(--rc-muted);
        margin: 0;
      }
      .number {
        margin: 0;
        font-variant-numeric: tabular-nums;
        color: var(--rc-muted);
      }
      .timer {
        font-variant-numeric: tabular-nums;
        font-size: 1.2rem;
        margin: 0;
      }
      .toggles {
        display: grid;
        grid-template-columns: repeat(4, minmax(4.5rem, 1fr));
        gap: 0.5rem;
        width: 100%;
        max-width: 26rem;
      }
      .toggles button {
        display: flex;
        flex-direction: column;
        align-items: center;
        gap: 0.2rem;
        font-size: 0.85rem;
      }
      .toggles .icon {
        font-size: 1.3rem;
      }
      .answer {
        display: flex;
        gap: 1rem;
      }
      .answer button,
      .hangup {
        min-width: 8rem;
        min-height: 3rem;
        font-size: 1.05rem;
      }
      .why {
        font-size: 0.8rem;
        color: var(--rc-muted);
        max-width: 26rem;
        text-align: center;
        margin: 0;
      }
      .blocked {
        background: #fff8c5;
        padding: 0.4rem 0.8rem;
        border-radius: 8px;
        margin: 0;
      }
      rc-avatar {
        --rc-avatar-size: 112px;
      }
      :host([mini]) {
        position: fixed;
        z-index: 2147483000;
        width: 20rem;
        box-shadow: 0 8px 28px rgb(0 0 0 / 0.28);
        border-radius: 16px;
        touch-action: none;
      }
      :host([mini]) section {
        padding: 0.75rem;
        gap: 0.4rem;
      }
      :host([mini]) rc-avatar {
        --rc-avatar-size: 56px;
      }
      :host([mini]) rc-name-badge {
        --rc-name-size: 1.1rem;
      }
      .mute.on {
        background: #c62828;
        border-color: #c62828;
        color: #fff;
      }
      .muted-banner,
      .changed {
        margin: 0;
        padding: 0.4rem 0.8rem;
        border-radius: 8px;
        font-weight: 600;
      }
      .muted-banner {
        background: #ffebe9;
        color: #a40e26;
      }
      .changed {
        background: #fff8c5;
        color: #4d2d00;
      }
      .confirm {
        flex-wrap: wrap;
        justify-content: center;
        align-items: center;
      }
      .confirm .state {
        flex-basis: 100%;
        text-align: center;
      }
      .drag {
        cursor: grab;
        align-self: stretch;
        text-align: center;
        color: var(--rc-muted);
        font-size: 0.75rem;
        user-select: none;
      }
    `,
  ];

  @property({ attribute: false }) call: CallView | null = null;
  /** The other party's picture URL, or empty for initials. */
  @property() avatarSrc = '';
  /** For outgoing calls: the directory nickname of whom we call (the PBX tells the caller nothing). */
  @property() directoryName = '';
  /** The ringtone is silent until the person interacts with the page. */
  @property({ type: Boolean }) soundBlocked = false;
  /** Shown as an in-page mini window (the fallback for a floating window). */
  @property({ type: Boolean, reflect: true }) mini = false;
  /** The caller hears the ringback tone (reflected for tests and styling). */
  @property({ type: Boolean, reflect: true }) ringback = false;

  @state() private now = Date.now();
  @state() private keypad = false;
  @state() private floating = false;
  @state() private speakerOn = false;
  @state() private outputs: MediaDeviceInfo[] = [];
  @state() private dtmfSent = '';
  /** Escape on an incoming call asks before declining. */
  @state() private confirmingDecline = false;
  /** Where focus was before the screen opened: it goes back there when the call is gone. */
  private returnFocus: HTMLElement | null = null;
  private focusedCallId: number | null = null;

  private ticker: ReturnType<typeof setInterval> | undefined;
  private pipWindow: Window | null = null;
  private readonly locale = new LocaleController(this);
  private drag: { x: number; y: number; left: number; top: number } | undefined;

  /** Whether this browser can route call audio to a chosen output. */
  static get speakerSupported(): boolean {
    return 'setSinkId' in HTMLMediaElement.prototype;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('keydown', this.onKey);
    this.ticker = setInterval(() => (this.now = Date.now()), 1000);
    this.listOutputs();
    navigator.mediaDevices?.addEventListener?.('devicechange', this.listOutputs);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('keydown', this.onKey);
    this.restoreFocus();
    clearInterval(this.ticker);
    navigator.mediaDevices?.removeEventListener?.('devicechange', this.listOutputs);
    this.closeFloating();
  }

  private readonly listOutputs = (): void => {
    void (async () => {
      try {
        const devices = (await navigator.mediaDevices?.enumerateDevices?.()) ?? [];
        this.outputs = devices.filter((d) => d.kind === 'audiooutput');
      } catch {
        this.outputs = [];
      }
    })();
  };

  protected override updated(changed: PropertyValues<this>): void {
    const audio = this.renderRoot.querySelector('audio');
    if (audio && changed.has('call')) {
      const stream = this.call?.remoteStream ?? null;
      if (audio.srcObject !== stream) {
        audio.srcObject = stream;
        if (stream) void audio.play().catch(() => undefined);
      }
    }
    if (changed.has('call') && (!this.call || this.call.state === 'ended')) {
      this.keypad = false;
      this.confirmingDecline = false;
      if (this.floating || this.mini) this.closeFloating();
    }
    if (changed.has('call')) this.moveFocus();
    this.renderPip();
  }

  /** A new call, or a call that changed from ringing to talking: focus its main button, remembering where focus was. */
  private moveFocus(): void {
    const call = this.call;
    if (!call) return this.restoreFocus();
    if (this.focusedCallId === call.id && call.state !== 'active') return;
    if (this.focusedCallId !== call.id) {
      this.returnFocus = deepActiveElement();
      this.focusedCallId = call.id;
    }
    if (this.mini || this.floating) return;
    const target =
      call.state === 'incoming'
        ? this.renderRoot.querySelector<HTMLElement>('button.ok')
        : this.renderRoot.querySelector<HTMLElement>('button.hangup');
    target?.focus();
  }

  private restoreFocus(): void {
    const back = this.returnFocus;
    this.returnFocus = null;
    this.focusedCallId = null;
    if (back?.isConnected) back.focus();
  }

  /** Tab stays inside the call screen; Escape on a ringing call asks whether to decline. */
  private readonly onKey = (e: KeyboardEvent): void => {
    if (e.key === 'Escape' && this.call?.state === 'incoming') {
      e.preventDefault();
      this.confirmingDecline = true;
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('.confirm button')?.focus());
      return;
    }
    if (e.key !== 'Tab' || this.mini) return;
    const items = [...this.renderRoot.querySelectorAll<HTMLElement>('button:not([disabled]), rc-dialpad')];
    if (items.length === 0) return;
    const active = this.shadowRoot?.activeElement;
    const first = items[0]!;
    const last = items.at(-1)!;
    if (e.shiftKey && (active === first || !active)) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && (active === last || !active)) {
      e.preventDefault();
      first.focus();
    }
  };

  override render() {
    void this.locale;
    const call = this.call;
    if (!call) return nothing;
    const name = this.shownName(call);
    const busy = call.state !== 'ended';
    return html`
      <section aria-label=${t(`call.${call.state}`)} aria-live="polite">
        ${this.mini ? html`<div class="drag" @pointerdown=${this.startDrag} aria-hidden="true">${ICONS.grip}</div>` : nothing}
        <p class="state">${t(`call.${call.state}`)}</p>
        <rc-avatar
          extension=${call.peer.number}
          name=${name || call.peer.number}
          src=${this.avatarSrc}
          label=${t('call.avatarOf', { name: name || call.peer.number })}
        ></rc-avatar>
        <rc-name-badge name=${name} .status=${call.peer.status} number=${call.peer.number}></rc-name-badge>
        ${
          call.peerChangedAt && call.peer.status
            ? html`<p class="changed" role="alert">
                ${t('call.peerChanged', { status: t(`status.${call.peer.status}`) })}
              </p>`
            : nothing
        }
        <p class="number" aria-label=${t('call.number', { number: call.peer.number })}>${call.peer.number}</p>
        ${
          call.state === 'active' && call.answeredAt
            ? html`<p class="timer" role="timer">${formatDuration(this.now - call.answeredAt)}</p>`
            : nothing
        }
        ${
          call.state === 'ended' && call.endReason
            ? html`<p class="state" role="status">
                ${t(`end.${call.endReason}`, { seconds: Math.round(((call.endedAt ?? call.startedAt) - call.startedAt) / 1000) })}
              </p>`
            : nothing
        }
        ${
          call.state === 'incoming'
            ? html`<p class="visually-hidden" role="alert">
                ${t('call.announce', { name: name || call.peer.number, status: t(`status.${call.peer.status ?? 'directory'}`) })}
              </p>`
            : nothing
        }
        ${call.state === 'incoming' && this.soundBlocked ? html`<p class="blocked" role="status">${t('call.soundBlocked')}</p>` : nothing}
        ${call.state === 'incoming' ? (this.confirmingDecline ? this.renderConfirm() : this.renderAnswer()) : nothing}
        ${call.muted && call.state === 'active' ? html`<p class="muted-banner" role="status">${t('call.muted')}</p>` : nothing}
        ${busy && call.state !== 'incoming' ? this.renderControls(call) : nothing}
        <audio autoplay></audio>
      </section>
    `;
  }

  /**
   * The name to show: the directory's nickname for an outgoing call, and none
   * at all when the name is `unavailable` (whatever name the call carries).
   */
  private shownName(call: CallView): string {
    if (call.peer.status === null) return this.directoryName;
    return call.peer.status === 'unavailable' ? '' : call.peer.name;
  }

  private readonly keepRinging = async (): Promise<void> => {
    this.confirmingDecline = false;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('button.ok')?.focus();
  };

  private renderConfirm() {
    return html`<div class="answer confirm" role="group" aria-label=${t('call.confirmDecline')}>
      <p class="state">${t('call.confirmDecline')}</p>
      <button class="danger" @click=${() => this.fire('rc-decline')}>${t('call.confirmYes')}</button>
      <button @click=${this.keepRinging}>${t('call.confirmNo')}</button>
    </div>`;
  }

  private renderAnswer() {
    return html`<div class="answer">
      <button class="ok" @click=${() => this.fire('rc-answer')}>${t('call.accept')}</button>
      <button class="danger" @click=${() => this.fire('rc-decline')}>${t('call.decline')}</button>
    </div>`;
  }

  private renderControls(call: CallView) {
    const active = call.state === 'active';
    const speakerWhy = !RcCallScreen.speakerSupported
      ? t('call.speakerUnsupported')
      : this.outputs.length < 2
        ? t('call.speakerOneDevice')
        : '';
    return html`
      <div class="toggles" role="group" aria-label=${t('call.active')}>
        <button
          aria-pressed=${this.speakerOn ? 'true' : 'false'}
          ?disabled=${Boolean(speakerWhy)}
          aria-describedby=${speakerWhy ? 'speaker-why' : nothing}
          @click=${this.toggleSpeaker}
        >
          <span class="icon" aria-hidden="true">${ICONS.speaker}</span>${t('call.speaker')}
        </button>
        <button
          class=${call.muted ? 'mute on' : 'mute'}
          aria-pressed=${call.muted ? 'true' : 'false'}
          ?disabled=${!active}
          @click=${() => this.fire('rc-mute', { muted: !call.muted })}
        >
          <span class="icon" aria-hidden="true">${call.muted ? ICONS.micOff : ICONS.micOn}</span>${t('call.mute')}
        </button>
        <button aria-pressed=${this.floating || this.mini ? 'true' : 'false'} @click=${this.toggleFloating}>
          <span class="icon" aria-hidden="true">${ICONS.floating}</span>${t('call.floating')}
        </button>
        <button
          aria-pressed=${this.keypad ? 'true' : 'false'}
          ?disabled=${!active}
          @click=${() => (this.keypad = !this.keypad)}
        >
          <span class="icon" aria-hidden="true">${ICONS.keypad}</span>${t('call.keypad')}
        </button>
      </div>
      ${speakerWhy ? html`<p class="why" id="speaker-why">${speakerWhy}</p>` : nothing}
      ${
        this.keypad
          ? html`<rc-dialpad
                label=${t('call.keypad')}
                @rc-digit=${(e: CustomEvent<{ digit: string }>) => this.dtmf(e.detail.digit)}
              ></rc-dialpad>
              <p class="number" aria-live="polite">${this.dtmfSent}</p>`
          : nothing
      }
      <button class="danger hangup" @click=${() => this.fire('rc-hangup')}>${t('call.hangup')}</button>
    `;
  }

  private dtmf(tone: string): void {
    this.dtmfSent = (this.dtmfSent + tone).slice(-24);
    this.fire('rc-dtmf', { tone });
  }

  /** Speaker on: the output that looks like a loudspeaker (or the default); off: the communications device or another one. */
  private async toggleSpeaker(): Promise<void> {
    const audio = this.renderRoot.querySelector<SinkAudio>('audio');
    if (!audio?.setSinkId || this.outputs.length < 2) return;
    const on = !this.speakerOn;
    const loud =
      this.outputs.find((d) => /speaker|扬声器/i.test(d.label)) ??
      this.outputs.find((d) => d.deviceId === 'default') ??
      this.outputs[0]!;
    const quiet =
      this.outputs.find((d) => d.deviceId === 'communications') ??
      this.outputs.find((d) => d.deviceId !== loud.deviceId)!;
    try {
      await audio.setSinkId((on ? loud : quiet).deviceId);
      this.speakerOn = on;
    } catch {
      // The device went away or permission was refused: keep the current output.
    }
  }

  private async toggleFloating(): Promise<void> {
    if (this.floating || this.mini) {
      this.closeFloating();
      return;
    }
    const pip = documentPip();
    if (pip) {
      try {
        const win = await pip.requestWindow({ width: 340, height: 170 });
        const style = win.document.createElement('style');
        style.textContent = PIP_STYLE;
        win.document.head.append(style);
        win.addEventListener('pagehide', () => {
          this.pipWindow = null;
          this.floating = false;
        });
        this.pipWindow = win;
        this.floating = true;
        return;
      } catch {
        // Not allowed here (no user gesture, or inside a frame): use the in-page window.
      }
    }
    this.mini = true;
    this.style.right = '1rem';
    this.style.bottom = '1rem';
    this.fire('rc-floating', { floating: true });
  }

  private closeFloating(): void {
    if (this.pipWindow) {
      const win = this.pipWindow;
      this.pipWindow = null;
      win.close();
    }
    this.floating = false;
    if (this.mini) {
      this.mini = false;
      this.style.removeProperty('left');
      this.style.removeProperty('top');
      this.style.removeProperty('right');
      this.style.removeProperty('bottom');
      this.fire('rc-floating', { floating: false });
    }
  }

  /** The floating window's content, rendered into the Picture-in-Picture document. */
  private renderPip(): void {
    const win = this.pipWindow;
    const call = this.call;
    if (!win || !call) return;
    const name = this.shownName(call);
    const kind = call.peer.status ?? 'directory';
    render(
      html`<div class="mini" role="region" aria-label=${t('call.floating')}>
        <div class="face" role="img" aria-label=${t('call.avatarOf', { name: name || call.peer.number })}>
          ${this.avatarSrc ? html`<img src=${this.avatarSrc} alt="" />` : html`<span aria-hidden="true">${(name || call.peer.number).slice(0, 1)}</span>`}
        </div>
        <div>
          ${kind !== 'unavailable' && name ? html`<p class="name">${name}</p>` : nothing}
          <span class="mark ${kind}" data-status=${kind}>${t(`status.${kind}`)}</span>
          <div>${call.peer.number}</div>
        </div>
        <div class="row">
          <span class="timer"
            >${call.state === 'active' && call.answeredAt ? formatDuration(this.now - call.answeredAt) : t(`call.${call.state}`)}</span
          >
          <button
            aria-pressed=${call.muted ? 'false' : 'true'}
            @click=${() => this.fire('rc-mute', { muted: !call.muted })}
          >
            ${t(call.muted ? 'call.micOff' : 'call.micOn')}
          </button>
          <button class="danger" @click=${() => this.fire('rc-hangup')}>${t('call.hangup')}</button>
          <button @click=${() => this.closeFloating()}>${t('call.back')}</button>
        </div>
      </div>`,
      win.document.body,
    );
  }

  private startDrag(e: PointerEvent): void {
    const rect = this.getBoundingClientRect();
    this.drag = { x: e.clientX, y: e.clientY, left: rect.left, top: rect.top };
    const move = (ev: PointerEvent) => {
      if (!this.drag) return;
      const left = Math.min(Math.max(0, this.drag.left + ev.clientX - this.drag.x), window.innerWidth - rect.width);
      const top = Math.min(Math.max(0, this.drag.top + ev.clientY - this.drag.y), window.innerHeight - rect.height);
      this.style.left = `${left}px`;
      this.style.top = `${top}px`;
      this.style.right = 'auto';
      this.style.bottom = 'auto';
    };
    const up = () => {
      this.drag = undefined;
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  }

  private fire(name: string, detail: unknown = {}): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rc-call-screen': RcCallScreen;
  }
  interface HTMLElementEventMap {
    'rc-mute': MuteEvent;
    'rc-dtmf': DtmfEvent;
    'rc-answer': CustomEvent<Record<string, never>>;
    'rc-decline': CustomEvent<Record<string, never>>;
    'rc-hangup': CustomEvent<Record<string, never>>;
    'rc-floating': CustomEvent<{ floating: boolean }>;
  }
}
