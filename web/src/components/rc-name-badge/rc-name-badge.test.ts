import { afterEach, describe, expect, test } from 'vitest';
import { setLocale } from '../../i18n/i18n';
import type { NameStatus } from '../../phone/name-status';
import { seriousViolations } from '../../test-support/a11y';
import { mount, unmountAll, visibleText } from '../../test-support/dom';
import './rc-name-badge';

afterEach(() => {
  unmountAll();
  setLocale('en');
});

const mark = (badge: HTMLElement) => badge.shadowRoot!.querySelector('[data-status]')!;

describe('rc-name-badge', () => {
  const cases: { status: NameStatus | null; kind: string; en: string; zh: string; icon: string }[] = [
    { status: 'verified', kind: 'verified', en: 'Verified real name', zh: '已认证的真实姓名', icon: 'check' },
    {
      status: 'masked',
      kind: 'masked',
      en: 'Verified real name (partly hidden)',
      zh: '已认证的真实姓名（部分隐藏）',
      icon: 'check',
    },
    { status: 'hidden', kind: 'hidden', en: 'Nickname, not a real name', zh: '昵称，非真实姓名', icon: 'dot' },
    { status: 'unverified', kind: 'unverified', en: 'Unverified', zh: '未实名认证', icon: 'alert' },
    { status: null, kind: 'directory', en: 'Directory nickname', zh: '通讯录昵称', icon: 'dot' },
  ];

  for (const { status, kind, en, zh, icon } of cases) {
    test(`${kind}: the name, then "${en}" / "${zh}"`, async () => {
      const badge = await mount('rc-name-badge', { name: 'Ada Lovelace', status, number: '1002' });
      expect(mark(badge).getAttribute('data-status')).toBe(kind);
      expect(visibleText(badge)).toBe(`Ada Lovelace ${en}`);
      expect(mark(badge).querySelector('svg')?.getAttribute('data-icon')).toBe(icon);

      setLocale('zh-CN');
      await badge.updateComplete;
      expect(visibleText(badge)).toBe(`Ada Lovelace ${zh}`);
    });
  }

  test('unavailable: no name, whatever it is given', async () => {
    const badge = await mount('rc-name-badge', { name: 'Mallory', status: 'unavailable', number: '1009' });
    expect(mark(badge).getAttribute('data-status')).toBe('unavailable');
    expect(visibleText(badge)).toBe('Name unavailable');
    expect(badge.shadowRoot!.querySelector('.name')).toBeNull();

    setLocale('zh-CN');
    await badge.updateComplete;
    expect(visibleText(badge)).toBe('姓名无法获取');
  });

  test('the icons are not read out; no serious axe findings', async () => {
    const badge = await mount('rc-name-badge', { name: '张三丰', status: 'verified', number: '1002' });
    expect(mark(badge).querySelector('[aria-hidden="true"] svg')?.getAttribute('data-icon')).toBe('check');
    expect(await seriousViolations(badge)).toEqual([]);
  });
});
