import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { setLocale } from '../../i18n/i18n';
import { expectKeyboardReachable, seriousViolations } from '../../test-support/a11y';
import { signIn, signUp, type Person } from '../../test-support/api';
import { mount, recordEvents, unmountAll, within } from '../../test-support/dom';
import './rc-account';

let person: Person;
beforeEach(async () => {
  person = await signUp();
});
afterEach(() => {
  unmountAll();
  setLocale('en');
});

/** Signs in as `who` with `password` (without touching this page's cookie): the API's status. */
async function signInStatus(login: string, password: string): Promise<number> {
  const res = await fetch('/api/auth/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login, password }),
    // The page's own session must not be replaced by this check.
    credentials: 'omit',
  });
  return res.status;
}

describe('rc-account (against the real API)', () => {
  test('changing the password: the rules are shown first; a wrong current one is said beside it; then it works', async () => {
    const el = await mount('rc-account');
    const changed = recordEvents(el, 'rc-password-changed');
    const s = within(el);
    const current = s.getByLabelText('Current password');
    const next = s.getByLabelText('New password');
    await expect.element(next).toHaveAccessibleDescription(/At least 10 characters/);

    await current.fill('not the password');
    await next.fill('a brand new passphrase');
    await s.getByRole('button', { name: 'Change password' }).click();
    await expect.element(current).toHaveAttribute('aria-invalid', 'true');
    await expect.element(current).toHaveAccessibleDescription('This password is wrong.');
    expect(el.shadowRoot!.activeElement?.id).toBe('current-password');

    await current.fill(person.password);
    await next.fill(person.password);
    await s.getByRole('button', { name: 'Change password' }).click();
    await expect.element(next).toHaveAccessibleDescription(/The new password is the same as the current one/);

    await next.fill('a brand new passphrase');
    await s.getByRole('button', { name: 'Change password' }).click();
    await expect
      .element(s.getByRole('status'))
      .toHaveTextContent('Password changed. You were signed out on your other devices.');
    expect(await signInStatus(person.login, 'a brand new passphrase')).toBe(200);
    expect(await signInStatus(person.login, person.password)).toBe(401);
    // This page stays signed in; the app is told, to start the phone with the account's new SIP secret.
    expect((await fetch('/api/me')).status).toBe(200);
    expect(changed).toHaveLength(1);
  });

  test('sign out everywhere ends this session too and fires rc-signed-out-everywhere', async () => {
    const el = await mount('rc-account');
    const events = recordEvents(el, 'rc-signed-out-everywhere');
    await within(el).getByRole('button', { name: 'Sign out everywhere' }).click();
    await expect.poll(() => events.length).toBe(1);
    expect((await fetch('/api/me')).status).toBe(401);
  });

  test('deleting says what is deleted, asks for the password, can be cancelled, and then deletes', async () => {
    const el = await mount('rc-account');
    const events = recordEvents(el, 'rc-account-deleted');
    const s = within(el);
    await expect.element(s.getByText(/Deleting removes your account for good/)).toBeVisible();
    await s.getByRole('button', { name: 'Delete my account…' }).click();
    const password = s.getByLabelText('Your password, to confirm');
    await expect.element(password).toHaveAccessibleDescription(/Calls were never recorded/);
    expect(el.shadowRoot!.activeElement?.id).toBe('delete-password');

    await s.getByRole('button', { name: 'Cancel' }).click();
    expect(el.shadowRoot!.activeElement?.id).toBe('delete-start');
    expect((await fetch('/api/me')).status).toBe(200);

    await s.getByRole('button', { name: 'Delete my account…' }).click();
    await s.getByLabelText('Your password, to confirm').fill('not the password');
    await s.getByRole('button', { name: 'Delete my account for good' }).click();
    await expect
      .element(s.getByLabelText('Your password, to confirm'))
      .toHaveAccessibleDescription(/This password is wrong/);
    expect((await fetch('/api/me')).status).toBe(200);

    await s.getByLabelText('Your password, to confirm').fill(person.password);
    await s.getByRole('button', { name: 'Delete my account for good' }).click();
    await expect.poll(() => events.length).toBe(1);
    expect((await fetch('/api/me')).status).toBe(401);
    expect(await signInStatus(person.login, person.password)).toBe(401);
  });

  test('in Chinese', async () => {
    setLocale('zh-CN');
    const el = await mount('rc-account');
    const s = within(el);
    await expect.element(s.getByRole('heading', { name: '账户', exact: true })).toBeVisible();
    await s.getByLabelText('当前密码').fill('not the password');
    await s.getByLabelText('新密码').fill('a brand new passphrase');
    await s.getByRole('button', { name: '修改密码' }).click();
    await expect.element(s.getByLabelText('当前密码')).toHaveAccessibleDescription('密码不正确。');
  });

  test('keyboard and axe, with the deletion asked', async () => {
    await signIn(person);
    const el = await mount('rc-account');
    await expectKeyboardReachable(el);
    await within(el).getByRole('button', { name: 'Delete my account…' }).click();
    await expectKeyboardReachable(el);
    expect(await seriousViolations(el)).toEqual([]);
  });
});
