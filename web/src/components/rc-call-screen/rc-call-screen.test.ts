import { afterEach, describe, expect, test } from 'vitest';
import { userEvent } from 'vitest/browser';
import { setLocale } from '../../i18n/i18n';
import type { NameStatus } from '../../phone/name-status';
import { expectKeyboardReachable, seriousViolations } from '../../test-support/a11y';
import { active, callView } from '../../test-support/calls';
import { NO_CONNECTION } from '../../phone/connection';
import type { CallView } from '../../phone/phone-client';
import { mount, recordEvents, unmountAll, update, visibleText, within } from '../../test-support/dom';
import { AudioDevices } from '../../state/devices';
import { formatDuration } from './rc-call-screen';

afterEach(() => {
  unmountAll();
  setLocale('en');
});

/** The name beneath the avatar and its status line, as rendered by the screen's name badge. */
function nameBeneathAvatar(screen: HTMLElement) {
  const badge = screen.shadowRoot!.querySelector('rc-name-badge')!;
  const mark = badge.shadowRoot!.querySelector('[data-status]')!;
  return {
    name: badge.shadowRoot!.querySelector('.name')?.textContent?.trim() ?? null,
    status: mark.textContent.trim(),
    kind: mark.getAttribute('data-status'),
  };
}

describe('the name beneath the avatar', () => {
  const cases: { status: NameStatus; name: string; en: string; zh: string }[] = [
    { status: 'verified', name: '张三丰', en: 'Verified real name', zh: '已认证的真实姓名' },
    { status: 'masked', name: '*三丰', en: 'Verified real name (partly hidden)', zh: '已认证的真实姓名（部分隐藏）' },
    { status: 'hidden', name: 'Sanfeng', en: 'Nickname, not a real name', zh: '昵称，非真实姓名' },
    { status: 'unverified', name: 'Sanfeng', en: 'Unverified', zh: '未实名认证' },
  ];

  for (const { status, name, en, zh } of cases) {
    test(`${status}: "${name}", said to be "${en}" / "${zh}"`, async () => {
      const screen = await mount('rc-call-screen', { call: callView({}, { name, status }) });
      expect(nameBeneathAvatar(screen)).toEqual({ name, status: en, kind: status });
      await expect.element(within(screen).getByRole('img', { name: `Picture of ${name}` })).toBeVisible();

      setLocale('zh-CN');
      await screen.updateComplete;
      await expect.poll(() => nameBeneathAvatar(screen)).toEqual({ name, status: zh, kind: status });
      await expect.element(within(screen).getByRole('img', { name: `${name} 的头像` })).toBeVisible();
    });
  }

  test('unavailable: no name anywhere, only the number, even when the call carries one', async () => {
    const screen = await mount('rc-call-screen', {
      call: callView({}, { name: 'Mallory Spoofed', status: 'unavailable', number: '1009' }),
    });
    expect(nameBeneathAvatar(screen)).toEqual({ name: null, status: 'Name unavailable', kind: 'unavailable' });
    expect(visibleText(screen)).not.toContain('Mallory');
    await expect.element(within(screen).getByRole('img', { name: 'Picture of 1009' })).toBeVisible();
    await expect.element(within(screen).getByLabelText('Number 1009')).toHaveTextContent('1009');
    // The initials come from the number, not from the name the caller's side sent.
    expect(screen.shadowRoot!.querySelector('rc-avatar')!.shadowRoot!.textContent).not.toContain('M');

    setLocale('zh-CN');
    await expect.poll(() => nameBeneathAvatar(screen).status).toBe('姓名无法获取');
    expect(visibleText(screen)).not.toContain('Mallory');
  });

  test('an outgoing call shows the directory nickname, labelled as such', async () => {
    const screen = await mount('rc-call-screen', {
      call: callView({ direction: 'outgoing', state: 'ringing' }, { name: '', status: null, number: '1003' }),
      directoryName: 'Lily',
    });
    expect(nameBeneathAvatar(screen)).toEqual({ name: 'Lily', status: 'Directory nickname', kind: 'directory' });
    await expect.element(within(screen).getByText('Ringing…')).toBeVisible();

    setLocale('zh-CN');
    await expect.poll(() => nameBeneathAvatar(screen).status).toBe('通讯录昵称');
    await expect.element(within(screen).getByText('对方振铃中…')).toBeVisible();
  });

  test('an outgoing call whose directory card could not be had says the name is unavailable, not an empty nickname', async () => {
    const screen = await mount('rc-call-screen', {
      call: callView({ direction: 'outgoing', state: 'ringing' }, { name: '', status: null, number: '1003' }),
      directoryUnavailable: true,
    });
    expect(nameBeneathAvatar(screen)).toEqual({ name: null, status: 'Name unavailable', kind: 'unavailable' });
    expect(visibleText(screen)).not.toContain('Directory nickname');
  });
});

describe('an incoming call', () => {
  test('Accept and Decline fire rc-answer and rc-decline', async () => {
    const screen = await mount('rc-call-screen', { call: callView() });
    const events = recordEvents(screen, 'rc-answer', 'rc-decline', 'rc-hangup');
    const s = within(screen);
    await expect.element(s.getByText('Incoming call', { exact: true })).toBeVisible();
    expect(s.getByRole('button', { name: 'Hang up' }).query()).toBeNull();

    await s.getByRole('button', { name: 'Accept' }).click();
    await s.getByRole('button', { name: 'Decline' }).click();
    expect(events.map((e) => e.type)).toEqual(['rc-answer', 'rc-decline']);
    expect(events.every((e) => e.bubbles && e.composed)).toBe(true);
  });

  test('says so when the ringtone is blocked until the page is clicked', async () => {
    const screen = await mount('rc-call-screen', { call: callView(), soundBlocked: true });
    await expect
      .element(within(screen).getByRole('status'))
      .toHaveTextContent('Ringing — click anywhere to hear the ringtone.');
  });

  test('keyboard and axe', async () => {
    const screen = await mount('rc-call-screen', { call: callView() });
    await expectKeyboardReachable(screen);
    expect(await seriousViolations(screen)).toEqual([]);
  });
});

describe('an active call', () => {
  test('shows a running timer', async () => {
    const screen = await mount('rc-call-screen', { call: active() });
    await expect.element(within(screen).getByRole('timer')).toHaveTextContent(/^01:0[5-7]$/);
    expect(formatDuration(3_725_000)).toBe('1:02:05');
  });

  test('Mute fires rc-mute, and muted is unmistakable: pressed, red, and said in words', async () => {
    const call = active();
    const screen = await mount('rc-call-screen', { call });
    const events = recordEvents<{ muted: boolean }>(screen, 'rc-mute');
    const s = within(screen);
    const mute = s.getByRole('button', { name: 'Mute' });
    await expect.element(mute).toHaveAttribute('aria-pressed', 'false');
    expect(visibleText(screen)).not.toMatch(/they cannot hear you/);

    await mute.click();
    expect(events.map((e) => e.detail)).toEqual([{ muted: true }]);

    await update(screen, { call: { ...call, muted: true } });
    await expect.element(mute).toHaveAttribute('aria-pressed', 'true');
    await expect.element(s.getByText('Muted — they cannot hear you')).toBeVisible();
    expect(getComputedStyle(mute.element()).backgroundColor).toBe('rgb(198, 40, 40)');
    await mute.click();
    expect(events.map((e) => e.detail)).toEqual([{ muted: true }, { muted: false }]);
    setLocale('zh-CN');
    await expect.element(s.getByText('已静音——对方听不到你')).toBeVisible();
  });

  test("says so when the PBX changed the caller's name or status during the call, in both languages", async () => {
    const screen = await mount('rc-call-screen', {
      call: active({ peerChangedAt: Date.now() }, { name: 'Sanfeng', status: 'unverified' }),
    });
    const s = within(screen);
    await expect.element(s.getByRole('alert')).toHaveTextContent('Changed during the call: now Unverified');
    await expect.element(s.getByText('Sanfeng', { exact: true })).toBeVisible();
    expect(visibleText(screen)).not.toMatch(/Verified real name/);
    setLocale('zh-CN');
    await expect.element(s.getByRole('alert')).toHaveTextContent('通话中已变更：现为未实名认证');
  });

  test('the keypad sends each key as a DTMF tone and shows what was sent', async () => {
    const screen = await mount('rc-call-screen', { call: active() });
    const events = recordEvents<{ tone: string }>(screen, 'rc-dtmf');
    const s = within(screen);
    expect(s.getByRole('group', { name: 'Keypad', exact: true }).query()).toBeNull();

    const toggle = s.getByRole('button', { name: 'Keypad', exact: true });
    await toggle.click();
    await expect.element(toggle).toHaveAttribute('aria-pressed', 'true');
    const pad = s.getByRole('group', { name: 'Keypad', exact: true });
    await expect.element(pad).toBeVisible();

    for (const key of ['1', '#', '0', '*']) await pad.getByRole('button', { name: key, exact: true }).click();
    expect(events.map((e) => e.detail.tone)).toEqual(['1', '#', '0', '*']);
    await expect.element(s.getByText('1#0*', { exact: true })).toBeVisible();

    await toggle.click();
    await expect.element(pad).not.toBeInTheDocument();
  });

  test('Hang up fires rc-hangup', async () => {
    const screen = await mount('rc-call-screen', { call: active() });
    const events = recordEvents(screen, 'rc-hangup');
    await within(screen).getByRole('button', { name: 'Hang up' }).click();
    expect(events).toHaveLength(1);
  });

  test('Devices opens the picker; the call plays on the output chosen there; no speaker toggle without a loudspeaker', async () => {
    localStorage.removeItem('rc.devices');
    const devices = new AudioDevices();
    await devices.ready;
    try {
      const screen = await mount('rc-call-screen', { call: active(), devices });
      // Chromium's fake outputs: none is named like a loudspeaker, so a one-tap toggle would mean nothing.
      expect(devices.outputs.some((d) => /speaker/i.test(d.label))).toBe(false);
      expect(within(screen).getByRole('button', { name: 'Speaker' }).query()).toBeNull();
      const toggle = within(screen).getByRole('button', { name: 'Devices' });
      await expect.element(toggle).toHaveAttribute('aria-expanded', 'false');
      await toggle.click();
      await expect.element(toggle).toHaveAttribute('aria-expanded', 'true');
      expect(screen.shadowRoot!.querySelector('rc-device-picker')).not.toBeNull();
      const output = devices.outputs.find((d) => d.id !== 'default');
      const audio = screen.shadowRoot!.querySelector('audio') as HTMLAudioElement & { sinkId: string };
      if (AudioDevices.outputSupported && output) {
        devices.choose({ output: output.id });
        await expect.poll(() => audio.sinkId).toBe(output.id);
        devices.choose({ output: '' });
        await expect.poll(() => audio.sinkId).toBe('');
      }
    } finally {
      devices.dispose();
      localStorage.removeItem('rc.devices');
    }
  });

  test('the floating window falls back to an in-page mini window inside a frame, and back', async () => {
    const screen = await mount('rc-call-screen', { call: active() });
    const events = recordEvents<{ floating: boolean }>(screen, 'rc-floating');
    const toggle = within(screen).getByRole('button', { name: 'Floating window' });

    await toggle.click();
    await expect.element(screen).toHaveAttribute('mini');
    await expect.element(toggle).toHaveAttribute('aria-pressed', 'true');
    expect(getComputedStyle(screen).position).toBe('fixed');
    expect(events.map((e) => e.detail)).toEqual([{ floating: true }]);

    await toggle.click();
    await expect.element(screen).not.toHaveAttribute('mini');
    await expect.element(toggle).toHaveAttribute('aria-pressed', 'false');
    expect(events.map((e) => e.detail)).toEqual([{ floating: true }, { floating: false }]);
  });

  test('the in-page mini window goes back into place when the call ends', async () => {
    const screen = await mount('rc-call-screen', { call: active() });
    const events = recordEvents<{ floating: boolean }>(screen, 'rc-floating');
    await within(screen).getByRole('button', { name: 'Floating window' }).click();
    await expect.element(screen).toHaveAttribute('mini');
    screen.call = { ...active(), state: 'ended', endReason: 'remote-hangup', endedAt: Date.now() };
    await expect.element(screen).not.toHaveAttribute('mini');
    expect(events.map((e) => e.detail)).toEqual([{ floating: true }, { floating: false }]);
  });

  test('keyboard and axe', async () => {
    const screen = await mount('rc-call-screen', { call: active() });
    await within(screen).getByRole('button', { name: 'Keypad', exact: true }).click();
    await expectKeyboardReachable(screen);
    expect(await seriousViolations(screen)).toEqual([]);
  });
});

describe('focus and the keyboard', () => {
  test('focus moves to Accept when a call rings, Tab stays inside, Escape asks before declining, and focus returns afterwards', async () => {
    const before = document.createElement('button');
    before.textContent = 'outside';
    document.body.append(before);
    before.focus();
    const screen = await mount('rc-call-screen', { call: callView() });
    const events = recordEvents(screen, 'rc-decline');
    const s = within(screen);
    await expect.poll(() => screen.shadowRoot!.activeElement?.textContent?.trim()).toBe('Accept');
    // The caller is announced with name and status.
    expect(screen.shadowRoot!.querySelector('[role="alert"]')?.textContent).toMatch(
      /Incoming call from 张三丰: Verified real name/,
    );
    // Tab from the last button comes back to the first.
    await userEvent.keyboard('{Tab}');
    await expect.poll(() => screen.shadowRoot!.activeElement?.textContent?.trim()).toBe('Decline');
    await userEvent.keyboard('{Tab}');
    await expect.poll(() => screen.shadowRoot!.activeElement?.textContent?.trim()).toBe('Accept');
    // Escape asks first; "No" keeps it ringing, "Yes" declines.
    await userEvent.keyboard('{Escape}');
    await expect.element(s.getByText('Decline this call?')).toBeVisible();
    expect(events).toHaveLength(0);
    await s.getByRole('button', { name: 'No, keep ringing' }).click();
    await userEvent.keyboard('{Escape}');
    await s.getByRole('button', { name: 'Yes, decline' }).click();
    expect(events).toHaveLength(1);
    // The call is gone: focus goes back where it was.
    await update(screen, { call: null });
    await expect.poll(() => document.activeElement).toBe(before);
    before.remove();
  });

  test('an answered call puts focus on Hang up', async () => {
    const screen = await mount('rc-call-screen', { call: callView() });
    await update(screen, { call: active() });
    await expect.poll(() => screen.shadowRoot!.activeElement?.textContent?.trim()).toBe('Hang up');
  });
});

describe('an ended call', () => {
  test('says how long a call rang before nobody answered', async () => {
    const startedAt = Date.now() - 45_000;
    const screen = await mount('rc-call-screen', {
      call: callView({
        direction: 'outgoing',
        state: 'ended',
        startedAt,
        endedAt: startedAt + 45_000,
        endReason: 'no-answer',
      }),
    });
    await expect.element(within(screen).getByRole('status')).toHaveTextContent('No answer after 45 s.');
    setLocale('zh-CN');
    await expect.element(within(screen).getByRole('status')).toHaveTextContent('45 秒无人接听。');
  });

  test.each([
    ['answered-elsewhere', 'Answered on another of your devices.'],
    ['connection-lost', 'The connection was lost.'],
    ['unavailable', 'Not reachable: they are not signed in right now.'],
    ['not-found', 'No such number.'],
    ['declined', 'Declined.'],
  ] as const)('says %s in words', async (endReason, words) => {
    const screen = await mount('rc-call-screen', {
      call: callView({ state: 'ended', endedAt: Date.now(), endReason }),
    });
    await expect.element(within(screen).getByRole('status')).toHaveTextContent(words);
  });

  test('shows why it ended, in both languages, and no controls', async () => {
    const screen = await mount('rc-call-screen', {
      call: callView({ state: 'ended', endedAt: Date.now(), endReason: 'busy' }),
    });
    const s = within(screen);
    await expect.element(s.getByText('Call ended')).toBeVisible();
    await expect.element(s.getByRole('status')).toHaveTextContent('Busy.');
    expect(screen.shadowRoot!.querySelectorAll('button')).toHaveLength(0);

    setLocale('zh-CN');
    await expect.element(s.getByRole('status')).toHaveTextContent('对方忙。');
  });
});

describe('hold and call waiting', () => {
  const held = (overrides: Partial<CallView> = {}) => active({ state: 'held', ...overrides });
  const waiting = (overrides: Partial<CallView> = {}, peer: Partial<CallView['peer']> = {}) =>
    callView({ id: 2, state: 'waiting', ...overrides }, { number: '1003', name: '*三丰', status: 'masked', ...peer });

  test('Hold fires rc-hold; on hold it is pressed, said in words, and mute and keypad rest', async () => {
    const screen = await mount('rc-call-screen', { call: active() });
    const events = recordEvents<{ held: boolean }>(screen, 'rc-hold');
    const s = within(screen);
    const hold = s.getByRole('button', { name: 'Hold' });
    await expect.element(hold).toHaveAttribute('aria-pressed', 'false');
    await hold.click();
    expect(events.map((e) => e.detail)).toEqual([{ held: true }]);

    await update(screen, { call: held() });
    await expect.element(hold).toHaveAttribute('aria-pressed', 'true');
    await expect.element(s.getByText('On hold: they cannot hear you, and you cannot hear them.')).toBeVisible();
    await expect.element(s.getByText('On hold', { exact: true })).toBeVisible();
    await expect.element(s.getByRole('button', { name: 'Mute' })).toBeDisabled();
    await expect.element(s.getByRole('button', { name: 'Keypad' })).toBeDisabled();
    await expect.element(s.getByRole('timer')).toBeVisible();
    await hold.click();
    expect(events.map((e) => e.detail)).toEqual([{ held: true }, { held: false }]);
    setLocale('zh-CN');
    await expect.element(s.getByText('通话已保持：对方听不到你，你也听不到对方。')).toBeVisible();
  });

  test("says when the other side put the call on hold, by the PBX's name for them", async () => {
    const screen = await mount('rc-call-screen', { call: active({ remoteHeld: true }) });
    const s = within(screen);
    await expect.element(s.getByText('张三丰 put you on hold')).toBeVisible();
    setLocale('zh-CN');
    await expect.element(s.getByText('张三丰 已将通话保持')).toBeVisible();
    // An unavailable name is never shown, not even here: the number stands in.
    await update(screen, { call: active({ remoteHeld: true }, { name: 'Bank', status: 'unavailable' }) });
    await expect.element(s.getByText('1002 已将通话保持')).toBeVisible();
  });

  test('a second call waits beside the first with its own name and status; Hold and answer, or Decline, name it', async () => {
    const screen = await mount('rc-call-screen', { call: active(), others: [waiting()] });
    const s = within(screen);
    const answers = recordEvents<{ id?: number }>(screen, 'rc-answer');
    const declines = recordEvents<{ id?: number }>(screen, 'rc-decline');
    const row = s.getByRole('group', { name: '*三丰' });
    await expect.element(row).toBeVisible();
    await expect.element(row.getByText('Verified real name (partly hidden)', { exact: true })).toBeVisible();
    await expect
      .element(s.getByRole('alert').filter({ hasText: 'is calling' }))
      .toHaveTextContent(
        '*三丰 is calling: Verified real name (partly hidden). Your current call goes on until you answer.',
      );
    // The call under way keeps its name beneath the avatar.
    expect(nameBeneathAvatar(screen).name).toBe('张三丰');
    await row.getByRole('button', { name: 'Hold and answer' }).click();
    await row.getByRole('button', { name: 'Decline' }).click();
    expect(answers.map((e) => e.detail)).toEqual([{ id: 2 }]);
    expect(declines.map((e) => e.detail)).toEqual([{ id: 2 }]);
    setLocale('zh-CN');
    await expect.element(row.getByRole('button', { name: '保持并接听' })).toBeVisible();
    await expect.element(row.getByText('正在来电')).toBeVisible();
  });

  test('a held call beside the one in view offers to switch to it; a call that just ended says how', async () => {
    const screen = await mount('rc-call-screen', {
      call: active({ id: 2 }, { number: '1003', name: 'Li Lei', status: 'verified' }),
      others: [held({ id: 1 })],
    });
    const s = within(screen);
    const switches = recordEvents<{ id: number }>(screen, 'rc-switch');
    const row = s.getByRole('group', { name: '张三丰' });
    await expect.element(row.getByText('On hold', { exact: true })).toBeVisible();
    await row.getByRole('button', { name: 'Switch to this call' }).click();
    expect(switches.map((e) => e.detail)).toEqual([{ id: 1 }]);
    await update(screen, {
      others: [callView({ id: 1, state: 'ended', answeredAt: 1, endedAt: Date.now(), endReason: 'remote-hangup' })],
    });
    expect(row.getByRole('button').query()).toBeNull();
    expect(visibleText(screen)).toMatch(/The other side hung up/);
  });

  test('Tab reaches the waiting call’s buttons and stays inside the screen; axe finds nothing serious', async () => {
    const screen = await mount('rc-call-screen', { call: active(), others: [waiting()] });
    expect(await seriousViolations(screen)).toEqual([]);
    const buttons = [...screen.shadowRoot!.querySelectorAll<HTMLElement>('button:not([disabled])')];
    const names = buttons.map((b) => b.textContent?.trim());
    expect(names).toEqual(expect.arrayContaining(['Hold and answer', 'Decline']));
    buttons.at(-1)!.focus();
    await userEvent.tab();
    expect(screen.shadowRoot!.activeElement).toBe(buttons[0]);
  });
});

describe('the connection, as the call screen tells it', () => {
  const connection = (c: Partial<CallView['connection']>) => ({ ...NO_CONNECTION, state: 'ok' as const, ...c });

  test('a good direct call shows its path and figures, and nothing alarming', async () => {
    const screen = await mount('rc-call-screen', {
      call: active({ connection: connection({ path: 'direct', rttMs: 42, lossPercent: 0, jitterMs: 3 }) }),
    });
    const line = screen.shadowRoot!.querySelector('.quality')!;
    expect(line.className).toContain('good');
    expect(line.getAttribute('aria-label')).toBe('Connection: Good connection');
    expect(line.textContent.replace(/\s+/g, ' ')).toContain('direct · round trip 42 ms · loss 0 % · jitter 3 ms');
    expect(screen.shadowRoot!.querySelector('.net-banner')).toBeNull();
  });

  test('through the relay over TCP, with loss: says so, graded fair or poor', async () => {
    const screen = await mount('rc-call-screen', {
      call: active({ connection: connection({ path: 'relay', relayProtocol: 'tcp', rttMs: 120, lossPercent: 5 }) }),
    });
    const line = () => screen.shadowRoot!.querySelector('.quality')!;
    expect(line().className).toContain('fair');
    expect(line().textContent).toContain('through the relay (TCP)');
    await update(screen, { call: active({ connection: connection({ path: 'relay', rttMs: 700, lossPercent: 1 }) }) });
    expect(line().className).toContain('poor');
  });

  test('reconnecting after a network change, then no path at all: each said in words, the worst as an alert', async () => {
    const screen = await mount('rc-call-screen', {
      call: active({ connection: connection({ state: 'reconnecting' }) }),
    });
    await expect.element(within(screen).getByRole('status').filter({ hasText: 'Reconnecting…' })).toBeVisible();
    await update(screen, { call: active({ connection: connection({ state: 'failed' }) }) });
    await expect
      .element(within(screen).getByRole('alert'))
      .toHaveTextContent('No audio can get through: this network blocks calls, and the relay cannot be reached.');
    setLocale('zh-CN');
    await screen.updateComplete;
    await expect.element(within(screen).getByRole('alert')).toHaveTextContent(/音频无法接通/);
  });

  test('sound stopped arriving from the other side: named, with what it may mean; not while held', async () => {
    const screen = await mount('rc-call-screen', {
      call: active({ connection: connection({ silent: true, path: 'direct' }) }),
    });
    expect(visibleText(screen)).toContain('No sound is arriving from 张三丰');
    await update(screen, { call: active({ state: 'held', connection: connection({ silent: true }) }) });
    expect(visibleText(screen)).not.toContain('No sound');
  });

  test('the other side said it is reconnecting: named, in either language, and gone once it is connected again', async () => {
    const screen = await mount('rc-call-screen', {
      call: active({ peerReconnecting: true, connection: connection({ path: 'direct' }) }),
    });
    await expect
      .element(within(screen).getByRole('status').filter({ hasText: 'reconnecting' }))
      .toHaveTextContent('张三丰 is reconnecting: their network changed, and they may not hear you for a moment.');
    setLocale('zh-CN');
    await screen.updateComplete;
    expect(visibleText(screen)).toContain('张三丰 正在重新连接');
    setLocale('en');
    await update(screen, { call: active({ peerReconnecting: false, connection: connection({ path: 'direct' }) }) });
    expect(visibleText(screen)).not.toContain('reconnecting');
  });

  test('a call that ended with no audio ever getting through says why', async () => {
    const screen = await mount('rc-call-screen', {
      call: callView({ state: 'ended', answeredAt: Date.now() - 9000, endedAt: Date.now(), endReason: 'no-media' }),
    });
    expect(visibleText(screen)).toContain('No audio could get through');
  });
});
