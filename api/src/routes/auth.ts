/** /api/auth: sign up, sign in, sign out (here, or everywhere). */
import { Hono } from 'hono';
import type { Deps, PublicEnv } from '../deps';
import { authBodies } from '../schemas';
import { closeSession, createPerson, describeMe, openSession, signIn, signOutEverywhere } from '../services/people';
import { clientAddress } from './client';
import { clearSessionCookie, requireSession, sessionToken, setSessionCookie } from './session';
import { jsonOnly, valid } from './validate';

export function authRoutes(deps: Deps) {
  const security = { keys: deps.keys, scryptLogN: deps.config.scryptLogN, gate: deps.gate };
  const { signUpBody, signInBody } = authBodies(deps.config.logins);
  return new Hono<PublicEnv>()
    .post('/sign-up', jsonOnly, valid('json', signUpBody), async (c) => {
      const person = await createPerson(deps.db, security, c.req.valid('json'), deps.now(), clientAddress(c, deps));
      const session = openSession(deps.db, person.id, deps.now());
      setSessionCookie(c, deps, session.token, session.expiresAt);
      return c.json({ me: describeMe(deps.db, person.id) }, 201);
    })
    .post('/sign-in', jsonOnly, valid('json', signInBody), async (c) => {
      const session = await signIn(deps.db, security, c.req.valid('json'), deps.now(), clientAddress(c, deps));
      setSessionCookie(c, deps, session.token, session.expiresAt);
      return c.json({ me: describeMe(deps.db, session.userId) });
    })
    .post('/sign-out', (c) => {
      const token = sessionToken(c);
      if (token) closeSession(deps.db, token);
      clearSessionCookie(c, deps);
      return c.body(null, 204);
    })
    .post('/sign-out-everywhere', requireSession(deps), (c) => {
      // Every device's page then hears `session_ended` with reason `signed_out_everywhere`.
      signOutEverywhere(deps.db, deps.keys, deps.pbx, c.var.me.id, deps.now());
      clearSessionCookie(c, deps);
      return c.body(null, 204);
    });
}
