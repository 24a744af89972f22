import { afterEach, describe, expect, test } from 'vitest';
import { setLocale } from '../../i18n/i18n';
import { seriousViolations } from '../../test-support/a11y';
import { mount, recordEvents, unmountAll, update, within } from '../../test-support/dom';
import './rc-registration-status';

afterEach(() => {
  unmountAll();
  setLocale('en');
});

describe('rc-registration-status', () => {
  test('each state in words, announced politely', async () => {
    const el = await mount('rc-registration-status', { registration: 'registered' });
    const status = within(el).getByRole('status');
    await expect.element(status).toHaveTextContent('Ready for calls');
    await expect.element(status).toHaveAttribute('aria-live', 'polite');

    await update(el, { registration: 'connecting' });
    await expect.element(status).toHaveTextContent('Connecting…');
    await update(el, { registration: 'offline' });
    await expect.element(status).toHaveTextContent('Offline');

    setLocale('zh-CN');
    await update(el, { registration: 'registered' });
    await expect.element(status).toHaveTextContent('可以接打电话');
  });

  test('reconnecting: why, and a countdown to the next try', async () => {
    const el = await mount('rc-registration-status', {
      registration: 'reconnecting',
      reason: 'connection lost',
      retryAt: Date.now() + 5_000,
    });
    const status = within(el).getByRole('status');
    await expect.element(status).toHaveTextContent(/^Reconnecting \(connection lost\) — next try in [45] s$/);
    // It counts down on its own, once a second.
    await expect.element(status, { timeout: 3_000 }).toHaveTextContent(/next try in [23] s$/);

    await update(el, { retryAt: null });
    await expect.element(status).toHaveTextContent('Reconnecting (connection lost)…');

    setLocale('zh-CN');
    await update(el, { retryAt: Date.now() + 10_000 });
    await expect.element(status).toHaveTextContent(/^正在重新连接（connection lost），(11|10|9) 秒后重试$/);
  });

  test('failed: the reason and a Retry button that fires rc-retry', async () => {
    const el = await mount('rc-registration-status', { registration: 'failed', reason: 'credentials refused' });
    const events = recordEvents(el, 'rc-retry');
    await expect.element(within(el).getByRole('status')).toHaveTextContent('Cannot register: credentials refused');
    await within(el).getByRole('button', { name: 'Try again' }).click();
    expect(events).toHaveLength(1);
    expect(events[0]!.bubbles && events[0]!.composed).toBe(true);
    expect(await seriousViolations(el)).toEqual([]);
  });

  test('no Retry button while registered or trying', async () => {
    for (const registration of ['registered', 'connecting', 'reconnecting'] as const) {
      const el = await mount('rc-registration-status', { registration, reason: 'x' });
      expect(within(el).getByRole('button').query()).toBeNull();
      el.remove();
    }
  });
});
