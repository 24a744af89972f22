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
import { PhoneClient, PhoneError, type PhoneOptions, type PhoneSnapshot } from '../phone/phone-client';
import { CallAlerts } from './call-alerts';
import { AudioDevices } from './devices';
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
/** Relay credentials are renewed when this share of their life has passed; a failed renewal is tried again after RETRY. */
const ICE_RENEW_AT = 0.8;
const ICE_RENEW_RETRY_MS = 30_000;
/**
 * How often the person's own presentation is read again while the page is
 * visible: an admin may have changed it, and a session cut on another device
 * (signed out everywhere, a new password) is found out within this time.
 */
const PRESENTATION_REFRESH_MS = 15_000;
/** A connection notice that could not be sent (the network is still changing) is tried again after these waits. */
const NOTICE_RETRIES_MS = [100, 200, 400, 800, 1600, 3200];

export class PhoneSession implements ReactiveController {
  readonly controller: PhoneController;
  me: Me | null = null;
  recents: RecentCall[] = [];
  /** Directory cards (avatar, nickname) of the people on this phone's calls, by number. */
  private readonly cards = new Map<string, DirectoryEntry>();
  /** Numbers whose card the API did not give (it did not answer, or knows nobody there). */
  private readonly cardsMissing = new Set<string>();
  soundBlocked = false;
  /** The extension waiting for the first-call notice to be confirmed. */
  pendingCall: string | null = null;
  /** What callees see of this person now (for the notice and the home screen). */
  ownPresentation: Presentation | null = null;
  /** Where the person's own verification stands, read with the presentation. */
  ownVerification: PrivacyPreview['verification'] | '' = '';
  lastError = '';
  /** Counts connection notices: only the newest is tried again. */
  private connectionNotice = 0;
  /** Why the phone just refused what the person asked (in their language), e.g. calling their own number. */
  refusal = '';
  readonly ringback = new Ringback();
  /** This browser's microphones and outputs, and the person's choice of them (remembered here). */
  readonly devices = new AudioDevices();
  /** Said on the call screen when a chosen device went away (the system default is used). */
  deviceNotice = '';
  private microphoneInUse = '';
  private unsubscribeDevices: (() => void) | undefined;
  private refreshTimer: ReturnType<typeof setInterval> | undefined;
  private readonly onVisible = () => {
    if (document.visibilityState === 'visible' && this.me) void this.refreshPresentation();
  };
  private readonly ringtone = new Ringtone((blocked) => {
    this.soundBlocked = blocked;
    this.host.requestUpdate();
  });
  private readonly dismissTimers = new Map<number, ReturnType<typeof setTimeout>>();
  private iceTimer: ReturnType<typeof setTimeout> | undefined;
  private retriedCredentials = false;
  /** The SIP secret changed (a new password): the phone starts again with the new one once no call is live. */
  private restartWhenIdle = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly api: Api,
    private readonly phoneFactory: (account: Awaited<ReturnType<Api['sip']>>, options: PhoneOptions) => PhoneClient = (
      account,
      options,
    ) => new PhoneClient(account, options),
    /** Notices of a call ringing while the tab is hidden (the app passes one with its service worker). */
    readonly alerts: CallAlerts = new CallAlerts(),
  ) {
    host.addController(this);
    this.controller = new PhoneController(host, (next, previous) => this.onChange(next, previous));
  }

  get snapshot(): PhoneSnapshot {
    return this.controller.snapshot;
  }

  hostConnected(): void {
    this.unsubscribeDevices = this.devices.subscribe((event) => this.devicesChanged(event.unplugged));
    this.microphoneInUse = JSON.stringify(this.devices.microphoneConstraints());
    document.addEventListener('visibilitychange', this.onVisible);
    this.refreshTimer = setInterval(this.onVisible, PRESENTATION_REFRESH_MS);
  }

  hostDisconnected(): void {
    this.connectionNotice += 1;
    this.unsubscribeDevices?.();
    for (const c of this.snapshot.calls) this.alerts.stop(c.id);
    document.removeEventListener('visibilitychange', this.onVisible);
    clearInterval(this.refreshTimer);
    clearTimeout(this.iceTimer);
    this.ringtone.stop();
    this.ringback.stop();
    for (const timer of this.dismissTimers.values()) clearTimeout(timer);
    this.dismissTimers.clear();
  }

  /** Starts the phone for a person: their SIP account comes from the API, for them only. */
  async start(me: Me): Promise<void> {
    await this.stop();
    this.me = me;
    this.recents = loadRecents(me.extension);
    void this.refreshPresentation();
    const account = await this.api.sip();
    const phone = this.phoneFactory(account, { microphone: () => this.devices.microphoneConstraints() });
    // A caller turned away busy while this person was in a call is still theirs to know about.
    phone.onOwnConnection = (state) => this.tellConnection(state);
    phone.onBusyHere = (peer) => {
      if (this.me) this.recents = rememberBusyHere(this.me.extension, peer, Date.now());
      this.host.requestUpdate();
    };
    this.controller.attach(phone);
    this.host.requestUpdate();
    this.renewIceLater(phone);
    await phone.start();
  }

  /**
   * Tells the other side of this person's calls that this device is
   * reconnecting, or connected again, trying again while the network
   * settles; a newer state replaces one still being tried.
   */
  private tellConnection(state: 'reconnecting' | 'connected'): void {
    const notice = ++this.connectionNotice;
    const attempt = async (n: number): Promise<void> => {
      if (notice !== this.connectionNotice) return;
      if ((await this.api.tellConnection(state)) !== 'unreachable' || n >= NOTICE_RETRIES_MS.length) return;
      setTimeout(() => void attempt(n + 1), NOTICE_RETRIES_MS[n]);
    };
    void attempt(0);
  }

  /** Asks the API for fresh relay credentials before the phone's expire, for as long as this phone runs. */
  private renewIceLater(phone: PhoneClient, delay?: number): void {
    clearTimeout(this.iceTimer);
    const expiresAt = phone.iceExpiresAt;
    if (expiresAt === null) return;
    const wait = delay ?? Math.max(1000, (expiresAt - Date.now()) * ICE_RENEW_AT);
    this.iceTimer = setTimeout(() => void this.renewIce(phone), wait);
  }

  private async renewIce(phone: PhoneClient): Promise<void> {
    if (this.controller.client !== phone) return;
    try {
      phone.setIce(await this.api.ice());
      this.renewIceLater(phone);
    } catch {
      this.renewIceLater(phone, ICE_RENEW_RETRY_MS);
    }
  }

  async stop(): Promise<void> {
    clearTimeout(this.iceTimer);
    const phone = this.controller.client;
    this.controller.attach(undefined);
    this.ringtone.stop();
    this.ringback.stop();
    await phone?.stop();
  }

  /**
   * The person's SIP secret was replaced (their password changed on this
   * device): the phone starts again with the new one — at once, or when the
   * call under way ends, never cutting it.
   */
  credentialsChanged(): void {
    this.restartWhenIdle = true;
    this.restartIfIdle();
  }

  private restartIfIdle(): void {
    const live = this.snapshot.calls.some((c) => c.state !== 'ended');
    if (!this.restartWhenIdle || live || !this.me) return;
    this.restartWhenIdle = false;
    const me = this.me;
    setTimeout(() => void this.start(me), 0);
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
    void this.lookUp(extension);
    try {
      await this.controller.client?.call(extension);
    } catch (err) {
      this.lastError = err instanceof Error ? err.message : String(err);
      this.host.requestUpdate();
    }
  }

  /** Answers the ringing call in view, or the waiting one by id (the call under way is held first). */
  async answer(id?: number): Promise<void> {
    this.ringtone.stop();
    await this.act(() => this.controller.client?.answer(id));
  }

  async decline(id?: number): Promise<void> {
    if (id === undefined) this.ringtone.stop();
    await this.act(() => this.controller.client?.decline(id));
  }

  async hangup(): Promise<void> {
    await this.controller.client?.hangup();
  }

  async setHeld(held: boolean): Promise<void> {
    await this.act(() => this.controller.client?.setHeld(held));
  }

  /** Holds the call in view and goes to the other one. */
  async switchTo(id: number): Promise<void> {
    await this.act(() => this.controller.client?.switchTo(id));
  }

  /** Runs a phone action; a refusal (e.g. the PBX did not accept a hold) is said in the person's language. */
  private async act(action: () => Promise<void> | undefined): Promise<void> {
    this.refusal = '';
    try {
      await action();
    } catch (err) {
      if (err instanceof PhoneError && err.code === 'hold-refused') this.refusal = t('call.holdRefused');
      else this.lastError = err instanceof Error ? err.message : String(err);
    }
    this.host.requestUpdate();
  }

  async setMuted(muted: boolean): Promise<void> {
    await this.controller.client?.setMuted(muted);
  }

  sendDtmf(tone: string): void {
    this.controller.client?.sendDtmf(tone);
  }

  /** "Try now": a phone waiting to reconnect tries at once; a refused or stopped one starts again. */
  async retry(): Promise<void> {
    if (this.snapshot.registration === 'reconnecting' && this.controller.client) return this.controller.client.tryNow();
    if (this.me) await this.start(this.me);
  }

  clearRecents(): void {
    this.recents = [];
    this.host.requestUpdate();
  }

  /** The picture of whoever is on the other end of a number, when their card has one. */
  avatarSrc(number = this.snapshot.call?.peer.number): string {
    return number && this.cards.get(number)?.hasAvatar ? this.api.avatarUrl(number) : '';
  }

  /** The directory's nickname for a number (what a caller is shown of whom they call). */
  directoryName(number: string): string {
    return this.cards.get(number)?.nickname ?? '';
  }

  /** Whether the directory could not name `number` (so a caller's screen says so, not an empty nickname). */
  directoryUnavailable(number: string): boolean {
    return this.cardsMissing.has(number) && !this.cards.has(number);
  }

  /**
   * Every call that rings (in view or waiting) is noticed while the tab is
   * hidden: the title changes and, if allowed, a system notification shows
   * the caller's name and status as the PBX gave them, and nothing else;
   * both go when it stops ringing (call-alerts.ts).
   */
  private alert(next: PhoneSnapshot, previous: PhoneSnapshot): void {
    const rings = (state: string) => state === 'incoming' || state === 'waiting';
    for (const c of previous.calls) {
      if (rings(c.state) && !next.calls.some((n) => n.id === c.id && rings(n.state))) this.alerts.stop(c.id);
    }
    for (const c of next.calls) {
      const before = previous.calls.find((p) => p.id === c.id);
      const changed = !before || !rings(before.state) || before.peer !== c.peer;
      if (!rings(c.state) || !changed) continue;
      // The phone already blanks an unavailable name (name-status.ts): the number stands in.
      const name = c.peer.name || c.peer.number;
      this.alerts.ringing(
        {
          id: c.id,
          title: t('alerts.calling', { name }),
          body: `${t(`status.${c.peer.status ?? 'directory'}`)} · ${c.peer.number}`,
        },
        {
          onShow: () => this.host.requestUpdate(),
          onAnswer: () => void this.answer(c.id),
          onDecline: () => void this.decline(c.id),
        },
      );
    }
  }

  /**
   * A device choice, a device plugged in or out: calls under way move to the
   * microphone to use now, and an unplugged choice is said on the call screen.
   */
  private devicesChanged(unplugged: readonly ('input' | 'output')[]): void {
    const microphone = JSON.stringify(this.devices.microphoneConstraints());
    if (microphone !== this.microphoneInUse) {
      this.microphoneInUse = microphone;
      void this.controller.client?.microphoneChanged().catch((err: unknown) => {
        this.lastError = err instanceof Error ? err.message : String(err);
      });
    }
    if (unplugged.length > 0) {
      this.deviceNotice = unplugged
        .map((kind) => {
          const name = this.devices.missing(kind)?.label ?? '';
          if (kind === 'input') return t(name ? 'devices.inputUnplugged' : 'devices.inputAbsent', { name });
          return t(name ? 'devices.outputUnplugged' : 'devices.outputAbsent', { name });
        })
        .join(' ');
    } else if (!this.devices.missing('input') && !this.devices.missing('output')) {
      this.deviceNotice = '';
    }
    this.host.requestUpdate();
  }

  private async lookUp(extension: string): Promise<void> {
    try {
      this.cards.set(extension, await this.api.person(extension));
      this.cardsMissing.delete(extension);
    } catch {
      // No card: initials and the number are shown, and the caller's screen says the name is unavailable.
      this.cardsMissing.add(extension);
    }
    this.host.requestUpdate();
  }

  private onChange(next: PhoneSnapshot, previous: PhoneSnapshot): void {
    const call = next.call;
    const known = new Map(previous.calls.map((c) => [c.id, c]));
    for (const c of next.calls) {
      const before = known.get(c.id);
      if (!before && c.direction === 'incoming') void this.lookUp(c.peer.number);
      // Every call that ends goes to recent calls once, and leaves the screen a few seconds later.
      if (c.state === 'ended' && before?.state !== 'ended' && this.me) {
        this.recents = rememberCall(this.me.extension, c, this.directoryName(c.peer.number));
        clearTimeout(this.dismissTimers.get(c.id));
        this.dismissTimers.set(
          c.id,
          setTimeout(() => {
            this.dismissTimers.delete(c.id);
            this.controller.client?.dismissEndedCall(c.id);
          }, ENDED_VISIBLE_MS),
        );
      }
    }
    this.alert(next, previous);
    // The full ringtone for a call in view; a soft call-waiting tone for one beside a call under way.
    const waiting = next.calls.some((c) => c.state === 'waiting');
    if (call?.state === 'incoming') void this.ringtone.start('ring');
    else if (waiting) void this.ringtone.start('waiting');
    else this.ringtone.stop();
    // Ringback while the callee's devices ring; silence once answered, refused or cancelled.
    if (call?.direction === 'outgoing' && call.state === 'ringing') this.ringback.start();
    else this.ringback.stop();
    if (next.registration === 'registered') this.retriedCredentials = false;
    this.restartIfIdle();
    // A refused secret may have been rotated on another device: fetch it again, once.
    if (next.registration === 'failed' && previous.registration !== 'failed' && !this.retriedCredentials && this.me) {
      this.retriedCredentials = true;
      const me = this.me;
      setTimeout(() => void this.start(me), 0);
    }
  }
}
