/**
 * The registry's text against the exposition format, read back by a strict
 * reader of it (prometheus.test-support.ts).
 */
import { describe, expect, it } from 'vitest';
import { parseExposition, sampleValue } from '../prometheus.test-support';
import { formatValue, Registry } from './prometheus';

describe('the metrics registry', () => {
  it('escapes help and label values so that they read back as they were', () => {
    const registry = new Registry();
    const counter = registry.counter('x_total', 'Help with a \\ backslash\nand a line feed.', ['route']);
    const nasty = 'a"b\\c\nd}{,=';
    counter.inc([nasty]);
    counter.inc([nasty], 2);
    const text = registry.render();
    expect(text).toContain('# HELP x_total Help with a \\\\ backslash\\nand a line feed.\n');
    expect(text).toContain('x_total{route="a\\"b\\\\c\\nd}{,="} 3\n');
    expect(sampleValue(parseExposition(text), 'x_total', { route: nasty })).toBe(3);
  });

  it('renders histograms cumulatively, ending in +Inf, with _sum and _count', () => {
    const registry = new Registry();
    const series = registry.histogram('t_seconds', 'T.', [0.001, 0.01, 0.1], ['kind']).series(['k']);
    for (const v of [0.0005, 0.001, 0.005, 0.05, 0.5]) series.observe(v);
    const text = registry.render();
    expect(text.split('\n').filter((l) => l.startsWith('t_seconds'))).toEqual([
      't_seconds_bucket{kind="k",le="0.001"} 2',
      't_seconds_bucket{kind="k",le="0.01"} 3',
      't_seconds_bucket{kind="k",le="0.1"} 4',
      't_seconds_bucket{kind="k",le="+Inf"} 5',
      `t_seconds_sum{kind="k"} ${0.0005 + 0.001 + 0.005 + 0.05 + 0.5}`,
      't_seconds_count{kind="k"} 5',
    ]);
    expect(parseExposition(text).get('t_seconds')?.type).toBe('histogram');
  });

  it('spells NaN and the infinities as the format does, and small numbers as floats it reads', () => {
    expect([NaN, Infinity, -Infinity, 5e-6, 0, 12].map(formatValue)).toEqual([
      'NaN',
      '+Inf',
      '-Inf',
      '0.000005',
      '0',
      '12',
    ]);
    const registry = new Registry();
    registry.gauge('g', 'G.');
    registry.summary('s_seconds', 'S.').set(
      [
        [0.5, NaN],
        [1, 1e-7],
      ],
      0,
      0,
    );
    const families = parseExposition(registry.render());
    expect(sampleValue(families, 'g')).toBeNaN();
    expect(sampleValue(families, 's_seconds', { quantile: '1' })).toBe(1e-7);
  });

  it('refuses bad or repeated names when they are made, not at the first scrape', () => {
    const registry = new Registry();
    registry.gauge('up', 'Up.');
    expect(() => registry.gauge('up', 'Again.')).toThrow(/twice/);
    expect(() => registry.gauge('1up', 'Bad.')).toThrow(/not a metric name/);
    expect(() => registry.counter('c_total', 'C.', ['le'])).toThrow(/label name/);
    expect(() => registry.histogram('h', 'H.', [1, 1])).toThrow(/increasing/);
  });
});

describe('the exposition reader used by these tests', () => {
  it('refuses what the format forbids', () => {
    const bad = [
      'x 1', // no newline at the end
      'x 1\n', // no TYPE
      '# TYPE x gauge\nx{a="1",a="2"} 1\n',
      '# TYPE x gauge\nx{a="\\t"} 1\n',
      '# TYPE x gauge\nx one\n',
      '# TYPE x gauge\nx 1\nx 2\n',
      '# TYPE x gauge\n# TYPE y gauge\ny 1\nx 1\n',
      '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n',
      '# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n',
    ];
    for (const text of bad) expect(() => parseExposition(text), text).toThrow();
    expect(sampleValue(parseExposition('# HELP x X.\n# TYPE x gauge\nx{a="b"} -Inf 1700000000000\n'), 'x')).toBe(
      -Infinity,
    );
  });
});
