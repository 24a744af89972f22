import { afterEach, describe, expect, test } from 'vitest';
import { seriousViolations } from '../../test-support/a11y';
import { mount, unmountAll, update, within } from '../../test-support/dom';
import { initials, type RcAvatar } from './rc-avatar';

afterEach(unmountAll);

/** What is drawn in the circle: the picture, or the initials. */
const drawn = (avatar: HTMLElement) => {
  const face = avatar.shadowRoot!.querySelector('[role="img"]')!;
  return face.querySelector('img') ? 'picture' : face.textContent.trim();
};

/** A 2×2 PNG made by the browser itself. */
async function pngUrl(): Promise<string> {
  const canvas = document.createElement('canvas');
  canvas.width = 2;
  canvas.height = 2;
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  return URL.createObjectURL(blob!);
}

describe('rc-avatar', () => {
  test('initials: two Latin words give two letters, CJK its first character', async () => {
    const latin = await mount('rc-avatar', { name: 'ada lovelace', extension: '1002' });
    expect(drawn(latin)).toBe('AL');
    const cjk = await mount('rc-avatar', { name: '张三丰', extension: '1003' });
    expect(drawn(cjk)).toBe('张');
    const number = await mount('rc-avatar', { extension: '1004' });
    expect(drawn(number)).toBe('1');
    expect(initials('Jean-Luc Picard')).toBe('JP');
    expect(initials('   ')).toBe('#');
    // A masked name is not initialled by its mask.
    expect(initials('*三丰')).toBe('三');
    expect(initials('John *')).toBe('J');
  });

  test('an image role with the accessible name; the initials are not read out', async () => {
    const avatar = await mount('rc-avatar', { name: '张三丰', extension: '1003', label: 'Picture of 张三丰' });
    const img = within(avatar).getByRole('img', { name: 'Picture of 张三丰' });
    await expect.element(img).toBeVisible();
    expect(avatar.shadowRoot!.querySelector('span[aria-hidden="true"]')?.textContent).toBe('张');

    await update(avatar, { label: '' });
    await expect.element(within(avatar).getByRole('img', { name: '张三丰', exact: true })).toBeVisible();
    expect(await seriousViolations(avatar)).toEqual([]);
  });

  test('shows the picture when it loads, and falls back to initials when it does not', async () => {
    const avatar = await mount('rc-avatar', { name: 'Ada Lovelace', extension: '1002', src: await pngUrl() });
    expect(drawn(avatar)).toBe('picture');
    const picture = avatar.shadowRoot!.querySelector('img')!;
    await expect.poll(() => picture.complete && picture.naturalWidth).toBe(2);
    expect(picture.alt).toBe('');

    await update(avatar, { src: '/api/people/0000000/avatar' });
    await expect.poll(() => drawn(avatar)).toBe('AL');
    await expect.element(within(avatar).getByRole('img', { name: 'Ada Lovelace' })).toBeVisible();

    // A new picture gets a new chance.
    await update(avatar, { src: await pngUrl() });
    expect(drawn(avatar)).toBe('picture');
  });

  test('white initials stay readable on every person’s colour', async () => {
    const wall = await mount('div');
    for (let n = 1000; n < 1360; n += 3) {
      const avatar = document.createElement('rc-avatar');
      avatar.extension = String(n);
      avatar.name = 'Ada Lovelace';
      avatar.style.setProperty('--rc-avatar-size', '36px');
      wall.append(avatar);
    }
    await Promise.all([...wall.children].map((a) => (a as RcAvatar).updateComplete));
    expect(await seriousViolations(wall)).toEqual([]);
  });
});
