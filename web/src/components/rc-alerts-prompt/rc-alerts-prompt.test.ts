import { afterEach, describe, expect, test } from 'vitest';
import { setLocale } from '../../i18n/i18n';
import type { AlertPermission } from '../../state/call-alerts';
import { CallAlerts } from '../../state/call-alerts';
import { seriousViolations } from '../../test-support/a11y';
import { mount, recordEvents, unmountAll, visibleText, within } from '../../test-support/dom';
import { ALERTS_DISMISSED_KEY } from './rc-alerts-prompt';
import './rc-alerts-prompt';

/**
 * The browser's notification permission cannot be set inside Vitest's iframe,
 * so these tests give the element a stand-in with CallAlerts' three members
 * (the browser is the edge we do not own). tests/e2e/call-alerts.e2e.test.ts
 * drives the element with a real CallAlerts and real permission states.
 */
class Permission {
  asked = 0;
  private readonly listeners = new Set<(p: AlertPermission) => void>();
  constructor(
    public permission: AlertPermission,
    private readonly answer: AlertPermission = 'granted',
  ) {}
  subscribe(listener: (p: AlertPermission) => void): () => void {
    this.listeners.add(listener);
    listener(this.permission);
    return () => this.listeners.delete(listener);
  }
  ask(): Promise<AlertPermission> {
    this.asked++;
    this.set(this.answer);
    return Promise.resolve(this.answer);
  }
  set(p: AlertPermission): void {
    this.permission = p;
    for (const l of this.listeners) l(p);
  }
}

afterEach(() => {
  unmountAll();
  setLocale('en');
  localStorage.removeItem(ALERTS_DISMISSED_KEY);
});

describe('rc-alerts-prompt', () => {
  test('not yet asked: says why and what is shown, and asks only on "Turn on"', async () => {
    const alerts = new Permission('default');
    const el = await mount('rc-alerts-prompt', { alerts });
    const card = within(el).getByRole('region', { name: 'Call notices' });
    await expect
      .element(card)
      .toHaveTextContent(
        "Get a notice from your system when someone calls while this tab is hidden or minimised. RealCall shows only the caller's name and status, and removes it when the call ends.",
      );
    expect(alerts.asked).toBe(0);
    expect(await seriousViolations(el)).toEqual([]);

    await card.getByRole('button', { name: 'Turn on' }).click();
    expect(alerts.asked).toBe(1);
    // Allowed: nothing left to say.
    await expect.poll(() => visibleText(el)).toBe('');
  });

  test('blocked by the browser: one line on how to allow it', async () => {
    const el = await mount('rc-alerts-prompt', { alerts: new Permission('default', 'denied') });
    await within(el).getByRole('button', { name: 'Turn on' }).click();
    await expect
      .poll(() => visibleText(el))
      .toBe(
        'Call notices are blocked for this site. To allow them, open the site settings (the icon left of the address) and set Notifications to Allow. Hide',
      );
    expect(within(el).getByRole('region').query()).toBeNull();
    expect(await seriousViolations(el)).toEqual([]);
  });

  test('"Not now" hides it for this browser and says so', async () => {
    const el = await mount('rc-alerts-prompt', { alerts: new Permission('default') });
    const events = recordEvents(el, 'rc-alerts-dismiss');
    await within(el).getByRole('button', { name: 'Not now' }).click();
    await expect.poll(() => visibleText(el)).toBe('');
    expect(events).toHaveLength(1);
    expect(events[0]!.bubbles && events[0]!.composed).toBe(true);
    expect(localStorage.getItem(ALERTS_DISMISSED_KEY)).toBe('1');
    // Another page load in this browser: still hidden, blocked or not.
    for (const permission of ['default', 'denied'] as const) {
      const again = await mount('rc-alerts-prompt', { alerts: new Permission(permission) });
      expect(visibleText(again)).toBe('');
    }
  });

  test('allowed or unsupported: nothing at all', async () => {
    for (const permission of ['granted', 'unsupported'] as const) {
      const el = await mount('rc-alerts-prompt', { alerts: new Permission(permission) });
      expect(visibleText(el)).toBe('');
      expect(el.shadowRoot!.children).toHaveLength(0);
    }
    const none = await mount('rc-alerts-prompt');
    expect(visibleText(none)).toBe('');
  });

  test('follows the permission as it changes in the browser', async () => {
    const alerts = new Permission('granted');
    const el = await mount('rc-alerts-prompt', { alerts });
    alerts.set('denied');
    await expect.poll(() => visibleText(el)).toMatch(/^Call notices are blocked/);
    alerts.set('default');
    await expect.element(within(el).getByRole('button', { name: 'Turn on' })).toBeVisible();
    // Detached, it stops listening.
    el.remove();
    alerts.set('denied');
    document.body.append(el);
    await expect.poll(() => visibleText(el)).toMatch(/^Call notices are blocked/);
  });

  test('in Chinese', async () => {
    setLocale('zh-CN');
    const el = await mount('rc-alerts-prompt', { alerts: new Permission('default') });
    const card = within(el).getByRole('region', { name: '来电通知' });
    await expect.element(card).toHaveTextContent(/RealCall 只显示来电者的姓名和状态/);
    await expect.element(card.getByRole('button', { name: '开启' })).toBeVisible();
    await expect.element(card.getByRole('button', { name: '暂不' })).toBeVisible();
  });

  test('with a real CallAlerts: this browser has never been asked, so it offers to ask', async () => {
    const alerts = new CallAlerts();
    expect(alerts.permission).toBe('default');
    const el = await mount('rc-alerts-prompt', { alerts });
    await expect.element(within(el).getByRole('button', { name: 'Turn on' })).toBeVisible();
    alerts.dispose();
  });
});
