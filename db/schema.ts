/**
 * RealCall's database: people, their SIP accounts, real-name verifications,
 * sessions, sign-in throttling, avatars and the admin audit log.
 *
 * Invariants the database itself enforces (not just the services):
 * - one SIP account and one extension per person;
 * - at most one `pending` and at most one `verified` verification per person
 *   (partial unique indexes), so "the verified record" is never ambiguous.
 */
import { sql } from 'drizzle-orm';
import { blob, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const ROLES = ['user', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** How a verified person's name is shown on their calls (DESIGN.md). */
export const NAME_PRIVACY = ['full', 'masked', 'hidden'] as const;
export type NamePrivacy = (typeof NAME_PRIVACY)[number];

export const VERIFICATION_STATUSES = ['pending', 'verified', 'rejected', 'revoked'] as const;
export type VerificationStatus = (typeof VERIFICATION_STATUSES)[number];

const timeDefaultNow = (column: string) =>
  integer(column, { mode: 'timestamp_ms' })
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`);

export const users = sqliteTable('users', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  /** Normalised e-mail address or phone number; what a person signs in with. */
  login: text('login').notNull().unique(),
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
  ],
);

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
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/** Sign-in attempts per login, counted before the password is checked. */
export const loginThrottle = sqliteTable('login_throttle', {
  login: text('login').primaryKey(),
  attempts: integer('attempts').notNull(),
  windowStart: integer('window_start', { mode: 'timestamp_ms' }).notNull(),
  lockedUntil: integer('locked_until', { mode: 'timestamp_ms' }),
});

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
export const pbxOutbox = sqliteTable('pbx_outbox', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  extension: text('extension').notNull(),
  hangUp: integer('hang_up', { mode: 'boolean' }).notNull(),
  attempts: integer('attempts').notNull().default(0),
  nextAttemptAt: integer('next_attempt_at', { mode: 'timestamp_ms' }).notNull(),
  createdAt: timeDefaultNow('created_at'),
  lastError: text('last_error'),
});
