/**
 * Every screen in 中文, walked as a person would (against the real API):
 * signed out, a newcomer proving their login and submitting a verification,
 * privacy, profile and account, the admin console, the call screen, the API
 * gone. Fails on any Latin text that is not a name, an address, a number or
 * a brand — what is allowed is listed, word by word.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Api } from '../../api/client';
import { setLocale } from '../../i18n/i18n';
import {
  idNumber,
  mailedCode,
  signIn,
  signInAsAdmin,
  signOut,
  signUp,
  unique,
  type Person,
} from '../../test-support/api';
import { active, callView } from '../../test-support/calls';
import { mount, readableText, unmountAll, within } from '../../test-support/dom';
import { initials } from '../rc-avatar/rc-avatar';
import '../rc-call-screen/rc-call-screen';
import './rc-app';

/**
 * Latin that may stay on a zh-CN page: the brand, file formats and units, a
 * language's own name, and the letters on a telephone keypad (E.161, as on
 * every phone sold in China).
 */
const ALLOWED = [
  'RealCall',
  'PNG',
  'JPEG',
  'WebP',
  'CSV',
  'KiB',
  'Wi-Fi',
  'ASCII',
  'English',
  'example.org',
  ...['ABC', 'DEF', 'GHI', 'JKL', 'MNO', 'PQRS', 'TUV', 'WXYZ'],
];

/**
 * Text that is not the page's prose, anywhere under `root`: `<code>` (a file's
 * literal header, a value to type as is) and `<bdi>` (what people typed: names,
 * logins, reasons — isolated so their direction cannot spill over).
 */
function literals(root: Element | ShadowRoot): string[] {
  const found: string[] = [];
  if (root instanceof Element && root.shadowRoot) found.push(...literals(root.shadowRoot));
  for (const el of root.querySelectorAll('*')) {
    if ((el.localName === 'code' || el.localName === 'bdi') && el.textContent) found.push(el.textContent.trim());
    if (el.shadowRoot) found.push(...literals(el.shadowRoot));
  }
  return found;
}

/** The Latin left once names, addresses, numbers and `ALLOWED` are taken out. */
function latinLeft(text: string, names: readonly string[]): string[] {
  let rest = text;
  for (const name of [...names].sort((a, b) => b.length - a.length)) rest = rest.split(name).join(' ');
  rest = rest
    .replace(/\S+@\S+/g, ' ') // e-mail addresses, masked or not
    .replace(/\b(?:wss?|https?):\/\/\S+/g, ' ')
    .replace(/U\+[0-9A-F]{4,6}/g, ' ');
  for (const word of ALLOWED) rest = rest.split(word).join(' ');
  return [...rest.matchAll(/[^\s]*[A-Za-z][^\s]*/g)].map((m) => m[0]);
}

let person: Person;
const names: string[] = [];

beforeAll(async () => {
  setLocale('zh-CN');
  person = await signUp(`Mei ${unique()}`);
  // Their nickname, login, and the avatar's initials drawn from the nickname.
  names.push(person.nickname, person.login, initials(person.nickname));
});
afterAll(() => {
  unmountAll();
  setLocale('en');
});

async function expectNoStrayLatin(el: Element, where: string): Promise<void> {
  // Let pending requests land and the page settle before reading it.
  await new Promise((r) => setTimeout(r, 300));
  expect(latinLeft(readableText(el), [...names, ...literals(el)]), where).toEqual([]);
}

async function app(): Promise<HTMLElement> {
  unmountAll();
  const el = await mount('rc-app');
  await expect.element(within(el).getByRole('heading', { name: 'RealCall 实名通话' })).toBeVisible();
  return el;
}

describe('every screen in zh-CN has no Latin but names, addresses, numbers and brands', () => {
  test('signed out: sign-in, sign-up, and a refused sign-up', async () => {
    await signOut();
    const el = await app();
    const s = within(el);
    await expectNoStrayLatin(el, 'sign-in');
    await s.getByRole('button', { name: '第一次使用？注册账号' }).click();
    await expectNoStrayLatin(el, 'sign-up');
    await s.getByLabelText('邮箱或手机号').fill('mei@localhost');
    await s.getByLabelText('密码').fill('short');
    await s.getByLabelText('昵称').fill('Mei (verified)');
    // What the person typed is theirs, and the refusal quotes the claim in it.
    names.push('Mei (verified)', '“verified”');
    await s.getByRole('button', { name: '注册账号', exact: true }).click();
    await expect.element(s.getByLabelText('邮箱或手机号')).toHaveAttribute('aria-invalid', 'true');
    await expectNoStrayLatin(el, 'sign-up refused');
  });

  test('a newcomer: phone, privacy, verification from proof to pending, profile and account', async () => {
    await signIn(person);
    const el = await app();
    const s = within(el);
    await expect.element(s.getByRole('heading', { name: '拨号' })).toBeVisible();
    await expectNoStrayLatin(el, 'phone');

    location.hash = '#/privacy';
    await expect.element(s.getByRole('heading', { name: '通话时如何显示你的姓名' })).toBeVisible();
    await expectNoStrayLatin(el, 'privacy, unverified');

    location.hash = '#/verification';
    await s.getByRole('button', { name: '发送验证码' }).click();
    await expect.element(s.getByLabelText('收到的验证码')).toBeVisible();
    await expectNoStrayLatin(el, 'verification, code sent');
    const code = await mailedCode(person.login);
    await s.getByLabelText('收到的验证码').fill(code === '000000' ? '000001' : '000000');
    await s.getByRole('button', { name: '确认' }).click();
    await expect.element(s.getByLabelText('收到的验证码')).toHaveAttribute('aria-invalid', 'true');
    await expectNoStrayLatin(el, 'verification, wrong code');
    await s.getByLabelText('收到的验证码').fill(code!);
    await s.getByRole('button', { name: '确认' }).click();
    const legalName = s.getByLabelText('真实姓名（与证件一致）');
    await expect.element(legalName).toBeVisible();
    await expectNoStrayLatin(el, 'verification form');

    await legalName.fill('梅\u202e兰芳');
    await s.getByLabelText('证件号码').fill('１２#');
    await s.getByRole('button', { name: '提交认证' }).click();
    await expect.element(legalName).toHaveAttribute('aria-invalid', 'true');
    await expectNoStrayLatin(el, 'verification refused');

    await legalName.fill('梅兰芳');
    const id = idNumber();
    names.push(id.slice(-4));
    await s.getByLabelText('证件号码').fill(id);
    await s.getByRole('button', { name: '提交认证' }).click();
    await expect.element(s.getByText('状态：等待审核')).toBeVisible();
    await expectNoStrayLatin(el, 'verification pending');
    await s.getByRole('button', { name: '撤回' }).click();
    await expectNoStrayLatin(el, 'verification, withdraw asked');
    await s.getByRole('button', { name: '不，保留' }).click();

    location.hash = '#/privacy';
    await expect.element(s.getByText('管理员通过你的认证后，被叫方将看到：')).toBeVisible();
    await expectNoStrayLatin(el, 'privacy, pending');

    location.hash = '#/profile';
    await s.getByRole('button', { name: '删除我的账户…' }).click();
    await s.getByLabelText('当前密码').fill('not the password');
    await s.getByLabelText('新密码').fill('a brand new passphrase');
    await s.getByRole('button', { name: '修改密码' }).click();
    await expect.element(s.getByLabelText('当前密码')).toHaveAttribute('aria-invalid', 'true');
    await expectNoStrayLatin(el, 'profile and account');
  });

  test('the admin console', async () => {
    const admin = await signInAsAdmin();
    // Other tests' people show in the queue and the audit log too: every nickname and login there is a name.
    names.push(admin.login, admin.nickname);
    const el = await app();
    location.hash = '#/admin';
    await expect.element(within(el).getByRole('heading', { level: 1 }).first()).toBeVisible();
    await expectNoStrayLatin(el, 'admin');
  });

  test('the call screen: ringing, in a call, ended', async () => {
    names.push('张三丰');
    for (const call of [
      callView(),
      active(),
      active({ state: 'held' }),
      callView({ state: 'ended', endedAt: Date.now(), endReason: 'declined', direction: 'outgoing' }),
      callView({ direction: 'outgoing', state: 'ringing' }, { name: '', status: null }),
    ]) {
      unmountAll();
      const screen = await mount('rc-call-screen', { call });
      await expectNoStrayLatin(screen, `call screen, ${call.state}`);
    }
  });

  test('the API gone', async () => {
    unmountAll();
    const el = await mount('rc-app', { api: new Api('http://127.0.0.1:9') });
    await expect.element(within(el).getByRole('heading', { name: '暂时无法连接 RealCall' })).toBeVisible();
    await expectNoStrayLatin(el, 'API unreachable');
  });
});
