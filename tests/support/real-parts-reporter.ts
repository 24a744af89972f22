/**
 * A Vitest reporter that prints one line after every run: which real parts
 * (Asterisk, Chromium, a network namespace, sipp, coturn, nftables) the tests used, with how
 * many tests passed in each suite that needs them, and which were skipped
 * and why. It reads what the gates in `real-parts.ts` wrote down during the
 * run and the results Vitest holds; it changes no result itself (the gates
 * turn a required skip into a failing test).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';
import { findAsterisk } from '../../asterisk/pbx.mjs';
import { findTurnserver } from '../../turn/turn.mjs';
import { CHROMIUM } from './chromium';
import {
  DECISIONS_DIR,
  REAL_PARTS,
  REAL_PART_SUITES,
  type Decision,
  type RealPart,
  type RealPartSuiteName,
} from './real-parts';

const ROOT = resolve(import.meta.dirname, '..', '..');

/** The browser project's component tests need Chromium too; they fail, never skip, without it. */
const BROWSER_PROJECT = 'browser';
const BROWSER_SUITE = 'web components';

export type SuiteReport = {
  suite: string;
  parts: readonly RealPart[];
  /** `not in run`: no decision was written (a filtered run, or a gate that was removed). */
  outcome: Decision['outcome'] | 'not in run';
  missing: Decision['missing'];
  passed: number;
  failed: number;
};

/** The one summary line, from what each suite reported (exported for its test). */
export function summaryLine(reports: readonly SuiteReport[], versions: Partial<Record<RealPart, string>>): string {
  const ran: string[] = [];
  const skipped: string[] = [];
  for (const part of Object.keys(REAL_PARTS) as RealPart[]) {
    const label = versions[part] ?? REAL_PARTS[part];
    const mine = reports.filter((r) => r.parts.includes(part));
    const used = mine.filter((r) => r.outcome === 'ran');
    const notUsed = mine.filter((r) => r.outcome !== 'ran');
    if (used.length > 0) {
      const counts = used.map((r) => `${r.suite} ${r.passed}${r.failed ? `, ${r.failed} failed` : ''}`);
      ran.push(`${label} (${counts.join('; ')})`);
    }
    if (notUsed.length > 0) {
      const whys = new Map<string, string[]>();
      for (const r of notUsed) {
        const why =
          r.outcome === 'not in run'
            ? 'not in this run'
            : (r.missing[part] ?? `suite skipped: ${Object.values(r.missing).join('; ')}`) +
              (r.outcome === 'refused' ? ' (FAILED: required)' : '');
        whys.set(why, [...(whys.get(why) ?? []), r.suite]);
      }
      for (const [why, suites] of whys) skipped.push(`${REAL_PARTS[part]} for ${suites.join(', ')}: ${why}`);
    }
  }
  return `[real parts] ran: ${ran.join(', ') || 'none'} · skipped: ${skipped.join('; ') || 'none'}`;
}

function firstLine(command: string, args: string[], pattern: RegExp): string | undefined {
  const out = spawnSync(command, args, { encoding: 'utf8', timeout: 10_000 });
  return `${out.stdout ?? ''}\n${out.stderr ?? ''}`.match(pattern)?.[0]?.trim();
}

function versionsHere(): Partial<Record<RealPart, string>> {
  const bin = findAsterisk(process.env);
  const versions: Partial<Record<RealPart, string>> = {};
  const asterisk = bin && firstLine(bin, ['-V'], /Asterisk \S+/);
  if (asterisk) versions.asterisk = asterisk;
  const chromium = existsSync(CHROMIUM) && firstLine(CHROMIUM, ['--version'], /Chromium \S+/);
  if (chromium) versions.chromium = chromium;
  const sipp = firstLine('sipp', ['-v'], /SIPp v[0-9.]+/);
  if (sipp) versions.sipp = sipp;
  const turnserver = findTurnserver(process.env);
  const coturn = turnserver && firstLine(turnserver, ['--version'], /^\d+\.\d+\.\d+/m);
  if (coturn) versions.coturn = `coturn ${coturn}`;
  const nft = firstLine('nft', ['--version'], /nftables v[0-9.]+/);
  if (nft) versions.nftables = nft;
  return versions;
}

function readDecisions(): Map<string, Decision> {
  const decisions = new Map<string, Decision>();
  if (!existsSync(DECISIONS_DIR)) return decisions;
  for (const file of readdirSync(DECISIONS_DIR)) {
    const decision = JSON.parse(readFileSync(join(DECISIONS_DIR, file), 'utf8')) as Decision;
    decisions.set(decision.suite, decision);
  }
  return decisions;
}

function counts(modules: readonly TestModule[]): { passed: number; failed: number } {
  let passed = 0;
  let failed = 0;
  for (const module of modules) {
    for (const test of module.children.allTests()) {
      const state = test.result().state;
      if (state === 'passed') passed += 1;
      if (state === 'failed') failed += 1;
    }
  }
  return { passed, failed };
}

export default class RealPartsReporter implements Reporter {
  onInit(): void {
    // Decisions from an earlier run must not be read as this run's.
    rmSync(DECISIONS_DIR, { recursive: true, force: true });
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const decisions = readDecisions();
    const byFile = (file: string) => testModules.filter((m) => relative(ROOT, m.moduleId) === file);
    const reports: SuiteReport[] = [];
    const browser = testModules.filter((m) => m.project.name.startsWith(BROWSER_PROJECT));
    if (browser.length > 0) {
      reports.push({ suite: BROWSER_SUITE, parts: ['chromium'], outcome: 'ran', missing: {}, ...counts(browser) });
    }
    for (const [suite, { file, parts }] of Object.entries(REAL_PART_SUITES) as [
      RealPartSuiteName,
      (typeof REAL_PART_SUITES)[RealPartSuiteName],
    ][]) {
      const decision = decisions.get(suite);
      reports.push({
        suite,
        parts,
        outcome: decision?.outcome ?? 'not in run',
        missing: decision?.missing ?? {},
        ...counts(byFile(file)),
      });
    }
    console.log(summaryLine(reports, versionsHere()));
  }
}
