/**
 * The real-part gate and its summary line: a suite that needs a part asks
 * the gate; a skip is allowed only while nobody set ASTERISK_BIN; the summary
 * says what ran and what did not, and why.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summaryLine, type SuiteReport } from './real-parts-reporter';
import { REAL_PART_SUITES, partMissing, realPartsRequired } from './real-parts';

const ROOT = resolve(import.meta.dirname, '..', '..');

describe('the real-part gate', () => {
  it('is called by every gated suite under its own name, and each skips only through it', () => {
    for (const [suite, { file }] of Object.entries(REAL_PART_SUITES)) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      const gated = text.includes(`realPartSuite('${suite}')`) || text.includes(`asteriskOrSkip('${suite}')`);
      expect(gated, `${file} asks the gate for '${suite}'`).toBe(true);
      // A skip that does not come from the gate would bypass the ASTERISK_BIN guard.
      for (const skip of text.matchAll(/(?:describe|it|test)\.skipIf\(([^)]*)\)/g)) {
        expect(skip[1], `${file}: ${skip[0]}`).toMatch(/^(gate\.skip|!bin)$/);
      }
      expect(text, file).not.toMatch(/(?:describe|it|test)\.skip\(|\.only\(/);
    }
  });

  it('requires every part once ASTERISK_BIN is set, and names what is missing', () => {
    expect(realPartsRequired({})).toBe(false);
    expect(realPartsRequired({ ASTERISK_BIN: '/opt/ast22/sbin/asterisk' })).toBe(true);
    expect(partMissing('asterisk', { ASTERISK_BIN: '/nonexistent/asterisk', PATH: '' })).toBe(
      'ASTERISK_BIN=/nonexistent/asterisk does not exist',
    );
    expect(partMissing('asterisk', { PATH: '/nonexistent' })).toMatch(/^no Asterisk binary/);
  });
});

describe('the summary line', () => {
  const report = (r: Partial<SuiteReport> & Pick<SuiteReport, 'suite' | 'parts'>): SuiteReport => ({
    outcome: 'ran',
    missing: {},
    passed: 0,
    failed: 0,
    ...r,
  });

  it('lists each part that ran with the passed tests of every suite that used it', () => {
    const line = summaryLine(
      [
        report({ suite: 'web components', parts: ['chromium'], passed: 230 }),
        report({ suite: 'asterisk: calls', parts: ['asterisk'], passed: 11 }),
        report({ suite: 'e2e: call in the browser', parts: ['asterisk', 'chromium', 'netns'], passed: 1 }),
        report({ suite: 'sipp: scenarios', parts: ['sipp'], passed: 11 }),
      ],
      { asterisk: 'Asterisk 22.10.1', chromium: 'Chromium 156.0' },
    );
    expect(line).toBe(
      '[real parts] ran: Asterisk 22.10.1 (asterisk: calls 11; e2e: call in the browser 1), ' +
        'Chromium 156.0 (web components 230; e2e: call in the browser 1), ' +
        'network namespace (e2e: call in the browser 1), sipp (sipp: scenarios 11) · skipped: none',
    );
  });

  it('says why each part was skipped, and marks a required skip as a failure', () => {
    const noBin = 'no Asterisk binary (set ASTERISK_BIN or put asterisk on PATH)';
    const line = summaryLine(
      [
        report({ suite: 'asterisk: pbx', parts: ['asterisk'], outcome: 'skipped', missing: { asterisk: noBin } }),
        report({
          suite: 'e2e: call in the browser',
          parts: ['asterisk', 'chromium', 'netns'],
          outcome: 'skipped',
          missing: { asterisk: noBin },
        }),
        report({
          suite: 'sipp: scenarios',
          parts: ['sipp'],
          outcome: 'refused',
          missing: { sipp: 'sipp not installed' },
          failed: 1,
        }),
      ],
      {},
    );
    expect(line).toBe(
      `[real parts] ran: none · skipped: Asterisk for asterisk: pbx, e2e: call in the browser: ${noBin}; ` +
        `Chromium for e2e: call in the browser: suite skipped: ${noBin}; ` +
        `network namespace for e2e: call in the browser: suite skipped: ${noBin}; ` +
        'sipp for sipp: scenarios: sipp not installed (FAILED: required)',
    );
  });
});
