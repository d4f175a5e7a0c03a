CREATE TABLE `build_coverage_counts` (
	`build_id` integer NOT NULL,
	`module_version` text NOT NULL,
	`flavour` text NOT NULL,
	`built` integer NOT NULL,
	`cached` integer NOT NULL,
	`failed` integer NOT NULL,
	`unavailable` integer NOT NULL,
	`blocklisted` integer NOT NULL,
	`missing` integer NOT NULL,
	`not_planned` integer NOT NULL,
	PRIMARY KEY(`build_id`, `module_version`, `flavour`),
	FOREIGN KEY (`build_id`) REFERENCES `builds`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `build_digests` (
	`build_id` integer PRIMARY KEY NOT NULL,
	`has_image` integer NOT NULL,
	`kernels` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`build_id`) REFERENCES `builds`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `failure_group_cells` (
	`group_id` integer NOT NULL,
	`kernel` text NOT NULL,
	`module_version` text NOT NULL,
	`flavour` text NOT NULL,
	`first_build_id` integer NOT NULL,
	`last_build_id` integer NOT NULL,
	PRIMARY KEY(`group_id`, `kernel`, `module_version`, `flavour`),
	FOREIGN KEY (`group_id`) REFERENCES `failure_groups`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `failure_group_hits` (
	`group_id` integer NOT NULL,
	`build_id` integer NOT NULL,
	`failures` integer NOT NULL,
	`kernels` integer NOT NULL,
	`example_failure_id` integer NOT NULL,
	PRIMARY KEY(`group_id`, `build_id`),
	FOREIGN KEY (`group_id`) REFERENCES `failure_groups`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`build_id`) REFERENCES `builds`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `failure_group_hits_build` ON `failure_group_hits` (`build_id`);--> statement-breakpoint
CREATE TABLE `failure_group_notes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`group_id` integer NOT NULL,
	`author` text NOT NULL,
	`owner` text NOT NULL,
	`note` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`group_id`) REFERENCES `failure_groups`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `failure_group_notes_group` ON `failure_group_notes` (`group_id`,`id`);--> statement-breakpoint
CREATE TABLE `failure_groups` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` integer NOT NULL,
	`signature` text NOT NULL,
	`first_build_id` integer NOT NULL,
	`first_seen_at` integer NOT NULL,
	`last_build_id` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`last_clear_build_id` integer,
	`last_clear_at` integer,
	`builds` integer DEFAULT 0 NOT NULL,
	`kernels` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `failure_groups_signature` ON `failure_groups` (`workspace_id`,`signature`);--> statement-breakpoint
CREATE INDEX `failure_groups_first_seen` ON `failure_groups` (`workspace_id`,`first_seen_at`);