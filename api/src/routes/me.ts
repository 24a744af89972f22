/** /api/me: the signed-in person's own account, password, SIP account, verification, privacy and avatar. */
import { Hono } from 'hono';
import type { Deps, PublicEnv } from '../deps';
import { AppError } from '../errors';
import {
  connectionNoticeBody,
  deleteAccountBody,
  loginCodeBody,
  passwordChangeBody,
  privacyBody,
  profileBody,
  verificationBody,
} from '../schemas';
import { tellOtherParties } from '../services/call-notices';
import { confirmLoginCode, requestLoginCode } from '../services/login-proof';
import { MAX_AVATAR_BYTES, removeAvatar, setAvatar } from '../services/avatars';
import { changePassword, deleteOwnAccount, describeMe, setNickname } from '../services/people';
import { previewNamePrivacy, setNamePrivacy } from '../services/privacy';
import { rotateSipSecret, sipRegistration } from '../services/sip-accounts';
import { iceSettings } from '../services/turn';
import {
  correctVerification,
  myVerification,
  submitVerification,
  withdrawVerification,
} from '../services/verifications';
import { clientAddress } from './client';
import { clearSessionCookie, ownSessionToken, requireSession } from './session';
import { jsonOnly, valid } from './validate';

export function meRoutes(deps: Deps) {
  const { db } = deps;
  const security = { keys: deps.keys, scryptLogN: deps.config.scryptLogN, gate: deps.gate };
  return (
    new Hono<PublicEnv>()
      .use(requireSession(deps))
      .get('/', (c) => c.json({ me: describeMe(db, c.var.me.id) }))
      .patch('/', jsonOnly, valid('json', profileBody), (c) => {
        setNickname(db, deps.pbx, c.var.me.id, c.req.valid('json').nickname);
        return c.json({ me: describeMe(db, c.var.me.id) });
      })
      .delete('/', jsonOnly, valid('json', deleteAccountBody), async (c) => {
        await deleteOwnAccount(
          db,
          { ...security, pbx: deps.pbx },
          c.var.me.id,
          c.req.valid('json').password,
          deps.now(),
          clientAddress(c, deps),
        );
        clearSessionCookie(c, deps);
        return c.body(null, 204);
      })
      // This session stays signed in; the person's others end as `password_changed`.
      .post('/password', jsonOnly, valid('json', passwordChangeBody), async (c) => {
        await changePassword(
          db,
          { ...security, pbx: deps.pbx },
          c.var.me.id,
          c.req.valid('json'),
          ownSessionToken(c),
          deps.now(),
          clientAddress(c, deps),
        );
        return c.body(null, 204);
      })
      .post('/login/code', async (c) =>
        c.json({ code: await requestLoginCode(db, deps.keys, deps.senders, c.var.me.id, deps.now()) }, 202),
      )
      .post('/login/confirm', jsonOnly, valid('json', loginCodeBody), (c) => {
        confirmLoginCode(db, deps.keys, c.var.me.id, c.req.valid('json').code, deps.now());
        return c.json({ me: describeMe(db, c.var.me.id) });
      })
      .get('/sip', (c) => {
        // The secret is for its owner's softphone only: never cache it anywhere.
        c.header('Cache-Control', 'no-store');
        return c.json(sipRegistration(db, deps.keys, deps.config.sip, c.var.me.id, deps.now()));
      })
      .post('/sip/rotate', (c) => {
        rotateSipSecret(db, deps.keys, deps.pbx, c.var.me.id, deps.now());
        c.header('Cache-Control', 'no-store');
        return c.json(sipRegistration(db, deps.keys, deps.config.sip, c.var.me.id, deps.now()));
      })
      // Fresh relay credentials: the page asks again before the ones it has expire.
      .get('/ice', (c) => {
        c.header('Cache-Control', 'no-store');
        return c.json(iceSettings(deps.config.sip, c.var.me.id, deps.now()));
      })
      // This device's connection, told to the other side of its calls under way.
      .post('/connection', jsonOnly, valid('json', connectionNoticeBody), async (c) =>
        c.json(await tellOtherParties(db, deps.pbx, c.var.me.id, c.req.valid('json').state, deps.now())),
      )
      .get('/verification', (c) => c.json({ verification: myVerification(db, c.var.me.id) }))
      .post('/verification', jsonOnly, valid('json', verificationBody), (c) =>
        c.json({ verification: submitVerification(db, deps.keys, c.var.me.id, c.req.valid('json')) }, 201),
      )
      // While pending only: the corrected record (a new id), or the record gone.
      .put('/verification', jsonOnly, valid('json', verificationBody), (c) =>
        c.json({ verification: correctVerification(db, deps.keys, c.var.me.id, c.req.valid('json')) }),
      )
      .delete('/verification', (c) => {
        withdrawVerification(db, c.var.me.id);
        return c.body(null, 204);
      })
      .get('/privacy', (c) => c.json({ namePrivacy: c.var.me.namePrivacy }))
      .put('/privacy', jsonOnly, valid('json', privacyBody), (c) => {
        setNamePrivacy(db, deps.pbx, c.var.me.id, c.req.valid('json').namePrivacy);
        return c.json({ preview: previewNamePrivacy(db, c.var.me.id) });
      })
      .get('/privacy/preview', (c) => c.json({ preview: previewNamePrivacy(db, c.var.me.id) }))
      .put('/avatar', async (c) => {
        const declared = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase() ?? '';
        if (!declared.startsWith('image/')) {
          throw new AppError(
            415,
            'unsupported_media_type',
            'Send the picture itself as the body, with its image/* Content-Type.',
          );
        }
        const data = Buffer.from(await c.req.arrayBuffer());
        if (data.length === 0) throw new AppError(400, 'empty_body', 'The picture is empty.');
        const stored = await setAvatar(db, c.var.me.id, data, deps.now());
        if (stored.uploaded.mime !== declared) {
          // The content decides; a mismatch is worth telling the client about, not a reason to fail.
          c.header('Warning', `199 - "read as ${stored.uploaded.mime}"`);
        }
        return c.json({ avatar: stored, maxBytes: MAX_AVATAR_BYTES });
      })
      .delete('/avatar', (c) => {
        removeAvatar(db, c.var.me.id);
        return c.body(null, 204);
      })
  );
}
