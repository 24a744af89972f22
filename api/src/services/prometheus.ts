/**
 * A small in-process metrics registry, rendered in Prometheus's text
 * exposition format 0.0.4: `# HELP` and `# TYPE` once per family, label
 * values escaped (`\\`, `\"`, `\n`), histograms as cumulative
 * `_bucket{le="…"}` lines ending in `le="+Inf"`, then `_sum` and `_count`.
 *
 * Which label values exist is decided by the code that counts, never by a
 * request: callers pass route patterns and fixed words, so the number of
 * series (and the memory they take) is bounded by the code.
 */

/** What `GET /internal/metrics` answers with. */
export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

const escapeHelp = (text: string) => text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
const escapeLabel = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** A sample value as the format spells it (`NaN`, `+Inf`, `-Inf`, or a float). */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

/** `{a="x",b="y"}`, or nothing for no labels; `extra` is `le` or `quantile`. */
function labelText(names: readonly string[], values: readonly string[], extra?: string): string {
  const parts = names.map((name, i) => `${name}="${escapeLabel(values[i] ?? '')}"`);
  if (extra) parts.push(extra);
  return parts.length ? `{${parts.join(',')}}` : '';
}

/** A counter with labels; one series per distinct set of label values, made on first use. */
export class Counter {
  private readonly series = new Map<string, { values: readonly string[]; value: number }>();

  constructor(readonly labelNames: readonly string[]) {}

  inc(values: readonly string[], by = 1): void {
    const key = values.join('\u0000');
    const entry = this.series.get(key);
    if (entry) entry.value += by;
    else this.series.set(key, { values: [...values], value: by });
  }

  render(name: string, lines: string[]): void {
    for (const { values, value } of this.series.values())
      lines.push(`${name}${labelText(this.labelNames, values)} ${formatValue(value)}`);
  }
}

/** One histogram series. Observing allocates nothing: the hot path holds on to it. */
export class HistogramSeries {
  /** Per bucket (not cumulative); the last one counts what is above every bound. */
  private readonly counts: Float64Array;
  private sum = 0;

  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    let i = 0;
    while (i < this.bounds.length && value > this.bounds[i]!) i++;
    this.counts[i]! += 1;
    this.sum += value;
  }

  render(name: string, labelNames: readonly string[], values: readonly string[], lines: string[]): void {
    let cumulative = 0;
    this.bounds.forEach((bound, i) => {
      cumulative += this.counts[i]!;
      lines.push(`${name}_bucket${labelText(labelNames, values, `le="${formatValue(bound)}"`)} ${cumulative}`);
    });
    cumulative += this.counts[this.bounds.length]!;
    lines.push(`${name}_bucket${labelText(labelNames, values, 'le="+Inf"')} ${cumulative}`);
    lines.push(`${name}_sum${labelText(labelNames, values)} ${formatValue(this.sum)}`);
    lines.push(`${name}_count${labelText(labelNames, values)} ${cumulative}`);
  }
}

/** A histogram with labels; its series are made up front by `series()`, by the code that observes. */
export class Histogram {
  private readonly all: { values: readonly string[]; series: HistogramSeries }[] = [];

  constructor(
    readonly labelNames: readonly string[],
    private readonly bounds: readonly number[],
  ) {}

  series(values: readonly string[] = []): HistogramSeries {
    if (values.length !== this.labelNames.length) throw new Error('one value per label name');
    const series = new HistogramSeries(this.bounds);
    this.all.push({ values: [...values], series });
    return series;
  }

  render(name: string, lines: string[]): void {
    for (const { values, series } of this.all) series.render(name, this.labelNames, values, lines);
  }
}

/** A value read at scrape time (set by a collector just before rendering); NaN until then. */
export class Gauge {
  value = Number.NaN;

  set(value: number): void {
    this.value = value;
  }

  render(name: string, lines: string[]): void {
    lines.push(`${name} ${formatValue(this.value)}`);
  }
}

/** Quantiles of a window plus running totals, set by a collector at scrape time. */
export class Summary {
  private quantiles: readonly (readonly [quantile: number, value: number])[] = [];
  private sum = 0;
  private count = 0;

  set(quantiles: readonly (readonly [number, number])[], sum: number, count: number): void {
    this.quantiles = quantiles;
    this.sum = sum;
    this.count = count;
  }

  render(name: string, lines: string[]): void {
    for (const [q, value] of this.quantiles) lines.push(`${name}{quantile="${formatValue(q)}"} ${formatValue(value)}`);
    lines.push(`${name}_sum ${formatValue(this.sum)}`);
    lines.push(`${name}_count ${formatValue(this.count)}`);
  }
}

type Family = {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary';
  metric: { render(name: string, lines: string[]): void };
};

/** The metrics of one app, rendered together; names are checked when they are made, not at the first scrape. */
export class Registry {
  private readonly families: Family[] = [];
  private readonly collectors: (() => void)[] = [];

  counter(name: string, help: string, labelNames: readonly string[]): Counter {
    return this.add(name, help, 'counter', new Counter(this.checkLabels(labelNames)));
  }

  histogram(name: string, help: string, bounds: readonly number[], labelNames: readonly string[] = []): Histogram {
    if (bounds.some((b, i) => !Number.isFinite(b) || (i > 0 && b <= bounds[i - 1]!)))
      throw new Error(`${name}: bucket bounds must be finite and increasing`);
    return this.add(name, help, 'histogram', new Histogram(this.checkLabels(labelNames), bounds));
  }

  gauge(name: string, help: string): Gauge {
    return this.add(name, help, 'gauge', new Gauge());
  }

  summary(name: string, help: string): Summary {
    return this.add(name, help, 'summary', new Summary());
  }

  /** Runs before every render: where gauges and summaries read what they report. */
  collect(collector: () => void): void {
    this.collectors.push(collector);
  }

  render(): string {
    for (const collect of this.collectors) collect();
    const lines: string[] = [];
    for (const { name, help, type, metric } of this.families) {
      lines.push(`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`);
      metric.render(name, lines);
    }
    return `${lines.join('\n')}\n`;
  }

  private add<M extends Family['metric']>(name: string, help: string, type: Family['type'], metric: M): M {
    if (!METRIC_NAME.test(name)) throw new Error(`not a metric name: ${name}`);
    if (this.families.some((f) => f.name === name)) throw new Error(`metric ${name} is defined twice`);
    this.families.push({ name, help, type, metric });
    return metric;
  }

  private checkLabels(names: readonly string[]): readonly string[] {
    for (const name of names)
      if (!LABEL_NAME.test(name) || name.startsWith('__') || name === 'le' || name === 'quantile')
        throw new Error(`not a label name of its own: ${name}`);
    return names;
  }
}
