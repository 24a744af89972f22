/**
 * A signed-in person's phone, as both the full app (`<rc-app>`) and the
 * embeddable `<rc-phone>` use it: fetches the SIP account for its owner,
 * runs the PhoneClient, rings, keeps recent calls in this browser, looks up
 * the other party's card (avatar, directory nickname), and gates the very
 * first call behind the notice of what callees will see.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Api, DirectoryEntry, Me, Presentation, PrivacyPreview } from '../api/client';
import { t } from '../i18n/i18n';
import { PhoneClient, type PhoneSnapshot } from '../phone/phone-client';
import { PhoneController } from './phone-controller';
import {
  firstCallNoticeSeen,
  loadRecents,
  markFirstCallNoticeSeen,
  rememberBusyHere,
  rememberCall,
  type RecentCall,
} from './recents';
import { Ringback } from './ringback';
import { Ringtone } from './ringtone';

/** How long an ended call stays on screen. */
const ENDED_VISIBLE_MS = 4000;
/** How often the person's own presentation is read again while the page is visible (an admin may have changed it). */
const PRESENTATION_REFRESH_MS = 60_000;

export class PhoneSession implements ReactiveController {
  readonly controller: PhoneController;
  me: Me | null = null;
  recents: RecentCall[] = [];
  /** The other party's directory card, when there is one. */
  peerCard: DirectoryEntry | null = null;
  soundBlocked = false;
  /** The extension waiting for the first-call notice to be confirmed. */
  pendingCall: string | null = null;
  /** What callees see of this person now (for the notice and the home screen). */
  ownPresentation: Presentation | null = null;
  /** Where the person's own verification stands, read with the presentation. */
  ownVerification: PrivacyPreview['verification'] | '' = '';
  lastError = '';
  /** Why the phone just refused what the person asked (in their language), e.g. calling their own number. */
  refusal = '';
  readonly ringback = new Ringback();
  private refreshTimer: ReturnType<typeof setInterval> | undefined;
  private readonly onVisible = () => {
    if (document.visibilityState === 'visible' && this.me) void this.refreshPresentation();
  };
  private readonly ringtone = new Ringtone((blocked) => {
    this.soundBlocked = blocked;
    this.host.requestUpdate();
  });
  private dismissTimer: ReturnType<typeof setTimeout> | undefined;
  private retriedCredentials = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly api: Api,
    private readonly phoneFactory: (account: Awaited<ReturnType<Api['sip']>>) => PhoneClient = (account) =>
      new PhoneClient(account),
  ) {
    host.addController(this);
    this.controller = new PhoneController(host, (next, previous) => this.onChange(next, previous));
  }

  get snapshot(): PhoneSnapshot {
    return this.controller.snapshot;
  }

  hostConnected(): void {
    document.addEventListener('visibilitychange', this.onVisible);
    this.refreshTimer = setInterval(this.onVisible, PRESENTATION_REFRESH_MS);
  }

  hostDisconnected(): void {
    document.removeEventListener('visibilitychange', this.onVisible);
    clearInterval(this.refreshTimer);
    this.ringtone.stop();
    this.ringback.stop();
    clearTimeout(this.dismissTimer);
  }

  /** Starts the phone for a person: their SIP account comes from the API, for them only. */
  async start(me: Me): Promise<void> {
    await this.stop();
    this.me = me;
    this.recents = loadRecents(me.extension);
    void this.refreshPresentation();
    const account = await this.api.sip();
    const phone = this.phoneFactory(account);
    // A caller turned away busy while this person was in a call is still theirs to know about.
    phone.onBusyHere = (peer) => {
      if (this.me) this.recents = rememberBusyHere(this.me.extension, peer, Date.now());
      this.host.requestUpdate();
    };
    this.controller.attach(phone);
    this.host.requestUpdate();
    await phone.start();
  }

  async stop(): Promise<void> {
    const phone = this.controller.client;
    this.controller.attach(undefined);
    this.ringtone.stop();
    this.ringback.stop();
    await phone?.stop();
  }

  async refreshPresentation(): Promise<void> {
    try {
      const preview = await this.api.preview();
      this.ownPresentation = preview.options[preview.current];
      this.ownVerification = preview.verification;
      this.host.requestUpdate();
    } catch {
      // shown again on the next refresh
    }
  }

  /** Calls, unless this is the person's first call: then the notice is shown first (`pendingCall`). */
  async dial(extension: string): Promise<void> {
    if (!this.me) return;
    this.refusal = '';
    if (extension === this.me.extension) {
      this.refusal = t('phone.self');
      this.host.requestUpdate();
      return;
    }
    if (!firstCallNoticeSeen(this.me.extension)) {
      await this.refreshPresentation();
      this.pendingCall = extension;
      this.host.requestUpdate();
      return;
    }
    await this.place(extension);
  }

  async confirmFirstCall(): Promise<void> {
    const extension = this.pendingCall;
    this.pendingCall = null;
    if (!this.me || !extension) return;
    markFirstCallNoticeSeen(this.me.extension);
    await this.place(extension);
  }

  cancelFirstCall(): void {
    this.pendingCall = null;
    this.host.requestUpdate();
  }

  private async place(extension: string): Promise<void> {
    this.lastError = '';
    this.peerCard = null;
    void this.lookUp(extension);
    try {
      await this.controller.client?.call(extension);
    } catch (err) {
      this.lastError = err instanceof Error ? err.message : String(err);
      this.host.requestUpdate();
    }
  }

  async answer(): Promise<void> {
    this.ringtone.stop();
    await this.controller.client?.answer();
  }

  async decline(): Promise<void> {
    this.ringtone.stop();
    await this.controller.client?.decline();
  }

  async hangup(): Promise<void> {
    await this.controller.client?.hangup();
  }

  async setMuted(muted: boolean): Promise<void> {
    await this.controller.client?.setMuted(muted);
  }

  sendDtmf(tone: string): void {
    this.controller.client?.sendDtmf(tone);
  }

  async retry(): Promise<void> {
    if (this.me) await this.start(this.me);
  }

  clearRecents(): void {
    this.recents = [];
    this.host.requestUpdate();
  }

  avatarSrc(): string {
    const call = this.snapshot.call;
    if (!call || !this.peerCard?.hasAvatar || this.peerCard.extension !== call.peer.number) return '';
    return this.api.avatarUrl(call.peer.number);
  }

  private async lookUp(extension: string): Promise<void> {
    try {
      const card = await this.api.person(extension);
      if (this.snapshot.call?.peer.number === extension || this.pendingCall === extension || !this.snapshot.call) {
        this.peerCard = card;
        this.host.requestUpdate();
      }
    } catch {
      // No card: initials and the number are shown.
    }
  }

  private onChange(next: PhoneSnapshot, previous: PhoneSnapshot): void {
    const call = next.call;
    const before = previous.call;
    if (call?.state === 'incoming' && before?.id !== call.id) {
      this.peerCard = null;
      void this.lookUp(call.peer.number);
      void this.ringtone.start();
    }
    if (call?.state !== 'incoming') this.ringtone.stop();
    // Ringback while the callee's devices ring; silence once answered, refused or cancelled.
    if (call?.direction === 'outgoing' && call.state === 'ringing') this.ringback.start();
    else this.ringback.stop();
    if (call?.state === 'ended' && before?.state !== 'ended' && this.me) {
      const card = this.peerCard?.extension === call.peer.number ? this.peerCard.nickname : '';
      this.recents = rememberCall(this.me.extension, call, card);
      clearTimeout(this.dismissTimer);
      this.dismissTimer = setTimeout(() => this.controller.client?.dismissEndedCall(), ENDED_VISIBLE_MS);
    }
    if (next.registration === 'registered') this.retriedCredentials = false;
    // A refused secret may have been rotated on another device: fetch it again, once.
    if (next.registration === 'failed' && previous.registration !== 'failed' && !this.retriedCredentials && this.me) {
      this.retriedCredentials = true;
      const me = this.me;
      setTimeout(() => void this.start(me), 0);
    }
  }
}
