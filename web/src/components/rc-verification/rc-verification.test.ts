import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { MyVerification } from '../../api/client';
import { setLocale } from '../../i18n/i18n';
import { expectKeyboardReachable, seriousViolations } from '../../test-support/a11y';
import { api, idNumber, signUp, submitVerification } from '../../test-support/api';
import { mount, recordEvents, unmountAll, within } from '../../test-support/dom';
import './rc-verification';

beforeEach(async () => {
  await signUp();
});
afterEach(() => {
  unmountAll();
  setLocale('en');
});

const myVerification = async () =>
  (await api<{ verification: MyVerification }>('GET', '/api/me/verification')).verification;

describe('rc-verification (against the real API)', () => {
  test('submits the legal name and document number, then shows "waiting for review"', async () => {
    const el = await mount('rc-verification');
    const events = recordEvents(el, 'rc-verification-changed');
    const s = within(el);
    await expect.element(s.getByText('Status: not submitted')).toBeVisible();

    const id = idNumber();
    await s.getByLabelText('Legal name, as on your identity document').fill('张三丰');
    const idField = s.getByLabelText('Identity document number');
    await expect
      .element(idField)
      .toHaveAccessibleDescription('Only a keyed fingerprint and the last 4 characters are kept.');
    await idField.fill(id);
    await s.getByRole('button', { name: 'Submit for verification' }).click();

    await expect.element(s.getByText('Status: waiting for review')).toBeVisible();
    await expect.element(s.getByText('Submitted. An admin will review it.')).toBeVisible();
    await expect.element(s.getByText(`张三丰 · ****${id.slice(-4)}`)).toBeVisible();
    expect(s.getByRole('button', { name: 'Submit for verification' }).query()).toBeNull();
    expect(events).toHaveLength(1);
    expect(await myVerification()).toMatchObject({ status: 'pending', legalName: '张三丰', idLast4: id.slice(-4) });
  });

  test('a pending verification is shown as such, with no form', async () => {
    await submitVerification('Ada Lovelace');
    setLocale('zh-CN');
    const el = await mount('rc-verification');
    const s = within(el);
    await expect.element(s.getByText('状态：等待审核')).toBeVisible();
    await expect.element(s.getByText(/^Ada Lovelace · \*{4}/)).toBeVisible();
    expect(s.getByRole('textbox').query()).toBeNull();
  });

  test('a name the API refuses is shown with its reason, and nothing is stored', async () => {
    const el = await mount('rc-verification');
    const s = within(el);
    await s.getByLabelText('Legal name, as on your identity document').fill('Ada <script>');
    await s.getByLabelText('Identity document number').fill(idNumber());
    await s.getByRole('button', { name: 'Submit for verification' }).click();
    await expect.element(s.getByRole('alert')).toHaveTextContent(/legalName/);
    expect(await myVerification()).toEqual({ status: 'none' });
  });

  test('keyboard and axe', async () => {
    const el = await mount('rc-verification');
    await expect.element(within(el).getByText('Status: not submitted')).toBeVisible();
    await expectKeyboardReachable(el);
    expect(await seriousViolations(el)).toEqual([]);
  });
});
