/* global self */
/**
 * RealCall's call-alerts worker (web/src/state/call-alerts.ts registers it).
 * It shows the notification of a call ringing in a hidden tab on that tab's
 * behalf — only a worker's notification can offer Answer and Decline — and
 * hands a click on it back to that tab. Nothing else: no fetch handler, no
 * cache, no storage, and a scope no page lives under, so it controls no page.
 *
 *   page → worker  { type: 'rc-call-alerts:show', tag, title, body, lang, actions }
 *                  { type: 'rc-call-alerts:close', tag }
 *                  { type: 'rc-call-alerts:sweep' }   closes notifications whose tab is gone
 *   worker → page  { type: 'rc-call-alerts:click', tag, action }   action: '' | 'answer' | 'decline'
 */
const MSG = 'rc-call-alerts:';

self.addEventListener('install', () => self.skipWaiting());

// One message at a time, in order: a close never overtakes the show before it.
let queue = Promise.resolve();
self.addEventListener('message', (event) => {
  const step = () => handle(event.data, event.source);
  queue = queue.then(step, step);
  event.waitUntil(queue);
});

async function handle(message, source) {
  const type = message && message.type;
  if (type === `${MSG}show` && source) {
    const actions = Array.isArray(message.actions) ? message.actions : [];
    await self.registration.showNotification(String(message.title), {
      body: String(message.body),
      tag: String(message.tag),
      lang: String(message.lang || ''),
      requireInteraction: true,
      actions: actions.map((a) => ({ action: String(a.action), title: String(a.title) })),
      // Which tab to bring forward and tell.
      data: { client: source.id },
    });
  } else if (type === `${MSG}close`) {
    for (const n of await self.registration.getNotifications({ tag: String(message.tag) })) n.close();
  } else if (type === `${MSG}sweep`) {
    const tabs = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    const alive = new Set(tabs.map((c) => c.id));
    for (const n of await self.registration.getNotifications()) if (!alive.has(n.data && n.data.client)) n.close();
  }
}

self.addEventListener('notificationclick', (event) => {
  const { notification, action } = event;
  notification.close();
  event.waitUntil(
    (async () => {
      const tab = await self.clients.get(notification.data && notification.data.client);
      // The tab is gone, and its call with it.
      if (!tab) return;
      // Answering needs the call screen in front; declining does not.
      if (action !== 'decline') await tab.focus().catch(() => undefined);
      tab.postMessage({ type: `${MSG}click`, tag: notification.tag, action });
    })(),
  );
});
