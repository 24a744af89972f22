import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const root = import.meta.dirname;

/**
 * The softphone's build (`npm run build` → web/dist, served by the API) and
 * dev server (`npm run dev`, with /api proxied to the API on :8080).
 */
export default defineConfig({
  root,
  build: {
    outDir: resolve(root, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: {
      input: {
        main: resolve(root, 'index.html'),
        'embed-demo': resolve(root, 'embed-demo.html'),
        // A stable name other pages can include: <script type="module" src="/realcall-embed.js">.
        'realcall-embed': resolve(root, 'src/embed.ts'),
      },
      output: {
        entryFileNames: (chunk) => (chunk.name === 'realcall-embed' ? 'realcall-embed.js' : 'assets/[name]-[hash].js'),
        // Shared code (lit, sip.js, the components) under a neutral name.
        chunkFileNames: 'assets/shared-[hash].js',
      },
    },
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
