import { driverImageName } from "@/lib/driver-images/driver-image-name";

// The build form's cache picker: every name of the driver images kobuild
// knows (GET /api/images?source=all), as CACHE_REPO and CACHE_TAG when the
// name can be one. Pure, so what is offered and why is tested on its own.

/** An image of GET /api/images?source=all, as far as the picker reads it. */
export type ListedImage = {
  dockerId: string | null;
  refs: string[];
  registryRefs: { registry: string; ref: string }[];
  local: boolean;
  createdAt: string | null;
  totals: { drivers: number; failures: number };
  producedBy: { buildId: number; kind: string } | null;
};

export type CacheChoice = {
  ref: string;
  /** Set when the name is `<repo>/collector-drivers:<tag>`. */
  cache: { repo: string; tag: string } | null;
  /** Why it cannot be the cache, in words; null when it can. */
  unusable: string | null;
  /** Where it is and what it holds, in a few words. */
  detail: string;
};

/** One choice per name, usable ones first (newest image first, as listed), then the others with the reason. */
export function cacheChoices(images: readonly ListedImage[]): { choices: CacheChoice[]; untagged: number } {
  const usable: CacheChoice[] = [];
  const others: CacheChoice[] = [];
  const seen = new Set<string>();
  let untagged = 0;
  for (const image of images) {
    const names = [...image.refs.map((ref) => ({ ref, where: "on the engine" })), ...image.registryRefs.map((r) => ({ ref: r.ref, where: `in registry ${r.registry}` }))];
    if (names.length === 0) untagged += 1;
    for (const { ref, where } of names) {
      if (seen.has(ref)) continue;
      seen.add(ref);
      const cache = driverImageName(ref);
      const choice: CacheChoice = {
        ref,
        cache,
        unusable: cache ? null : "not named <repo>/collector-drivers:<tag>, so CACHE_REPO and CACHE_TAG cannot name it",
        detail: describe(image, where),
      };
      (cache ? usable : others).push(choice);
    }
  }
  return { choices: [...usable, ...others], untagged };
}

function describe(image: ListedImage, where: string): string {
  const parts = [where];
  const made = image.producedBy;
  if (made) parts.push(made.kind === "drivers" ? `result of build #${made.buildId}` : `result of ${made.kind} #${made.buildId}`);
  if (image.totals.drivers || image.totals.failures) parts.push(`${image.totals.drivers.toLocaleString("en")} drivers${image.totals.failures ? `, ${image.totals.failures.toLocaleString("en")} failures` : ""}`);
  if (image.createdAt) parts.push(`made ${image.createdAt.slice(0, 10)}`);
  return parts.join(" · ");
}

/** The choices whose name holds the typed text (case-insensitive); all of them for no text. */
export function matchCacheChoices(choices: readonly CacheChoice[], text: string): CacheChoice[] {
  const needle = text.trim().toLowerCase();
  return needle ? choices.filter((c) => c.ref.toLowerCase().includes(needle)) : [...choices];
}
