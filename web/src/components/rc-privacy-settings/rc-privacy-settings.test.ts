import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import type { NamePrivacy, PrivacyPreview } from '../../api/client';
import { setLocale } from '../../i18n/i18n';
import { expectKeyboardReachable, seriousViolations } from '../../test-support/a11y';
import {
  privacyPreview,
  proveLogin,
  setPrivacy,
  signIn,
  signUp,
  submitVerification,
  unique,
  verify,
  type Person,
} from '../../test-support/api';
import { mount, recordEvents, unmountAll, visibleText, within } from '../../test-support/dom';
import './rc-privacy-settings';

let person: Person;

beforeAll(async () => {
  person = await signUp(`Sanfeng ${unique()}`);
  await verify(person, '张三丰');
});
afterEach(async () => {
  unmountAll();
  setLocale('en');
  await signIn(person);
  await setPrivacy('masked');
});

const CHOICES: NamePrivacy[] = ['full', 'masked', 'hidden'];

/** What the screen shows under each choice: the name and status in its name badge. */
function shownPreviews(el: HTMLElement) {
  return Object.fromEntries(
    CHOICES.map((choice) => {
      const badge = el.shadowRoot!.querySelector(`[data-choice="${choice}"] rc-name-badge`)!;
      return [
        choice,
        {
          name: badge.shadowRoot!.querySelector('.name')?.textContent?.trim() ?? '',
          status: badge.shadowRoot!.querySelector('[data-status]')!.getAttribute('data-status'),
        },
      ];
    }),
  );
}

const expected = (preview: PrivacyPreview) =>
  Object.fromEntries(CHOICES.map((c) => [c, { name: preview.options[c].name, status: preview.options[c].status }]));

describe('rc-privacy-settings (against the real API)', () => {
  test('shows exactly the API’s preview for each choice, with the current one chosen', async () => {
    const preview = await privacyPreview();
    expect(preview.options.full).toMatchObject({ name: '张三丰', status: 'verified' });
    expect(preview.options.masked).toMatchObject({ name: '*三丰', status: 'masked' });
    expect(preview.options.hidden).toMatchObject({ name: person.nickname, status: 'hidden' });

    const el = await mount('rc-privacy-settings');
    const s = within(el);
    await expect.element(s.getByRole('radio', { name: 'Show my real name partly hidden' })).toBeChecked();
    expect(shownPreviews(el)).toEqual(expected(preview));
    await expect
      .element(s.getByRole('radio', { name: 'Show my real name in full' }))
      .toHaveAccessibleDescription('A callee sees: 张三丰 Verified real name');
    expect(visibleText(el)).not.toContain('You are not verified yet');
  });

  for (const choice of ['full', 'hidden'] as const) {
    test(`choosing "${choice}" saves it: the API’s answer changes and the screen follows`, async () => {
      const el = await mount('rc-privacy-settings');
      const events = recordEvents<{ preview: PrivacyPreview }>(el, 'rc-privacy-changed');
      const s = within(el);
      const label = { full: 'Show my real name in full', hidden: 'Hide my real name (show my nickname)' }[choice];
      await s.getByRole('radio', { name: label }).click();

      await expect.element(s.getByRole('status')).toHaveTextContent('Saved.');
      await expect.element(s.getByRole('radio', { name: label })).toBeChecked();
      const after = await privacyPreview();
      expect(after.current).toBe(choice);
      expect(events.map((e) => e.detail.preview)).toEqual([after]);
      expect(shownPreviews(el)).toEqual(expected(after));
    });
  }

  test('choosing by keyboard: arrow keys move between choices and save', async () => {
    const el = await mount('rc-privacy-settings');
    const s = within(el);
    const masked = s.getByRole('radio', { name: 'Show my real name partly hidden' });
    await expect.element(masked).toBeChecked();
    (masked.element() as HTMLInputElement).focus();
    await userEvent.keyboard('{ArrowDown}');
    await expect.element(s.getByRole('radio', { name: 'Hide my real name (show my nickname)' })).toBeChecked();
    await expect.poll(async () => (await privacyPreview()).current).toBe('hidden');
  });

  test('an unverified person is told every choice shows the nickname', async () => {
    const newcomer = await signUp();
    const el = await mount('rc-privacy-settings');
    await expect
      .element(within(el).getByText(/You are not verified yet/))
      .toHaveTextContent('callees see your nickname marked as unverified whatever you choose');
    const preview = await privacyPreview();
    expect(shownPreviews(el)).toEqual(expected(preview));
    for (const c of CHOICES)
      expect(preview.options[c]).toMatchObject({ name: newcomer.nickname, status: 'unverified' });
  });

  test('a pending verification: each choice also shows what callees will see once it is approved', async () => {
    const newcomer = await signUp(`Mei ${unique()}`);
    await proveLogin(newcomer);
    await submitVerification('梅兰芳');
    const el = await mount('rc-privacy-settings');
    const s = within(el);
    await expect.element(s.getByText('Once an admin approves your verification, callees will see:')).toBeVisible();
    const after = (choice: NamePrivacy) => {
      const badge = el.shadowRoot!.querySelector(`[data-choice="${choice}"] rc-name-badge[data-after]`)!;
      return {
        name: badge.shadowRoot!.querySelector('.name')?.textContent?.trim() ?? '',
        status: badge.shadowRoot!.querySelector('[data-status]')!.getAttribute('data-status'),
      };
    };
    await expect.poll(() => el.shadowRoot!.querySelectorAll('rc-name-badge[data-after]').length).toBe(3);
    expect(after('full')).toEqual({ name: '梅兰芳', status: 'verified' });
    expect(after('masked')).toEqual({ name: '*兰芳', status: 'masked' });
    expect(after('hidden')).toEqual({ name: newcomer.nickname, status: 'hidden' });
    // Today, until an admin approves: the nickname, unverified, whatever the choice.
    expect(shownPreviews(el).masked).toEqual({ name: newcomer.nickname, status: 'unverified' });
    await expect
      .element(s.getByRole('radio', { name: 'Show my real name partly hidden' }))
      .toHaveAccessibleDescription(/After approval/);

    // On a 390 px phone, in both languages: nothing scrolls sideways, and no status is squeezed to a letter a line.
    try {
      await page.viewport(390, 844);
      for (const locale of ['en', 'zh-CN'] as const) {
        setLocale(locale);
        await el.updateComplete;
        expect(document.documentElement.scrollWidth, locale).toBeLessThanOrEqual(document.documentElement.clientWidth);
        for (const badge of el.shadowRoot!.querySelectorAll('rc-name-badge')) {
          const mark = badge.shadowRoot!.querySelector<HTMLElement>('[data-status]')!;
          const lineHeight = Number.parseFloat(getComputedStyle(mark).lineHeight) || 20;
          expect(mark.getBoundingClientRect().height, `${locale}: ${mark.textContent}`).toBeLessThan(lineHeight * 2.5);
        }
      }
    } finally {
      await page.viewport(414, 896);
    }
  });

  test('in Chinese', async () => {
    setLocale('zh-CN');
    const el = await mount('rc-privacy-settings');
    const s = within(el);
    await expect.element(s.getByRole('heading', { name: '通话时如何显示你的姓名' })).toBeVisible();
    await expect.element(s.getByRole('radio', { name: '显示部分隐藏的真实姓名' })).toBeChecked();
  });

  test('keyboard and axe', async () => {
    const el = await mount('rc-privacy-settings');
    await expect.element(within(el).getByRole('radio').first()).toBeVisible();
    await expectKeyboardReachable(el);
    expect(await seriousViolations(el)).toEqual([]);
  });
});
