import fs from "node:fs";
import path from "node:path";

// What `npm run sample` picked, as scripts/sample-bundles.sh recorded it in
// sample-bundles.json: which kernel plays which part changes whenever Debian
// publishes one, so tests read it here instead of naming a kernel.

export type SampleRole = "older" | "newest" | "flavour" | "series" | "failing";
export type SampleBundle = { role: SampleRole; kernel: string; file: string; size: number; sha256: string };

export type SampleRecord = {
  /** The directory of the bundle files. */
  bundleDir: string;
  bundles: SampleBundle[];
  byRole(role: SampleRole): SampleBundle;
  /** Full path of a bundle's file. */
  fileOf(bundle: SampleBundle): string;
};

export function readSampleRecord(cacheDir = process.env.KOBUILD_CACHE_DIR ?? path.join(__dirname, "..", "data", "cache")): SampleRecord {
  const file = path.join(cacheDir, "sample-bundles.json");
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run scripts/sample-bundles.sh first`);
  const bundles = (JSON.parse(fs.readFileSync(file, "utf8")) as { kernels: SampleBundle[] }).kernels;
  const bundleDir = path.join(cacheDir, "bundles");
  return {
    bundleDir,
    bundles,
    byRole(role) {
      const found = bundles.find((b) => b.role === role);
      if (!found) throw new Error(`the sample has no bundle in the role ${role}`);
      return found;
    },
    fileOf: (bundle) => path.join(bundleDir, bundle.file),
  };
}
