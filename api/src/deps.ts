/**
 * What the app is built from. Tests build it with a fresh database and a
 * config of their own; the server builds it from the environment.
 */
import type { Db } from '../../db/open';
import type { User } from '../../db/schema';
import type { Config } from './config';
import type { CodeSenders } from './services/code-senders';
import type { Metrics } from './services/metrics';
import type { PasswordGate } from './services/password-gate';
import type { Pbx } from './services/pbx';
import type { Keys } from './services/secrets';

export type Deps = {
  db: Db;
  config: Config;
  pbx: Pbx;
  keys: Keys;
  /** Where one-time login codes go, per kind of login. */
  senders: CodeSenders;
  /** Every scrypt run goes through it (services/password-gate.ts). */
  gate: PasswordGate;
  /** Milliseconds since the epoch; tests move time with it. */
  now: () => number;
  /** What GET /internal/metrics reports; the hot routes time their lookups into it. */
  metrics: Metrics;
};

/** Hono's environment for public routes: `me` is set by `requireSession`. */
export type PublicEnv = {
  Variables: {
    me: User;
    /** A Content-Security-Policy of a route's own that must survive the app-wide one (app.ts). */
    ownCsp?: string;
  };
};
