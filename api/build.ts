/**
 * Compiles the API and its command-line tools to plain JavaScript, so
 * production runs `node api/dist/server.js` with no TypeScript loader:
 *
 *   api/dist/server.js         the API (npm start's entry, compiled)
 *   api/dist/admin-create.js   npm run admin:create
 *   api/dist/seed-demo.js      npm run seed:demo
 *   api/dist/migrations/       db/migrations, beside the code that opens the database
 *
 * One ES module bundle per entry; packages stay imports of node_modules
 * (better-sqlite3 is native), so the image needs only `dependencies`.
 * Run with `npm run build:api`, or `tsx api/build.ts <outdir>` for a test.
 */
import { cpSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = resolve(import.meta.dirname, '..');

export const ENTRIES = {
  server: 'api/src/server.ts',
  'admin-create': 'api/scripts/admin-create.ts',
  'seed-demo': 'api/scripts/seed-demo.ts',
} as const;

/** Builds into `outdir` and returns the packages the bundles import at run time. */
export async function buildApi(outdir = join(ROOT, 'api', 'dist')): Promise<{ packages: string[] }> {
  rmSync(outdir, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [name, join(ROOT, file)])),
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
    legalComments: 'none',
  });
  // db/open.ts finds its migrations next to itself; in a bundle, "itself" is the bundle.
  cpSync(join(ROOT, 'db', 'migrations'), join(outdir, 'migrations'), { recursive: true });
  const packages = new Set<string>();
  for (const output of Object.values(result.metafile.outputs)) {
    for (const { path, external } of output.imports) {
      if (!external || path.startsWith('node:')) continue;
      packages.add(path.startsWith('@') ? path.split('/').slice(0, 2).join('/') : path.split('/')[0]!);
    }
  }
  return { packages: [...packages].sort() };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const outdir = process.argv[2] ? resolve(process.argv[2]) : undefined;
  const { packages } = await buildApi(outdir);
  console.log(`[build:api] ${Object.keys(ENTRIES).length} bundles; run-time packages: ${packages.join(', ')}`);
}
