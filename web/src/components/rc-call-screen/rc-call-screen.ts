/**
 * `<rc-call-screen>`: the call in view, from ringing to its end, and the
 * phone's other call beside it (other-calls.ts: waiting, held, just ended).
 * The other party's avatar, and beneath it the name the PBX delivered with
 * its status; then the number and a timer. Toggles for speaker, microphone,
 * hold and a floating window, a keypad for DTMF, and hang up — or, while an
 * incoming call rings, accept and decline.
 *
 * It renders the calls it is given and fires events; the phone does the
 * rest: `rc-answer` / `rc-decline` ({ id } for the other call), `rc-hangup`,
 * `rc-mute` ({ muted }), `rc-hold` ({ held }), `rc-switch` ({ id }),
 * `rc-dtmf` ({ tone }). Audio output (speaker) and the floating window are
 * its own: they are about where things are shown and heard.
 */
import { html, LitElement, nothing, render, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { LocaleController, t } from '../../i18n/i18n';
import type { CallView } from '../../phone/phone-client';
import type { AudioDevices } from '../../state/devices';
import '../rc-avatar/rc-avatar';
import '../rc-device-picker/rc-device-picker';
import '../rc-dialpad/rc-dialpad';
import '../rc-name-badge/rc-name-badge';
import { formatDuration } from '../shared/duration';
import { deepActiveElement, keepTabInside } from '../shared/focus';
import { ICONS } from '../shared/icons';
import { CallOutput } from './call-output';
import { floatingContent, openFloatingWindow } from './floating-window';
import { connectionStatus } from './connection-status';
import { otherCalls, stateText } from './other-calls';
import { callScreenStyles } from './styles';

export { formatDuration } from '../shared/duration';
import { base } from '../shared/styles';

export type MuteEvent = CustomEvent<{ muted: boolean }>;
export type DtmfEvent = CustomEvent<{ tone: string }>;
/** `id`: the other call (waiting); absent: the call in view. */
export type CallIdEvent = CustomEvent<{ id?: number }>;

@customElement('rc-call-screen')
export class RcCallScreen extends LitElement {
  static override styles = [base, callScreenStyles];

  @property({ attribute: false }) call: CallView | null = null;
  /** The phone's other calls (waiting, held, just ended), shown beside the one in view. */
  @property({ attribute: false }) others: CallView[] = [];
  /** Directory nicknames by number, for the other calls that were outgoing. */
  @property({ attribute: false }) directoryNames: Record<string, string> = {};
  /** The other party's picture URL, or empty for initials. */
  @property() avatarSrc = '';
  /** For outgoing calls: the directory nickname of whom we call (the PBX tells the caller nothing). */
  @property() directoryName = '';
  /** For outgoing calls: the directory did not answer for whom we call, so their name is unavailable. */
  @property({ type: Boolean }) directoryUnavailable = false;
  /** The ringtone is silent until the person interacts with the page. */
  @property({ type: Boolean }) soundBlocked = false;
  /** Shown as an in-page mini window (the fallback for a floating window). */
  @property({ type: Boolean, reflect: true }) mini = false;
  /** The caller hears the ringback tone (reflected for tests and styling). */
  @property({ type: Boolean, reflect: true }) ringback = false;
  /** The microphones and outputs to call with (the picker behind "Devices" changes the choice). */
  @property({ attribute: false }) devices: AudioDevices | null = null;
  /** Said when a chosen device went away during the call. */
  @property() deviceNotice = '';

  @state() private now = Date.now();
  @state() private keypad = false;
  @state() private floating = false;
  @state() private devicesOpen = false;
  private readonly output = new CallOutput(this, () => this.renderRoot.querySelector('audio'));
  @state() private dtmfSent = '';
  /** Escape on an incoming call asks before declining. */
  @state() private confirmingDecline = false;
  /** Where focus was before the screen opened: it goes back there when the call is gone. */
  private returnFocus: HTMLElement | null = null;
  private focusedCallId: number | null = null;
  private focusedState: CallView['state'] | null = null;

  private ticker: ReturnType<typeof setInterval> | undefined;
  private pipWindow: Window | null = null;
  private readonly locale = new LocaleController(this);
  private drag: { x: number; y: number; left: number; top: number } | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('keydown', this.onKey);
    this.ticker = setInterval(() => (this.now = Date.now()), 1000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('keydown', this.onKey);
    this.restoreFocus();
    clearInterval(this.ticker);
    this.closeFloating();
  }

  protected override willUpdate(): void {
    this.output.use(this.devices);
  }

  protected override updated(changed: PropertyValues<this>): void {
    const audio = this.renderRoot.querySelector('audio');
    if (audio && changed.has('call')) {
      const stream = this.call?.remoteStream ?? null;
      if (audio.srcObject !== stream) {
        audio.srcObject = stream;
        void this.output.apply();
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

  /**
   * A call comes into view, or the one in view is answered: focus its main
   * button, remembering where focus was before the screen opened.
   */
  private moveFocus(): void {
    const call = this.call;
    if (!call) return this.restoreFocus();
    if (this.focusedCallId === null) this.returnFocus = deepActiveElement();
    const other = this.focusedCallId !== call.id;
    const answered = this.focusedState !== call.state && call.state === 'active' && this.focusedState !== 'held';
    this.focusedCallId = call.id;
    this.focusedState = call.state;
    if (!(other || answered) || this.mini || this.floating) return;
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
    this.focusedState = null;
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
        <rc-name-badge
          name=${name}
          .status=${call.peer.status ?? (this.directoryUnavailable ? 'unavailable' : null)}
          number=${call.peer.number}
        ></rc-name-badge>
        ${
          call.peerChangedAt && call.peer.status
            ? html`<p class="changed" role="alert">
                ${t('call.peerChanged', { status: t(`status.${call.peer.status}`) })}
              </p>`
            : nothing
        }
        <p class="number" aria-label=${t('call.number', { number: call.peer.number })}>${call.peer.number}</p>
        ${
          (call.state === 'active' || call.state === 'held') && call.answeredAt
            ? html`<p class="timer" role="timer">${formatDuration(this.now - call.answeredAt)}</p>`
            : nothing
        }
        ${call.state === 'ended' && call.endReason ? html`<p class="state" role="status">${stateText(call)}</p>` : nothing}
        ${connectionStatus(call, name, this.now)}
        ${call.state === 'held' ? html`<p class="held-banner" role="status">${t('call.heldHint')}</p>` : nothing}
        ${
          call.remoteHeld && busy
            ? html`<p class="held-banner remote" role="status">
                ${t('call.remoteHeld', { name: name || call.peer.number })}
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
        ${otherCalls(this.others, {
          nameOf: (other) => this.shownName(other),
          talking: call.state === 'active',
          onAnswer: (id) => this.fire('rc-answer', { id }),
          onDecline: (id) => this.fire('rc-decline', { id }),
          onSwitch: (id) => this.fire('rc-switch', { id }),
        })}
        <audio autoplay></audio>
      </section>
    `;
  }

  /**
   * The name to show: the directory's nickname for an outgoing call, and none
   * at all when the name is `unavailable` (whatever name the call carries).
   */
  private shownName(call: CallView): string {
    if (call.peer.status === null) {
      return call.id === this.call?.id ? this.directoryName : (this.directoryNames[call.peer.number] ?? '');
    }
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
    const held = call.state === 'held';
    // One tap to the loudspeaker only where there is one besides what plays the call (call-output.ts).
    const speaker = this.output.speaker;
    return html`
      <div class="toggles" role="group" aria-label=${t('call.active')}>
        ${
          speaker
            ? html`<button
                class="speaker"
                aria-pressed=${this.output.speakerOn ? 'true' : 'false'}
                title=${speaker.label}
                @click=${() => void this.output.toggleSpeaker()}
              >
                <span class="icon" aria-hidden="true">${ICONS.speaker}</span>${t('call.speaker')}
              </button>`
            : nothing
        }
        <button
          class=${call.muted ? 'mute on' : 'mute'}
          aria-pressed=${call.muted ? 'true' : 'false'}
          ?disabled=${!active}
          @click=${() => this.fire('rc-mute', { muted: !call.muted })}
        >
          <span class="icon" aria-hidden="true">${call.muted ? ICONS.micOff : ICONS.micOn}</span>${t('call.mute')}
        </button>
        <button
          class=${held ? 'hold on' : 'hold'}
          aria-pressed=${held ? 'true' : 'false'}
          ?disabled=${!active && !held}
          @click=${() => this.fire('rc-hold', { held: !held })}
        >
          <span class="icon" aria-hidden="true">${ICONS.hold}</span>${t('call.hold')}
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
        ${
          this.devices
            ? html`<button
                aria-expanded=${this.devicesOpen ? 'true' : 'false'}
                @click=${() => (this.devicesOpen = !this.devicesOpen)}
              >
                <span class="icon" aria-hidden="true">${ICONS.devices}</span>${t('call.devices')}
              </button>`
            : nothing
        }
      </div>
      ${this.deviceNotice ? html`<p class="why" role="status">${this.deviceNotice}</p>` : nothing}
      ${this.devicesOpen && this.devices ? html`<rc-device-picker .devices=${this.devices}></rc-device-picker>` : nothing}
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
    'rc-answer': CallIdEvent;
    'rc-decline': CallIdEvent;
    'rc-hold': CustomEvent<{ held: boolean }>;
    'rc-switch': CustomEvent<{ id: number }>;
    'rc-hangup': CustomEvent<Record<string, never>>;
    'rc-floating': CustomEvent<{ floating: boolean }>;
  }
}
