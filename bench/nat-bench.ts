/**
 * Call setup with direct, relayed-UDP and relayed-TCP media, side by side in
 * one run: click → ringing and answer → audio both ways, for a caller
 * behind a NAT (tests/e2e/nat-net.ts: three network namespaces, a real
 * Asterisk, the real API, a real coturn, two headless Chromiums). The three
 * ways are interleaved call by call, so a noisy moment hits them alike.
 * Needs root (namespaces), Asterisk, Chromium, coturn and nftables.
 */
import { findAsterisk } from '../asterisk/pbx.mjs';
import { CHROMIUM } from '../tests/support/chromium';
import { partMissing } from '../tests/support/real-parts';
import { createNatNet, removeNatNet } from '../tests/e2e/nat-net';
import { runInside } from '../tests/e2e/netns';
import { ms, ratio, table, type Section } from './report';

const TITLE = 'Call setup across a NAT: direct, relayed UDP, relayed TCP (real PBX, real coturn)';

type Run = { ringingMs: number; audioMs: number };

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function runNatBench(quick: boolean): Promise<Section> {
  return Promise.resolve(natBench(quick));
}

function natBench(quick: boolean): Section {
  const missing = (['asterisk', 'chromium', 'netns', 'coturn', 'nftables'] as const)
    .map((part) => partMissing(part))
    .filter(Boolean);
  if (missing.length > 0) return { title: TITLE, lines: [`skipped: ${missing.join('; ')}`] };
  const rounds = quick ? 3 : 10;
  const net = createNatNet();
  let result: {
    ok: boolean;
    error?: string;
    bench?: Record<'direct' | 'relayUdp' | 'relayTcp', Run[]> & { switched: (number | null)[] };
  };
  try {
    const run = runInside<typeof result>(
      net.server,
      'nat-inside.ts',
      [findAsterisk(process.env)!, CHROMIUM, JSON.stringify(net), `--bench=${rounds}`],
      900_000,
    );
    result = run.result;
    if (!result.ok || !result.bench) return { title: TITLE, lines: [`failed: ${result.error ?? run.stderr}`] };
  } finally {
    removeNatNet(net);
  }
  const { switched, ...bench } = result.bench;
  const direct = bench.direct;
  const baseRing = percentile(
    direct.map((r) => r.ringingMs),
    50,
  );
  const baseAudio = percentile(
    direct.map((r) => r.audioMs),
    50,
  );
  const rows = Object.entries<Run[]>(bench).map(([way, runs]) => {
    const ring = runs.map((r) => r.ringingMs);
    const audio = runs.map((r) => r.audioMs);
    return [
      way,
      runs.length,
      ms(percentile(ring, 50)),
      ms(percentile(ring, 90)),
      ratio(percentile(ring, 50), baseRing),
      ms(percentile(audio, 50)),
      ms(percentile(audio, 90)),
      ratio(percentile(audio, 50), baseAudio),
    ];
  });
  return {
    title: TITLE,
    lines: [
      `${rounds} rounds, each one call per way (interleaved); ratios against direct in this run.`,
      '',
      ...table(
        ['media', 'calls', 'click→ringing p50 ms', 'p90', 'vs direct', 'answer→audio p50 ms', 'p90', 'vs direct'],
        rows,
      ),
      '',
      `Network switch mid-call (Wi-Fi ↔ mobile, a new interface and address) → audio both ways again, ms: ` +
        `p50 ${ms(
          percentile(
            switched.map((v) => v ?? Infinity),
            50,
          ),
        )}, ` +
        `p90 ${ms(
          percentile(
            switched.map((v) => v ?? Infinity),
            90,
          ),
        )}, ` +
        `each: ${switched.map((v) => (v === null ? 'not resumed in 20 s' : String(v))).join(', ')}`,
    ],
  };
}
