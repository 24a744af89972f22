/**
 * What the browser gets: gzipped JavaScript the softphone page loads, and
 * the time from page load to "registered" against a real Asterisk (when one
 * is found), over loopback, signed in already.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launchChromium } from '../tests/support/chromium';
import { build } from 'vite';
import { findAsterisk } from '../asterisk/pbx.mjs';
import { startStack } from '../asterisk/tests/stack';
import { ms, table, type Section } from './report';

const ROOT = join(import.meta.dirname, '..');

/** The JS files index.html loads (entry and preloaded chunks), with raw and gzip -9 sizes. */
function pageScripts(dist: string): { file: string; raw: number; gz: number }[] {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="\/?([^"]+\.js)"/g)].map((m) => m[1]!);
  return refs.map((file) => {
    const data = readFileSync(join(dist, file));
    return { file, raw: data.length, gz: gzipSync(data, { level: 9 }).length };
  });
}

export async function runWebBench(quick: boolean): Promise<Section> {
  const dist = mkdtempSync(join(tmpdir(), 'realcall-web-bench-'));
  const lines: string[] = [];
  try {
    await build({
      configFile: join(ROOT, 'web', 'vite.config.ts'),
      build: { outDir: dist, emptyOutDir: true },
      logLevel: 'error',
    });
    const scripts = pageScripts(dist);
    const total = scripts.reduce((a, s) => ({ raw: a.raw + s.raw, gz: a.gz + s.gz }), { raw: 0, gz: 0 });
    lines.push('JavaScript the softphone page loads (vite build, gzip -9):', '');
    lines.push(
      ...table(
        ['file', 'bytes', 'gzipped'],
        [...scripts.map((s) => [s.file, s.raw, s.gz]), ['total', total.raw, total.gz]],
      ),
    );
    const embed = readFileSync(join(dist, 'realcall-embed.js'));
    lines.push(
      '',
      `(${readdirSync(join(dist, 'assets')).length} files in assets/; the embeddable entry realcall-embed.js is ${gzipSync(embed, { level: 9 }).length} B gzipped plus the shared chunk.)`,
    );

    const bin = findAsterisk(process.env);
    if (!bin) {
      lines.push(
        '',
        'Page load to registered: skipped (no Asterisk binary: set ASTERISK_BIN or put asterisk on PATH).',
      );
      return { title: 'Web: JavaScript sent, and page load to registered', lines };
    }
    const stack = await startStack(bin, { webDist: dist });
    const browser = await launchChromium();
    try {
      const res = await fetch(`${stack.api.publicUrl}/api/auth/sign-up`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ login: 'web@bench.test', password: 'correct horse battery', nickname: 'Web' }),
      });
      const token = /rc_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')![1]!;
      const samples: number[] = [];
      for (let i = 0; i < (quick ? 3 : 7); i++) {
        const context = await browser.newContext();
        await context.addCookies([{ name: 'rc_session', value: token, domain: 'localhost', path: '/' }]);
        const page = await context.newPage();
        await page.goto(`http://localhost:${stack.ports.public}/`);
        await page.locator('rc-registration-status [data-state="registered"]').waitFor({ timeout: 15_000 });
        samples.push(await page.evaluate(() => performance.now()));
        await context.close();
      }
      samples.sort((a, b) => a - b);
      lines.push(
        '',
        `Page load to registered (navigation start → "Ready for calls", signed in, loopback, ${samples.length} fresh pages):`,
        '',
      );
      lines.push(
        ...table(
          ['min ms', 'median ms', 'max ms'],
          [[ms(samples[0]!), ms(samples[Math.floor(samples.length / 2)]!), ms(samples.at(-1)!)]],
        ),
      );
    } finally {
      await browser.close();
      await stack.stop();
    }
    return { title: 'Web: JavaScript sent, and page load to registered', lines };
  } finally {
    rmSync(dist, { recursive: true, force: true });
  }
}
