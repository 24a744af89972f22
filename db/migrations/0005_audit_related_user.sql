ALTER TABLE `audit_log` ADD `related_user_id` integer;--> statement-breakpoint
-- Hand-written data step (RealCall): a same-document revocation written before this migration named the
-- approved verification only in an English note at the end of its reason ("… (the document was approved for
-- verification 12)"). Whose that verification is, is recorded now as for new entries; the reason is left as
-- it was written (the page reads the note away).
UPDATE `audit_log` SET `related_user_id` = (
	SELECT v.`user_id` FROM `verifications` v
	WHERE v.`id` = CAST(substr(`audit_log`.`reason`, length(rtrim(`audit_log`.`reason`, '0123456789)')) + 1) AS INTEGER)
)
WHERE `action` = 'verification.revoke.same_document'
	AND `reason` LIKE '% (the document was approved for verification %)'
	AND rtrim(`reason`, '0123456789)') LIKE '% (the document was approved for verification ';
