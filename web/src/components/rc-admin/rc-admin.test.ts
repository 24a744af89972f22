import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { MyVerification } from '../../api/client';
import { setLocale } from '../../i18n/i18n';
import { expectKeyboardReachable, seriousViolations } from '../../test-support/a11y';
import { api, signIn, signInAsAdmin, signUp, submitVerification, type Person } from '../../test-support/api';
import { mount, unmountAll, within } from '../../test-support/dom';
import './rc-admin';

let person: Person;
let id: string;

/** A new person with a pending verification; the page is then signed in as the admin. */
beforeEach(async () => {
  person = await signUp(`Queue ${crypto.randomUUID().slice(0, 8)}`);
  id = `ID${crypto.randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`;
  await submitVerification('Grace Hopper', id);
  await signInAsAdmin();
});
afterEach(() => {
  unmountAll();
  setLocale('en');
});

/** The queue's row for this test's person (other tests' people may be queued too). */
const rowOf = (el: HTMLElement) => within(el).getByRole('row').filter({ hasText: person.nickname });

async function theirVerification(): Promise<MyVerification> {
  await signIn(person);
  const { verification } = await api<{ verification: MyVerification }>('GET', '/api/me/verification');
  await signInAsAdmin();
  return verification;
}

describe('rc-admin (against the real API, signed in as an admin)', () => {
  test('shows the pending queue; approving moves the person out of it', async () => {
    const el = await mount('rc-admin');
    const s = within(el);
    const row = rowOf(el);
    await expect.element(row).toBeVisible();
    await expect.element(row).toHaveTextContent(person.login);
    await expect.element(row).toHaveTextContent('Grace Hopper');
    await expect.element(row).toHaveTextContent(`****${id.slice(-4)}`);
    await expect.element(row).toHaveTextContent('waiting for review');

    await row.getByRole('button', { name: `Approve ${person.nickname}` }).click();
    await expect.element(s.getByRole('status')).toHaveTextContent(`Approve: ${person.nickname}`);
    await expect.element(row).not.toBeInTheDocument();
    expect(await theirVerification()).toMatchObject({ status: 'verified', legalName: 'Grace Hopper' });

    // Shown among the verified, now with Revoke; and in the audit log.
    await s.getByLabelText('Show').selectOptions('verified');
    await expect.element(rowOf(el)).toHaveTextContent('verified');
    await expect.element(rowOf(el).getByRole('button', { name: `Revoke ${person.nickname}` })).toBeVisible();
    await expect.element(s.getByRole('row').filter({ hasText: 'pending → verified' }).first()).toBeVisible();
  });

  test('rejecting sends the reason that was typed', async () => {
    const el = await mount('rc-admin');
    const row = rowOf(el);
    await row.getByLabelText('Reason to Approve / Reject').fill('The name does not match the document.');
    await row.getByRole('button', { name: `Reject ${person.nickname}` }).click();
    await expect.element(row).not.toBeInTheDocument();
    expect(await theirVerification()).toMatchObject({
      status: 'rejected',
      reason: 'The name does not match the document.',
    });
  });

  test('rejecting without a reason is refused, with the API’s words, and changes nothing', async () => {
    const el = await mount('rc-admin');
    const row = rowOf(el);
    await row.getByRole('button', { name: `Reject ${person.nickname}` }).click();
    await expect.element(within(el).getByRole('alert')).toHaveTextContent(/reason/);
    await expect.element(row).toBeVisible();
    expect(await theirVerification()).toMatchObject({ status: 'pending' });
  });

  test('in Chinese', async () => {
    setLocale('zh-CN');
    const el = await mount('rc-admin');
    const s = within(el);
    await expect.element(s.getByRole('heading', { name: '认证审核队列' })).toBeVisible();
    await expect.element(rowOf(el).getByRole('button', { name: `通过 ${person.nickname}` })).toBeVisible();
  });

  test('keyboard and axe', async () => {
    const el = await mount('rc-admin');
    await expect.element(rowOf(el)).toBeVisible();
    await expectKeyboardReachable(el);
    expect(await seriousViolations(el)).toEqual([]);
  });
});
