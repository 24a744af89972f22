import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Me } from '../../api/client';
import { setLocale } from '../../i18n/i18n';
import { expectKeyboardReachable, seriousViolations } from '../../test-support/a11y';
import { api, me, signInAsAdmin, signOut, signUp, unique } from '../../test-support/api';
import { mount, nextEvent, unmountAll, within } from '../../test-support/dom';
import './rc-sign-in';

beforeEach(signOut);
afterEach(() => {
  unmountAll();
  setLocale('en');
});

describe('rc-sign-in (against the real API)', () => {
  test('creating an account sends what was typed and fires rc-signed-in with the new person', async () => {
    const form = await mount('rc-sign-in');
    const s = within(form);
    await expect.element(s.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    await s.getByRole('button', { name: 'New here? Create an account' }).click();
    await expect.element(s.getByRole('heading', { name: 'Create account' })).toBeVisible();

    const login = `t-${unique()}@Example.test`;
    const nickname = `Ada ${unique()}`;
    await s.getByLabelText('E-mail or phone number').fill(login);
    await s.getByLabelText('Password').fill('correct horse battery');
    const nick = s.getByLabelText('Nickname');
    await expect.element(nick).toHaveAccessibleDescription('What people see when your real name is not shown.');
    await nick.fill(nickname);

    const signedIn = nextEvent<{ me: Me }>(form, 'rc-signed-in');
    await s.getByRole('button', { name: 'Create account', exact: true }).click();
    const { detail, bubbles, composed } = await signedIn;
    expect(detail.me).toMatchObject({ login: login.toLowerCase(), nickname, role: 'user' });
    expect(detail.me.extension).toMatch(/^[0-9]{3,10}$/);
    expect(bubbles && composed).toBe(true);
    // The browser now holds that person's session.
    expect(await me()).toEqual(detail.me);
  });

  test('signing in sends the login and password; a wrong password is said in words, and focus stays in the form', async () => {
    const person = await signUp();
    await signOut();
    const form = await mount('rc-sign-in');
    const s = within(form);
    await s.getByLabelText('E-mail or phone number').fill(person.login);
    await s.getByLabelText('Password').fill('not the password');
    await s.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect.element(s.getByRole('alert')).toHaveTextContent('The login or the password is wrong.');

    await s.getByLabelText('Password').fill(person.password);
    const signedIn = nextEvent<{ me: Me }>(form, 'rc-signed-in');
    await s.getByRole('button', { name: 'Sign in', exact: true }).click();
    expect((await signedIn).detail.me).toEqual(person.me);
    await expect.element(s.getByRole('alert')).not.toBeInTheDocument();
  });

  test('a disabled person is told so, in their language, once the password is right', async () => {
    const person = await signUp();
    await signOut();
    await signInAsAdmin();
    await api('POST', `/api/admin/people/${person.me.id}/disable`, { reason: 'Reported for fraud' });
    await signOut();
    setLocale('zh-CN');
    const form = await mount('rc-sign-in');
    const s = within(form);
    await s.getByLabelText('邮箱或手机号').fill(person.login);
    await s.getByLabelText('密码').fill(person.password);
    await s.getByRole('button', { name: '登录', exact: true }).click();
    await expect.element(s.getByRole('alert')).toHaveTextContent('此账户已被管理员停用。请联系管理员重新启用。');
  });

  test('an invalid sign-up: each reason beside its field, in the page language, and nobody is signed in', async () => {
    const form = await mount('rc-sign-in', { mode: 'sign-up' });
    const s = within(form);
    // The rules are there before the first try.
    await expect.element(s.getByLabelText('Password')).toHaveAccessibleDescription(/At least 10 characters/);
    await s.getByLabelText('E-mail or phone number').fill('mei@localhost');
    await s.getByLabelText('Password').fill('short');
    await s.getByLabelText('Nickname').fill('Ada');
    await s.getByRole('button', { name: 'Create account', exact: true }).click();
    const login = s.getByLabelText('E-mail or phone number');
    await expect.element(login).toHaveAttribute('aria-invalid', 'true');
    await expect.element(login).toHaveAccessibleDescription(/The part after @ must be a domain name/);
    expect(form.shadowRoot!.activeElement?.id).toBe('login');
    const password = s.getByLabelText('Password');
    await expect.element(password).toHaveAttribute('aria-invalid', 'true');
    await expect.element(password).toHaveAccessibleDescription(/Use at least 10 characters/);
    await expect.element(s.getByLabelText('Nickname')).toHaveAttribute('aria-invalid', 'false');
    // No API field names, no English from the API in one block at the top.
    expect(form.shadowRoot!.textContent).not.toMatch(/login:|password must/);
    expect((await fetch('/api/me')).status).toBe(401);

    // The same refusal, switched to Chinese, is said in Chinese.
    setLocale('zh-CN');
    await expect.element(s.getByLabelText('邮箱或手机号')).toHaveAccessibleDescription(/@ 后面的部分必须是域名/);
    await expect.element(s.getByLabelText('密码')).toHaveAccessibleDescription(/至少需要 10 个字符/);
  });

  test('a nickname with a hidden character: the field names the kind of character', async () => {
    const form = await mount('rc-sign-in', { mode: 'sign-up' });
    const s = within(form);
    await s.getByLabelText('E-mail or phone number').fill(`t-${unique()}@example.test`);
    await s.getByLabelText('Password').fill('correct horse battery');
    await s.getByLabelText('Nickname').fill('Mei\u202e');
    await s.getByRole('button', { name: 'Create account', exact: true }).click();
    await expect
      .element(s.getByLabelText('Nickname'))
      .toHaveAccessibleDescription(/a text-direction control \(U\+202E\)/);
  });

  test('a login someone already has is said beside the login field', async () => {
    const existing = await signUp();
    await signOut();
    const form = await mount('rc-sign-in', { mode: 'sign-up' });
    const s = within(form);
    await s.getByLabelText('E-mail or phone number').fill(existing.login);
    await s.getByLabelText('Password').fill('correct horse battery');
    await s.getByLabelText('Nickname').fill('Ada');
    await s.getByRole('button', { name: 'Create account', exact: true }).click();
    await expect
      .element(s.getByLabelText('E-mail or phone number'))
      .toHaveAccessibleDescription(/An account with this login already exists/);
    expect(s.getByRole('alert').query()).toBeNull();
  });

  test('says why the person is here, and what RealCall is', async () => {
    const form = await mount('rc-sign-in', { notice: 'You were signed out on every device, as asked.' });
    const s = within(form);
    await expect.element(s.getByRole('status')).toHaveTextContent('You were signed out on every device, as asked.');
    expect(form.shadowRoot!.textContent).toMatch(/verified real name beneath your picture/);
  });

  test('in Chinese', async () => {
    setLocale('zh-CN');
    const form = await mount('rc-sign-in');
    const s = within(form);
    await expect.element(s.getByRole('heading', { name: '登录' })).toBeVisible();
    await expect.element(s.getByLabelText('邮箱或手机号')).toBeVisible();
    await expect.element(s.getByRole('button', { name: '第一次使用？注册账号' })).toBeVisible();
  });

  test('keyboard and axe, in both modes', async () => {
    const form = await mount('rc-sign-in');
    await expectKeyboardReachable(form);
    expect(await seriousViolations(form)).toEqual([]);
    await within(form).getByRole('button', { name: 'New here? Create an account' }).click();
    await expectKeyboardReachable(form);
    expect(await seriousViolations(form)).toEqual([]);
  });
});
