import Link from "next/link";
import { Card } from "@/components/card";
import type { BuildImage, BuildViewJson } from "./build-types";

/** The options the build ran with, as the Dockerfile's build args; credentials only as set or not. */
export function BuildOptions({ build }: { build: BuildViewJson }) {
  const o = build.options;
  const flag = (v: boolean | undefined) => (v === undefined ? "—" : v ? "true" : "false");
  const rows: [string, React.ReactNode][] = [
    ["BRANCH", <code key="b">{o.branch ?? build.branch ?? "—"}</code>],
    ["LEGACY_PROBES", flag(o.legacyProbes)],
    ["USE_KERNELS_FILE", flag(o.useKernelsFile)],
    ["CACHE_REPO", o.cacheRepo ? <code key="r">{o.cacheRepo}</code> : "none (empty cache)"],
    ["CACHE_TAG", o.cacheTag ? <code key="ct">{o.cacheTag}</code> : "—"],
    ["CHECKOUT_BEFORE_PATCHING", flag(o.checkoutBeforePatching)],
    ["BUILD_JOBS", o.buildJobs ? String(o.buildJobs) : "one per CPU"],
    ["Bundles", o.bundleIds ? `${o.bundleIds.length} chosen` : "all"],
    ["Red Hat credentials", o.redhatCredentials ? "set (hidden)" : "not set"],
    ["Engines", build.parent ? `one: shard ${build.parent.shard ?? "?"} of build #${build.parent.id}` : shardingText(o.sharding)],
    ["Target", build.target ? <code key="t">{build.target}</code> : "final image"],
    ["Builder asked for", o.builder ?? "auto"],
    ["--network", o.network ?? "—"],
    ["--no-cache", flag(o.noCache)],
    ["--pull", flag(o.pull)],
  ];
  return (
    <Card title="Options">
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1.5 text-sm" data-testid="build-options">
        {rows.map(([label, value]) => (
          <div key={label} className="contents">
            <dt className="font-mono text-xs leading-5 text-slate-600 dark:text-slate-400">{label}</dt>
            <dd className="min-w-0 break-words">{value}</dd>
          </div>
        ))}
      </dl>
    </Card>
  );
}

function shardingText(sharding: BuildViewJson["options"]["sharding"]) {
  if (!sharding) return "one (the default engine)";
  const over = sharding.engines === "all" ? "every engine that answers" : `${sharding.engines} engine${sharding.engines === 1 ? "" : "s"}`;
  return `sharded over ${over}, ${sharding.registryId ? `registry #${sharding.registryId}` : "no registry"}, ${sharding.maxAttempts} attempt${sharding.maxAttempts === 1 ? "" : "s"} each`;
}

export function shortImageId(dockerId: string) {
  return dockerId.replace(/^sha256:/, "").slice(0, 12);
}

/** The image the build made, or why there is none. */
export function BuildResultImage({ build }: { build: BuildViewJson }) {
  const image: BuildImage | null = build.image;
  return (
    <Card title="Result image">
      {image ? (
        <dl className="space-y-2 text-sm" data-testid="result-image">
          <div>
            <dt className="text-xs text-slate-600 dark:text-slate-400">Reference</dt>
            <dd className="break-all font-mono">{image.ref ?? "untagged"}</dd>
          </div>
          <div>
            <dt className="text-xs text-slate-600 dark:text-slate-400">Image id</dt>
            <dd className="font-mono" title={image.dockerId}>
              {shortImageId(image.dockerId)}
            </dd>
          </div>
        </dl>
      ) : (
        <div className="text-sm text-slate-600 dark:text-slate-400">
          {build.status === "queued" || build.status === "running" ? (
            <p>
              Not yet. It will be <code className="font-mono text-slate-800 [overflow-wrap:anywhere] dark:text-slate-200">{build.tag ?? "untagged"}</code>.
            </p>
          ) : build.status === "succeeded" && build.parent ? (
            <p>
              A shard: its image went into the result of{" "}
              <Link href={`/builds/${build.parent.id}`} className="underline underline-offset-2">
                build #{build.parent.id}
              </Link>
              .
            </p>
          ) : build.status === "succeeded" ? (
            <p>{build.target ? `Built up to stage ${build.target}: no driver image is kept.` : "None recorded."}</p>
          ) : (
            <p>None: the build did not finish.</p>
          )}
        </div>
      )}
    </Card>
  );
}
