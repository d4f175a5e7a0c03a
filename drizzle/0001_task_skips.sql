ALTER TABLE `tasks` ADD `blocklist_line` integer;--> statement-breakpoint
ALTER TABLE `tasks` ADD `blocklist_rule` text;