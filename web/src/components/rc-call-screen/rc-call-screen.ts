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
import { html, LitElement, nothing, render, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { LocaleController, t } from '../../i18n/i18n';
import type { CallView } from '../../phone/phone-client';
import '../rc-avatar/rc-avatar';
import '../rc-dialpad/rc-dialpad';
import '../rc-name-badge/rc-name-badge';
import { formatDuration } from '../shared/duration';
import { deepActiveElement, keepTabInside } from '../shared/focus';
import { ICONS } from '../shared/icons';
import { floatingContent, openFloatingWindow } from './floating-window';
import { callScreenStyles } from './styles';

export { formatDuration } from '../shared/duration';
import { base } from '../shared/styles';

export type MuteEvent = CustomEvent<{ muted: boolean }>;
export type DtmfEvent = CustomEvent<{ tone: string }>;

type SinkAudio = HTMLAudioElement & { setSinkId?: (id: string) => Promise<void>; sinkId?: string };

@customElement('rc-call-screen')
export class RcCallScreen extends LitElement {
  static override styles = [base, callScreenStyles];

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
    if (e.key === 'Tab' && !this.mini) {
      keepTabInside(
        e,
        [...this.renderRoot.querySelectorAll<HTMLElement>('button:not([disabled]), rc-dialpad')],
        this.shadowRoot?.activeElement ?? null,
      );
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
    const win = await openFloatingWindow();
    if (win) {
      win.addEventListener('pagehide', () => {
        this.pipWindow = null;
        this.floating = false;
      });
      this.pipWindow = win;
      this.floating = true;
      return;
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
    render(
      floatingContent(call, {
        name: this.shownName(call),
        avatarSrc: this.avatarSrc,
        now: this.now,
        onMute: () => this.fire('rc-mute', { muted: !call.muted }),
        onHangup: () => this.fire('rc-hangup'),
        onBack: () => this.closeFloating(),
      }),
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
