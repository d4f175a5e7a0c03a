CREATE TABLE `bundle_sources` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`location` text NOT NULL,
	`poll_minutes` integer NOT NULL,
	`created_by` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`last_polled_at` integer,
	`last_status` text,
	`last_error` text,
	`last_listed` integer,
	`last_stored` integer,
	`last_refusals` text DEFAULT '[]' NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `bundle_sources_location_unique` ON `bundle_sources` (`location`);