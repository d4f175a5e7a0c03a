ALTER TABLE `builds` ADD `plan` text;--> statement-breakpoint
ALTER TABLE `tasks` ADD `blocklist_file` text;