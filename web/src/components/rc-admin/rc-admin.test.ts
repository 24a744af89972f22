import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { AuditEntry, MyVerification } from '../../api/client';
import { setLocale } from '../../i18n/i18n';
import { deepActiveElement, seriousViolations } from '../../test-support/a11y';
import {
  api,
  pendingVerifications,
  preProofVerification,
  proveLogin,
  signIn,
  signInAsAdmin,
  signUp,
  signUpProven,
  submitVerification,
  unique,
  type Person,
} from '../../test-support/api';
import { userEvent } from 'vitest/browser';
import { mount, unmountAll, within } from '../../test-support/dom';
import { expectAllReachable, latinOutsideData, rowIn, saidIn, section } from './admin.test-support';
import './rc-admin';

let person: Person;
let id: string;

/** A new person, their login proven, with a pending verification; the page is then signed in as the admin. */
beforeEach(async () => {
  person = await signUpProven(`Queue ${unique()}`);
  id = `ID${crypto.randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`;
  await submitVerification('Grace Hopper', id);
  await signInAsAdmin();
});
afterEach(() => {
  unmountAll();
  setLocale('en');
});

/**
 * The queue's row for a person (other tests' people may be queued too): by
 * login, which only their own row in the queue shows (another row may name them).
 */
const rowOf = (el: HTMLElement, who: Person = person) =>
  within(section(el, 'rc-admin-queue')).getByRole('row').filter({ hasText: who.login });
const label = (who: Person) => `${who.nickname} (${who.me.extension})`;

async function theirVerification(who: Person = person): Promise<MyVerification> {
  await signIn(who);
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
    await expect
      .element(saidIn(el, 'rc-admin-queue'))
      .toHaveTextContent(`Approved the verification of ${label(person)}.`);
    await expect.element(row).not.toBeInTheDocument();
    expect(await theirVerification()).toMatchObject({ status: 'verified', legalName: 'Grace Hopper' });

    // Shown among the verified, now with Revoke; and in the audit log.
    await s.getByLabelText('Show').selectOptions('verified');
    await expect.element(rowOf(el)).toHaveTextContent('verified');
    await expect.element(rowOf(el).getByRole('button', { name: `Revoke ${person.nickname}` })).toBeVisible();
    const entry = within(section(el, 'rc-admin-audit'))
      .getByRole('row')
      .filter({ hasText: `approved the verification of ${label(person)}` })
      .first();
    await expect.element(entry).toBeVisible();
    await expect.element(entry).toHaveTextContent('waiting for review → verified');
    // The entry names whom it was about by nickname and extension, never by the legal name.
    await expect.element(entry).toHaveTextContent(person.nickname);
    await expect.element(entry).not.toHaveTextContent('Grace Hopper');
  });

  test('rejecting asks at the row, then sends the reason that was typed there', async () => {
    const el = await mount('rc-admin');
    const row = rowOf(el);
    await row.getByRole('button', { name: `Reject ${person.nickname}` }).click();
    const step = row.getByRole('group', { name: `Reject the verification of ${label(person)}?` });
    await expect.element(step).toBeVisible();
    const reason = step.getByLabelText('Reason to reject (they will see it)');
    // Focus goes to the step's reason field; nothing is sent yet.
    await expect.poll(() => deepActiveElement()).toBe(reason.element());
    expect(await theirVerification()).toMatchObject({ status: 'pending' });
    await reason.fill('The name does not match the document.');
    await step.getByRole('button', { name: 'Yes, reject' }).click();
    await expect
      .element(saidIn(el, 'rc-admin-queue'))
      .toHaveTextContent(`Rejected the verification of ${label(person)}.`);
    await expect.element(row).not.toBeInTheDocument();
    expect(await theirVerification()).toMatchObject({
      status: 'rejected',
      reason: 'The name does not match the document.',
    });
  });

  test('rejecting without a reason is refused beside the reason field, in the API’s words, and changes nothing', async () => {
    const el = await mount('rc-admin');
    const row = rowOf(el);
    await row.getByRole('button', { name: `Reject ${person.nickname}` }).click();
    await row.getByRole('button', { name: 'Yes, reject' }).click();
    const reason = row.getByLabelText('Reason to reject (they will see it)');
    await expect.element(reason).toHaveAccessibleDescription('This is required.');
    await expect.element(reason).toHaveAttribute('aria-invalid', 'true');
    await expect.poll(() => deepActiveElement()).toBe(reason.element());
    await expect.element(row).toBeVisible();
    expect(await theirVerification()).toMatchObject({ status: 'pending' });

    // Cancel puts the step away and focus back at the row's first control.
    await row.getByRole('button', { name: 'Cancel' }).click();
    await expect.element(row.getByRole('group')).not.toBeInTheDocument();
    await expect
      .poll(() => deepActiveElement())
      .toBe(row.getByRole('button', { name: `Approve ${person.nickname}` }).element());
  });

  test('revoking from the verified filter asks at the row, says what callees will see, then says it was done', async () => {
    const theirs = (await pendingVerifications()).find((v) => v.person.login === person.login)!;
    await api('POST', `/api/admin/verifications/${theirs.id}/approve`, {});
    const el = await mount('rc-admin');
    await within(section(el, 'rc-admin-queue')).getByLabelText('Show').selectOptions('verified');
    const row = rowOf(el);
    await row.getByRole('button', { name: `Revoke ${person.nickname}` }).click();
    const step = row.getByRole('group', {
      name: `Revoke the verification of ${label(person)}? Callees will see their nickname, marked unverified, from the next call — and in calls under way.`,
    });
    await expect.element(step).toBeVisible();
    await step.getByLabelText('Reason to revoke').fill('Document reported stolen');
    await userEvent.keyboard('{Enter}');
    await expect
      .element(saidIn(el, 'rc-admin-queue'))
      .toHaveTextContent(`Revoked the verification of ${label(person)}.`);
    await expect.element(row).not.toBeInTheDocument();
    expect(await theirVerification()).toMatchObject({ status: 'revoked', reason: 'Document reported stolen' });
  });

  test('a document that is someone else’s too: the row says whose; approving offers to revoke theirs, with a reason', async () => {
    // Someone else submits the same document.
    const other = await signUpProven(`Other ${unique()}`);
    await submitVerification('Grace Hopper', id);
    await signInAsAdmin();
    const el = await mount('rc-admin');
    const row = rowOf(el);
    const approve = row.getByRole('button', { name: `Approve ${person.nickname}` });
    await expect
      .element(row)
      .toHaveTextContent(
        `This document also belongs to ${other.nickname} (ext ${other.me.extension}), waiting for review.`,
      );
    await expect
      .element(rowOf(el, other))
      .toHaveTextContent(
        `This document also belongs to ${person.nickname} (ext ${person.me.extension}), waiting for review.`,
      );

    // The other is approved first: now the document verifies them.
    const theirs = (await pendingVerifications()).find((v) => v.person.login === other.login)!;
    await api('POST', `/api/admin/verifications/${theirs.id}/approve`, {});
    await el.reload();
    await expect.element(rowOf(el, other)).not.toBeInTheDocument();
    await expect
      .element(approve)
      .toHaveAccessibleDescription(
        `This document also belongs to ${other.nickname} (ext ${other.me.extension}), verified.`,
      );

    // Approving is refused by the API; the row offers the way out, and asks why: a step like the others.
    await approve.click();
    const step = row.getByRole('group', {
      name:
        `This document already verifies ${other.nickname} (ext ${other.me.extension}). ` +
        `Approving ${person.nickname} revokes that verification: say why.`,
    });
    const reason = step.getByLabelText(`Reason to revoke the verification of ${label(other)}`);
    await expect.element(reason).toBeVisible();
    await expect.poll(() => deepActiveElement()).toBe(reason.element());
    expect(await theirVerification()).toMatchObject({ status: 'pending' });
    expect(await seriousViolations(el)).toEqual([]);

    // Enter with no reason: said below the field, and gone once a reason is typed.
    await userEvent.keyboard('{Enter}');
    await expect.element(reason).toHaveAccessibleDescription('A reason is needed to revoke the other verification.');
    await expect.element(reason).toHaveAttribute('aria-invalid', 'true');
    await expect.poll(() => deepActiveElement()).toBe(reason.element());
    expect(await theirVerification(other)).toMatchObject({ status: 'verified' });
    await reason.fill('The document is Grace Hopper’s own; the other account borrowed it.');
    await expect.element(reason).toHaveAccessibleDescription('');
    await expect.element(reason).toHaveAttribute('aria-invalid', 'false');

    // Enter confirms, as in every other step; both people are named with their extensions.
    await userEvent.keyboard('{Enter}');
    await expect
      .element(saidIn(el, 'rc-admin-queue'))
      .toHaveTextContent(
        `Approved the verification of ${label(person)}; the verification of ${label(other)} was revoked.`,
      );
    await expect.element(row).not.toBeInTheDocument();
    expect(await theirVerification()).toMatchObject({ status: 'verified' });
    expect(await theirVerification(other)).toMatchObject({
      status: 'revoked',
      reason: 'The document is Grace Hopper’s own; the other account borrowed it.',
    });
    const { entries } = await api<{ entries: AuditEntry[] }>('GET', '/api/admin/audit');
    expect(
      entries.find((e) => e.action === 'verification.revoke.same_document' && e.targetId === theirs.id),
    ).toMatchObject({ beforeStatus: 'verified', afterStatus: 'revoked' });
  });

  test('Cancel and Escape put the offer away, change nothing, and go back to the row', async () => {
    const other = await signUpProven(`Other ${unique()}`);
    await submitVerification('Grace Hopper', id);
    await signInAsAdmin();
    const theirs = (await pendingVerifications()).find((v) => v.person.login === other.login)!;
    await api('POST', `/api/admin/verifications/${theirs.id}/approve`, {});
    const el = await mount('rc-admin');
    const row = rowOf(el);
    const approve = row.getByRole('button', { name: `Approve ${person.nickname}` });
    const offer = row.getByRole('button', { name: 'Revoke the other and approve' });
    await approve.click();
    await expect.element(offer).toBeVisible();
    await row.getByRole('button', { name: 'Cancel' }).click();
    await expect.element(offer).not.toBeInTheDocument();
    await expect.poll(() => deepActiveElement()).toBe(approve.element());
    await approve.click();
    await row.getByLabelText(`Reason to revoke the verification of ${label(other)}`).fill('never sent');
    await userEvent.keyboard('{Escape}');
    await expect.element(offer).not.toBeInTheDocument();
    await expect.poll(() => deepActiveElement()).toBe(approve.element());
    expect(await theirVerification()).toMatchObject({ status: 'pending' });
    expect(await theirVerification(other)).toMatchObject({ status: 'verified' });
  });

  test('a login not proven: marked, and Approve is disabled with the reason until it is', async () => {
    // A record from before login proof existed (no such record can be submitted now).
    const legacy = await signUp(`Legacy ${unique()}`);
    await preProofVerification(legacy.login, 'Ada Lovelace', '4321');
    await signInAsAdmin();
    const el = await mount('rc-admin');
    const row = rowOf(el, legacy);
    await expect.element(row).toHaveTextContent('Login not proven');
    const approve = row.getByRole('button', { name: `Approve ${legacy.nickname}` });
    await expect.element(approve).toBeDisabled();
    await expect
      .element(approve)
      .toHaveAccessibleDescription(
        `Cannot be approved until ${legacy.nickname} proves that ${legacy.login} is theirs.`,
      );
    await expect.element(row.getByRole('button', { name: `Reject ${legacy.nickname}` })).toBeEnabled();
    // The person row of someone proven has neither.
    expect(rowOf(el).element().textContent).not.toContain('Login not proven');
    await expect.element(rowOf(el).getByRole('button', { name: `Approve ${person.nickname}` })).toBeEnabled();

    // Once they prove it, they can be approved.
    await signIn(legacy);
    await proveLogin(legacy);
    await signInAsAdmin();
    await el.reload();
    await expect.element(approve).toBeEnabled();
    expect(row.element().textContent).not.toContain('Login not proven');
    await approve.click();
    await expect.element(row).not.toBeInTheDocument();
    expect(await theirVerification(legacy)).toMatchObject({ status: 'verified', legalName: 'Ada Lovelace' });
  });

  test('in Chinese: no Latin text but names, logins, numbers and file syntax, with steps open and rows refused', async () => {
    setLocale('zh-CN');
    const el = await mount('rc-admin');
    const s = within(el);
    await expect.element(s.getByRole('heading', { name: '认证审核队列' })).toBeVisible();
    const row = rowOf(el);
    await expect.element(row.getByRole('button', { name: `通过 ${person.nickname}` })).toBeVisible();
    // A step at the queue's row, its reason refused beside the field in Chinese.
    await row.getByRole('button', { name: `拒绝 ${person.nickname}` }).click();
    await row.getByRole('button', { name: '确认拒绝' }).click();
    await expect.element(row.getByLabelText('拒绝原因（对方会看到）')).toHaveAccessibleDescription('此项必填。');
    // A step at the person's row in People.
    const people = within(section(el, 'rc-admin-people'));
    await people.getByLabelText('按昵称、分机号或登录账号查找用户').fill(person.nickname);
    await people.getByRole('button', { name: '查找' }).click();
    await rowIn(el, 'rc-admin-people', person.login)
      .getByRole('button', { name: `停用 ${person.nickname}` })
      .click();
    await expect
      .element(s.getByRole('group', { name: `停用 ${person.nickname}（${person.me.extension}）？` }))
      .toBeVisible();
    // An import preview with a row of each kind refused.
    const imports = within(section(el, 'rc-admin-import'));
    await imports
      .getByLabelText('或粘贴文件内容')
      .fill(
        [
          'login,legal_name,id_number,status,reason',
          `${person.login},Grace Hopper,${id},verified,`,
          `${person.login},Grace Hopper,${id},verified,`,
          `nobody-${unique()}@example.test,Grace Hopper,${id},maybe,`,
          `nobody-${unique()}@example.test,Grace1,${id},verified,`,
          `nobody-${unique()}@example.test,Grace Hopper,${id},rejected,`,
          'not a login,Grace Hopper,ID1234567,verified,',
          `${person.login},Grace Hopper`,
        ].join('\n'),
      );
    await imports.getByRole('button', { name: '预览' }).click();
    await expect.element(imports.getByText(/^预览——尚未写入任何内容。/)).toBeVisible();
    // And the audit log about them.
    await rowIn(el, 'rc-admin-people', person.login)
      .getByRole('button', { name: /的记录$/ })
      .click();
    await expect
      .element(within(section(el, 'rc-admin-audit')).getByRole('button', { name: '显示所有人' }))
      .toBeVisible();

    expect(latinOutsideData(el)).toEqual([]);
  });

  test('keyboard and axe: every control reachable by Tab, with steps open and a preview shown', async () => {
    const el = await mount('rc-admin');
    const row = rowOf(el);
    await expect.element(row).toBeVisible();
    await expectAllReachable(el);
    expect(await seriousViolations(el)).toEqual([]);

    await row.getByRole('button', { name: `Reject ${person.nickname}` }).click();
    await row.getByRole('button', { name: 'Yes, reject' }).click();
    const people = within(section(el, 'rc-admin-people'));
    await people.getByLabelText('Find people by nickname, extension or login').fill(person.nickname);
    await people.getByRole('button', { name: 'Search' }).click();
    await rowIn(el, 'rc-admin-people', person.login)
      .getByRole('button', { name: `Disable ${person.nickname}` })
      .click();
    const imports = within(section(el, 'rc-admin-import'));
    await imports
      .getByLabelText('Or paste the file’s text')
      .fill(`login,legal_name,id_number,status\n${person.login},Grace Hopper,${id},verified`);
    await imports.getByRole('button', { name: 'Preview' }).click();
    await expect.element(imports.getByRole('button', { name: 'Import', exact: true })).toBeVisible();
    await expectAllReachable(el);
    expect(await seriousViolations(el)).toEqual([]);
  });
});
