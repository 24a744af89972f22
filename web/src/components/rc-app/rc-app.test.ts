import { afterEach, describe, expect, inject, test } from 'vitest';
import { commands, page } from 'vitest/browser';
import { Api } from '../../api/client';
import { setLocale } from '../../i18n/i18n';
import { expectKeyboardReachable, seriousViolations } from '../../test-support/a11y';
import { signInAsAdmin, signOut, signUp, unique } from '../../test-support/api';
import { mount, unmountAll, within } from '../../test-support/dom';
import './rc-app';

afterEach(() => {
  unmountAll();
  setLocale('en');
  history.replaceState(null, '', location.pathname + location.search);
});

/** The app, once it has asked the API who is signed in. */
async function app() {
  const el = await mount('rc-app');
  await expect.element(within(el).getByRole('heading', { name: 'RealCall', exact: true })).toBeVisible();
  return el;
}

const navLinks = (el: HTMLElement) =>
  within(el)
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link')
    .elements()
    .map((a) => a.textContent.trim());

describe('rc-app, the API not answering', () => {
  test('says the service is unreachable (not the sign-in form), keeps the person signed in, and comes back on Try now', async () => {
    const person = await signUp();
    setLocale('zh-CN');
    // Nothing listens on port 9: every request fails as with the API down.
    const el = await mount('rc-app', { api: new Api('http://127.0.0.1:9') });
    const s = within(el);
    await expect.element(s.getByRole('heading', { name: '暂时无法连接 RealCall' })).toBeVisible();
    await expect.element(s.getByRole('alert')).toHaveTextContent(/如果你已登录，仍保持登录/);
    await expect.element(s.getByText(/[0-9]+ 秒后重试。/)).toBeVisible();
    expect(s.getByLabelText('密码').query()).toBeNull();

    // The service is back: Try now finds the person still signed in.
    el.api = new Api();
    await s.getByRole('button', { name: '立即重试' }).click();
    await expect.element(s.getByText(`你的分机号：${person.me.extension}`)).toBeVisible();
  });
});

describe('rc-app, the API going away while signed in', () => {
  test('the page stays, says the service is not answering (in words), and loads afresh once it is back', async () => {
    const person = await signUp();
    const api = new Api();
    const el = await mount('rc-app', { api });
    const s = within(el);
    await expect.element(s.getByText(`Your extension: ${person.me.extension}`)).toBeVisible();
    // The API's address goes dead under the page (a real refused connection, not a stand-in).
    Object.assign(api, { base: 'http://127.0.0.1:9' });
    await s.getByRole('link', { name: 'Verification', exact: true }).click();
    await expect.element(s.getByText(/RealCall's service is not answering/)).toBeVisible();
    await expect.element(s.getByRole('alert')).toHaveTextContent(/Cannot reach RealCall/);
    expect(el.shadowRoot!.textContent).not.toMatch(/\bnetwork\b/);
    // Still signed in, on the same page.
    await expect
      .element(s.getByRole('link', { name: 'Verification', exact: true }))
      .toHaveAttribute('aria-current', 'page');

    Object.assign(api, { base: '' });
    await s
      .getByRole('status')
      .filter({ hasText: "RealCall's service is not answering" })
      .getByRole('button', { name: 'Try now' })
      .click();
    await expect.element(s.getByText('Status: not submitted')).toBeVisible();
    expect(s.getByText(/RealCall's service is not answering/).query()).toBeNull();
  });
});

describe('rc-app, a session cut short', () => {
  test('another device changes the password: this page goes to sign-in and says why, in its language', async () => {
    const person = await signUp();
    const el = await app();
    const s = within(el);
    await expect.element(s.getByText(`Your extension: ${person.me.extension}`)).toBeVisible();
    const status = await commands.otherDeviceRequest(
      `http://127.0.0.1:${inject('apiPort')}`,
      { login: person.login, password: person.password },
      'POST',
      '/api/me/password',
      { currentPassword: person.password, newPassword: 'a brand new passphrase' },
    );
    expect(status).toBe(204);
    setLocale('zh-CN');
    // The page's next request (here: opening Privacy) finds its session ended.
    await s.getByRole('link', { name: '隐私', exact: true }).click();
    await expect.element(s.getByRole('heading', { name: '登录' })).toBeVisible();
    await expect
      .element(s.getByRole('status').filter({ hasText: '密码已更改' }))
      .toHaveTextContent('此账户的密码已更改，你已被退出登录。请使用新密码登录。');
  });

  test('Sign out everywhere on the Profile page: back at sign-in, saying so', async () => {
    await signUp();
    const el = await app();
    const s = within(el);
    await s.getByRole('link', { name: 'Profile', exact: true }).click();
    await s.getByRole('button', { name: 'Sign out everywhere' }).click();
    await expect.element(s.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    await expect.element(s.getByText('You were signed out on every device, as asked.')).toBeVisible();
    expect((await fetch('/api/me')).status).toBe(401);
  });
});

describe('rc-app on a 390 px phone', () => {
  test('the header is three short rows (name, language, sign out; whether calls can be made; the pages) and nothing scrolls sideways', async () => {
    await signInAsAdmin();
    try {
      await page.viewport(390, 844);
      for (const locale of ['en', 'zh-CN'] as const) {
        setLocale(locale);
        const el = await mount('rc-app');
        await expect.element(within(el).getByRole('navigation')).toBeVisible();
        const header = el.shadowRoot!.querySelector('header')!;
        await expect.poll(() => el.shadowRoot!.querySelector('rc-registration-status')).not.toBeNull();
        expect(header.getBoundingClientRect().height, locale).toBeLessThan(150);
        expect(document.documentElement.scrollWidth, locale).toBeLessThanOrEqual(390);
        const status = el.shadowRoot!.querySelector('rc-registration-status')!.getBoundingClientRect();
        expect(status.right, locale).toBeLessThanOrEqual(390);
        unmountAll();
      }
    } finally {
      await page.viewport(414, 896);
    }
  });
});

describe('rc-app, signed out', () => {
  test('shows sign-in; the language can be switched', async () => {
    await signOut();
    const el = await app();
    const s = within(el);
    await expect.element(s.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    expect(s.getByRole('navigation').query()).toBeNull();

    await s.getByLabelText('Language').selectOptions('zh-CN');
    await expect.element(s.getByRole('heading', { name: 'RealCall 实名通话' })).toBeVisible();
    await expect.element(s.getByRole('heading', { name: '登录' })).toBeVisible();
    expect(document.documentElement.lang).toBe('zh-CN');
  });

  test('creating an account in the app signs in and shows the phone', async () => {
    await signOut();
    const el = await app();
    const s = within(el);
    await s.getByRole('button', { name: 'New here? Create an account' }).click();
    const nickname = `Ada ${unique()}`;
    await s.getByLabelText('E-mail or phone number').fill(`t-${unique()}@example.test`);
    await s.getByLabelText('Password').fill('correct horse battery');
    await s.getByLabelText('Nickname').fill(nickname);
    await s.getByRole('button', { name: 'Create account', exact: true }).click();

    await expect.element(s.getByRole('navigation', { name: 'Main' })).toBeVisible();
    // The form is gone with the button that had focus: the page takes it, not <body>.
    expect(el.shadowRoot!.activeElement?.localName).toBe('main');
    await expect.element(s.getByRole('heading', { name: 'Dial' })).toBeVisible();
    await expect.element(s.getByText(/^Your extension: [0-9]{3,10}$/)).toBeVisible();
  });

  test('keyboard and axe', async () => {
    await signOut();
    const el = await app();
    await expect.element(within(el).getByRole('heading', { name: 'Sign in' })).toBeVisible();
    await expectKeyboardReachable(el);
    expect(await seriousViolations(el)).toEqual([]);
  });
});

describe('rc-app, signed in', () => {
  test('navigation by hash; the phone’s status is said; signing out', async () => {
    const person = await signUp();
    const el = await app();
    const s = within(el);
    expect(navLinks(el)).toEqual(['Phone', 'Privacy', 'Verification', 'Profile']);
    await expect.element(s.getByRole('link', { name: 'Phone', exact: true })).toHaveAttribute('aria-current', 'page');
    await expect.element(s.getByText(`Your extension: ${person.me.extension}`)).toBeVisible();
    // There is no PBX here: the phone says it is connecting or trying again, in words.
    await expect.element(s.getByRole('status').filter({ hasText: /Connecting…|Calls unavailable/ })).toBeVisible();

    await s.getByRole('link', { name: 'Privacy', exact: true }).click();
    await expect.element(s.getByRole('heading', { name: 'How your name is shown on calls' })).toBeVisible();
    await expect.element(s.getByRole('link', { name: 'Privacy', exact: true })).toHaveAttribute('aria-current', 'page');
    await s.getByRole('link', { name: 'Verification', exact: true }).click();
    await expect.element(s.getByText('Status: not submitted')).toBeVisible();
    await s.getByRole('link', { name: 'Profile', exact: true }).click();
    await expect.element(s.getByLabelText('Nickname')).toHaveValue(person.nickname);

    await s.getByRole('button', { name: 'Sign out', exact: true }).click();
    await expect.element(s.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    expect((await fetch('/api/me')).status).toBe(401);
  });

  test('an admin also has the Admin screen', async () => {
    await signInAsAdmin();
    location.hash = '#/admin';
    const el = await app();
    expect(navLinks(el)).toEqual(['Phone', 'Privacy', 'Verification', 'Profile', 'Admin']);
    await expect.element(within(el).getByRole('heading', { name: 'Verification queue' })).toBeVisible();
  });

  test('keyboard and axe', async () => {
    await signUp();
    const el = await app();
    await expect.element(within(el).getByRole('heading', { name: 'Dial' })).toBeVisible();
    await expectKeyboardReachable(el);
    expect(await seriousViolations(el)).toEqual([]);
  });
});
