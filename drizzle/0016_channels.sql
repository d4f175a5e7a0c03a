CREATE TABLE `channel_builds` (
	`channel_id` integer NOT NULL,
	`build_id` integer NOT NULL,
	`trigger` text NOT NULL,
	`kernels` text DEFAULT '[]' NOT NULL,
	`waiting_since` integer,
	`outcome` text,
	`ended_at` integer,
	PRIMARY KEY(`channel_id`, `build_id`),
	FOREIGN KEY (`channel_id`) REFERENCES `channels`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`build_id`) REFERENCES `builds`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `channels` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`workspace_id` integer NOT NULL,
	`branch` text NOT NULL,
	`legacy_probes` integer DEFAULT false NOT NULL,
	`image` text NOT NULL,
	`registry_id` integer,
	`on_bundle_stored` integer DEFAULT true NOT NULL,
	`schedule` text,
	`last_scheduled_at` integer,
	`state` text DEFAULT 'new' NOT NULL,
	`reason` text,
	`held_cells` text DEFAULT '[]' NOT NULL,
	`published_image_id` integer,
	`published_docker_id` text,
	`published_commit` text,
	`published_at` integer,
	`current_build_id` integer,
	`held_build_id` integer,
	`sync_pending` integer DEFAULT false NOT NULL,
	`created_by` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`registry_id`) REFERENCES `registries`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`published_image_id`) REFERENCES `images`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`current_build_id`) REFERENCES `builds`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`held_build_id`) REFERENCES `builds`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `channels_name_unique` ON `channels` (`name`);