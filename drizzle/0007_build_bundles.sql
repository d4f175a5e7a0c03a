CREATE TABLE `build_bundles` (
	`build_id` integer NOT NULL,
	`kernel` text NOT NULL,
	`sha256` text NOT NULL,
	`size` integer NOT NULL,
	PRIMARY KEY(`build_id`, `kernel`),
	FOREIGN KEY (`build_id`) REFERENCES `builds`(`id`) ON UPDATE no action ON DELETE cascade
);
