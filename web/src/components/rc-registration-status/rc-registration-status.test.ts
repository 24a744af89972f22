import { afterEach, describe, expect, test } from 'vitest';
import { setLocale } from '../../i18n/i18n';
import { seriousViolations } from '../../test-support/a11y';
import { mount, recordEvents, unmountAll, update, within } from '../../test-support/dom';
import { whyCallsUnavailable } from './rc-registration-status';

afterEach(() => {
  unmountAll();
  setLocale('en');
});

describe('rc-registration-status', () => {
  test('each state in a few words, announced politely', async () => {
    const el = await mount('rc-registration-status', { registration: 'registered' });
    const status = within(el).getByRole('status');
    await expect.element(status).toHaveTextContent('Ready for calls');
    await expect.element(status).toHaveAttribute('aria-live', 'polite');

    await update(el, { registration: 'connecting' });
    await expect.element(status).toHaveTextContent('Connecting…');
    await update(el, { registration: 'offline' });
    await expect.element(status).toHaveTextContent('Not connected');

    setLocale('zh-CN');
    await update(el, { registration: 'registered' });
    await expect.element(status).toHaveTextContent('可以接打电话');
  });

  test('reconnecting: calls unavailable, a countdown, a Try now button, and why — in the page language', async () => {
    const el = await mount('rc-registration-status', {
      registration: 'reconnecting',
      cause: 'pbx-unreachable',
      retryAt: Date.now() + 5_000,
    });
    const events = recordEvents(el, 'rc-retry');
    const status = within(el).getByRole('status');
    await expect.element(status).toHaveTextContent(/^Calls unavailable · next try in [45] s\s*Try now/);
    // It counts down on its own, once a second.
    await expect.element(status, { timeout: 3_000 }).toHaveTextContent(/next try in [23] s/);
    // The why is the button's description (and the status's title for a pointer), never a WebSocket close code.
    const button = within(el).getByRole('button', { name: 'Try now' });
    await expect.element(button).toHaveAccessibleDescription(/phone server is not answering/);
    expect(el.shadowRoot!.textContent).not.toMatch(/WebSocket|1006|ws:/);
    await button.click();
    expect(events).toHaveLength(1);
    expect(events[0]!.bubbles && events[0]!.composed).toBe(true);

    await update(el, { retryAt: null });
    await expect.element(status).toHaveTextContent(/Calls unavailable · trying…/);

    setLocale('zh-CN');
    await update(el, { retryAt: Date.now() + 10_000 });
    await expect.element(status).toHaveTextContent(/^暂时无法通话 · (11|10|9) 秒后重试\s*立即重试/);
    await expect
      .element(within(el).getByRole('button', { name: '立即重试' }))
      .toHaveAccessibleDescription(/电话服务器没有响应/);
    expect(await seriousViolations(el)).toEqual([]);
  });

  test('failed: says calls are unavailable, and Try now fires rc-retry', async () => {
    const el = await mount('rc-registration-status', { registration: 'failed', cause: 'credentials' });
    const events = recordEvents(el, 'rc-retry');
    await expect.element(within(el).getByRole('status')).toHaveTextContent(/^Calls unavailable/);
    const button = within(el).getByRole('button', { name: 'Try now' });
    await expect.element(button).toHaveAccessibleDescription(/did not accept this account/);
    await button.click();
    expect(events).toHaveLength(1);
    expect(await seriousViolations(el)).toEqual([]);
  });

  test('Try now keeps its place (and the focus) while the try it started runs', async () => {
    const el = await mount('rc-registration-status', {
      registration: 'reconnecting',
      cause: 'pbx-unreachable',
      retryAt: Date.now() + 5_000,
    });
    const events = recordEvents(el, 'rc-retry');
    const button = el.shadowRoot!.querySelector('button')!;
    button.focus();
    await update(el, { registration: 'connecting', retryAt: null });
    expect(el.shadowRoot!.querySelector('button')).toBe(button);
    expect(el.shadowRoot!.activeElement).toBe(button);
    await expect.element(within(el).getByRole('button', { name: 'Try now' })).toHaveAttribute('aria-disabled', 'true');
    button.click();
    expect(events).toHaveLength(0);
    await expect.element(within(el).getByRole('status')).toHaveTextContent(/Calls unavailable · trying…/);
  });

  test('no button while registered or first connecting', async () => {
    for (const registration of ['registered', 'connecting'] as const) {
      const el = await mount('rc-registration-status', { registration });
      expect(within(el).getByRole('button').query()).toBeNull();
      el.remove();
    }
  });

  test('why calls are unavailable, for every cause, in both languages', () => {
    expect(whyCallsUnavailable('registered', null)).toBe('');
    expect(whyCallsUnavailable('registered', null, { inCall: true })).toMatch(/You are in a call/);
    expect(whyCallsUnavailable('reconnecting', 'network-changed')).toMatch(/network changed/);
    expect(whyCallsUnavailable('reconnecting', 'connection-lost')).toMatch(/connection to the phone server was lost/);
    expect(whyCallsUnavailable('reconnecting', 'refused')).toMatch(/did not accept this device/);
    expect(whyCallsUnavailable('reconnecting', 'pbx-unreachable', { deviceOffline: true })).toMatch(
      /device is offline/,
    );
    expect(whyCallsUnavailable('connecting', null)).toMatch(/once the phone is connected/);
    setLocale('zh-CN');
    for (const cause of ['network-changed', 'pbx-unreachable', 'connection-lost', 'refused', 'credentials'] as const) {
      const why = whyCallsUnavailable('reconnecting', cause);
      expect(why).toMatch(/^暂时无法通话：/);
      // The brand is the only Latin text.
      expect(why.replace(/RealCall/g, '')).not.toMatch(/[A-Za-z]/);
    }
  });
});
