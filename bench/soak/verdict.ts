/**
 * Whether a resource plateaued over a soak: the least-squares slope of the
 * run's last half, per 10 minutes, against a bound. Pure arithmetic, kept
 * apart so that the rule is tested on its own (verdict.test.ts).
 */

export type Sample = { t: number; value: number };

/** Least-squares slope of value over t (units per ms); 0 for fewer than two distinct times. */
export function slope(samples: readonly Sample[]): number {
  const n = samples.length;
  if (n < 2) return 0;
  const meanT = samples.reduce((s, p) => s + p.t, 0) / n;
  const meanV = samples.reduce((s, p) => s + p.value, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of samples) {
    num += (p.t - meanT) * (p.value - meanV);
    den += (p.t - meanT) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/**
 * How a resource may grow and still be called flat: by a share of its level
 * per 10 minutes (RSS: 1 %), or by a number of units per 10 minutes (file
 * descriptors, threads: a handful at most, since calls and reconnections
 * come and go), whichever is larger.
 */
export type Bound = {
  percentPer10Min: number;
  unitsPer10Min: number;
  /**
   * A change this small over the judged span cannot be told from noise
   * (whole descriptors, RSS moving by pages): a short run allows a slope of
   * `resolution` over its last half. Over 15 minutes 2 descriptors are
   * 1.3 per 10 minutes, under the bound; over 90 s they would be 13.
   */
  resolution?: number;
};

/** A sample with what else moved the value at that moment (the calls up, for descriptors and threads). */
export type Covaried = Sample & { x: number };

/**
 * The slope of value over t with `x`'s share taken out (least squares of
 * value = a + b·x + c·t; c per ms). Asterisk's descriptors and threads rise
 * and fall with the calls up at the moment of a sample; a leak grows with
 * time whatever the calls. Falls back to the plain slope when x never moves.
 */
export function slopeBeside(samples: readonly Covaried[]): number {
  const n = samples.length;
  if (n < 3) return slope(samples);
  const mean = (f: (s: Covaried) => number) => samples.reduce((a, s) => a + f(s), 0) / n;
  const [mt, mx, mv] = [mean((s) => s.t), mean((s) => s.x), mean((s) => s.value)];
  let stt = 0;
  let stx = 0;
  let sxx = 0;
  let stv = 0;
  let sxv = 0;
  for (const s of samples) {
    const [t, x, v] = [s.t - mt, s.x - mx, s.value - mv];
    stt += t * t;
    stx += t * x;
    sxx += x * x;
    stv += t * v;
    sxv += x * v;
  }
  const det = stt * sxx - stx * stx;
  if (sxx === 0 || Math.abs(det) < 1e-9 * stt * sxx) return slope(samples);
  return (stv * sxx - sxv * stx) / det;
}

export type Verdict = {
  name: string;
  unit: string;
  first: number;
  last: number;
  /** Mean over the last half. */
  level: number;
  /** Slope over the last half, per 10 minutes, in units and as a share of `level`. */
  per10Min: number;
  percentPer10Min: number;
  /** The most growth per 10 minutes still called flat, for this level and span. */
  allowedPer10Min: number;
  plateaued: boolean;
};

const TEN_MINUTES_MS = 10 * 60 * 1000;

/**
 * The verdict for one series; samples in time order, each with a covariate
 * `x` when something else moves it (slopeBeside). The last half is by time,
 * not by count.
 */
export function verdict(name: string, unit: string, samples: readonly (Sample | Covaried)[], bound: Bound): Verdict {
  if (samples.length === 0) throw new Error(`no samples of ${name}`);
  const start = samples[0]!.t;
  const end = samples[samples.length - 1]!.t;
  const half = samples.filter((s) => s.t >= start + (end - start) / 2);
  const level = half.reduce((s, p) => s + p.value, 0) / half.length;
  const covaried = half.every((s): s is Covaried => 'x' in s);
  const per10Min = (covaried ? slopeBeside(half) : slope(half)) * TEN_MINUTES_MS;
  const percentPer10Min = level === 0 ? (per10Min === 0 ? 0 : Infinity) : (100 * per10Min) / level;
  const span = Math.max(1, half[half.length - 1]!.t - half[0]!.t);
  const allowed = Math.max(
    (bound.percentPer10Min / 100) * level,
    bound.unitsPer10Min,
    ((bound.resolution ?? 0) * TEN_MINUTES_MS) / span,
  );
  return {
    name,
    unit,
    first: samples[0]!.value,
    last: samples[samples.length - 1]!.value,
    level,
    per10Min,
    percentPer10Min,
    allowedPer10Min: allowed,
    plateaued: half.length >= 3 && per10Min <= allowed,
  };
}
