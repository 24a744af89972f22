/**
 * CallAlerts in the page itself: the tab title while calls ring and what is
 * left afterwards. Inside Vitest's iframe the page is never hidden and the
 * notification permission cannot be granted, so notifications are tested at
 * top level by tests/e2e/call-alerts.e2e.test.ts.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { CallAlerts } from './call-alerts';

const OWN = 'Inbox · RealCall';
let alerts: CallAlerts;

beforeEach(() => {
  document.title = OWN;
  alerts = new CallAlerts({ blinkMs: 40 });
});

afterEach(() => alerts.dispose());

/** Every title the tab shows over `ms`. */
async function titlesOver(ms: number): Promise<Set<string>> {
  const seen = new Set<string>();
  const started = Date.now();
  while (Date.now() - started < ms) {
    seen.add(document.title);
    await new Promise((r) => setTimeout(r, 10));
  }
  return seen;
}

describe('CallAlerts', () => {
  test('the title alternates between the call and the page while it rings, and is the page’s own again after', async () => {
    alerts.ringing({ id: 1, title: '📞 Zhang Sanfeng is calling', body: 'Verified real name' });
    expect(document.title).toBe('📞 Zhang Sanfeng is calling');
    expect(await titlesOver(300)).toEqual(new Set(['📞 Zhang Sanfeng is calling', OWN]));

    alerts.stop(1);
    expect(document.title).toBe(OWN);
    expect(await titlesOver(150)).toEqual(new Set([OWN]));
    // Idempotent: a second stop (or one for a call that never rang) changes nothing.
    alerts.stop(1);
    alerts.stop(7);
    expect(document.title).toBe(OWN);
  });

  test('stopped mid-blink, on either title, the page’s title comes back exactly', async () => {
    for (const at of [0, 60]) {
      alerts.ringing({ id: 2, title: '📞  Sanfeng   calling ', body: '' });
      await new Promise((r) => setTimeout(r, at));
      alerts.stop(2);
      expect(document.title).toBe(OWN);
    }
  });

  test('a title the page sets while a call rings is the one kept', async () => {
    alerts.ringing({ id: 1, title: '📞 Sanfeng is calling', body: '' });
    document.title = '(2) Inbox · RealCall';
    expect(await titlesOver(200)).toEqual(new Set(['📞 Sanfeng is calling', '(2) Inbox · RealCall']));
    alerts.stop(1);
    expect(document.title).toBe('(2) Inbox · RealCall');
  });

  test('two calls: the newest is in the title; the title is restored only when both stop', async () => {
    alerts.ringing({ id: 1, title: '📞 Sanfeng is calling', body: '' });
    alerts.ringing({ id: 2, title: '📞 Wuji is calling', body: '' });
    expect(document.title).toBe('📞 Wuji is calling');
    expect(await titlesOver(200)).toEqual(new Set(['📞 Wuji is calling', OWN]));
    alerts.stop(2);
    expect(await titlesOver(200)).toEqual(new Set(['📞 Sanfeng is calling', OWN]));
    alerts.stop(1);
    expect(document.title).toBe(OWN);
  });

  test('ringing again for the same call updates its text', async () => {
    alerts.ringing({ id: 1, title: '📞 1002 is calling', body: '' });
    alerts.ringing({ id: 1, title: '📞 Sanfeng is calling', body: 'Unverified' });
    expect(await titlesOver(200)).toEqual(new Set(['📞 Sanfeng is calling', OWN]));
    alerts.stop(1);
    expect(document.title).toBe(OWN);
  });

  test('permission is the browser’s, told to subscribers at once', () => {
    const expected = typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
    expect(alerts.permission).toBe(expected);
    const seen: string[] = [];
    const unsubscribe = alerts.subscribe((p) => seen.push(p));
    expect(seen).toEqual([expected]);
    unsubscribe();
  });

  test('dispose stops everything: the title is restored and later calls are ignored', async () => {
    alerts.ringing({ id: 1, title: '📞 Sanfeng is calling', body: '' });
    alerts.dispose();
    expect(document.title).toBe(OWN);
    alerts.ringing({ id: 3, title: '📞 Wuji is calling', body: '' });
    expect(await titlesOver(100)).toEqual(new Set([OWN]));
  });
});
