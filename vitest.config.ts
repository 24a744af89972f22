import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['api/**/*.test.ts', 'db/**/*.test.ts', 'asterisk/**/*.test.ts', 'tests/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
    ],
  },
});
