/**
 * Input schemas shared by the routes and the command-line tools. Each one
 * normalises as it validates, so the services only ever see clean values.
 */
import { z } from 'zod';
import { NAME_PRIVACY, VERIFICATION_STATUSES } from '../../db/schema';
import { MAX_BYTES } from './services/display-name';
import { LoginError, normaliseLogin, type LoginRules } from './services/logins';
import { PEER_CONNECTION_STATES } from './services/pbx';

const graphemeCount = (s: string) =>
  Array.from(new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(s)).length;
const utf8Bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/** Characters no name may hold: controls, format (bidi, zero-width), separators, unassigned… */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Co}\p{Cn}]/u;

/**
 * A refinement's message and its `problem`: a stable name (with its values)
 * that the page turns into a sentence in the person's language.
 */
const says = (message: string, problem: string, values: Record<string, string | number> = {}) => ({
  message,
  params: { problem, ...values },
});

/** Refuses a value holding an invisible or control character, naming it (U+XXXX). */
const noHiddenChars =
  (field: string, pattern = INVISIBLE) =>
  (v: string, ctx: z.RefinementCtx) => {
    const hidden = pattern.exec(v)?.[0];
    if (!hidden) return;
    const char = `U+${hidden.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    ctx.addIssue({
      code: 'custom',
      ...says(`${field} must not contain invisible or control characters (found ${char})`, 'hidden_char', { char }),
      // One problem per field: "letters only" after this would only repeat it less precisely.
      continue: false,
    });
  };

/**
 * A login in its canonical form (services/logins.ts): one spelling per
 * address, so look-alikes are the same account or refused by name. Phone
 * numbers without a country code are read in `rules.defaultCountry`.
 */
export const loginSchema = (rules: LoginRules) =>
  z
    .string({ error: 'login is required' })
    .max(320, 'login is too long')
    .transform((raw, ctx) => {
      try {
        return normaliseLogin(raw, rules).login;
      } catch (err) {
        if (!(err instanceof LoginError)) throw err;
        ctx.addIssue({ code: 'custom', message: err.message, params: { problem: err.problem, ...err.params } });
        return z.NEVER;
      }
    });

/** Passwords long enough for the length rule that every guessing list tries first. */
const COMMON_PASSWORDS = new Set([
  'password12',
  'password123',
  'password1234',
  'passw0rd12',
  'passw0rd123',
  'iloveyou12',
  'iloveyou123',
  '1q2w3e4r5t',
  '1q2w3e4r5t6y',
  '1qaz2wsx3edc',
  'zaq12wsxcde3',
  '123qweasdzxc',
  'qwerty1234',
  'qwerty12345',
  'qwerty123456',
  'abc1234567',
  'abcd123456',
  '123456789a',
  'a123456789',
  'admin12345',
  'admin123456',
  'welcome123',
  'letmein123',
  'changeme12',
  'changeme123',
  'football12',
  'baseball12',
  'sunshine12',
  'princess12',
  'woaini1314',
  'woaini520',
]);
/** Rows of a keyboard and runs of letters and digits: what a person types without thinking. */
const RUNS = ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm', 'abcdefghijklmnopqrstuvwxyz', '0987654321'];

/**
 * Whether a password is one that guessing lists try first: a common one, one
 * character or a short group repeated, or a run of a keyboard row, the
 * alphabet or the digits (forwards or backwards, possibly repeated).
 */
export function tooCommon(candidate: string): boolean {
  const v = candidate.toLowerCase();
  if (COMMON_PASSWORDS.has(v)) return true;
  if (/^(.{1,4})\1+.{0,3}$/su.test(v)) return true;
  const runs = RUNS.flatMap((r) => [r, [...r].reverse().join('')]).map((r) => r.repeat(3));
  return runs.some((r) => r.includes(v));
}

export const password = z
  .string({ error: 'password is required' })
  .min(10, 'password must be at least 10 characters')
  .max(200, 'password must be at most 200 characters')
  .refine(
    (v) => !tooCommon(v),
    says('password is too easy to guess: it is a common one, a repeat or a run of keys', 'too_common'),
  );

/** Code points one user-perceived character may hold: a letter and a few marks (Vietnamese needs two). */
const MAX_POINTS_PER_GRAPHEME = 4;
const overloadedGrapheme = (s: string) =>
  Array.from(new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(s)).some(
    ({ segment }) => Array.from(segment).length > MAX_POINTS_PER_GRAPHEME,
  );

/**
 * Words and marks that claim a status, in English and Chinese: a nickname is
 * shown exactly where the status is, so it must not be able to pass for one.
 * Matched case-insensitively after NFKC, ignoring spaces and punctuation.
 */
const STATUS_CLAIMS = [
  'verified',
  'unverified',
  'realname',
  'official',
  'certified',
  'authenticated',
  'authentic',
  '认证',
  '認證',
  '实名',
  '實名',
  '验证',
  '驗證',
  '官方',
  '真名',
  '真实姓名',
  '真實姓名',
];
const STATUS_MARKS = /[\u2713\u2714\u2611\u2705\u{1F5F8}\u{1F197}\u{1F4DB}]/u;

/** The status a nickname claims, or undefined. */
export function claimedStatus(nickname: string): string | undefined {
  const mark = STATUS_MARKS.exec(nickname)?.[0];
  if (mark) return mark;
  const squashed = nickname
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{P}\p{S}\p{Z}]/gu, '');
  return STATUS_CLAIMS.find((word) => squashed.includes(word));
}

/** A nickname: what people see when no real name is shown. */
export const nickname = z
  .string({ error: 'nickname is required' })
  .max(200, 'nickname is too long')
  .transform((v) =>
    v
      .normalize('NFC')
      .replace(/\p{Zs}+/gu, ' ')
      .trim(),
  )
  .refine((v) => v.length > 0, { ...says('nickname must not be empty', 'empty'), abort: true })
  .superRefine(noHiddenChars('nickname'))
  .refine(
    (v) => !/["\\<>]/.test(v),
    says('nickname must not contain quotes, backslashes or angle brackets', 'quotes_brackets'),
  )
  .refine((v) => graphemeCount(v) <= 32, says('nickname must be at most 32 characters', 'too_long', { maximum: 32 }))
  .refine(
    (v) => !overloadedGrapheme(v),
    says('nickname must not stack marks on a character (at most 3 per letter)', 'stacked_marks'),
  )
  .superRefine((v, ctx) => {
    const claim = claimedStatus(v);
    if (claim) {
      ctx.addIssue({
        code: 'custom',
        ...says(
          `nickname must not claim a status ("${claim}"): the call screen shows whether a name is verified`,
          'status_claim',
          { claim },
        ),
      });
    }
  });

/**
 * A legal name as on an identity document: letters and marks, parts joined
 * by single spaces, interpuncts, apostrophes, dots or hyphens. At most 40
 * characters, so the callee always sees it whole.
 */
export const legalName = z
  .string({ error: 'legalName is required' })
  .max(400, 'legalName is too long')
  .transform((v) =>
    v
      .normalize('NFC')
      .replace(/\p{Zs}+/gu, ' ')
      .trim(),
  )
  .refine((v) => v.length > 0, { ...says('legalName must not be empty', 'empty'), abort: true })
  // Name the character: "letters only" does not help someone who cannot see what they pasted.
  .superRefine(noHiddenChars('legalName'))
  .refine(
    (v) => /^[\p{L}\p{M}]+(?:(?:[ ·・'-]|\. ?)[\p{L}\p{M}]+)*\.?$/u.test(v),
    says('legalName must be letters, with single spaces, ·, apostrophes, dots or hyphens between parts', 'letters'),
  )
  .refine(
    (v) => graphemeCount(v) <= 40 && utf8Bytes(v) <= MAX_BYTES,
    says('legalName must be at most 40 characters', 'too_long', { maximum: 40 }),
  );

/** An identity document number: upper-cased, spaces and dashes removed, 6–32 letters or digits. */
export const idNumber = z
  .string({ error: 'idNumber is required' })
  .max(100, 'idNumber is too long')
  // NFKC: full-width digits and letters (Ｇ１２３) are the ASCII ones they stand for.
  .transform((v) => v.normalize('NFKC').replace(/[\s-]/g, '').toUpperCase())
  .refine((v) => /^[A-Z0-9]{6,32}$/.test(v), says('idNumber must be 6 to 32 letters or digits', 'id_format'));

export const reason = z
  .string({ error: 'reason is required' })
  .max(2000)
  .transform((v) => v.normalize('NFC').trim())
  .refine((v) => v.length > 0, { ...says('reason must not be empty', 'empty'), abort: true })
  .refine((v) => v.length <= 500, says('reason must be at most 500 characters', 'too_long', { maximum: 500 }))
  .superRefine(noHiddenChars('reason', /[\p{Cc}\p{Cf}](?<!\n)/u));

export const namePrivacy = z.enum(NAME_PRIVACY, { error: `namePrivacy must be one of ${NAME_PRIVACY.join(', ')}` });
export const verificationStatus = z.enum(VERIFICATION_STATUSES, {
  error: `status must be one of ${VERIFICATION_STATUSES.join(', ')}`,
});

/** An extension, as dialled and as a PJSIP endpoint id. */
export const extension = z.string().regex(/^[0-9]{3,10}$/, 'extension must be 3 to 10 digits');
/** Any PJSIP endpoint id Asterisk may send (ours are extensions; others are simply unknown). */
export const endpointId = z
  .string()
  .regex(/^[\w.+-]{1,64}$/, 'must be a PJSIP endpoint id (1–64 of A-Z a-z 0-9 _ . + -)');

export const id = z.coerce
  .number({ error: 'id must be a number' })
  .int('id must be a whole number')
  .positive('id must be positive')
  .max(Number.MAX_SAFE_INTEGER);

/** Paging through newest-first lists: `limit` (1–200, default 50) and `before` (an id). */
export const page = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: id.optional(),
});

/** The audit log's page, with its filters: one person, one action. */
export const auditQuery = page.extend({
  person: id.optional(),
  action: z
    .string()
    // Parts may hold underscores: `verification.revoke.same_document`.
    .regex(/^[a-z]+(\.[a-z_]+){1,3}$/, 'action: an action name such as verification.revoke')
    .optional(),
});

export const searchQuery = z
  .string({ error: 'q is required' })
  .max(200)
  .transform((v) => v.normalize('NFC').trim())
  .refine((v) => v.length >= 1 && v.length <= 32, says('q must be 1 to 32 characters', 'search_length'))
  .superRefine(noHiddenChars('q'));

/** The sign-up and sign-in bodies, with logins read under `rules`. */
export const authBodies = (rules: LoginRules) => {
  const login = loginSchema(rules);
  return {
    signUpBody: z.strictObject({ login, password, nickname }),
    signInBody: z.strictObject({
      login,
      password: z.string({ error: 'password is required' }).min(1, 'password is required').max(200),
    }),
  };
};
export const deleteAccountBody = z.strictObject({ password: z.string().min(1, 'password is required').max(200) });
/**
 * A password change: the current password (checked by the service, as for
 * deleting the account) and a new one under the sign-up rules that differs
 * from it. Comparing the two here is exact whenever the current one is right,
 * which the change needs anyway.
 */
export const passwordChangeBody = z
  .strictObject({
    currentPassword: z
      .string({ error: 'currentPassword is required' })
      .min(1, 'currentPassword is required')
      .max(200, 'currentPassword must be at most 200 characters'),
    newPassword: password,
  })
  .refine((b) => b.newPassword !== b.currentPassword, {
    ...says('newPassword must differ from the current password', 'same_as_current'),
    path: ['newPassword'],
  });
export const profileBody = z.strictObject({ nickname });
export const loginCodeBody = z.strictObject({
  code: z
    .string({ error: 'code is required' })
    .max(40)
    .transform((v) => v.normalize('NFKC').replace(/[\s-]/g, ''))
    .refine((v) => /^[0-9]{6}$/.test(v), says('code must be the 6 digits you were sent', 'code_digits')),
});
export const verificationBody = z.strictObject({ legalName, idNumber });
export const privacyBody = z.strictObject({ namePrivacy });
/** One of two words, and nothing else: it is all the other side of a call is told (services/call-notices.ts). */
export const connectionNoticeBody = z.strictObject({
  state: z.enum(PEER_CONNECTION_STATES, { error: `state must be one of ${PEER_CONNECTION_STATES.join(', ')}` }),
});
export const approveBody = z.strictObject({
  reason: reason.optional(),
  /** Approve although the document verifies someone else: that verification is revoked, with the reason. */
  revokeOther: z.boolean({ error: 'revokeOther must be true or false' }).optional(),
});
export const decisionBody = z.strictObject({ reason });
