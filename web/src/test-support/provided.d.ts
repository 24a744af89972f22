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
    /**
     * api-server.ts's helper server beside the API (any origin may read it):
     * `GET /login-code?to=<login>` → `{ code }`, the code in the last message the API mailed there;
     * `POST /pre-proof-verification` `{ login, legalName, idLast4 }` → `{ id }`, a record from before login proof.
     */
    supportUrl: string;
  }
}

declare module 'vitest/browser' {
  /** tests/support/sip-peer-commands.ts: a scripted SIP peer in Node, for the phone client's tests. */
  interface BrowserCommands {
    sipPeerStart: (accounts: Record<string, string>) => Promise<{ wsUrl: string; domain: string }>;
    sipPeerWaitRegistered: (user: string) => Promise<void>;
    sipPeerRing: (user: string, fromHeader: string, extraHeaders: string[]) => Promise<number>;
    sipPeerHangUp: (extraHeaders?: string[], from?: string) => Promise<void>;
    sipPeerCancel: (extraHeaders: string[], from?: string) => Promise<void>;
    sipPeerNotify: (extraHeaders: string[], from?: string) => Promise<void>;
    sipPeerReInvite: (direction: 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive', from?: string) => Promise<number>;
    sipPeerDrop: () => Promise<void>;
    sipPeerReceived: (method: string) => Promise<{ uri: string; headers: Record<string, string[]> }[]>;
    sipPeerStop: () => Promise<void>;
    /** tests/support/other-device-commands.ts: the same person signed in elsewhere makes one request; its status. */
    otherDeviceRequest: (
      apiUrl: string,
      credentials: { login: string; password: string },
      method: string,
      path: string,
      body?: unknown,
    ) => Promise<number>;
  }
}
