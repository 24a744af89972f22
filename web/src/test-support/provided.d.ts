/**
 * What the browser project's globalSetup (api-server.ts) and vitest.config.ts
 * hand the tests through Vitest's `provide` / `inject`.
 */
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the real API listens; vitest.config.ts proxies /api there. */
    apiPort: number;
    /** An admin's sign-in (the API has no HTTP route to make one). */
    apiAdmin: { login: string; password: string };
  }
}
