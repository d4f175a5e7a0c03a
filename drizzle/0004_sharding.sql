ALTER TABLE `builds` ADD `parent_id` integer REFERENCES builds(id);--> statement-breakpoint
ALTER TABLE `builds` ADD `shard` integer;--> statement-breakpoint
ALTER TABLE `builds` ADD `attempt` integer;--> statement-breakpoint
CREATE INDEX `builds_parent` ON `builds` (`parent_id`);--> statement-breakpoint
ALTER TABLE `engines` ADD `cert_path` text;