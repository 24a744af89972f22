import { afterEach, describe, expect, test } from 'vitest';
import { userEvent } from 'vitest/browser';
import { setLocale } from '../../i18n/i18n';
import { deepActiveElement, seriousViolations } from '../../test-support/a11y';
import { mount, recordEvents, unmountAll, visibleText, within } from '../../test-support/dom';
import './rc-first-call-notice';

afterEach(() => {
  unmountAll();
  setLocale('en');
});

const shown = { name: '*三丰', status: 'masked', num: '1002' } as const;

describe('rc-first-call-notice', () => {
  test('a modal dialog saying how callees will see me, with the focus on Call now', async () => {
    const notice = await mount('rc-first-call-notice', { shown });
    const dialog = within(notice).getByRole('dialog', { name: 'Before your first call' });
    await expect.element(dialog).toBeVisible();
    expect(notice.shadowRoot!.querySelector('dialog')!.matches(':modal')).toBe(true);
    expect(visibleText(notice)).toContain(
      'The person you call will see you as: *三丰 Verified real name (partly hidden)',
    );
    const callNow = dialog.getByRole('button', { name: 'Call now' });
    await expect.poll(deepActiveElement).toBe(callNow.element());
    await expect
      .element(dialog.getByRole('link', { name: 'Change how my name is shown' }))
      .toHaveAttribute('href', '#/privacy');
    expect(await seriousViolations(notice)).toEqual([]);
  });

  test('Call now continues; Not now and Escape cancel', async () => {
    const notice = await mount('rc-first-call-notice', { shown });
    const events = recordEvents(notice, 'rc-notice-continue', 'rc-notice-cancel');
    const dialog = within(notice).getByRole('dialog');
    await dialog.getByRole('button', { name: 'Call now' }).click();
    await dialog.getByRole('button', { name: 'Not now' }).click();
    await userEvent.keyboard('{Escape}');
    expect(events.map((e) => e.type)).toEqual(['rc-notice-continue', 'rc-notice-cancel', 'rc-notice-cancel']);
  });

  test('in Chinese', async () => {
    setLocale('zh-CN');
    const notice = await mount('rc-first-call-notice', { shown });
    const dialog = within(notice).getByRole('dialog', { name: '第一次通话前' });
    await expect.element(dialog.getByRole('button', { name: '立即呼叫' })).toBeVisible();
    expect(visibleText(notice)).toContain('对方将看到： *三丰 已认证的真实姓名（部分隐藏）');
  });
});
