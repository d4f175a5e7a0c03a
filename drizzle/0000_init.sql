CREATE TABLE `builds` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text DEFAULT 'drivers' NOT NULL,
	`status` text DEFAULT 'queued' NOT NULL,
	`workspace_id` integer,
	`engine_id` text,
	`branch` text,
	`options` text DEFAULT '{}' NOT NULL,
	`target` text,
	`tag` text,
	`builder` text,
	`image_id` integer,
	`error` text,
	`failed_step` text,
	`warnings` text DEFAULT '[]' NOT NULL,
	`started_by` text,
	`planned_tasks` integer,
	`done_tasks` integer DEFAULT 0 NOT NULL,
	`progress` text DEFAULT '{}' NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`engine_id`) REFERENCES `engines`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`image_id`) REFERENCES `images`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `builds_status` ON `builds` (`status`);--> statement-breakpoint
CREATE INDEX `builds_created` ON `builds` (`created_at`);--> statement-breakpoint
CREATE TABLE `bundles` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kernel` text NOT NULL,
	`uname` text NOT NULL,
	`distro` text NOT NULL,
	`version` integer NOT NULL,
	`major` integer NOT NULL,
	`minor` integer NOT NULL,
	`build_dir` text NOT NULL,
	`checksum` text,
	`sha256` text NOT NULL,
	`size` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `bundles_kernel_unique` ON `bundles` (`kernel`);--> statement-breakpoint
CREATE UNIQUE INDEX `bundles_sha256_unique` ON `bundles` (`sha256`);--> statement-breakpoint
CREATE INDEX `bundles_distro` ON `bundles` (`distro`);--> statement-breakpoint
CREATE INDEX `bundles_version` ON `bundles` (`version`);--> statement-breakpoint
CREATE TABLE `drivers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`image_id` integer NOT NULL,
	`kernel` text NOT NULL,
	`module_version` text NOT NULL,
	`flavour` text NOT NULL,
	`kind` text NOT NULL,
	`path` text NOT NULL,
	`size` integer NOT NULL,
	`sha256` text,
	FOREIGN KEY (`image_id`) REFERENCES `images`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `drivers_identity` ON `drivers` (`image_id`,`kernel`,`module_version`,`flavour`);--> statement-breakpoint
CREATE INDEX `drivers_version` ON `drivers` (`image_id`,`module_version`);--> statement-breakpoint
CREATE TABLE `engines` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`url` text NOT NULL,
	`concurrency` integer DEFAULT 1 NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `engines_name_unique` ON `engines` (`name`);--> statement-breakpoint
CREATE TABLE `failures` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`image_id` integer NOT NULL,
	`kernel` text NOT NULL,
	`module_version` text NOT NULL,
	`flavour` text NOT NULL,
	`path` text NOT NULL,
	`log` text NOT NULL,
	`signature` text,
	FOREIGN KEY (`image_id`) REFERENCES `images`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `failures_identity` ON `failures` (`image_id`,`kernel`,`module_version`,`flavour`);--> statement-breakpoint
CREATE TABLE `images` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ref` text,
	`docker_id` text NOT NULL,
	`engine_id` text,
	`size` integer,
	`layers` integer,
	`image_created_at` integer,
	`read_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`engine_id`) REFERENCES `engines`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `images_docker_id` ON `images` (`docker_id`);--> statement-breakpoint
CREATE INDEX `images_ref` ON `images` (`ref`);--> statement-breakpoint
CREATE TABLE `log_lines` (
	`build_id` integer NOT NULL,
	`seq` integer NOT NULL,
	`stage` text,
	`step` text,
	`stream` integer NOT NULL,
	`ts` integer NOT NULL,
	`text` text NOT NULL,
	PRIMARY KEY(`build_id`, `seq`),
	FOREIGN KEY (`build_id`) REFERENCES `builds`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `log_lines_stage` ON `log_lines` (`build_id`,`stage`,`seq`);--> statement-breakpoint
CREATE TABLE `operations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`status` text DEFAULT 'running' NOT NULL,
	`done` integer DEFAULT 0 NOT NULL,
	`total` integer,
	`detail` text DEFAULT '{}' NOT NULL,
	`error` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`finished_at` integer
);
--> statement-breakpoint
CREATE TABLE `stages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`build_id` integer NOT NULL,
	`name` text NOT NULL,
	`position` integer NOT NULL,
	`status` text DEFAULT 'waiting' NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	FOREIGN KEY (`build_id`) REFERENCES `builds`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `stages_build_name` ON `stages` (`build_id`,`name`);--> statement-breakpoint
CREATE TABLE `steps` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`build_id` integer NOT NULL,
	`stage` text,
	`key` text NOT NULL,
	`name` text NOT NULL,
	`status` text DEFAULT 'waiting' NOT NULL,
	`error` text,
	`started_at` integer,
	`finished_at` integer,
	FOREIGN KEY (`build_id`) REFERENCES `builds`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `steps_build_key` ON `steps` (`build_id`,`key`);--> statement-breakpoint
CREATE TABLE `tasks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`build_id` integer NOT NULL,
	`kernel` text NOT NULL,
	`module_version` text NOT NULL,
	`flavour` text NOT NULL,
	`builder` text NOT NULL,
	`state` text DEFAULT 'planned' NOT NULL,
	`seconds_ms` integer,
	FOREIGN KEY (`build_id`) REFERENCES `builds`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tasks_identity` ON `tasks` (`build_id`,`kernel`,`module_version`,`flavour`);--> statement-breakpoint
CREATE TABLE `workspaces` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`path` text NOT NULL,
	`dockerfile` text DEFAULT 'kernel-modules/dockerized/Dockerfile' NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `workspaces_name_unique` ON `workspaces` (`name`);--> statement-breakpoint
CREATE UNIQUE INDEX `workspaces_path_unique` ON `workspaces` (`path`);