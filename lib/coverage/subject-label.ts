// How the Coverage, Compare and Failures pages name a build in their
// pickers: "#12 main (succeeded)" alone does not tell two builds of one branch
// apart, so the label adds when it ran and what it was asked to do.

export type SubjectBuild = {
  id: number;
  branch: string | null;
  status: string;
  createdAt: Date;
  options: Record<string, unknown>;
  /** The commit it built, when the build recorded one. */
  commit?: string | null;
};

/** "#12 main · 2026-12-02 14:05 UTC · abc1234def56 · 3 bundles · cache kobuild/…:nightly · legacy probes · sharded over 2 engines (succeeded)". */
export function buildSubjectLabel(build: SubjectBuild): string {
  const o = build.options;
  const parts = [`#${build.id} ${build.branch ?? ""}`.trim(), build.createdAt.toISOString().replace("T", " ").slice(0, 16) + " UTC"];
  if (typeof build.commit === "string" && build.commit) parts.push(build.commit.slice(0, 12));
  if (o.useKernelsFile === true) parts.push("KERNEL_VERSIONS");
  else if (Array.isArray(o.bundleIds)) parts.push(`${o.bundleIds.length} bundle${o.bundleIds.length === 1 ? "" : "s"}`);
  else parts.push("every bundle");
  if (typeof o.cacheRepo === "string" && typeof o.cacheTag === "string") parts.push(`cache ${o.cacheRepo}/collector-drivers:${o.cacheTag}`);
  if (o.legacyProbes === true) parts.push("legacy probes");
  const sharding = o.sharding as { engines?: unknown } | null | undefined;
  if (sharding?.engines !== undefined) parts.push(sharding.engines === "all" ? "sharded over every engine" : `sharded over ${String(sharding.engines)} engines`);
  const rerun = o.rerunOf as { buildId?: unknown } | null | undefined;
  if (typeof rerun?.buildId === "number") parts.push(`re-run of #${rerun.buildId}`);
  return `${parts.join(" · ")} (${build.status})`;
}
