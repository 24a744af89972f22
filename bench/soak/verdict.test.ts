import { describe, expect, it } from 'vitest';
import { slope, slopeBeside, verdict, type Sample } from './verdict';

const MIN = 60_000;
/** One sample every 5 s for `minutes`, from `f(t in minutes)`. */
const series = (minutes: number, f: (m: number) => number): Sample[] =>
  Array.from({ length: minutes * 12 + 1 }, (_, i) => ({ t: i * 5000, value: f((i * 5000) / MIN) }));

describe('slope', () => {
  it('is the least-squares slope, per ms', () => {
    expect(
      slope([
        { t: 0, value: 1 },
        { t: 1000, value: 3 },
      ]),
    ).toBeCloseTo(0.002);
    expect(slope(series(10, (m) => 50 + 2 * m))).toBeCloseTo(2 / MIN);
    expect(slope([{ t: 5, value: 1 }])).toBe(0);
  });

  it('beside a covariate that never moves, is the plain slope', () => {
    const s = series(5, (m) => 10 + m).map((p) => ({ ...p, x: 3 }));
    expect(slopeBeside(s)).toBeCloseTo(slope(s));
  });
});

describe('verdict', () => {
  const rss = { percentPer10Min: 1, unitsPer10Min: 0 };

  it('calls a rise that stops in the first half a plateau, and says what it measured', () => {
    // 300 → 500 MB in the first 5 minutes, flat after: the last half's slope is 0.
    const v = verdict(
      'asterisk rss',
      'MB',
      series(30, (m) => (m < 5 ? 300 + 40 * m : 500)),
      rss,
    );
    expect(v).toMatchObject({ first: 300, last: 500, level: 500, plateaued: true });
    expect(v.per10Min).toBeCloseTo(0);
  });

  it('fails a creep of 0.2 MB/s from 500 MB (the issue’s first finding): 120 MB, some 16 %, per 10 minutes', () => {
    const v = verdict(
      'asterisk rss',
      'MB',
      series(30, (m) => 500 + 12 * m),
      rss,
    );
    expect(v.plateaued).toBe(false);
    expect(v.per10Min).toBeCloseTo(120);
    expect(v.percentPer10Min).toBeCloseTo(15.6, 0);
  });

  it('allows just under the bound and refuses just over it', () => {
    // 1 % of 1000 per 10 minutes is 10 per 10 minutes: 0.99 vs 1.01 per minute.
    expect(
      verdict(
        'x',
        'MB',
        series(20, (m) => 1000 + 0.99 * m),
        rss,
      ).plateaued,
    ).toBe(true);
    expect(
      verdict(
        'x',
        'MB',
        series(20, (m) => 1000 + 1.1 * m),
        rss,
      ).plateaued,
    ).toBe(false);
  });

  it('measures counts by units: calls coming and going move file descriptors, a leak adds them', () => {
    const fds = { percentPer10Min: 0, unitsPer10Min: 5 };
    const wobble = (m: number) => 120 + ((Math.round(m * 12) % 7) - 3);
    expect(verdict('fds', '', series(10, wobble), fds).plateaued).toBe(true);
    expect(
      verdict(
        'fds',
        '',
        series(10, (m) => wobble(m) + 3 * m),
        fds,
      ).plateaued,
    ).toBe(false);
  });

  it('takes out what the calls up add: descriptors that follow the calls are flat, a leak beside them is not', () => {
    // 246 descriptors at rest and 5.5 per call up, with 0–10 calls up at each sample.
    const calls = (i: number) => (i * 7) % 11;
    const fds = (leakPerMin: number) =>
      series(3, (m) => m).map((s, i) => ({ t: s.t, x: calls(i), value: 246 + 5.5 * calls(i) + leakPerMin * s.value }));
    const bound = { percentPer10Min: 0, unitsPer10Min: 5, resolution: 2 };
    expect(verdict('fds', '', fds(0), bound).per10Min).toBeCloseTo(0);
    expect(verdict('fds', '', fds(0), bound).plateaued).toBe(true);
    expect(verdict('fds', '', fds(10), bound).per10Min).toBeCloseTo(100);
    expect(verdict('fds', '', fds(10), bound).plateaued).toBe(false);
  });

  it('allows a short run the noise it cannot see past, and a long one only the bound', () => {
    const fds = { percentPer10Min: 0, unitsPer10Min: 5, resolution: 2 };
    // One descriptor more over a 90 s half: noise; the same slope held for 30 minutes: 6.7 per 10 minutes, a leak.
    expect(
      verdict(
        'fds',
        '',
        series(3, (m) => (m > 2.2 ? 101 : 100)),
        fds,
      ).plateaued,
    ).toBe(true);
    expect(
      verdict(
        'fds',
        '',
        series(30, (m) => 100 + Math.floor(m * 0.67)),
        fds,
      ).plateaued,
    ).toBe(false);
  });

  it('decides nothing on too few samples', () => {
    expect(
      verdict(
        'x',
        'MB',
        [
          { t: 0, value: 1 },
          { t: 5000, value: 1 },
        ],
        rss,
      ).plateaued,
    ).toBe(false);
    expect(() => verdict('x', 'MB', [], rss)).toThrow(/no samples of x/);
  });
});
