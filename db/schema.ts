/**
 * RealCall's database: people, their SIP accounts, real-name verifications,
 * sessions, sign-in throttling, avatars and the admin audit log.
 *
 * Invariants the database itself enforces (not just the services):
 * - one SIP account and one extension per person;
 * - at most one `pending` and at most one `verified` verification per person
 *   (partial unique indexes), so "the verified record" is never ambiguous;
 * - one identity document verifies one person: the document hash is unique
 *   among verified records;
 * - at most one PBX outbox row per extension (changes coalesce).
 */
import { sql } from 'drizzle-orm';
import { blob, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const ROLES = ['user', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** How a verified person's name is shown on their calls (DESIGN.md). */
export const NAME_PRIVACY = ['full', 'masked', 'hidden'] as const;
export type NamePrivacy = (typeof NAME_PRIVACY)[number];

export const VERIFICATION_STATUSES = ['pending', 'verified', 'rejected', 'revoked'] as const;

/** What a login is: an e-mail address (lower-case, ASCII) or a phone number (E.164). */
export const LOGIN_KINDS = ['email', 'phone'] as const;
export type LoginKind = (typeof LOGIN_KINDS)[number];
export type VerificationStatus = (typeof VERIFICATION_STATUSES)[number];

const timeDefaultNow = (column: string) =>
  integer(column, { mode: 'timestamp_ms' })
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`);

export const users = sqliteTable('users', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  /** Normalised e-mail address or phone number (api/src/services/logins.ts); what a person signs in with. */
  login: text('login').notNull().unique(),
  loginKind: text('login_kind', { enum: LOGIN_KINDS }).notNull().default('email'),
  /** When the person proved they own the login (a one-time code); null = unproven, never trusted. */
  loginProvenAt: integer('login_proven_at', { mode: 'timestamp_ms' }),
  /** `scrypt$<logN>$<r>$<p>$<salt b64>$<hash b64>` */
  passwordHash: text('password_hash').notNull(),
  nickname: text('nickname').notNull(),
  role: text('role', { enum: ROLES }).notNull().default('user'),
  /** Privacy by default: a new person's verified name is masked until they choose. */
  namePrivacy: text('name_privacy', { enum: NAME_PRIVACY }).notNull().default('masked'),
  disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
  createdAt: timeDefaultNow('created_at'),
});

export const sipAccounts = sqliteTable('sip_accounts', {
  userId: integer('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  /** PJSIP endpoint, auth and AOR id, and the number people dial. */
  extension: text('extension').notNull().unique(),
  /** The SIP secret sealed with AES-256-GCM (`v1.<iv>.<tag>.<ciphertext>`, base64url). */
  secretSealed: text('secret_sealed').notNull(),
  createdAt: timeDefaultNow('created_at'),
});

export const verifications = sqliteTable(
  'verifications',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    legalName: text('legal_name').notNull(),
    /** HMAC-SHA256 of the normalised document number under a server key; never the number. */
    idHash: text('id_hash').notNull(),
    idLast4: text('id_last4').notNull(),
    status: text('status', { enum: VERIFICATION_STATUSES }).notNull().default('pending'),
    /** The admin's reason for the last decision (reject, revoke, optional on approve). */
    reason: text('reason'),
    submittedAt: timeDefaultNow('submitted_at'),
    decidedAt: integer('decided_at', { mode: 'timestamp_ms' }),
    decidedBy: integer('decided_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [
    index('verifications_status_idx').on(t.status, t.id),
    index('verifications_user_idx').on(t.userId, t.id),
    uniqueIndex('verifications_one_pending')
      .on(t.userId)
      .where(sql`status = 'pending'`),
    uniqueIndex('verifications_one_verified')
      .on(t.userId)
      .where(sql`status = 'verified'`),
    // One document, one verified person; pending duplicates are allowed and flagged to the admin.
    uniqueIndex('verifications_one_person_per_document')
      .on(t.idHash)
      .where(sql`status = 'verified'`),
    index('verifications_id_hash_idx').on(t.idHash),
  ],
);

/**
 * The one-time code that proves a person owns their login: at most one live
 * code per person, kept only as a keyed hash, with its own attempt count and
 * a send window that bounds how many codes a person may ask for.
 */
export const loginCodes = sqliteTable('login_codes', {
  userId: integer('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  /** HMAC-SHA256 of the code and the login it was sent to. */
  codeHash: text('code_hash').notNull(),
  /** The login the code was sent to: a code proves that address, not a later one. */
  sentTo: text('sent_to').notNull(),
  expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
  attempts: integer('attempts').notNull().default(0),
  sentAt: integer('sent_at', { mode: 'timestamp_ms' }).notNull(),
  sendsInWindow: integer('sends_in_window').notNull(),
  windowStart: integer('window_start', { mode: 'timestamp_ms' }).notNull(),
});

/**
 * Why a session was cut short before its expiry. The row is kept, ended,
 * until it would have expired, so a page still holding its cookie can be
 * told why it was signed out.
 */
export const SESSION_END_REASONS = ['disabled', 'password_changed', 'signed_out_everywhere'] as const;
export type SessionEndReason = (typeof SESSION_END_REASONS)[number];

export const sessions = sqliteTable(
  'sessions',
  {
    /** SHA-256 of the cookie's token: a copy of the database holds no usable session. */
    tokenHash: text('token_hash').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timeDefaultNow('created_at'),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
    /** When the session was ended early; null while it is live. Ended rows go at expiry, like the rest. */
    endedAt: integer('ended_at', { mode: 'timestamp_ms' }),
    endedReason: text('ended_reason', { enum: SESSION_END_REASONS }),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/**
 * Attempts counted per key before the work they guard is done: sign-ins per
 * login, password checks per person, SIP secret rotations per person, …
 * (the key says which: api/src/services/throttle.ts). Pruned when stale.
 */
export const loginThrottle = sqliteTable(
  'login_throttle',
  {
    login: text('login').primaryKey(),
    attempts: integer('attempts').notNull(),
    windowStart: integer('window_start', { mode: 'timestamp_ms' }).notNull(),
    lockedUntil: integer('locked_until', { mode: 'timestamp_ms' }),
  },
  (t) => [index('login_throttle_window_idx').on(t.windowStart)],
);

export const avatars = sqliteTable('avatars', {
  userId: integer('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  mime: text('mime').notNull(),
  data: blob('data', { mode: 'buffer' }).notNull(),
  /** Content hash, used as the HTTP ETag. */
  etag: text('etag').notNull(),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
});

/**
 * Every admin change. Ids are plain integers, not foreign keys: the log
 * outlives the people it mentions.
 */
export const auditLog = sqliteTable('audit_log', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  at: timeDefaultNow('at'),
  actorId: integer('actor_id'),
  actorLogin: text('actor_login').notNull(),
  action: text('action').notNull(),
  targetType: text('target_type').notNull(),
  targetId: integer('target_id').notNull(),
  targetUserId: integer('target_user_id'),
  /**
   * Another person the change concerns, when there is one: for a
   * same-document revocation, whom the document was approved for.
   */
  relatedUserId: integer('related_user_id'),
  beforeStatus: text('before_status'),
  afterStatus: text('after_status'),
  reason: text('reason'),
});

export type User = typeof users.$inferSelect;
export type SipAccount = typeof sipAccounts.$inferSelect;
export type Verification = typeof verifications.$inferSelect;
export type AuditEntry = typeof auditLog.$inferSelect;

/**
 * Changes the PBX must still be told about (expire cached PJSIP objects, hang
 * up calls). Kept in the database so a change saved just before a crash or
 * during a PBX outage is still carried out: a saved revocation that the PBX
 * has not heard of has not happened yet.
 */
export const pbxOutbox = sqliteTable(
  'pbx_outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** One row per extension: a second change to the same person merges into it. */
    extension: text('extension').notNull().unique(),
    /** Hang up live calls too (disable, deletion): such rows are carried out before routine expiry. */
    hangUp: integer('hang_up', { mode: 'boolean' }).notNull(),
    /** Tell the callees of the person's live calls what they should see of them now (a name change mid-call). */
    retell: integer('retell', { mode: 'boolean' }).notNull().default(false),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at', { mode: 'timestamp_ms' }).notNull(),
    /** Bumped by every merged change: the worker removes the row only if no change came in meanwhile. */
    version: integer('version').notNull().default(0),
    createdAt: timeDefaultNow('created_at'),
    lastError: text('last_error'),
  },
  (t) => [index('pbx_outbox_due_idx').on(t.hangUp, t.nextAttemptAt)],
);

/** Small facts about the database itself, e.g. which one-time data fixes have run. */
export const appMeta = sqliteTable('app_meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});
