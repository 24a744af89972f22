/**
 * Test support: a strict reader of Prometheus's text exposition format
 * 0.0.4, to hold the API's /internal/metrics (and Asterisk's /metrics) to
 * it. It throws on the first line that breaks the format, naming the line.
 */

export type Sample = { name: string; labels: Record<string, string>; value: number };
export type Family = { name: string; type: string; help: string | undefined; samples: Sample[] };

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const VALUE = /^(?:[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[+-]?Inf|NaN)$/;
const TIMESTAMP = /^-?\d+$/;
const TYPES = ['counter', 'gauge', 'histogram', 'summary', 'untyped'];

const number = (text: string) =>
  text.endsWith('Inf') ? (text.startsWith('-') ? -Infinity : Infinity) : text === 'NaN' ? NaN : Number(text);

/**
 * Every family in `text`, by name. Checks, besides each line's syntax: a
 * TYPE (at most one, before its samples) for every family, a family's
 * samples together, no series twice, histogram buckets cumulative up to
 * `le="+Inf"` equal to `_count`, summary quantiles within [0, 1], and a
 * final line feed.
 */
export function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const seen = new Set<string>();
  let current: Family | undefined;
  if (!text.endsWith('\n')) throw new Error('the text must end with a line feed');
  const lines = text.slice(0, -1).split('\n');
  lines.forEach((line, i) => {
    const fail = (why: string): never => {
      throw new Error(`line ${i + 1}: ${why}: ${JSON.stringify(line)}`);
    };
    const help = new RegExp(`^# HELP (${NAME})(?: (.*))?$`).exec(line);
    const type = new RegExp(`^# TYPE (${NAME}) (\\S+)$`).exec(line);
    if (help) {
      // Escaped backslashes out of the way, any backslash left must start \n.
      if (/\\(?!n)/.test((help[2] ?? '').replace(/\\\\/g, ''))) fail('HELP escapes only \\\\ and \\n');
      const family = familyOf(help[1]!);
      if (family.help !== undefined) fail('second HELP');
      family.help = help[2] ?? '';
    } else if (type) {
      if (!TYPES.includes(type[2]!)) fail('unknown type');
      const family = familyOf(type[1]!);
      if (family.type !== '') fail('second TYPE');
      if (family.samples.length) fail('TYPE after samples');
      family.type = type[2]!;
    } else if (line.startsWith('#')) {
      // Another comment: allowed, ignored.
    } else {
      const sample = readSample(line, fail);
      const family = current && belongs(current, sample.name) ? current : undefined;
      if (!family) fail('a sample outside its family (no TYPE before it, or its family is elsewhere)');
      const key = `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort())}`;
      if (seen.has(key)) fail('the same series twice');
      seen.add(key);
      family!.samples.push(sample);
    }
  });
  for (const family of families.values()) {
    if (family.type === '') throw new Error(`${family.name}: HELP without TYPE`);
    if (family.type === 'histogram') checkHistogram(family);
    if (family.type === 'summary')
      for (const s of family.samples)
        if (s.name === family.name && !(Number(s.labels.quantile) >= 0 && Number(s.labels.quantile) <= 1))
          throw new Error(`${family.name}: quantile outside [0, 1]`);
  }
  return families;

  function familyOf(name: string): Family {
    let family = families.get(name);
    if (family && family !== current) throw new Error(`${name}: its lines are not together`);
    if (!family) {
      family = { name, type: '', help: undefined, samples: [] };
      families.set(name, family);
    }
    current = family;
    return family;
  }
}

function belongs(family: Family, name: string): boolean {
  if (family.type === 'histogram') return ['_bucket', '_sum', '_count'].some((s) => name === family.name + s);
  if (family.type === 'summary')
    return name === family.name || name === `${family.name}_sum` || name === `${family.name}_count`;
  return name === family.name;
}

function readSample(line: string, fail: (why: string) => never): Sample {
  const name = new RegExp(`^${NAME}`).exec(line)?.[0] ?? fail('no metric name');
  let at = name.length;
  const labels: Record<string, string> = {};
  if (line[at] === '{') {
    at++;
    while (line[at] !== '}') {
      const label = LABEL_NAME.exec(line.slice(at))?.[0] ?? fail(`no label name at ${at}`);
      at += label.length;
      if (line.slice(at, at + 2) !== '="') fail(`no ="… after ${label}`);
      at += 2;
      let value = '';
      for (;;) {
        const ch = line[at] ?? fail(`unterminated value of ${label}`);
        at++;
        if (ch === '"') break;
        if (ch === '\\') {
          const next = line[at++];
          if (next === '\\') value += '\\';
          else if (next === '"') value += '"';
          else if (next === 'n') value += '\n';
          else fail(`label ${label}: escapes only \\\\, \\" and \\n`);
        } else value += ch;
      }
      if (label in labels) fail(`label ${label} twice`);
      labels[label] = value;
      if (line[at] === ',') at++;
      else if (line[at] !== '}') fail(`, or } expected at ${at}`);
    }
    at++;
  }
  const rest = line.slice(at);
  if (!/^[ \t]/.test(rest)) fail('no space before the value');
  const [value = '', timestamp, ...more] = rest.trim().split(/[ \t]+/);
  if (!VALUE.test(value)) fail('not a value');
  if (timestamp !== undefined && !TIMESTAMP.test(timestamp)) fail('not a timestamp');
  if (more.length) fail('more after the timestamp');
  return { name, labels, value: number(value) };
}

function checkHistogram(family: Family): void {
  const groups = new Map<string, Sample[]>();
  const keyOf = (s: Sample) =>
    JSON.stringify(
      Object.entries(s.labels)
        .filter(([k]) => k !== 'le')
        .sort(),
    );
  for (const s of family.samples) {
    const key = keyOf(s);
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  for (const [key, samples] of groups) {
    const buckets = samples.filter((s) => s.name === `${family.name}_bucket`);
    const count = samples.find((s) => s.name === `${family.name}_count`);
    const where = `${family.name}${key}`;
    if (!buckets.length || !count || !samples.some((s) => s.name === `${family.name}_sum`))
      throw new Error(`${where}: buckets, _sum and _count all needed`);
    const bounds = buckets.map((b) => number(b.labels.le ?? 'x'));
    if (bounds.some((b, i) => Number.isNaN(b) || (i > 0 && b <= bounds[i - 1]!)))
      throw new Error(`${where}: le must be numbers in increasing order`);
    if (bounds.at(-1) !== Infinity) throw new Error(`${where}: the last bucket must be le="+Inf"`);
    if (buckets.some((b, i) => i > 0 && b.value < buckets[i - 1]!.value))
      throw new Error(`${where}: buckets must be cumulative`);
    if (buckets.at(-1)!.value !== count.value) throw new Error(`${where}: le="+Inf" must equal _count`);
  }
}

/** The one sample named `name` whose labels include `labels`; throws when there is none or more than one. */
export function sampleValue(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  const all = [...families.values()].flatMap((f) => f.samples);
  const found = all.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (found.length !== 1) throw new Error(`${found.length} samples ${name} ${JSON.stringify(labels)}`);
  return found[0]!.value;
}
