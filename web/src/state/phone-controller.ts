/**
 * Lit's side of the phone: a reactive controller that subscribes to a
 * PhoneClient while its host is connected, re-renders the host on every
 * change, and feeds the phone what only a browser knows (the network came
 * back). Components read `snapshot`; they never see sip.js.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { IDLE_PHONE as IDLE, type PhoneClient, type PhoneSnapshot } from '../phone/phone-client';

export class PhoneController implements ReactiveController {
  snapshot: PhoneSnapshot = IDLE;
  private phone: PhoneClient | undefined;
  private unsubscribe: (() => void) | undefined;
  private connected = false;
  private readonly online = () => this.phone?.networkChanged();

  constructor(
    private readonly host: ReactiveControllerHost,
    /** Called on every change, after the snapshot is updated (e.g. to keep recent calls). */
    private readonly onChange?: (next: PhoneSnapshot, previous: PhoneSnapshot) => void,
  ) {
    host.addController(this);
  }

  get client(): PhoneClient | undefined {
    return this.phone;
  }

  /** Starts following a phone (or none, after sign-out). */
  attach(phone: PhoneClient | undefined): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.phone = phone;
    if (this.connected) this.follow();
    else this.snapshot = phone?.state ?? IDLE;
  }

  hostConnected(): void {
    this.connected = true;
    window.addEventListener('online', this.online);
    window.addEventListener('offline', this.online);
    // Chromium says when the connection type changes (Wi-Fi to mobile), often before ICE notices.
    this.netInfo()?.addEventListener('change', this.online);
    this.follow();
  }

  hostDisconnected(): void {
    this.connected = false;
    window.removeEventListener('online', this.online);
    window.removeEventListener('offline', this.online);
    this.netInfo()?.removeEventListener('change', this.online);
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** The Network Information API, where the browser has it. */
  private netInfo(): EventTarget | undefined {
    return (navigator as Navigator & { connection?: EventTarget }).connection;
  }

  private follow(): void {
    if (!this.phone) {
      this.snapshot = IDLE;
      this.host.requestUpdate();
      return;
    }
    this.unsubscribe = this.phone.subscribe((next) => {
      const previous = this.snapshot;
      this.snapshot = next;
      this.onChange?.(next, previous);
      this.host.requestUpdate();
    });
  }
}
