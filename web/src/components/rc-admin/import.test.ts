import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { page } from 'vitest/browser';
import type { MyVerification } from '../../api/client';
import { setLocale } from '../../i18n/i18n';
import { deepActiveElement } from '../../test-support/a11y';
import {
  api,
  idNumber,
  signIn,
  signInAsAdmin,
  signUpProven,
  submitVerification,
  unique,
  type Person,
} from '../../test-support/api';
import { mount, unmountAll, within } from '../../test-support/dom';
import { label, saidIn, section } from './admin.test-support';
import './rc-admin';

let fresh: Person;
let pending: Person;
let pendingId: string;

/** One proven person with no verification, one with a pending one; the page is then signed in as the admin. */
beforeEach(async () => {
  fresh = await signUpProven(`Fresh ${unique()}`);
  pending = await signUpProven(`Waiting ${unique()}`);
  pendingId = idNumber();
  await submitVerification('Ada Lovelace', pendingId);
  await signInAsAdmin();
});
afterEach(() => {
  unmountAll();
  setLocale('en');
});

async function theirVerification(who: Person): Promise<MyVerification> {
  await signIn(who);
  const { verification } = await api<{ verification: MyVerification }>('GET', '/api/me/verification');
  await signInAsAdmin();
  return verification;
}

const csv = (...rows: string[]) => ['login,legal_name,id_number,status,reason', ...rows].join('\n');

async function console_() {
  const el = await mount('rc-admin');
  const s = within(section(el, 'rc-admin-import'));
  return { el, s };
}

/** The import's result row for the file's line `n`, once it is shown. */
async function line(el: HTMLElement, n: number) {
  const find = () => section(el, 'rc-admin-import').shadowRoot!.querySelector(`tr[data-line="${n}"]`);
  await expect.poll(find).not.toBeNull();
  return page.elementLocator(find()!);
}

describe('rc-admin CSV import (against the real API, signed in as an admin)', () => {
  test('Preview says what each row would do and writes nothing; Import then does it and says each row’s result', async () => {
    const { el, s } = await console_();
    const freshId = idNumber();
    const file = csv(
      `${fresh.login},Grace Hopper,${freshId},verified,`,
      `${pending.login},Ada Lovelace,${pendingId},rejected,`,
      `nobody-${unique()}@example.test,Nobody,${idNumber()},verified,`,
      `${fresh.login},Grace Hopper,${idNumber()},verified,`,
    );
    await s.getByLabelText('Or paste the file’s text').fill(file);
    await s.getByRole('button', { name: 'Preview' }).click();

    const summary = s.getByText('Preview — nothing has been written yet.', { exact: false });
    await expect
      .element(summary)
      .toHaveTextContent(
        'Preview — nothing has been written yet. Would be imported: 1 · already recorded: 0 · errors: 3.',
      );
    await expect.poll(() => deepActiveElement()?.id).toBe('summary');
    await expect.element(await line(el, 2)).toHaveTextContent(`${label(fresh)}`);
    await expect.element(await line(el, 2)).toHaveTextContent('Would be verified');
    // What each row would record, as the admin typed it: the legal name and the document's last 4, never the whole number.
    await expect
      .element(await line(el, 2))
      .toHaveTextContent(`Legal name: Grace Hopper · document ****${freshId.slice(-4)}`);
    await expect
      .element(await line(el, 3))
      .toHaveTextContent(`Legal name: Ada Lovelace · document ****${pendingId.slice(-4)}`);
    await expect.element(await line(el, 3)).toHaveTextContent('Refused: Rejecting needs a reason.');
    expect(section(el, 'rc-admin-import').shadowRoot!.textContent).not.toContain(freshId);
    expect(section(el, 'rc-admin-import').shadowRoot!.textContent).not.toContain(pendingId);
    await expect.element(await line(el, 4)).toHaveTextContent('Refused: Nobody signs in with this login.');
    await expect
      .element(await line(el, 5))
      .toHaveTextContent('Refused: This login is on an earlier line of the file; only that line counts.');
    // Nothing written.
    expect(await theirVerification(fresh)).toEqual({ status: 'none' });
    expect(await theirVerification(pending)).toMatchObject({ status: 'pending' });

    await s.getByRole('button', { name: 'Import', exact: true }).click();
    await expect
      .element(saidIn(el, 'rc-admin-import'))
      .toHaveTextContent('CSV import finished: 1 imported, 0 already recorded, 3 refused (row by row below).');
    await expect.element(s.getByText('Imported: 1 · already recorded: 0 · errors: 3.', { exact: false })).toBeVisible();
    await expect.element(await line(el, 2)).toHaveTextContent('Verified');
    await expect.element(await line(el, 2)).not.toHaveTextContent('Would be');
    await expect
      .element(await line(el, 2))
      .toHaveTextContent(`Legal name: Grace Hopper · document ****${freshId.slice(-4)}`);
    expect(section(el, 'rc-admin-import').shadowRoot!.textContent).not.toContain(freshId);
    expect(s.getByRole('button', { name: 'Import', exact: true }).query()).toBeNull();
    expect(await theirVerification(fresh)).toMatchObject({ status: 'verified', legalName: 'Grace Hopper' });
    expect(await theirVerification(pending)).toMatchObject({ status: 'pending' });

    // The same file again: every good row is already recorded, so nothing would be imported and no Import is offered.
    await s.getByRole('button', { name: 'Preview' }).click();
    await expect
      .element(await line(el, 2))
      .toHaveTextContent('Unchanged: the same decision is already recorded for this name and document.');
    await expect.element(s.getByText('No row would be imported, so there is nothing to import.')).toBeVisible();
    expect(s.getByRole('button', { name: 'Import', exact: true }).query()).toBeNull();
  });

  test('a chosen file is previewed and imported as sent; another file needs a new preview', async () => {
    const { el, s } = await console_();
    const choose = s.getByLabelText('CSV file');
    await choose.upload(
      new File([csv(`${pending.login},Ada Lovelace,${pendingId},verified,`)], 'decisions.csv', { type: 'text/csv' }),
    );
    await expect.element(s.getByText('decisions.csv')).toBeVisible();
    await s.getByRole('button', { name: 'Preview' }).click();
    await expect.element(await line(el, 2)).toHaveTextContent(`${label(pending)}`);
    await expect.element(await line(el, 2)).toHaveTextContent('Would be verified');

    // Another file: the preview was of the old one.
    await choose.upload(new File([csv(`${fresh.login},Grace Hopper,${idNumber()},verified,`)], 'other.csv'));
    expect(s.getByRole('button', { name: 'Import', exact: true }).query()).toBeNull();
    expect(section(el, 'rc-admin-import').shadowRoot!.querySelector('tr[data-line]')).toBeNull();
    expect(await theirVerification(pending)).toMatchObject({ status: 'pending' });
  });

  test('a file that cannot be read is refused beside the file field, in words, in either language', async () => {
    const { s } = await console_();
    const paste = s.getByLabelText('Or paste the file’s text');
    await paste.fill('user,name,id,status\nx@example.test,A,B1234567,verified');
    await s.getByRole('button', { name: 'Preview' }).click();
    await expect
      .element(paste)
      .toHaveAccessibleDescription(
        /The first line must be the header login,legal_name,id_number,status\[,reason\]\. Nothing was imported\./,
      );
    await expect.element(paste).toHaveAttribute('aria-invalid', 'true');
    await expect.poll(() => deepActiveElement()).toBe(paste.element());

    setLocale('zh-CN');
    await expect
      .element(s.getByLabelText('或粘贴文件内容'))
      .toHaveAccessibleDescription(/首行必须是表头 login,legal_name,id_number,status\[,reason\]。没有导入任何内容。/);

    // Nothing to send: said where the file goes.
    setLocale('en');
    await paste.fill('');
    await s.getByRole('button', { name: 'Preview' }).click();
    await expect
      .element(s.getByLabelText('CSV file'))
      .toHaveAccessibleDescription(/Choose a file or paste its text first\./);
  });

  test('a refused legal name speaks of the person’s document, and what the other fields record is still shown', async () => {
    const { el, s } = await console_();
    const id = idNumber();
    await s.getByLabelText('Or paste the file’s text').fill(csv(`${fresh.login},Grace1,${id},verified,`));
    await s.getByRole('button', { name: 'Preview' }).click();
    await expect
      .element(await line(el, 2))
      .toHaveTextContent(
        'Refused: Legal name: Use letters only, as on the person’s document, with single spaces, ·, apostrophes, dots or hyphens between parts (no digits or symbols).',
      );
    await expect.element(await line(el, 2)).not.toHaveTextContent('your document');
    // The name could not be read, so there is nothing to say it would record.
    await expect.element(await line(el, 2)).not.toHaveTextContent('Legal name: Grace1');
  });

  test('each row’s reason in Chinese', async () => {
    setLocale('zh-CN');
    const { el, s } = await console_();
    await s
      .getByLabelText('或粘贴文件内容')
      .fill(
        csv(
          `${fresh.login},Grace1,${idNumber()},verified,`,
          `${pending.login},Ada Lovelace,${idNumber()},verified,`,
          `${fresh.login},Grace Hopper,${idNumber()},maybe,`,
          `nobody-${unique()}@example.test,Grace Hopper,${idNumber()},maybe,`,
        ),
      );
    await s.getByRole('button', { name: '预览' }).click();
    // About the person's document, not the admin's own.
    await expect.element(await line(el, 2)).toHaveTextContent(/未导入：真实姓名：请只使用与此人证件一致的文字/);
    await expect.element(await line(el, 3)).toHaveTextContent('未导入：证件号码与此用户提交的不一致。');
    await expect
      .element(await line(el, 4))
      .toHaveTextContent('未导入：此登录账号在文件前面的行中已出现；只以那一行为准。');
    await expect.element(await line(el, 5)).toHaveTextContent('未导入：状态：请使用 verified 或 rejected。');
    await expect.element(s.getByText(/^预览——尚未写入任何内容。/)).toBeVisible();
  });
});
