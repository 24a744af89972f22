/**
 * The gate for suites that need a real part outside Node — an Asterisk
 * binary, Debian's Chromium, a network namespace, sipp. Each such suite asks
 * `realPartSuite()` whether it may run; the answer is written down for the
 * summary line `tests/support/real-parts-reporter.ts` prints at the end.
 *
 * Skipping is honest only where nobody asked for the part. With
 * `ASTERISK_BIN` set (CI always sets it) a real-part suite that would skip
 * does not skip quietly: it registers one failing test that gives the reason.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'vitest';
import { findAsterisk } from '../../asterisk/pbx.mjs';
import { findTurnserver } from '../../turn/turn.mjs';
import { CHROMIUM } from './chromium';

export const REAL_PARTS = {
  asterisk: 'Asterisk',
  chromium: 'Chromium',
  netns: 'network namespace',
  sipp: 'sipp',
  coturn: 'coturn',
  nftables: 'nftables',
} as const;
export type RealPart = keyof typeof REAL_PARTS;

/** Every gated suite, its test file and the parts it needs; the summary names any that never reported. */
export const REAL_PART_SUITES = {
  'asterisk: pbx': { file: 'asterisk/tests/pbx.test.ts', parts: ['asterisk'] },
  'asterisk: calls': { file: 'asterisk/tests/calls.test.ts', parts: ['asterisk'] },
  'asterisk: faults': { file: 'asterisk/tests/faults.test.ts', parts: ['asterisk'] },
  'sipp: scenarios': { file: 'asterisk/sipp/sipp.test.ts', parts: ['sipp'] },
  'e2e: call in the browser': { file: 'tests/e2e/call.e2e.test.ts', parts: ['asterisk', 'chromium', 'netns'] },
  'e2e: call alerts': { file: 'tests/e2e/call-alerts.e2e.test.ts', parts: ['chromium'] },
  'turn: coturn': { file: 'turn/turn.test.ts', parts: ['coturn'] },
  'e2e: calls across NAT': {
    file: 'tests/e2e/nat.e2e.test.ts',
    parts: ['asterisk', 'chromium', 'netns', 'coturn', 'nftables'],
  },
} as const satisfies Record<string, { file: string; parts: readonly RealPart[] }>;
export type RealPartSuiteName = keyof typeof REAL_PART_SUITES;

/** Where gate decisions are written for the reporter (cleared by it at the start of each run). */
export const DECISIONS_DIR = resolve(import.meta.dirname, '..', '..', '.runtime', 'real-parts');

export type Decision = {
  suite: RealPartSuiteName;
  /** Why each missing part is missing; empty when the suite ran. */
  missing: Partial<Record<RealPart, string>>;
  /** `ran`: the suite's tests were registered; `skipped`: not, and nobody asked; `refused`: skipped although required. */
  outcome: 'ran' | 'skipped' | 'refused';
  reason?: string;
};

/** Why a part is missing here, or undefined when it is present. */
export function partMissing(part: RealPart, env: NodeJS.ProcessEnv = process.env): string | undefined {
  switch (part) {
    case 'asterisk': {
      if (env.ASTERISK_BIN && !existsSync(env.ASTERISK_BIN)) return `ASTERISK_BIN=${env.ASTERISK_BIN} does not exist`;
      const bin = findAsterisk(env);
      if (!bin) return 'no Asterisk binary (set ASTERISK_BIN or put asterisk on PATH)';
      const version = spawnSync(bin, ['-V'], { encoding: 'utf8', timeout: 10_000 });
      if (version.status !== 0) return `${bin} -V failed: ${(version.stderr || version.error?.message || '').trim()}`;
      return undefined;
    }
    case 'chromium':
      return existsSync(CHROMIUM) ? undefined : `no Chromium at ${CHROMIUM} (Debian: apt-get install chromium)`;
    case 'netns':
      if (process.getuid?.() !== 0) return 'needs root for ip netns';
      if (spawnSync('ip', ['-V']).status !== 0) return 'needs iproute2 (ip)';
      return undefined;
    case 'sipp':
      return spawnSync('sipp', ['-v'], { encoding: 'utf8' }).status !== null
        ? undefined
        : 'sipp not installed (Debian: apt-get install sip-tester)';
    case 'coturn':
      return findTurnserver(env) ? undefined : 'no turnserver (Debian: apt-get install coturn, or set TURNSERVER_BIN)';
    case 'nftables':
      return spawnSync('nft', ['--version']).status === 0
        ? undefined
        : 'nft not installed (Debian: apt-get install nftables)';
  }
}

/** True when the run asked for every real part: a skip is then a failure. */
export function realPartsRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.ASTERISK_BIN);
}

/**
 * Decides whether `suite` runs, prints one line when it does not, and writes
 * the decision down for the summary. When the parts are required but missing,
 * it also registers a failing test that says why. Use the answer with
 * `describe.skipIf(gate.skip)`.
 */
export function realPartSuite(
  suite: RealPartSuiteName,
  env: NodeJS.ProcessEnv = process.env,
): { skip: boolean; reason?: string } {
  const missing: Decision['missing'] = {};
  for (const part of REAL_PART_SUITES[suite].parts) {
    const why = partMissing(part, env);
    if (why) missing[part] = why;
  }
  const reasons = Object.values(missing);
  const reason = reasons.length > 0 ? reasons.join('; ') : undefined;
  const required = realPartsRequired(env);
  const outcome: Decision['outcome'] = !reason ? 'ran' : required ? 'refused' : 'skipped';
  record({ suite, missing, outcome, ...(reason ? { reason } : {}) });
  if (outcome === 'skipped') console.log(`[${suite}] skipped: ${reason}`);
  if (outcome === 'refused') {
    describe(`${suite} (required: ASTERISK_BIN is set)`, () => {
      it('runs instead of skipping', () => {
        throw new Error(`[${suite}] would have been skipped although ASTERISK_BIN is set: ${reason}`);
      });
    });
  }
  return { skip: Boolean(reason), ...(reason ? { reason } : {}) };
}

function record(decision: Decision): void {
  mkdirSync(DECISIONS_DIR, { recursive: true });
  const file = `${decision.suite.replace(/[^a-z0-9]+/gi, '-')}.json`;
  writeFileSync(join(DECISIONS_DIR, file), JSON.stringify(decision));
}
