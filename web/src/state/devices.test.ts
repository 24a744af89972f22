import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { setLocale } from '../i18n/i18n';
import { AudioDevices, deviceName, speakerTarget, type AudioDevice, type DevicesEvent } from './devices';
import { beforePermission } from '../test-support/media-before-permission';

const KEY = 'rc.devices';
const opened: AudioDevices[] = [];

/** A fresh AudioDevices over this Chromium's real (fake-device) media, once it has listed: a page load. */
async function load(media?: MediaDevices | null): Promise<AudioDevices> {
  const devices = new AudioDevices(media);
  opened.push(devices);
  await devices.ready;
  return devices;
}

/** What Chromium itself lists of a kind, the entry that follows the system default left out. */
async function listed(kind: MediaDeviceKind): Promise<MediaDeviceInfo[]> {
  return (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === kind && d.deviceId !== 'default');
}

/** A real `devicechange` (what the browser fires when a device comes or goes) and what listeners hear of it. */
function deviceChange(devices: AudioDevices): Promise<DevicesEvent> {
  const heard = new Promise<DevicesEvent>((resolve) => {
    const off = devices.subscribe((event) => {
      off();
      resolve(event);
    });
  });
  navigator.mediaDevices.dispatchEvent(new Event('devicechange'));
  return heard;
}

async function micLabel(constraints: MediaTrackConstraints | true): Promise<string> {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: constraints });
  const label = stream.getAudioTracks()[0]?.label ?? '';
  for (const track of stream.getTracks()) track.stop();
  return label;
}

beforeEach(() => localStorage.removeItem(KEY));
afterEach(() => {
  for (const devices of opened.splice(0)) devices.dispose();
  localStorage.removeItem(KEY);
  setLocale('en');
});

describe('AudioDevices', () => {
  test("lists Chromium's fake microphones and outputs, with their names", async () => {
    const devices = await load();
    const all = await navigator.mediaDevices.enumerateDevices();
    const shape = (kind: MediaDeviceKind) =>
      all.filter((d) => d.kind === kind).map((d) => ({ id: d.deviceId, groupId: d.groupId, label: d.label }));
    expect(devices.inputs).toEqual(shape('audioinput'));
    expect(devices.outputs).toEqual(shape('audiooutput'));
    // The fake microphone permission is granted, so names are shown; a camera is not an audio device.
    expect(devices.labelsHidden).toBe(false);
    expect(devices.inputs.length).toBeGreaterThan(1);
    expect(devices.inputs.every((d) => d.label !== '')).toBe(true);
    expect(AudioDevices.outputSupported).toBe('setSinkId' in HTMLMediaElement.prototype);
  });

  test('the choice is remembered in this browser: the next page load reads it back', async () => {
    const [mic] = await listed('audioinput');
    const [out] = await listed('audiooutput');
    const first = await load();
    expect(first.choice).toEqual({ input: '', output: '' });
    const heard: DevicesEvent[] = [];
    first.subscribe((e) => heard.push(e));
    first.choose({ input: mic!.deviceId });
    if (out) first.choose({ output: out.deviceId });
    expect(heard).toEqual(out ? [{ unplugged: [] }, { unplugged: [] }] : [{ unplugged: [] }]);
    expect(JSON.parse(localStorage.getItem(KEY)!)).toEqual({ input: mic!.deviceId, output: out?.deviceId ?? '' });

    const reloaded = await load();
    expect(reloaded.choice).toEqual({ input: mic!.deviceId, output: out?.deviceId ?? '' });
    expect(reloaded.microphoneConstraints()).toEqual({ deviceId: { exact: mic!.deviceId } });
    expect(reloaded.outputFor()).toBe(out?.deviceId ?? '');
  });

  test('corrupt or odd storage gives the system defaults and never throws', async () => {
    for (const stored of ['{', 'null', '[]', '"default"', '42', '{"input":5,"output":null}', '{"input":{}}']) {
      localStorage.setItem(KEY, stored);
      const devices = await load();
      expect(devices.choice, stored).toEqual({ input: '', output: '' });
      expect(devices.microphoneConstraints(), stored).toBe(true);
      expect(devices.outputFor(), stored).toBe('');
      expect(devices.missing('input')).toBeNull();
    }
    // A string field survives beside a bad one.
    localStorage.setItem(KEY, '{"input":"abc","output":7}');
    expect((await load()).choice).toEqual({ input: 'abc', output: '' });
  });

  test('the microphone: exactly the chosen one while it is listed, the system default when it is not', async () => {
    const mics = await listed('audioinput');
    const chosen = mics[mics.length - 1]!;
    localStorage.setItem(KEY, JSON.stringify({ input: chosen.deviceId, output: '' }));
    const present = await load();
    expect(present.missing('input')).toBeNull();
    // Chromium really opens that microphone.
    expect(await micLabel(present.microphoneConstraints())).toBe(chosen.label);

    localStorage.setItem(KEY, JSON.stringify({ input: 'unplugged-headset', output: '' }));
    const absent = await load();
    expect(absent.microphoneConstraints()).toBe(true);
    expect(absent.missing('input')).toEqual({ id: 'unplugged-headset', label: '' });
    expect(await micLabel(absent.microphoneConstraints())).not.toBe('');
    // What the fallback spares a call: asking for the absent one exactly fails.
    await expect(micLabel({ deviceId: { exact: 'unplugged-headset' } })).rejects.toMatchObject({
      name: 'OverconstrainedError',
    });
  });

  test('the output: the chosen one while it is listed, else the system default', async () => {
    const [out] = await listed('audiooutput');
    localStorage.setItem(KEY, JSON.stringify({ input: '', output: 'gone-speaker' }));
    const absent = await load();
    expect(absent.outputFor()).toBe('');
    expect(absent.missing('output')).toEqual({ id: 'gone-speaker', label: '' });
    if (!out || !AudioDevices.outputSupported) return; // nothing to choose in this browser
    absent.choose({ output: out.deviceId });
    expect(absent.outputFor()).toBe(out.deviceId);
    expect(absent.missing('output')).toBeNull();
    const audio = new Audio();
    await audio.setSinkId(absent.outputFor());
    expect(audio.sinkId).toBe(out.deviceId);
  });

  test('unplugged: listeners hear which kind, the default is used, the choice stays; plugged back, it is used again', async () => {
    const [mic] = await listed('audioinput');
    const [out] = await listed('audiooutput');
    const choice = { input: mic!.deviceId, output: out?.deviceId ?? '' };
    localStorage.setItem(KEY, JSON.stringify(choice));
    const devices = await load();
    expect(devices.missing('input')).toBeNull();

    // The chosen microphone is no longer among what Chromium lists, then the browser says devices changed.
    const gone = { input: 'headset-that-was-unplugged', output: choice.output };
    localStorage.setItem(KEY, JSON.stringify(gone));
    expect(await deviceChange(devices)).toEqual({ unplugged: ['input'] });
    expect(devices.missing('input')).toEqual({ id: gone.input, label: '' });
    expect(devices.microphoneConstraints()).toBe(true);
    expect(JSON.parse(localStorage.getItem(KEY)!)).toEqual(gone);
    // Told once: another change while it is still away is not a new unplug.
    expect(await deviceChange(devices)).toEqual({ unplugged: [] });

    localStorage.setItem(KEY, JSON.stringify({ input: gone.input, output: 'speaker-that-was-unplugged' }));
    expect(await deviceChange(devices)).toEqual({ unplugged: ['output'] });
    expect(devices.outputFor()).toBe('');

    localStorage.setItem(KEY, JSON.stringify(choice));
    expect(await deviceChange(devices)).toEqual({ unplugged: [] });
    expect(devices.missing('input')).toBeNull();
    expect(devices.missing('output')).toBeNull();
    expect(devices.microphoneConstraints()).toEqual({ deviceId: { exact: mic!.deviceId } });
  });

  test('unsubscribed and disposed listeners hear nothing more', async () => {
    const devices = await load();
    const heard: DevicesEvent[] = [];
    const off = devices.subscribe((e) => heard.push(e));
    devices.choose({ input: '' });
    off();
    devices.choose({ input: '' });
    expect(heard).toHaveLength(1);
    devices.dispose();
    const after = await load();
    await deviceChange(after);
    expect(heard).toHaveLength(1);
  });

  test('requestLabels asks for the microphone once and lists again', async () => {
    const devices = await load();
    const asked = devices.requestLabels();
    expect(devices.requestLabels()).toBe(asked);
    expect(await asked).toBe(true);
    expect(devices.labelsHidden).toBe(false);
    expect(devices.requestLabels()).not.toBe(asked);
  });

  test('before permission: no device offered, names hidden, the system default used; asking reveals them', async () => {
    const mics = await listed('audioinput');
    localStorage.setItem(KEY, JSON.stringify({ input: mics[0]!.deviceId, output: 'some-output' }));
    const devices = await load(beforePermission() as unknown as MediaDevices);
    expect(devices.labelsHidden).toBe(true);
    expect(devices.inputs).toEqual([]);
    // Hidden ids say nothing about what is plugged in: nothing is reported missing.
    expect(devices.missing('input')).toBeNull();
    expect(devices.missing('output')).toBeNull();
    // Until the ids are shown the system default is used (Chromium ignores an `ideal` deviceId: no gentler ask).
    expect(devices.microphoneConstraints()).toBe(true);
    expect(await micLabel({ deviceId: { ideal: mics[0]!.deviceId } })).not.toBe(mics[0]!.label);

    expect(await devices.requestLabels()).toBe(true);
    expect(devices.labelsHidden).toBe(false);
    expect(devices.inputs.map((d) => d.label)).toContain(mics[0]!.label);
    expect(devices.microphoneConstraints()).toEqual({ deviceId: { exact: mics[0]!.deviceId } });
  });

  test('with no media devices at all (not a secure context) nothing is listed and calls use the default', async () => {
    localStorage.setItem(KEY, JSON.stringify({ input: 'x', output: 'y' }));
    const none = await load(null);
    expect(none.inputs).toEqual([]);
    expect(none.labelsHidden).toBe(false);
    expect(none.microphoneConstraints()).toBe(true);
    expect(none.outputFor()).toBe('');
    expect(await none.requestLabels()).toBe(false);
  });
});

describe('deviceName', () => {
  const nameless: AudioDevice = { id: 'abc', groupId: '', label: '' };
  test('the label, or a numbered fallback in the current language', () => {
    expect(deviceName('input', { ...nameless, label: 'USB Headset' }, 0)).toBe('USB Headset');
    expect(deviceName('input', nameless, 1)).toBe('Microphone 2');
    expect(deviceName('output', nameless, 0)).toBe('Output 1');
    setLocale('zh-CN');
    expect(deviceName('input', nameless, 1)).toBe('麦克风 2');
    expect(deviceName('output', nameless, 2)).toBe('音频输出 3');
  });
});

describe('speakerTarget', () => {
  const d = (id: string, label: string, groupId = id): AudioDevice => ({ id, label, groupId });

  test('Windows: the default entry is the speakers themselves, so from it there is nothing to switch to', () => {
    const outputs = [
      d('default', 'Default - Speakers (Realtek(R) Audio)', 'g-realtek'),
      d('communications', 'Communications - Headset Earphone (Jabra Evolve 65)', 'g-jabra'),
      d('r1', 'Speakers (Realtek(R) Audio)', 'g-realtek'),
      d('j1', 'Headset Earphone (Jabra Evolve 65)', 'g-jabra'),
    ];
    expect(speakerTarget(outputs, '')).toBeNull();
    expect(speakerTarget(outputs, 'r1')).toBeNull();
    expect(speakerTarget(outputs, 'j1')).toEqual(outputs[2]);
    expect(speakerTarget(outputs, 'communications')).toEqual(outputs[2]);
  });

  test('macOS with headphones as the default: the built-in speakers', () => {
    const outputs = [
      d('default', 'Default - AirPods Pro', 'g-airpods'),
      d('a1', 'AirPods Pro', 'g-airpods'),
      d('m1', 'MacBook Pro Speakers (Built-in)', 'g-mac'),
    ];
    expect(speakerTarget(outputs, '')).toEqual(outputs[2]);
    expect(speakerTarget(outputs, 'a1')).toEqual(outputs[2]);
    expect(speakerTarget(outputs, 'm1')).toBeNull();
  });

  test('Chinese labels; a browser without a default entry lists the default first', () => {
    const outputs = [d('h1', '耳机 (USB Audio)'), d('s1', '扬声器 (Realtek High Definition Audio)')];
    expect(speakerTarget(outputs, '')).toEqual(outputs[1]);
    expect(speakerTarget([...outputs].reverse(), '')).toBeNull();
    expect(speakerTarget(outputs, 's1')).toBeNull();
  });

  test('none speaker-like, none listed, or a current sink no longer listed', () => {
    expect(speakerTarget([], '')).toBeNull();
    expect(speakerTarget([d('default', 'Default - Headphones'), d('h', 'Headphones', 'default')], '')).toBeNull();
    const outputs = [d('h', 'Headphones'), d('s', 'Speakerphone')];
    expect(speakerTarget(outputs, 'gone')).toEqual(outputs[1]);
  });

  test("Chromium's fake outputs have no loudspeaker among them: no toggle", async () => {
    const devices = await load();
    expect(devices.outputs.some((o) => /speaker/i.test(o.label))).toBe(false);
    expect(speakerTarget(devices.outputs, devices.outputFor())).toBeNull();
  });
});
