/**
 * The repository documents itself: every link in README and docs/ resolves
 * to a file inside the repository, and CI runs exactly README's test command.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

/** Every Markdown file people read: README files anywhere outside node_modules, and docs/. */
function markdownFiles(dir = ROOT): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (['node_modules', '.git', '.runtime', 'data', 'dist'].includes(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...markdownFiles(path));
    else if (entry.name.endsWith('.md') && (entry.name === 'README.md' || relative(ROOT, path).startsWith('docs'))) {
      out.push(path);
    }
  }
  return out;
}

describe('the documents', () => {
  const files = markdownFiles();

  it('include README and the architecture document', () => {
    const names = files.map((f) => relative(ROOT, f));
    expect(names).toContain('README.md');
    expect(names).toContain('docs/architecture.md');
  });

  it('link only to files that exist inside the repository', () => {
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^(https?:|mailto:|#)/.test(target!)) continue;
        const path = resolve(dirname(file), target!.split('#')[0]!);
        const where = `${relative(ROOT, file)} → ${target}`;
        expect(relative(ROOT, path).startsWith('..'), `${where} leaves the repository`).toBe(false);
        expect(existsSync(path), `${where} does not exist`).toBe(true);
      }
      expect(text, relative(ROOT, file)).not.toMatch(/\.\.\/shared\b/);
    }
  });

  it("are honest about CI: .ci/run runs exactly README's test command", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const ci = readFileSync(join(ROOT, '.ci', 'run'), 'utf8');
    const command = /\*\*Test it\*\*[\s\S]*?```sh\n([^\n]+)\n```/.exec(readme)?.[1];
    expect(command).toBe('npm run test:all');
    expect(ci).toMatch(/^exec npm run test:all$/m);
  });
});
