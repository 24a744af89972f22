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

  test('signing in sends the login and password; a wrong password shows the API’s words', async () => {
    const person = await signUp();
    await signOut();
    const wrong = { login: person.login, password: 'not the password' };
    const answer = await fetch('/api/auth/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(wrong),
    });
    const { error } = (await answer.json()) as { error: { message: string } };

    const form = await mount('rc-sign-in');
    const s = within(form);
    await s.getByLabelText('E-mail or phone number').fill(wrong.login);
    await s.getByLabelText('Password').fill(wrong.password);
    await s.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect.element(s.getByRole('alert')).toHaveTextContent(error.message);

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

  test('an invalid sign-up is refused with the API’s reason, and nobody is signed in', async () => {
    const form = await mount('rc-sign-in', { mode: 'sign-up' });
    const s = within(form);
    await s.getByLabelText('E-mail or phone number').fill('not a login');
    await s.getByLabelText('Password').fill('short');
    await s.getByLabelText('Nickname').fill('Ada');
    await s.getByRole('button', { name: 'Create account', exact: true }).click();
    await expect.element(s.getByRole('alert')).toHaveTextContent(/login|password/);
    expect((await fetch('/api/me')).status).toBe(401);
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
