CREATE TABLE `app_meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `login_codes` (
	`user_id` integer PRIMARY KEY NOT NULL,
	`code_hash` text NOT NULL,
	`sent_to` text NOT NULL,
	`expires_at` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`sent_at` integer NOT NULL,
	`sends_in_window` integer NOT NULL,
	`window_start` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `pbx_outbox` ADD `version` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `login_kind` text DEFAULT 'email' NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `login_proven_at` integer;--> statement-breakpoint
-- Hand-written data steps (RealCall): what each existing row becomes, before the new unique indexes.
-- Logins without an @ are phone numbers; their full normalisation runs in api/src/services/logins.ts.
UPDATE `users` SET `login_kind` = 'phone' WHERE `login` NOT LIKE '%@%';--> statement-breakpoint
-- One outbox row per extension: merge duplicates (hang up if any asked for it, due at the earliest).
UPDATE `pbx_outbox` SET
	`hang_up` = (SELECT max(o.`hang_up`) FROM `pbx_outbox` o WHERE o.`extension` = `pbx_outbox`.`extension`),
	`next_attempt_at` = (SELECT min(o.`next_attempt_at`) FROM `pbx_outbox` o WHERE o.`extension` = `pbx_outbox`.`extension`),
	`attempts` = 0;--> statement-breakpoint
DELETE FROM `pbx_outbox` WHERE `id` NOT IN (SELECT min(`id`) FROM `pbx_outbox` GROUP BY `extension`);--> statement-breakpoint
-- One document, one verified person: a later verification of a document that already verifies someone
-- is revoked (kept, with the reason), and the audit log says so; the admin decides what happens next.
INSERT INTO `audit_log` (`actor_id`, `actor_login`, `action`, `target_type`, `target_id`, `target_user_id`, `before_status`, `after_status`, `reason`)
SELECT NULL, 'system (migration 0002)', 'verification.revoke.duplicate_document', 'verification', v.`id`, v.`user_id`, 'verified', 'revoked',
	'The same identity document already verifies another person (verification ' ||
	(SELECT min(w.`id`) FROM `verifications` w WHERE w.`status` = 'verified' AND w.`id_hash` = v.`id_hash`) || ').'
FROM `verifications` v
WHERE v.`status` = 'verified'
	AND EXISTS (SELECT 1 FROM `verifications` w WHERE w.`status` = 'verified' AND w.`id_hash` = v.`id_hash` AND w.`id` < v.`id`);--> statement-breakpoint
UPDATE `verifications` SET
	`status` = 'revoked',
	`reason` = 'The same identity document already verifies another person.',
	`decided_at` = CAST(unixepoch('subsec') * 1000 AS INTEGER),
	`decided_by` = NULL
WHERE `status` = 'verified'
	AND EXISTS (SELECT 1 FROM `verifications` w WHERE w.`status` = 'verified' AND w.`id_hash` = `verifications`.`id_hash` AND w.`id` < `verifications`.`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `pbx_outbox_extension_unique` ON `pbx_outbox` (`extension`);--> statement-breakpoint
CREATE INDEX `pbx_outbox_due_idx` ON `pbx_outbox` (`hang_up`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `login_throttle_window_idx` ON `login_throttle` (`window_start`);--> statement-breakpoint
CREATE UNIQUE INDEX `verifications_one_person_per_document` ON `verifications` (`id_hash`) WHERE status = 'verified';--> statement-breakpoint
CREATE INDEX `verifications_id_hash_idx` ON `verifications` (`id_hash`);