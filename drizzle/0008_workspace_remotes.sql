ALTER TABLE `builds` ADD `commit` text;--> statement-breakpoint
ALTER TABLE `builds` ADD `commit_dirty` integer;--> statement-breakpoint
ALTER TABLE `builds` ADD `workspace_name` text;--> statement-breakpoint
ALTER TABLE `workspaces` ADD `kind` text DEFAULT 'path' NOT NULL;--> statement-breakpoint
ALTER TABLE `workspaces` ADD `url` text;--> statement-breakpoint
ALTER TABLE `workspaces` ADD `default_branch` text;--> statement-breakpoint
ALTER TABLE `workspaces` ADD `last_fetch_at` integer;--> statement-breakpoint
ALTER TABLE `workspaces` ADD `last_fetch_error` text;--> statement-breakpoint
CREATE UNIQUE INDEX `workspaces_url_unique` ON `workspaces` (`url`);