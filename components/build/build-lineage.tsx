import Link from "next/link";
import type { BuildViewJson } from "./build-types";

/** Where a build comes from, when another build made it: a shard of a sharded build, or a re-run of a finished one. */
export function BuildLineage({ build }: { build: BuildViewJson }) {
  const rerunOf = build.options.rerunOf;
  if (!build.parent && !rerunOf) return null;
  return (
    <p data-testid="build-lineage" className="mb-3 rounded-md border border-sky-400 bg-sky-50 px-3 py-2 text-sm text-sky-950 dark:border-sky-700 dark:bg-sky-950/40 dark:text-sky-50">
      {build.parent ? (
        <>
          <span className="font-semibold">
            Shard {build.parent.shard ?? "?"} (attempt {build.parent.attempt ?? 1})
          </span>{" "}
          of sharded build{" "}
          <Link href={`/builds/${build.parent.id}`} className="font-semibold underline underline-offset-2">
            #{build.parent.id}
          </Link>
          {build.engine ? `, on engine ${build.engine.name}` : ""}. Its drivers are merged into that build&apos;s image.
        </>
      ) : rerunOf ? (
        <>
          <span className="font-semibold">Re-run of build </span>
          <Link href={`/builds/${rerunOf.buildId}`} className="font-semibold underline underline-offset-2">
            #{rerunOf.buildId}
          </Link>{" "}
          <span className="font-semibold">
            ({rerunOf.tasks} task{rerunOf.tasks === 1 ? "" : "s"})
          </span>
          : only what failed or was missing there is built again, and merged onto its image.
        </>
      ) : null}
    </p>
  );
}
