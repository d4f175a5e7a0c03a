import { driverImageName } from "@/lib/driver-images/driver-image-name";

/** The drivers repositories (`<repo>/collector-drivers`) and their tags among image names, for the operation forms. */
export type DriversRepoChoice = { repo: string; tags: string[] };

export function driversRepoChoices(refs: Iterable<string>): DriversRepoChoice[] {
  const byRepo = new Map<string, Set<string>>();
  for (const ref of refs) {
    const name = driverImageName(ref);
    if (!name) continue;
    const { repo, tag } = name;
    // kobuild's own working names are no one's input.
    if (/^kobuild-(merge|tmp)-/.test(tag)) continue;
    (byRepo.get(repo) ?? byRepo.set(repo, new Set()).get(repo)!).add(tag);
  }
  return [...byRepo.entries()]
    .map(([repo, tags]) => ({ repo, tags: [...tags].sort((a, b) => a.localeCompare(b, "en", { numeric: true })) }))
    .sort((a, b) => (a.repo === "kobuild" ? -1 : b.repo === "kobuild" ? 1 : a.repo.localeCompare(b.repo)));
}

/** The body of a merge: extra tags in the order they were picked. */
export function mergeBody(form: { driversRepo: string; baseTag: string; picked: string[]; tag: string }) {
  return {
    driversRepo: form.driversRepo,
    baseTag: form.baseTag,
    extraTags: form.picked.filter((t) => t !== form.baseTag),
    ...(form.tag.trim() ? { tag: form.tag.trim() } : {}),
  };
}

/** Toggles a tag in the ordered list of picked tags: picking appends, unpicking removes. */
export function togglePicked(picked: string[], tag: string): string[] {
  return picked.includes(tag) ? picked.filter((t) => t !== tag) : [...picked, tag];
}
