/**
 * Notice of a call that rings while the tab is hidden or minimised: the tab
 * title alternates with the call's text while it rings, and — when the person
 * allowed it — a system notification stands while the page is hidden. A
 * click on it brings the call screen to the front; with RealCall's own service
 * worker (web/public/call-alerts-sw.js, same origin only: the embed on other
 * sites goes without) it also offers Answer and Decline. When the call stops
 * ringing, the title is the page's own again and the notification is gone.
 *
 *   ringing(call) ──► title alternates ──► stop(id): title restored, notification closed
 *        │  page hidden & granted: notification shown
 *        │  page visible again:    notification closed (the call screen is in front)
 *        ▼  click: focus, onShow() · Answer: onAnswer() · Decline: onDecline()
 */
import { t } from '../i18n/i18n';

export type AlertPermission = NotificationPermission | 'unsupported';

/** What a ringing call shows: `title` in the tab and as the notification's title, `body` below it (already translated). */
export type RingingCall = { id: number; title: string; body: string };

export type RingingHandlers = {
  /** The person clicked the notification: the page has been brought to the front. */
  onShow?(): void;
  /** The notification's Answer button (only with the service worker). */
  onAnswer?(): void;
  /** The notification's Decline button (only with the service worker). */
  onDecline?(): void;
};

export type CallAlertsOptions = {
  /**
   * URL of call-alerts-sw.js on this page's own origin (`/call-alerts-sw.js`
   * in the app): notifications then offer Answer and Decline. Leave it out on
   * pages that are not RealCall's own (the embed).
   */
  serviceWorker?: string;
  /** How long each of the two titles stays while a call rings. */
  blinkMs?: number;
};

/** Message type prefix shared with web/public/call-alerts-sw.js. */
const MSG = 'rc-call-alerts:';
/** The worker's scope: a path no page lives under, so it controls no page and never sees a request. */
const WORKER_SCOPE = './rc-call-alerts/';

type Ringing = {
  call: RingingCall;
  handlers: RingingHandlers;
  tag: string;
  /** A notification was asked for during the page's current hidden spell. */
  shown: boolean;
  /** The page-level notification (without the service worker). */
  notification: Notification | null;
};

export class CallAlerts {
  private readonly calls = new Map<number, Ringing>();
  private readonly listeners = new Set<(permission: AlertPermission) => void>();
  /** Tags carry the page's own id: two tabs may ring with the same call number. */
  private readonly pageId = Math.random().toString(36).slice(2, 10);
  private readonly blinkMs: number;
  private worker: Promise<ServiceWorkerRegistration | null> | undefined;
  private permissionStatus: PermissionStatus | undefined;
  private blinkTimer: ReturnType<typeof setInterval> | undefined;
  /** The page's own title while a call rings, and the last one this set (as the browser reads it back). */
  private ownTitle = '';
  private lastSet: string | null = null;
  private disposed = false;

  private readonly emit = () => {
    const permission = this.permission;
    if (permission === 'granted') void this.workerReady();
    for (const listener of this.listeners) listener(permission);
  };
  private readonly onVisibility = () => {
    for (const ringing of this.calls.values()) {
      if (document.visibilityState === 'hidden') this.show(ringing);
      else this.hide(ringing);
    }
  };
  /** A page going away takes its notifications along (the worker's would outlive it). */
  private readonly onPageHide = () => {
    for (const ringing of this.calls.values()) this.hide(ringing);
  };
  private readonly onWorkerMessage = (e: MessageEvent) => {
    const data = e.data as { type?: unknown; tag?: unknown; action?: unknown } | null;
    if (data?.type !== `${MSG}click`) return;
    const ringing = [...this.calls.values()].find((r) => r.tag === data.tag);
    if (!ringing) return;
    // The worker has closed it already.
    ringing.shown = false;
    if (data.action === 'answer') ringing.handlers.onAnswer?.();
    else if (data.action === 'decline') ringing.handlers.onDecline?.();
    else ringing.handlers.onShow?.();
  };

  constructor(private readonly options: CallAlertsOptions = {}) {
    this.blinkMs = options.blinkMs ?? 1000;
    // Permission changed in the browser's site settings (or by another tab's prompt).
    void navigator.permissions
      ?.query({ name: 'notifications' })
      .then((status) => {
        if (this.disposed) return;
        this.permissionStatus = status;
        status.addEventListener('change', this.emit);
      })
      .catch(() => undefined);
    if (this.permission === 'granted') void this.workerReady();
  }

  /** Whether system notifications may be shown; `unsupported` where the browser has none (or the page is not secure). */
  get permission(): AlertPermission {
    return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
  }

  /** Calls `listener` now and whenever `permission` changes; returns the unsubscribe function. */
  subscribe(listener: (permission: AlertPermission) => void): () => void {
    this.listeners.add(listener);
    listener(this.permission);
    return () => this.listeners.delete(listener);
  }

  /**
   * Asks the browser for permission to show notifications. Call it only from
   * a click on something that says why (`<rc-alerts-prompt>`): browsers
   * refuse a request made without one, and people refuse one out of context.
   */
  async ask(): Promise<AlertPermission> {
    if (this.permission !== 'default') return this.permission;
    await Notification.requestPermission();
    this.emit();
    return this.permission;
  }

  /**
   * A call rings: the tab title alternates with `call.title` about every
   * second, and while the page is hidden (and permission is granted) a
   * notification shows `call.title` and `call.body` — nothing else. Calling
   * it again for the same id updates the text and the handlers.
   */
  ringing(call: RingingCall, handlers: RingingHandlers = {}): void {
    if (this.disposed) return;
    const existing = this.calls.get(call.id);
    if (existing) {
      const changed = existing.call.title !== call.title || existing.call.body !== call.body;
      existing.call = { ...call };
      existing.handlers = handlers;
      this.retitle();
      if (changed && existing.shown) {
        this.hide(existing);
        this.show(existing);
      }
      return;
    }
    const ringing: Ringing = {
      call: { ...call },
      handlers,
      tag: `rc-call-${this.pageId}-${call.id}`,
      shown: false,
      notification: null,
    };
    if (this.calls.size === 0) this.startBlinking();
    this.calls.set(call.id, ringing);
    this.blink(true);
    if (document.visibilityState === 'hidden') this.show(ringing);
  }

  /** The call stopped ringing: its notification is closed, and with no other call ringing the title is the page's own. Idempotent. */
  stop(id: number): void {
    const ringing = this.calls.get(id);
    if (!ringing) return;
    this.hide(ringing);
    this.calls.delete(id);
    if (this.calls.size === 0) this.stopBlinking();
    else this.retitle();
  }

  /** Stops every ringing call and lets go of the browser. */
  dispose(): void {
    for (const id of [...this.calls.keys()]) this.stop(id);
    this.disposed = true;
    this.listeners.clear();
    this.permissionStatus?.removeEventListener('change', this.emit);
    if (this.worker) navigator.serviceWorker.removeEventListener('message', this.onWorkerMessage);
  }

  private startBlinking(): void {
    this.ownTitle = document.title;
    this.lastSet = null;
    this.blinkTimer = setInterval(() => this.blink(false), this.blinkMs);
    document.addEventListener('visibilitychange', this.onVisibility);
    window.addEventListener('pagehide', this.onPageHide);
  }

  private stopBlinking(): void {
    clearInterval(this.blinkTimer);
    document.removeEventListener('visibilitychange', this.onVisibility);
    window.removeEventListener('pagehide', this.onPageHide);
    // A title the page set itself meanwhile is kept; otherwise the one it had.
    if (this.lastSet === null || document.title === this.lastSet) document.title = this.ownTitle;
    this.lastSet = null;
  }

  /** Shows the newest ringing call's text, or (every other time) the page's own title. */
  private blink(callText: boolean): void {
    // The page retitled itself while the call rang: that is the title to give back.
    if (this.lastSet !== null && document.title !== this.lastSet) this.ownTitle = document.title;
    const text = [...this.calls.values()].at(-1)?.call.title ?? this.ownTitle;
    document.title = callText || document.title !== text ? text : this.ownTitle;
    // Read back: the browser collapses whitespace in titles.
    this.lastSet = document.title;
  }

  /** While a call's text is in the title, it is the newest call's current one. */
  private retitle(): void {
    if (this.lastSet !== null && this.lastSet !== this.ownTitle && document.title === this.lastSet) this.blink(true);
  }

  private show(ringing: Ringing): void {
    if (ringing.shown || this.permission !== 'granted') return;
    ringing.shown = true;
    void this.workerReady().then((registration) => {
      // Stopped, or the page came back, before the worker was ready.
      if (!ringing.shown || this.calls.get(ringing.call.id) !== ringing) return;
      const { title, body } = ringing.call;
      const worker = registration?.active;
      if (worker) {
        const actions = [
          ...(ringing.handlers.onAnswer ? [{ action: 'answer', title: t('call.accept') }] : []),
          ...(ringing.handlers.onDecline ? [{ action: 'decline', title: t('call.decline') }] : []),
        ];
        worker.postMessage({
          type: `${MSG}show`,
          tag: ringing.tag,
          title,
          body,
          lang: document.documentElement.lang,
          actions,
        });
        return;
      }
      try {
        const notification = new Notification(title, {
          body,
          tag: ringing.tag,
          lang: document.documentElement.lang,
          requireInteraction: true,
        });
        notification.addEventListener('click', () => {
          window.focus();
          this.hide(ringing);
          ringing.handlers.onShow?.();
        });
        notification.addEventListener('close', () => {
          if (ringing.notification === notification) ringing.notification = null;
        });
        ringing.notification = notification;
      } catch {
        // Some browsers (Chrome on Android) only show notifications through a service worker: the title still alternates.
      }
    });
  }

  private hide(ringing: Ringing): void {
    if (!ringing.shown) return;
    ringing.shown = false;
    ringing.notification?.close();
    ringing.notification = null;
    if (this.worker) {
      void this.worker.then((registration) =>
        registration?.active?.postMessage({ type: `${MSG}close`, tag: ringing.tag }),
      );
    }
  }

  /**
   * The worker's registration once it is active, or null without one. The same
   * promise every time, so messages reach the worker in the order they were sent.
   */
  private workerReady(): Promise<ServiceWorkerRegistration | null> {
    const url = this.options.serviceWorker;
    if (!url || !('serviceWorker' in navigator) || this.permission !== 'granted') {
      return this.worker ?? Promise.resolve(null);
    }
    this.worker ??= (async () => {
      try {
        const registration = await navigator.serviceWorker.register(url, {
          scope: new URL(WORKER_SCOPE, new URL(url, location.href)).href,
        });
        await activated(registration);
        if (this.disposed) return null;
        navigator.serviceWorker.addEventListener('message', this.onWorkerMessage);
        navigator.serviceWorker.startMessages();
        // Notifications left by a page that crashed or was killed while a call rang.
        registration.active?.postMessage({ type: `${MSG}sweep` });
        return registration;
      } catch {
        // No worker (blocked, or the file is missing): notifications without buttons.
        return null;
      }
    })();
    return this.worker;
  }
}

/** Resolves once `registration` has an active worker. */
function activated(registration: ServiceWorkerRegistration): Promise<void> {
  if (registration.active) return Promise.resolve();
  const worker = registration.installing ?? registration.waiting;
  if (!worker) return Promise.reject(new Error('no service worker'));
  return new Promise((resolve, reject) => {
    worker.addEventListener('statechange', () => {
      if (worker.state === 'activated') resolve();
      if (worker.state === 'redundant') reject(new Error('service worker redundant'));
    });
  });
}
