/**
 * Builds RealCall's two HTTP apps from their dependencies; never listens.
 * - `public`: the JSON API under /api (and the web build);
 * - `internal`: /internal/asterisk, for the PBX only, and /internal/metrics,
 *   for the operator's Prometheus, behind a shared secret.
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import type { Db } from '../../db/open';
import type { Config } from './config';
import type { Deps, PublicEnv } from './deps';
import { AppError, errorBody } from './errors';
import { adminRoutes } from './routes/admin';
import { asteriskRoutes } from './routes/asterisk';
import { authRoutes } from './routes/auth';
import { meRoutes } from './routes/me';
import { countRequests, metricsRoutes } from './routes/metrics';
import { peopleRoutes } from './routes/people';
import { internalSecret, sameOriginWrites } from './routes/guards';
import { webRoutes } from './routes/web';
import { MAX_AVATAR_BYTES } from './services/avatars';
import { sendersFromConfig, type CodeSenders } from './services/code-senders';
import { createMetrics } from './services/metrics';
import { createPasswordGate, type PasswordGateLimits } from './services/password-gate';
import { noPbx, type Pbx } from './services/pbx';
import { deriveKeys } from './services/secrets';

/** Request bodies larger than this are refused with 413, except where a route needs more. */
const BODY_LIMITS: [path: string, bytes: number][] = [
  ['/api/me/avatar', MAX_AVATAR_BYTES],
  ['/api/admin/verifications/import', 1024 * 1024],
];
const DEFAULT_BODY_LIMIT = 16 * 1024;

export type CreateAppOptions = {
  db: Db;
  config: Config;
  pbx?: Pbx;
  /** Where login codes go; by default what the config names (services/code-senders.ts). */
  senders?: CodeSenders;
  /** Limits of the password gate; the defaults otherwise. */
  gateLimits?: PasswordGateLimits;
  now?: () => number;
  log?: (line: string) => void;
};

export function createApp(options: CreateAppOptions): { public: Hono<PublicEnv>; internal: Hono } {
  const log = options.log ?? ((line: string) => console.error(line));
  const deps: Deps = {
    db: options.db,
    config: options.config,
    pbx: options.pbx ?? noPbx,
    keys: deriveKeys(options.config.secretKey),
    senders: options.senders ?? sendersFromConfig(options.config, log),
    gate: createPasswordGate(options.gateLimits, options.now),
    now: options.now ?? Date.now,
    metrics: createMetrics(options.db, options.config.dbPath),
  };

  const pub = new Hono<PublicEnv>();
  // First, so it counts what every other middleware and onError answered.
  pub.use(countRequests(deps.metrics, 'public'));
  // Registered before secureHeaders, so it has the last word on the way out: a route that sets a
  // stricter policy of its own (an uploaded image: `sandbox`) keeps it.
  pub.use(async (c, next) => {
    await next();
    const own = c.get('ownCsp');
    if (own) c.res.headers.set('Content-Security-Policy', own);
  });
  pub.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        mediaSrc: ["'self'", 'blob:'],
        connectSrc: ["'self'", 'ws:', 'wss:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        frameAncestors: ["'self'", ...options.config.publicOrigins],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
      },
      xFrameOptions: false,
      crossOriginEmbedderPolicy: false,
      permissionsPolicy: { microphone: ['self'], camera: [], geolocation: [] },
    }),
  );
  // Everything under /api is about a person (or for admins): no shared or browser cache keeps any of it.
  pub.use('/api/*', async (c, next) => {
    await next();
    c.res.headers.set('Cache-Control', 'no-store');
  });
  pub.use('/api/*', sameOriginWrites(deps.config), async (c, next) => {
    const limit = BODY_LIMITS.find(([path]) => c.req.path === path)?.[1] ?? DEFAULT_BODY_LIMIT;
    return bodyLimit({ maxSize: limit, onError: () => tooLarge(limit) })(c, next);
  });
  // What an operator (and a monitor) should know: whether a revocation reaches the PBX at once,
  // and which kinds of login can be proven by code.
  pub.get('/api/health', (c) =>
    c.json({
      ok: true,
      pbxControl: deps.pbx !== noPbx,
      revocation: deps.pbx !== noPbx ? 'immediate' : 'not immediate: no PBX control (AMI) configured',
      loginProof: { email: Boolean(deps.senders.email), phone: Boolean(deps.senders.phone) },
    }),
  );
  pub.route('/api/auth', authRoutes(deps));
  pub.route('/api/me', meRoutes(deps));
  pub.route('/api/admin', adminRoutes(deps));
  pub.route('/api', peopleRoutes(deps));
  pub.all('/api/*', (c) => c.json(errorBody('not_found', `No route ${c.req.method} ${c.req.path}.`), 404));
  pub.route('/', webRoutes(deps));
  finish(pub, log);

  const internal = new Hono();
  internal.use(countRequests(deps.metrics, 'internal'));
  // No body-limit middleware here: the realtime routes read their (small) bodies with a limit of
  // their own, straight from Node's request stream (see routes/body.ts): this is the per-REGISTER path.
  internal.use('*', internalSecret(deps.config));
  internal.get('/internal/health', (c) => c.json({ ok: true }));
  internal.route('/internal/asterisk', asteriskRoutes(deps));
  internal.route('/internal/metrics', metricsRoutes(deps));
  finish(internal, log);

  return { public: pub, internal };
}

const tooLarge = (bytes: number): never => {
  throw new AppError(413, 'too_large', `The request body may be at most ${Math.round(bytes / 1024)} KiB.`);
};

/** One error shape everywhere; anything unexpected is logged and answered 500 without detail. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- both apps, whatever their Variables
function finish(app: Hono<any>, log: (line: string) => void) {
  app.notFound((c) => c.json(errorBody('not_found', `No route ${c.req.method} ${c.req.path}.`), 404));
  app.onError((err, c: Context) => {
    if (err instanceof AppError) {
      if (err.retryAfter !== undefined) c.header('Retry-After', String(err.retryAfter));
      return c.json(errorBody(err.code, err.message, err.details), err.status);
    }
    if (err instanceof HTTPException && err.status < 500) {
      const code = /json/i.test(err.message) ? 'invalid_json' : 'bad_request';
      return c.json(errorBody(code, err.message || 'The request could not be read.'), err.status);
    }
    log(
      `[api] ${c.req.method} ${c.req.path} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
    return c.json(errorBody('internal', 'Something went wrong on our side.'), 500);
  });
}
