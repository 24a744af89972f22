import { afterEach, describe, expect, test } from 'vitest';
import { setLocale } from '../../i18n/i18n';
import { seriousViolations } from '../../test-support/a11y';
import { mount, nextEvent, unmountAll, update, visibleText, within } from '../../test-support/dom';
import './rc-call-button';

afterEach(() => {
  unmountAll();
  setLocale('en');
});

describe('rc-call-button', () => {
  test('a click fires rc-call-request with its extension, out of any shadow root to the document', async () => {
    // As on someone else's page: the button sits inside another element's shadow root.
    const host = await mount('div');
    const button = document.createElement('rc-call-button');
    button.extension = '1002';
    button.name = '张三丰';
    host.attachShadow({ mode: 'open' }).append(button);
    await button.updateComplete;

    const heard = nextEvent<{ extension: string }>(document, 'rc-call-request');
    await within(host).getByRole('button', { name: 'Call 张三丰' }).click();
    const event = await heard;
    expect(event.detail).toEqual({ extension: '1002' });
    expect(event.bubbles && event.composed).toBe(true);
    expect(await seriousViolations(host)).toEqual([]);
  });

  test('disabled for an extension that is not 3 to 10 digits, or when told', async () => {
    const button = await mount('rc-call-button', { extension: '12', name: 'Lily' });
    const control = within(button).getByRole('button', { name: 'Call Lily' });
    await expect.element(control).toBeDisabled();
    for (const extension of ['12a4', '12345678901', '']) {
      await update(button, { extension });
      await expect.element(control).toBeDisabled();
    }
    await update(button, { extension: '1003' });
    await expect.element(control).toBeEnabled();
    await update(button, { disabled: true });
    await expect.element(control).toBeDisabled();
    expect(button.hasAttribute('disabled')).toBe(true);
  });

  test('named by the extension without a name; the slot replaces the icon; in Chinese', async () => {
    const button = await mount('rc-call-button', { extension: '1004' });
    await expect.element(within(button).getByRole('button', { name: 'Call 1004' })).toBeVisible();
    expect(visibleText(button)).toBe('');
    expect(button.shadowRoot!.querySelector('svg')?.getAttribute('data-icon')).toBe('phone');
    button.textContent = 'Ring';
    expect(visibleText(button)).toBe('Ring');
    await expect.element(within(button).getByRole('button', { name: 'Call 1004' })).toBeVisible();
    setLocale('zh-CN');
    await expect.element(within(button).getByRole('button', { name: '呼叫 1004' })).toBeVisible();
  });
});
