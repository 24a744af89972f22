import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { userEvent } from 'vitest/browser';
import type { Presentation } from '../../api/client';
import { setLocale } from '../../i18n/i18n';
import type { RecentCall } from '../../state/recents';
import { expectKeyboardReachable, seriousViolations } from '../../test-support/a11y';
import { privacyPreview, signIn, signUp, unique, verify, type Person } from '../../test-support/api';
import { mount, recordEvents, unmountAll, visibleText, within } from '../../test-support/dom';
import './rc-home';

const tag = unique();
let searcher: Person;
let verified: Person;
let plain: Person;
let mine: Presentation;

beforeAll(async () => {
  verified = await signUp(`Zed ${tag}`);
  await verify(verified, 'Zacharias Quill');
  plain = await signUp(`Zoe ${tag}`);
  searcher = await signUp();
  const preview = await privacyPreview();
  mine = preview.options[preview.current];
});
afterEach(async () => {
  unmountAll();
  setLocale('en');
  await signIn(searcher);
});

const recents: RecentCall[] = [
  {
    number: '1777',
    name: '张三丰',
    status: 'verified',
    direction: 'incoming',
    missed: false,
    at: Date.now(),
    seconds: 30,
  },
  {
    number: '1778',
    name: '',
    status: null,
    direction: 'outgoing',
    missed: false,
    at: Date.now(),
    seconds: 0,
    reason: 'declined',
  },
  { number: '1779', name: 'Lily', status: 'hidden', direction: 'incoming', missed: true, at: Date.now(), seconds: 0 },
  {
    number: '1780',
    name: 'Mei',
    status: 'unverified',
    direction: 'incoming',
    missed: true,
    at: Date.now(),
    seconds: 0,
    reason: 'busy-here',
  },
];

describe('rc-home', () => {
  test('the directory search shows the real API’s people — nicknames and extensions, never a legal name', async () => {
    const home = await mount('rc-home', { canCall: true, extension: searcher.me.extension });
    const dials = recordEvents<{ extension: string }>(home, 'rc-dial');
    const s = within(home);
    await s.getByLabelText('Nickname or extension').fill(tag);

    const results = s.getByRole('list', { name: 'Find someone' });
    await expect.poll(() => results.getByRole('listitem').elements()).toHaveLength(2);
    const zed = results.getByRole('listitem').filter({ hasText: verified.nickname });
    const zoe = results.getByRole('listitem').filter({ hasText: plain.nickname });
    await expect.element(zed).toHaveTextContent(`${verified.me.extension} · ✔ real-name verified`);
    await expect.element(zoe).toHaveTextContent(plain.me.extension);
    await expect.element(zoe).not.toHaveTextContent('real-name verified');
    expect(visibleText(home)).not.toMatch(/Zacharias|Quill/);
    await expect.element(zed.getByRole('img', { name: verified.nickname })).toBeVisible();

    await zed.getByRole('button', { name: `Call ${verified.nickname} (${verified.me.extension})` }).click();
    expect(dials.map((e) => e.detail)).toEqual([{ extension: verified.me.extension }]);

    await s.getByLabelText('Nickname or extension').fill(`nobody-${unique()}`);
    await expect.element(s.getByRole('status')).toHaveTextContent('Nobody found.');
  });

  test('search by extension finds the person; greyed Call buttons say why', async () => {
    const why = "Calls are unavailable: RealCall's phone server is not answering.";
    const home = await mount('rc-home', { canCall: false, callWhy: why });
    const s = within(home);
    await s.getByLabelText('Nickname or extension').fill(plain.me.extension);
    const first = s.getByRole('list', { name: 'Find someone' }).getByRole('listitem').first();
    await expect.element(first).toHaveTextContent(plain.nickname);
    // Not registered: nobody can be called, and each Call button says why.
    await expect.element(first.getByRole('button')).toHaveAttribute('aria-disabled', 'true');
    await expect.element(first.getByRole('button')).toHaveAccessibleDescription(why);
    await expect.element(s.getByRole('button', { name: 'Call', exact: true })).toHaveAccessibleDescription(why);
    await expect.element(s.getByText(why)).toBeVisible();
  });

  test('the directory never offers to call yourself', async () => {
    const home = await mount('rc-home', { canCall: true, extension: searcher.me.extension });
    const s = within(home);
    await s.getByLabelText('Nickname or extension').fill(searcher.me.extension);
    await expect.element(s.getByRole('status')).toHaveTextContent('Nobody found.');
    await s.getByLabelText('Nickname or extension').fill(searcher.nickname);
    await expect.element(s.getByRole('status')).toHaveTextContent('Nobody found.');
  });

  test('dialling: typed and keyed digits, delete, then Call fires rc-dial', async () => {
    const home = await mount('rc-home', { canCall: true });
    const dials = recordEvents<{ extension: string }>(home, 'rc-dial');
    const s = within(home);
    const number = s.getByLabelText('Extension to call');
    const call = s.getByRole('button', { name: 'Call', exact: true });

    await number.fill('1a0-');
    await expect.element(number).toHaveValue('10');
    await expect.element(call).toHaveAttribute('aria-disabled', 'true');
    const pad = s.getByRole('group', { name: 'Dial' });
    await pad.getByRole('button', { name: '0', exact: true }).click();
    await pad.getByRole('button', { name: '9', exact: true }).click();
    await pad.getByRole('button', { name: '#', exact: true }).click();
    await expect.element(number).toHaveValue('1009');
    await s.getByRole('button', { name: 'Delete last digit' }).click();
    await pad.getByRole('button', { name: '2', exact: true }).click();
    await expect.element(number).toHaveValue('1002');

    await call.click();
    await number.click();
    await userEvent.keyboard('{Enter}');
    expect(dials.map((e) => e.detail)).toEqual([{ extension: '1002' }, { extension: '1002' }]);
  });

  test('recent calls and my own name as callees see it', async () => {
    const home = await mount('rc-home', { canCall: true, recents, me: mine, extension: searcher.me.extension });
    const events = recordEvents<{ extension: string }>(home, 'rc-dial', 'rc-clear-recents');
    const s = within(home);
    const list = s.getByRole('list', { name: 'Recent calls' });
    expect(list.getByRole('listitem').elements()).toHaveLength(4);
    // What the callee saw stays beside each name: a nickname never looks like a verified name.
    await expect
      .element(list.getByRole('listitem').nth(0))
      .toHaveTextContent(/张三丰\s*Verified real name\s*Incoming · 1777 · .* · 00:30/);
    await expect.element(list.getByRole('listitem').nth(1)).toHaveTextContent(/1778\s*Outgoing · Declined\. · 1778/);
    await expect
      .element(list.getByRole('listitem').nth(2))
      .toHaveTextContent(/Lily\s*Nickname, not a real name\s*Missed · 1779/);
    await expect
      .element(list.getByRole('listitem').nth(3))
      .toHaveTextContent(/Mei\s*Unverified\s*Missed while you were in a call · 1780/);
    await list.getByRole('button', { name: 'Call Lily' }).click();
    await s.getByRole('button', { name: 'Clear' }).click();
    expect(events.map((e) => [e.type, e.detail])).toEqual([
      ['rc-dial', { extension: '1779' }],
      ['rc-clear-recents', null],
    ]);

    const me = home.shadowRoot!.querySelector('.me')!;
    expect(mine).toEqual({ name: searcher.nickname, status: 'unverified', num: searcher.me.extension });
    expect(visibleText(me)).toContain(`${searcher.nickname} Unverified`);
    expect(visibleText(me)).toContain(`Your extension: ${searcher.me.extension}`);
    await expect
      .element(s.getByRole('link', { name: 'Change in privacy settings' }))
      .toHaveAttribute('href', '#/privacy');
  });

  test('in Chinese', async () => {
    setLocale('zh-CN');
    const home = await mount('rc-home', { recents: [] });
    const s = within(home);
    await expect.element(s.getByRole('heading', { name: '拨号' })).toBeVisible();
    await expect.element(s.getByText('还没有通话。')).toBeVisible();
  });

  test('keyboard and axe', async () => {
    const home = await mount('rc-home', { canCall: true, recents, me: mine, extension: searcher.me.extension });
    await within(home).getByLabelText('Nickname or extension').fill(tag);
    await expect.element(within(home).getByRole('list', { name: 'Find someone' })).toBeVisible();
    await expectKeyboardReachable(home);
    expect(await seriousViolations(home)).toEqual([]);
  });
});
