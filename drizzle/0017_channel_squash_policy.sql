ALTER TABLE `channels` ADD `squash_above_layers` integer;--> statement-breakpoint
ALTER TABLE `channels` ADD `published_layers` integer;--> statement-breakpoint
ALTER TABLE `channels` ADD `published_squashed` integer;