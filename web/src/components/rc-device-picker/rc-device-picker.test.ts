import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { userEvent } from 'vitest/browser';
import { setLocale } from '../../i18n/i18n';
import { AudioDevices, type DeviceChoice } from '../../state/devices';
import { deepActiveElement, expectKeyboardReachable, seriousViolations } from '../../test-support/a11y';
import { mount, recordEvents, unmountAll, within } from '../../test-support/dom';
import { beforePermission } from '../../test-support/media-before-permission';
import './rc-device-picker';

const KEY = 'rc.devices';
const opened: AudioDevices[] = [];

/** A picker over this Chromium's real (fake-device) media, after the first listing. */
async function picker(media?: MediaDevices) {
  const devices = new AudioDevices(media);
  opened.push(devices);
  await devices.ready;
  const el = await mount('rc-device-picker', { devices });
  return { el, devices, s: within(el) };
}

/** What Chromium itself lists of a kind: the system-default entry, and the devices after it. */
async function listed(kind: MediaDeviceKind) {
  const all = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === kind);
  return {
    systemDefault: all.find((d) => d.deviceId === 'default'),
    devices: all.filter((d) => d.deviceId !== 'default'),
  };
}

const optionTexts = (select: Element) =>
  [...(select as HTMLSelectElement).options].map((o) => o.textContent.replace(/\s+/g, ' ').trim());

/** A real `devicechange`, and the re-render it causes. */
async function deviceChange(el: HTMLElementTagNameMap['rc-device-picker'], devices: AudioDevices) {
  const listed = new Promise<void>((resolve) => {
    const off = devices.subscribe(() => {
      off();
      resolve();
    });
  });
  navigator.mediaDevices.dispatchEvent(new Event('devicechange'));
  await listed;
  await el.updateComplete;
}

beforeEach(() => localStorage.removeItem(KEY));
afterEach(() => {
  unmountAll();
  for (const devices of opened.splice(0)) devices.dispose();
  localStorage.removeItem(KEY);
  setLocale('en');
});

describe('rc-device-picker', () => {
  test('names every microphone and output, "System default" first, naming what the default is', async () => {
    const { el, s } = await picker();
    const mics = await listed('audioinput');
    const outs = await listed('audiooutput');
    const mic = s.getByRole('combobox', { name: 'Microphone' });
    await expect.element(mic).toBeVisible();
    expect(optionTexts(mic.element())).toEqual([
      mics.systemDefault ? `System default (${mics.systemDefault.label})` : 'System default',
      ...mics.devices.map((d) => d.label),
    ]);
    expect((mic.element() as HTMLSelectElement).value).toBe('');
    if (AudioDevices.outputSupported) {
      const out = s.getByRole('combobox', { name: 'Output' });
      expect(optionTexts(out.element())).toEqual([
        outs.systemDefault ? `System default (${outs.systemDefault.label})` : 'System default',
        ...outs.devices.map((d) => d.label),
      ]);
    }
    // Names are shown already: no offer to show them, nothing unplugged.
    expect(s.getByRole('button', { name: 'Show device names' }).query()).toBeNull();
    await expect.element(s.getByRole('status')).toHaveTextContent('');
    expect(await seriousViolations(el)).toEqual([]);
  });

  test('choosing records the choice in this browser and fires rc-devices-change', async () => {
    const { el, s } = await picker();
    const events = recordEvents<DeviceChoice>(el, 'rc-devices-change');
    const mic = (await listed('audioinput')).devices.at(-1)!;
    await s.getByRole('combobox', { name: 'Microphone' }).selectOptions(mic.label);
    expect(events.map((e) => e.detail)).toEqual([{ input: mic.deviceId, output: '' }]);
    expect(events[0]!.bubbles && events[0]!.composed).toBe(true);
    expect(JSON.parse(localStorage.getItem(KEY)!)).toEqual({ input: mic.deviceId, output: '' });

    const out = (await listed('audiooutput')).devices[0];
    if (AudioDevices.outputSupported && out) {
      await s.getByRole('combobox', { name: 'Output' }).selectOptions(out.label);
      expect(events.at(-1)!.detail).toEqual({ input: mic.deviceId, output: out.deviceId });
    }

    // A reload shows the choice.
    unmountAll();
    const again = await picker();
    await expect.element(again.s.getByRole('combobox', { name: 'Microphone' })).toHaveValue(mic.deviceId);
    if (AudioDevices.outputSupported && out) {
      await expect.element(again.s.getByRole('combobox', { name: 'Output' })).toHaveValue(out.deviceId);
    }
  });

  test('a keyboard alone reaches both lists and changes the microphone', async () => {
    const { el, s } = await picker();
    await expectKeyboardReachable(el);
    const events = recordEvents<DeviceChoice>(el, 'rc-devices-change');
    const mic = s.getByRole('combobox', { name: 'Microphone' });
    (mic.element() as HTMLSelectElement).focus();
    await userEvent.keyboard('{ArrowDown}');
    const first = (await listed('audioinput')).devices[0]!;
    await expect.element(mic).toHaveValue(first.deviceId);
    expect(events.map((e) => e.detail.input)).toEqual([first.deviceId]);
  });

  test('a chosen microphone not plugged in: said plainly, the list shows the default in use', async () => {
    localStorage.setItem(KEY, JSON.stringify({ input: 'usb-headset-not-here', output: '' }));
    const { s } = await picker();
    await expect
      .element(s.getByRole('status'))
      .toHaveTextContent(
        'Your chosen microphone is not connected: calls use the system default until you plug it back in.',
      );
    await expect.element(s.getByRole('combobox', { name: 'Microphone' })).toHaveValue('');
  });

  test('unplugged while open: the status line says so, and clears when it is back', async () => {
    const mic = (await listed('audioinput')).devices[0]!;
    const out = (await listed('audiooutput')).devices[0];
    const choice = { input: mic.deviceId, output: out?.deviceId ?? '' };
    localStorage.setItem(KEY, JSON.stringify(choice));
    const { el, devices, s } = await picker();
    const status = s.getByRole('status');
    await expect.element(status).toHaveTextContent('');
    await expect.element(status).toHaveAttribute('role', 'status');

    // The chosen devices are no longer among what Chromium lists, then the browser says devices changed.
    localStorage.setItem(KEY, JSON.stringify({ input: 'gone-mic', output: 'gone-output' }));
    await deviceChange(el, devices);
    await expect.element(status).toHaveTextContent(/Your chosen microphone is not connected/);
    await expect
      .element(status)
      .toHaveTextContent(/Your chosen output is not connected: calls play on the system default/);
    await expect.element(s.getByRole('combobox', { name: 'Microphone' })).toHaveValue('');

    localStorage.setItem(KEY, JSON.stringify(choice));
    await deviceChange(el, devices);
    await expect.element(status).toHaveTextContent('');
    await expect.element(s.getByRole('combobox', { name: 'Microphone' })).toHaveValue(mic.deviceId);
  });

  test('in Chinese', async () => {
    setLocale('zh-CN');
    localStorage.setItem(KEY, JSON.stringify({ input: 'gone-mic', output: '' }));
    const { el, s } = await picker();
    const mics = await listed('audioinput');
    const mic = s.getByRole('combobox', { name: '麦克风' });
    expect(optionTexts(mic.element())[0]).toBe(
      mics.systemDefault ? `系统默认（${mics.systemDefault.label}）` : '系统默认',
    );
    if (AudioDevices.outputSupported) await expect.element(s.getByRole('combobox', { name: '音频输出' })).toBeVisible();
    await expect
      .element(s.getByRole('status'))
      .toHaveTextContent('你选择的麦克风未连接：重新接上之前，通话使用系统默认麦克风。');
    expect(await seriousViolations(el)).toEqual([]);
  });

  test('where the browser cannot choose an output: a plain sentence instead of the list', async () => {
    // As a browser without setSinkId (Safari, older Firefox): the real method, taken away for this test only.
    const setSinkId = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'setSinkId')!;
    delete (HTMLMediaElement.prototype as Partial<HTMLMediaElement>).setSinkId;
    try {
      expect(AudioDevices.outputSupported).toBe(false);
      const { el, s } = await picker();
      expect(s.getByRole('combobox', { name: 'Output' }).query()).toBeNull();
      await expect
        .element(s.getByText(/this browser plays calls on its system output/))
        .toHaveTextContent('change the output in your system sound settings');
      await expect.element(s.getByRole('combobox', { name: 'Microphone' })).toBeVisible();
      await expectKeyboardReachable(el);
    } finally {
      Object.defineProperty(HTMLMediaElement.prototype, 'setSinkId', setSinkId);
    }
    expect(AudioDevices.outputSupported).toBe(true);
  });

  test('names hidden until the microphone is allowed: a button asks, then the names show', async () => {
    const { el, s } = await picker(beforePermission() as unknown as MediaDevices);
    const show = s.getByRole('button', { name: 'Show device names' });
    await expect
      .element(show)
      .toHaveAccessibleDescription('Your browser shows device names only after you allow the microphone.');
    expect(optionTexts(s.getByRole('combobox', { name: 'Microphone' }).element())).toEqual(['System default']);
    // Nothing to worry anyone: no "no microphone" while the list is only hidden.
    expect(s.getByText(/No microphone found/).query()).toBeNull();
    await expectKeyboardReachable(el);

    (show.element() as HTMLButtonElement).focus();
    await userEvent.keyboard('{Enter}');
    await expect.element(show).not.toBeInTheDocument();
    await expect.poll(deepActiveElement).toBe(s.getByRole('combobox', { name: 'Microphone' }).element());
    const mics = await listed('audioinput');
    expect(optionTexts(s.getByRole('combobox', { name: 'Microphone' }).element()).slice(1)).toEqual(
      mics.devices.map((d) => d.label),
    );
  });

  test('names refused: it says where to allow them', async () => {
    // A frame whose Permissions Policy refuses the microphone: Chromium really refuses there.
    const frame = document.createElement('iframe');
    frame.setAttribute('allow', "microphone 'none'");
    document.body.append(frame);
    try {
      const refusing = frame.contentWindow!.navigator.mediaDevices;
      const { s } = await picker(beforePermission((c) => refusing.getUserMedia(c)) as unknown as MediaDevices);
      await s.getByRole('button', { name: 'Show device names' }).click();
      await expect
        .element(s.getByRole('button', { name: 'Show device names' }))
        .toHaveAccessibleDescription(/did not allow the microphone.*site settings/);
    } finally {
      frame.remove();
    }
  });
});
