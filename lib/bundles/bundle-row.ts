import type { bundles } from "@/lib/db/schema";

export type BundleRow = typeof bundles.$inferSelect;
