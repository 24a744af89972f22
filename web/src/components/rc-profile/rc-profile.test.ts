import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { userEvent } from 'vitest/browser';
import type { Me } from '../../api/client';
import { setLocale } from '../../i18n/i18n';
import { deepActiveElement, expectKeyboardReachable, seriousViolations, tabOrder } from '../../test-support/a11y';
import { me, signUp, type Person } from '../../test-support/api';
import { mount, recordEvents, unmountAll, within } from '../../test-support/dom';
import './rc-profile';

let person: Person;
beforeEach(async () => {
  person = await signUp();
});
afterEach(() => {
  unmountAll();
  setLocale('en');
});

/** A PNG drawn by the browser itself (small unless asked). */
async function png(width = 8, height = 8): Promise<File> {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#36648b';
  ctx.fillRect(0, 0, width, height);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  return new File([blob!], 'me.png', { type: 'image/png' });
}

describe('rc-profile (against the real API)', () => {
  test('saving the nickname sends what was typed and fires rc-me-changed', async () => {
    const el = await mount('rc-profile', { me: person.me });
    const events = recordEvents<{ me: Me }>(el, 'rc-me-changed');
    const s = within(el);
    const field = s.getByLabelText('Nickname');
    await expect.element(field).toHaveValue(person.nickname);

    await field.fill('  Ada   Lovelace ');
    await s.getByRole('button', { name: 'Save' }).click();
    await expect.element(s.getByText('Saved.', { exact: true })).toBeVisible();
    // The API normalises the name; the screen shows what it stored.
    const stored = await me();
    expect(stored.nickname).toBe('Ada Lovelace');
    expect(events.map((e) => e.detail.me)).toEqual([stored]);
    await expect.element(field).toHaveValue('Ada Lovelace');
  });

  test('a nickname the API refuses is said beside the field, in words', async () => {
    const el = await mount('rc-profile', { me: person.me });
    const s = within(el);
    const field = s.getByLabelText('Nickname');
    await field.fill('Ada "the hacker"');
    await s.getByRole('button', { name: 'Save' }).click();
    await expect.element(field).toHaveAttribute('aria-invalid', 'true');
    await expect.element(field).toHaveAccessibleDescription(/Quotes, backslashes and angle brackets/);
    expect((await me()).nickname).toBe(person.nickname);
  });

  test('uploading a picture shows it; removing it goes back to initials', async () => {
    const el = await mount('rc-profile', { me: person.me });
    const s = within(el);
    const face = () => el.shadowRoot!.querySelector('rc-avatar')!.shadowRoot!;
    expect(face().querySelector('img')).toBeNull();

    const picture = s.getByLabelText('Upload a picture (PNG, JPEG or WebP, up to 256 KiB)');
    await expect.element(picture).toHaveAccessibleDescription('No picture chosen.');
    await picture.upload(await png());
    await expect.element(s.getByText('Saved.', { exact: true })).toBeVisible();
    await expect.poll(() => face().querySelector('img')?.naturalWidth ?? 0).toBe(8);
    await expect.element(picture).toHaveAccessibleDescription('me.png');
    expect((await me()).hasAvatar).toBe(true);

    await s.getByRole('button', { name: 'Remove picture' }).click();
    await expect.poll(() => face().querySelector('img')).toBeNull();
    expect((await me()).hasAvatar).toBe(false);
    await expect.element(picture).toHaveAccessibleDescription('No picture chosen.');
  });

  test('a nickname that claims a status is refused with the API’s reason', async () => {
    const el = await mount('rc-profile', { me: person.me });
    const s = within(el);
    await s.getByLabelText('Nickname').fill('Ada 实名');
    await s.getByRole('button', { name: 'Save' }).click();
    await expect.element(s.getByLabelText('Nickname')).toHaveAccessibleDescription(/cannot claim a status \(“实名”\)/);
    expect((await me()).nickname).toBe(person.nickname);
  });

  test('a picture larger than 256 × 256 is stored smaller, and the screen says so', async () => {
    const el = await mount('rc-profile', { me: person.me });
    const s = within(el);
    const face = () => el.shadowRoot!.querySelector('rc-avatar')!.shadowRoot!;
    await s.getByLabelText('Upload a picture (PNG, JPEG or WebP, up to 256 KiB)').upload(await png(600, 300));
    await expect.element(s.getByText('Saved, scaled down to 256 × 128 pixels.')).toBeVisible();
    await expect.poll(() => face().querySelector('img')?.naturalWidth ?? 0).toBe(256);
    expect(face().querySelector('img')!.naturalHeight).toBe(128);
  });

  test('a file that is not a picture is refused with the API’s reason', async () => {
    const el = await mount('rc-profile', { me: person.me });
    const s = within(el);
    const fake = new File(['<svg xmlns="http://www.w3.org/2000/svg"/>'], 'me.png', { type: 'image/png' });
    await s.getByLabelText('Upload a picture (PNG, JPEG or WebP, up to 256 KiB)').upload(fake);
    await expect
      .element(s.getByLabelText('Upload a picture (PNG, JPEG or WebP, up to 256 KiB)'))
      .toHaveAccessibleDescription('me.png This file is not a picture RealCall can read (PNG, JPEG or WebP).');
    expect((await me()).hasAvatar).toBe(false);
  });

  test('on a 中文 page the picture control reads in Chinese, is one Tab stop, and still uploads', async () => {
    setLocale('zh-CN');
    const el = await mount('rc-profile', { me: person.me });
    const s = within(el);
    const picture = s.getByLabelText('上传头像（PNG、JPEG 或 WebP，最大 256 KiB）');
    // Named by both its labels: what it is for, then the words on its button.
    await expect.element(picture).toHaveAccessibleName(/^上传头像（PNG、JPEG 或 WebP，最大 256 KiB）\s*选择图片…$/);
    await expect.element(picture).toHaveAccessibleDescription('未选择图片。');
    await expect.element(s.getByText('选择图片…', { exact: true })).toBeVisible();
    await expect.element(s.getByText('未选择图片。', { exact: true })).toBeVisible();
    // The browser's own button ("Choose File / No file chosen", in the browser's language) is clipped away.
    expect(getComputedStyle(picture.element()).clip).toBe('rect(0px, 0px, 0px, 0px)');

    // One Tab stop for the control: the input itself, then straight on to the nickname.
    const order = await tabOrder(el);
    expect(order.slice(0, 2).map((o) => o.id)).toEqual(['avatar', 'nickname']);
    // Reached by keyboard, its button shows the focus ring.
    (s.getByLabelText('昵称').element() as HTMLElement).focus();
    await userEvent.tab({ shift: true });
    expect(deepActiveElement()).toBe(picture.element());
    const button = el.shadowRoot!.querySelector('label.choose')!;
    expect(getComputedStyle(button).outlineStyle).toBe('solid');

    await picture.upload(await png());
    await expect.element(s.getByText('已保存。', { exact: true })).toBeVisible();
    await expect.element(s.getByText('me.png', { exact: true })).toBeVisible();
    await expect.element(picture).toHaveAccessibleDescription('me.png');
    expect((await me()).hasAvatar).toBe(true);
    await expect.element(s.getByRole('button', { name: '删除头像' })).toBeVisible();

    await expectKeyboardReachable(el);
    expect(await seriousViolations(el)).toEqual([]);
  });

  test('the account controls are on the page', async () => {
    const el = await mount('rc-profile', { me: person.me });
    const s = within(el);
    await expect.element(s.getByRole('heading', { name: 'Account', exact: true })).toBeVisible();
    await expect.element(s.getByRole('button', { name: 'Sign out everywhere' })).toBeVisible();
  });

  test('keyboard and axe', async () => {
    const el = await mount('rc-profile', { me: person.me });
    await expectKeyboardReachable(el);
    expect(await seriousViolations(el)).toEqual([]);
  });
});
