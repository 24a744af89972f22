import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { userEvent } from 'vitest/browser';
import type { Me, MyVerification } from '../../api/client';
import { setLocale } from '../../i18n/i18n';
import { deepActiveElement, expectKeyboardReachable, seriousViolations } from '../../test-support/a11y';
import {
  api,
  idNumber,
  mailedCode as lastMailedCode,
  me,
  phoneNumber,
  proveLogin,
  signUp,
  submitVerification,
  verify,
  type Person,
} from '../../test-support/api';
import { mount, recordEvents, unmountAll, within } from '../../test-support/dom';
import './rc-verification';

/** A new person whose login is not proven yet, as everyone is at sign-up. */
let person: Person;
beforeEach(async () => {
  person = await signUp();
});
afterEach(() => {
  unmountAll();
  setLocale('en');
});

const myVerification = async () =>
  (await api<{ verification: MyVerification }>('GET', '/api/me/verification')).verification;

/** The code the API mailed to this test's person (through the test SMTP server). */
async function mailedCode(): Promise<string> {
  const code = await lastMailedCode(person.login);
  if (!code) throw new Error(`no code was mailed to ${person.login}`);
  return code;
}
const wrongCode = (code: string) => (code === '000000' ? '000001' : '000000');

describe('rc-verification: proving the login first (against the real API and a real SMTP server)', () => {
  test('Send code, a wrong code, the right code from the mail; then the verification form', async () => {
    const el = await mount('rc-verification');
    const events = recordEvents<{ me: Me }>(el, 'rc-me-changed');
    const s = within(el);
    await expect.element(s.getByRole('heading', { name: `Prove that ${person.login} is yours` })).toBeVisible();
    await expect.element(s.getByText('Status: not submitted')).toBeVisible();
    await expect.element(s.getByText(/^Before you submit your real name, show that this e-mail address/)).toBeVisible();
    expect(s.getByLabelText('Legal name, as on your identity document').query()).toBeNull();
    const field = s.getByLabelText('Code from the message');
    await expect.element(field).toHaveAttribute('inputmode', 'numeric');
    await expect.element(field).toHaveAttribute('autocomplete', 'one-time-code');
    await expect.element(field).toHaveAccessibleDescription('The 6 digits we sent you.');

    await s.getByRole('button', { name: 'Send code' }).click();
    // Where it went (masked, as the API says it), until when it works, and when another may be asked for.
    await expect
      .element(s.getByRole('status').filter({ hasText: 'Code sent to' }))
      .toHaveTextContent(/^Code sent to t•+@example\.test\. It works until \d\d:\d\d( [AP]M)?\.$/);
    const again = s.getByRole('button', { name: 'Send a new code' });
    await expect.element(again).toBeDisabled();
    await expect.element(again).toHaveAccessibleDescription(/^You can ask for a new code in \d+ s\.$/);
    expect(deepActiveElement()).toBe(field.element());

    const code = await mailedCode();
    await field.fill(wrongCode(code));
    await s.getByRole('button', { name: 'Confirm' }).click();
    await expect.element(s.getByRole('alert')).toHaveTextContent('That code is wrong; 4 tries left.');
    // Said beside the code field, which takes the focus so it is read out with it.
    await expect.element(s.getByLabelText('Code from the message')).toHaveAccessibleDescription(/That code is wrong/);
    expect(el.shadowRoot!.activeElement?.id).toBe('login-code');
    await expect.element(field).toHaveAttribute('aria-invalid', 'true');
    expect((await me()).loginProven).toBe(false);

    await field.fill(code);
    await s.getByRole('button', { name: 'Confirm' }).click();
    await expect
      .element(s.getByText(`${person.login} is proven to be yours. Now you can submit your real name.`))
      .toBeVisible();
    const legalName = s.getByLabelText('Legal name, as on your identity document');
    await expect.element(legalName).toBeVisible();
    expect(deepActiveElement()).toBe(legalName.element());
    expect(s.getByRole('heading', { name: `Prove that ${person.login} is yours` }).query()).toBeNull();
    expect(s.getByRole('alert').query()).toBeNull();
    const stored = await me();
    expect(stored.loginProven).toBe(true);
    expect(events.map((e) => e.detail.me)).toEqual([stored]);
  });

  test('keyboard alone: Tab to Send code, Enter; the code field takes focus; type the code, Enter', async () => {
    const el = await mount('rc-verification');
    const s = within(el);
    const send = s.getByRole('button', { name: 'Send code' });
    await expect.element(send).toBeVisible();
    // Send code is the first control: Tab from the top of the page reaches it.
    for (let i = 0; i < 5 && deepActiveElement() !== send.element(); i++) await userEvent.tab();
    expect(deepActiveElement()).toBe(send.element());
    await userEvent.keyboard('{Enter}');
    await expect.element(s.getByRole('status').filter({ hasText: 'Code sent to' })).toBeVisible();
    expect(deepActiveElement()).toBe(s.getByLabelText('Code from the message').element());
    await userEvent.keyboard(`${await mailedCode()}{Enter}`);
    await expect.element(s.getByLabelText('Legal name, as on your identity document')).toBeVisible();
    expect((await me()).loginProven).toBe(true);
  });

  test('a code that is not 6 digits, or typed before any was sent, is refused in words', async () => {
    const el = await mount('rc-verification');
    const s = within(el);
    const field = s.getByLabelText('Code from the message');
    await field.fill('12345');
    await s.getByRole('button', { name: 'Confirm' }).click();
    await expect.element(s.getByRole('alert')).toHaveTextContent('Enter the 6 digits from the message.');
    // Spaces are allowed, as in "123 456"; no code was sent, so there is nothing it could match.
    await field.fill('123 456');
    await s.getByRole('button', { name: 'Confirm' }).click();
    await expect
      .element(s.getByRole('alert'))
      .toHaveTextContent('That code has expired or was used up: ask for a new one.');
    expect((await me()).loginProven).toBe(false);
  });

  test('asking again too soon says how long to wait, and the button waits too', async () => {
    await api('POST', '/api/me/login/code'); // as from another tab, a moment ago
    const el = await mount('rc-verification');
    const s = within(el);
    await s.getByRole('button', { name: 'Send code' }).click();
    await expect
      .element(s.getByRole('alert'))
      .toHaveTextContent(/^A code was sent recently: you can ask for another in \d+ s\.$/);
    const send = s.getByRole('button', { name: 'Send code' });
    await expect.element(send).toBeDisabled();
    await expect.element(send).toHaveAccessibleDescription(/^You can ask for a new code in \d+ s\.$/);
    // The code from a moment ago still works.
    await s.getByLabelText('Code from the message').fill(await mailedCode());
    await s.getByRole('button', { name: 'Confirm' }).click();
    await expect.element(s.getByLabelText('Legal name, as on your identity document')).toBeVisible();
  });

  test('a phone number, on a server with no way to text codes: says so plainly, and to ask its operator', async () => {
    const phone = await signUp(undefined, phoneNumber());
    const el = await mount('rc-verification');
    const s = within(el);
    await expect.element(s.getByRole('heading', { name: `Prove that ${phone.login} is yours` })).toBeVisible();
    await expect.element(s.getByText(/show that this phone number is yours: we text it a 6-digit code/)).toBeVisible();
    await s.getByRole('button', { name: 'Send code' }).click();
    await expect
      .element(s.getByRole('alert'))
      .toHaveTextContent(
        'This server cannot send codes to phone numbers yet, so your login cannot be proven here for now. ' +
          'Ask whoever runs this RealCall server (its operator) to set up sending codes.',
      );
    expect(s.getByLabelText('Code from the message').query()).toBeNull();
    expect(s.getByLabelText('Legal name, as on your identity document').query()).toBeNull();
  });

  test('in Chinese', async () => {
    setLocale('zh-CN');
    const el = await mount('rc-verification');
    const s = within(el);
    await expect.element(s.getByRole('heading', { name: `证明 ${person.login} 属于你` })).toBeVisible();
    await s.getByRole('button', { name: '发送验证码' }).click();
    await expect
      .element(s.getByRole('status').filter({ hasText: '验证码已发送至' }))
      .toHaveTextContent(/^验证码已发送至 t•+@example\.test，\d\d:\d\d 前有效。$/);
    await expect.element(s.getByRole('button', { name: '重新发送验证码' })).toBeDisabled();
    const code = await mailedCode();
    await s.getByLabelText('收到的验证码').fill(wrongCode(code));
    await s.getByRole('button', { name: '确认' }).click();
    await expect.element(s.getByRole('alert')).toHaveTextContent('验证码不对，还可以再试 4 次。');
    await s.getByLabelText('收到的验证码').fill(code);
    await s.getByRole('button', { name: '确认' }).click();
    await expect.element(s.getByText(`已证明 ${person.login} 属于你，现在可以提交真实姓名了。`)).toBeVisible();
    await expect.element(s.getByLabelText('真实姓名（与证件一致）')).toBeVisible();
  });
});

describe('rc-verification: submitting, once the login is proven (against the real API)', () => {
  beforeEach(async () => {
    await proveLogin(person);
  });

  test('submits the legal name and document number, then shows "waiting for review"', async () => {
    const el = await mount('rc-verification');
    const events = recordEvents(el, 'rc-verification-changed');
    const s = within(el);
    await expect.element(s.getByText('Status: not submitted')).toBeVisible();
    expect(s.getByRole('button', { name: 'Send code' }).query()).toBeNull();

    const id = idNumber();
    await s.getByLabelText('Legal name, as on your identity document').fill('张三丰');
    const idField = s.getByLabelText('Identity document number');
    await expect
      .element(idField)
      .toHaveAccessibleDescription(
        'The number itself is never kept: only a one-way fingerprint of it and its last 4 characters.',
      );
    await idField.fill(id);
    await s.getByRole('button', { name: 'Submit for verification' }).click();

    await expect.element(s.getByText('Status: waiting for review')).toBeVisible();
    await expect.element(s.getByText('Submitted. An admin will review it.')).toBeVisible();
    // Focus moves to the status the form led to, not to the page's body.
    expect(el.shadowRoot!.activeElement?.classList.contains('status')).toBe(true);
    await expect.element(s.getByText(new RegExp(`张三丰 · \\*{4}${id.slice(-4)} ·`))).toBeVisible();
    expect(s.getByRole('button', { name: 'Submit for verification' }).query()).toBeNull();
    expect(events).toHaveLength(1);
    expect(await myVerification()).toMatchObject({ status: 'pending', legalName: '张三丰', idLast4: id.slice(-4) });
  });

  test('a pending verification is shown as such, with no form, but it can be corrected or withdrawn', async () => {
    await submitVerification('Ada Lovelace');
    setLocale('zh-CN');
    const el = await mount('rc-verification');
    const s = within(el);
    await expect.element(s.getByText('状态：等待审核')).toBeVisible();
    await expect.element(s.getByText(/Ada Lovelace · \*{4}/)).toBeVisible();
    expect(s.getByRole('textbox').query()).toBeNull();
    await expect.element(s.getByRole('button', { name: '更正' })).toBeVisible();
    await expect.element(s.getByRole('button', { name: '撤回' })).toBeVisible();
  });

  test('correcting a pending submission: the form again, filled in; the correction waits for review', async () => {
    await submitVerification('Ada Lovelce');
    const el = await mount('rc-verification');
    const s = within(el);
    await s.getByRole('button', { name: 'Correct it' }).click();
    const name = s.getByLabelText('Legal name, as on your identity document');
    await expect.element(name).toHaveValue('Ada Lovelce');
    await name.fill('Ada Lovelace');
    const id = idNumber();
    await s.getByLabelText('Identity document number').fill(id);
    await s.getByRole('button', { name: 'Save the correction' }).click();
    await expect.element(s.getByText('Corrected. It waits for review as before.')).toBeVisible();
    await expect.element(s.getByText('Status: waiting for review')).toBeVisible();
    expect(await myVerification()).toMatchObject({
      status: 'pending',
      legalName: 'Ada Lovelace',
      idLast4: id.slice(-4),
    });
  });

  test('withdrawing asks first, says nothing is kept, and the form is back', async () => {
    await submitVerification('Ada Lovelace');
    const el = await mount('rc-verification');
    const s = within(el);
    await s.getByRole('button', { name: 'Withdraw' }).click();
    await expect.element(s.getByRole('group')).toHaveTextContent(/legal name and document number are deleted/);
    // The safe answer has the focus.
    expect(el.shadowRoot!.activeElement?.textContent?.trim()).toBe('No, keep it');
    await s.getByRole('button', { name: 'No, keep it' }).click();
    expect(await myVerification()).toMatchObject({ status: 'pending' });
    await s.getByRole('button', { name: 'Withdraw' }).click();
    await s.getByRole('button', { name: 'Yes, withdraw' }).click();
    await expect.element(s.getByText('Withdrawn: nothing of it is kept.')).toBeVisible();
    await expect.element(s.getByText('Status: not submitted')).toBeVisible();
    await expect.element(s.getByLabelText('Legal name, as on your identity document')).toBeVisible();
    expect(await myVerification()).toEqual({ status: 'none' });
  });

  test('a refused name: the reason beside the field, in words and the page language; nothing is stored', async () => {
    const el = await mount('rc-verification');
    const s = within(el);
    const name = s.getByLabelText('Legal name, as on your identity document');
    await name.fill('Ada <script>');
    await s.getByLabelText('Identity document number').fill(idNumber());
    await s.getByRole('button', { name: 'Submit for verification' }).click();
    await expect.element(name).toHaveAttribute('aria-invalid', 'true');
    await expect.element(name).toHaveAccessibleDescription(/Use letters only, as on your document/);
    expect(el.shadowRoot!.textContent).not.toMatch(/legalName|idNumber/);
    expect(await myVerification()).toEqual({ status: 'none' });

    // An invisible character is named by its kind, not refused as "letters only".
    // Typing again takes the old reason away until the next try.
    await name.fill('Ada Lovelace');
    await expect.element(name).toHaveAttribute('aria-invalid', 'false');
    await name.fill('张\u202e三');
    await s.getByRole('button', { name: 'Submit for verification' }).click();
    await expect.element(name).toHaveAccessibleDescription(/a text-direction control \(U\+202E\)/);
    setLocale('zh-CN');
    await expect
      .element(s.getByLabelText('真实姓名（与证件一致）'))
      .toHaveAccessibleDescription(/文字方向控制符（U\+202E）/);
    expect(await myVerification()).toEqual({ status: 'none' });
  });

  test('a full-width document number shows how it will be read, and is accepted as such', async () => {
    const el = await mount('rc-verification');
    const s = within(el);
    await s.getByLabelText('Legal name, as on your identity document').fill('张三丰');
    const digits = String(crypto.getRandomValues(new Uint32Array(1))[0]! % 1e8).padStart(8, '0');
    const fullWidth = [...digits].map((d) => String.fromCharCode(0xff10 + Number(d))).join('');
    const id = s.getByLabelText('Identity document number');
    await id.fill(`ｇ-${fullWidth}`);
    await expect.element(id).toHaveAccessibleDescription(new RegExp(`Read as: G${digits}`));
    await s.getByRole('button', { name: 'Submit for verification' }).click();
    await expect.element(s.getByText('Status: waiting for review')).toBeVisible();
    expect(await myVerification()).toMatchObject({ status: 'pending', idLast4: digits.slice(-4) });
  });

  test('once approved, the page points to the privacy settings', async () => {
    await verify(person, '张三丰');
    const el = await mount('rc-verification');
    const s = within(el);
    await expect.element(s.getByText('Status: verified')).toBeVisible();
    await expect
      .element(s.getByRole('link', { name: 'Choose how your name is shown' }))
      .toHaveAttribute('href', '#/privacy');
  });
});

describe('rc-verification: keyboard and axe', () => {
  test('the proof step, with a code sent', async () => {
    const el = await mount('rc-verification');
    const s = within(el);
    await s.getByRole('button', { name: 'Send code' }).click();
    await expect.element(s.getByRole('status').filter({ hasText: 'Code sent to' })).toBeVisible();
    await expectKeyboardReachable(el);
    expect(await seriousViolations(el)).toEqual([]);
  });

  test('the verification form', async () => {
    await proveLogin(person);
    const el = await mount('rc-verification');
    await expect.element(within(el).getByText('Status: not submitted')).toBeVisible();
    await expectKeyboardReachable(el);
    expect(await seriousViolations(el)).toEqual([]);
  });
});
