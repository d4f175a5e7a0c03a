CREATE TABLE `build_inputs` (
	`build_id` integer NOT NULL,
	`role` text NOT NULL,
	`ref` text NOT NULL,
	`docker_id` text,
	`repo_digest` text,
	`stages` text DEFAULT '[]' NOT NULL,
	`image_record_id` integer,
	PRIMARY KEY(`build_id`, `role`, `ref`),
	FOREIGN KEY (`build_id`) REFERENCES `builds`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`image_record_id`) REFERENCES `images`(`id`) ON UPDATE no action ON DELETE set null
);
