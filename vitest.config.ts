import { createServer } from 'node:net';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
// The types of what the browser project provides to its tests (`provide` below).
import type {} from './web/src/test-support/provided';
import { CHROMIUM, CHROMIUM_ARGS } from './tests/support/chromium.ts';
import * as otherDevice from './tests/support/other-device-commands.ts';
import * as sipPeer from './tests/support/sip-peer-commands.ts';

/** A free port on 127.0.0.1, asked of the system. */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer()
      .once('error', reject)
      .listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
  });

/** The real API for the browser tests: web/src/test-support/api-server.ts listens here, /api is proxied here. */
const apiPort = await freePort();

export default defineConfig({
  test: {
    // The last line of every run says which real parts (Asterisk, Chromium, a namespace, sipp, coturn, nftables) were used.
    reporters: ['default', './tests/support/real-parts-reporter.ts'],
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: [
            'api/**/*.test.ts',
            'db/**/*.test.ts',
            'asterisk/**/*.test.ts',
            'tests/**/*.test.ts',
            'bench/**/*.test.ts',
            'turn/**/*.test.ts',
          ],
          testTimeout: 20_000,
        },
      },
      {
        // Components and the phone controller in real headless Chromium with fake media devices.
        root: 'web',
        // Same origin for the browser: the Host header is kept (no changeOrigin), so the API's own
        // origin check sees the page's origin and cross-site write refusal stays fully on.
        server: { proxy: { '/api': { target: `http://127.0.0.1:${apiPort}` } } },
        // Every dependency the pages and tests import is pre-bundled before the first test: a dependency
        // Vite discovers mid-run makes it reload the page under a running test, which can hang the run.
        optimizeDeps: {
          entries: ['index.html', 'embed-demo.html', 'src/**/*.ts'],
          include: ['lit', 'lit/decorators.js', 'sip.js', 'axe-core'],
        },
        test: {
          name: 'browser',
          include: ['src/**/*.test.ts'],
          testTimeout: 20_000,
          globalSetup: ['./src/test-support/api-server.ts'],
          provide: { apiPort },
          browser: {
            enabled: true,
            // The phone client's tests drive a scripted SIP peer that runs in Node; the app's tests sign in
            // from another device (Node) to cut this page's session short.
            commands: { ...sipPeer, ...otherDevice },
            headless: true,
            screenshotFailures: false,
            provider: playwright({
              launchOptions: {
                executablePath: CHROMIUM,
                // headless is Vitest's own setting; WebRTC on loopback for the phone client's tests.
                args: [...CHROMIUM_ARGS.filter((a) => a !== '--headless'), '--allow-loopback-in-peer-connection'],
              },
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});
