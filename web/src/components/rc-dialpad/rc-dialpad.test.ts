import { afterEach, describe, expect, test } from 'vitest';
import { userEvent } from 'vitest/browser';
import { expectKeyboardReachable, seriousViolations } from '../../test-support/a11y';
import { mount, recordEvents, unmountAll, within } from '../../test-support/dom';
import './rc-dialpad';

afterEach(unmountAll);

const digits = (events: CustomEvent<{ digit: string }>[]) => events.map((e) => e.detail.digit).join('');

describe('rc-dialpad', () => {
  test('twelve keys in a named group; clicking each fires rc-digit', async () => {
    const pad = await mount('rc-dialpad', { label: 'Dial' });
    const events = recordEvents<{ digit: string }>(pad, 'rc-digit');
    const group = within(pad).getByRole('group', { name: 'Dial' });
    await expect.element(group).toBeVisible();
    expect(group.getByRole('button').elements()).toHaveLength(12);

    for (const key of ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#']) {
      await group.getByRole('button', { name: key, exact: true }).click();
    }
    expect(digits(events)).toBe('123456789*0#');
    expect(events.every((e) => e.bubbles && e.composed)).toBe(true);
  });

  test('typing digits, * and # while the pad has focus fires rc-digit; other keys do nothing', async () => {
    const pad = await mount('rc-dialpad');
    const events = recordEvents<{ digit: string }>(pad, 'rc-digit');
    (pad.shadowRoot!.querySelector('button[data-key="5"]') as HTMLButtonElement).focus();
    await userEvent.keyboard('908*#a-');
    expect(digits(events)).toBe('908*#');
  });

  test('Space and Enter on a focused key press that key once', async () => {
    const pad = await mount('rc-dialpad');
    const events = recordEvents<{ digit: string }>(pad, 'rc-digit');
    (pad.shadowRoot!.querySelector('button[data-key="7"]') as HTMLButtonElement).focus();
    await userEvent.keyboard(' ');
    await userEvent.keyboard('{Enter}');
    expect(digits(events)).toBe('77');
  });

  test('keyboard and axe', async () => {
    const pad = await mount('rc-dialpad');
    await expectKeyboardReachable(pad);
    expect(await seriousViolations(pad)).toEqual([]);
  });
});
