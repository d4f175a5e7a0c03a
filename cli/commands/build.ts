import { constants } from "node:os";
import { COMMON_HELP, parseCommand, positiveInteger } from "../args";
import { apiClient, type ApiClient } from "../api-client";
import { bundleIds, workspaceId } from "../bundle-refs";
import { followBuild, type LogLine } from "../build-events";
import { resolveConnection } from "../connection";
import { EXIT, UsageError } from "../exit-codes";
import { failureReport, type FailuresView } from "../failure-report";
import type { Output } from "../output";

export const BUILD_HELP = `Usage: kobuild build --workspace W [options]

Starts a driver build (POST /api/builds) and prints its address. With --wait it
follows the log to its end (each line prefixed with its stage), prints the
failure groups, and exits 0 when the build succeeded, 1 when it did not.

Build:
  --workspace W           the workspace, by name or id (required)
  --branch B              BRANCH: the branch or tag to build (default: the workspace's default branch)
  --legacy-probes         LEGACY_PROBES: also build every released module version
  --kernels-file          USE_KERNELS_FILE: plan from KERNEL_VERSIONS instead of the bundles
  --cache-repo R          CACHE_REPO: drivers of R/collector-drivers:<cache-tag> are not built again
  --cache-tag T           CACHE_TAG (goes with --cache-repo)
  --no-checkout           CHECKOUT_BEFORE_PATCHING=false: build the workspace's uncommitted changes
  --bundle K              send only this bundle (a kernel, bundle-<kernel>.tgz or a bundle id); repeat it for more (default: every stored bundle)
  --target STAGE          build only up to this stage
  --tag REF               the result image's tag
  --build-jobs N          BUILD_JOBS: parallel compile jobs per builder
  --network N             the network of RUN steps: default, none or host (default: the workspace's)
  --no-cache              no step comes from the engine's cache
  --pull                  pull base images even when the engine has them
  --builder B             buildkit, classic or auto (default: auto)
  --engines N             split the build over N engines (or "all") and merge the shards
  --registry ID           the registry the shards' images go through (with --engines)
  Red Hat credentials, when the workspace needs them, come from REDHAT_USERNAME
  and REDHAT_PASSWORD in the environment (masked in the log, never stored).

Following:
  --wait                  follow the log to the end; the exit status is the build's
  --fail-on-driver-failures  with --wait: exit 1 also when the build succeeded but some drivers failed
  Interrupted while following (Ctrl-C, or SIGTERM when a CI job is cancelled),
  it cancels the build and exits 130 (SIGINT) or 143 (SIGTERM).

${COMMON_HELP}

With --json, stdout gets JSON only: the build as queued, or with --wait
{build, failures} at the end (the log goes to stderr).

Exit status: 0 succeeded (or queued, without --wait), 1 failed, cancelled,
interrupted or partial, 2 usage error, 3 refused by the dashboard, 4 dashboard
unreachable.`;

const OPTIONS = {
  workspace: { type: "string" },
  branch: { type: "string" },
  "legacy-probes": { type: "boolean", default: false },
  "kernels-file": { type: "boolean", default: false },
  "cache-repo": { type: "string" },
  "cache-tag": { type: "string" },
  "no-checkout": { type: "boolean", default: false },
  bundle: { type: "string", multiple: true },
  target: { type: "string" },
  tag: { type: "string" },
  "build-jobs": { type: "string" },
  network: { type: "string" },
  "no-cache": { type: "boolean", default: false },
  pull: { type: "boolean", default: false },
  builder: { type: "string" },
  engines: { type: "string" },
  registry: { type: "string" },
  wait: { type: "boolean", default: false },
  "fail-on-driver-failures": { type: "boolean", default: false },
} as const;

type BuildView = { id: number; status: string; error: string | null; failedStep: string | null; image: { id: number; ref: string } | null; tag?: string | null };

export async function buildCommand(argv: string[], output: Output): Promise<number> {
  const { values } = parseCommand(argv, OPTIONS);
  if (values.help) return output.help(BUILD_HELP);
  if (!values.workspace) throw new UsageError("--workspace is required");
  if (!values.wait && values["fail-on-driver-failures"]) throw new UsageError("--fail-on-driver-failures needs --wait");
  if (Boolean(values["cache-repo"]) !== Boolean(values["cache-tag"])) throw new UsageError("--cache-repo and --cache-tag go together");
  if (values.network && !["default", "none", "host"].includes(values.network)) throw new UsageError(`--network must be default, none or host, not "${values.network}"`);
  if (values.builder && !["auto", "buildkit", "classic"].includes(values.builder)) throw new UsageError(`--builder must be auto, buildkit or classic, not "${values.builder}"`);
  if (values.registry && !values.engines) throw new UsageError("--registry goes with --engines");
  const engines = values.engines === undefined ? undefined : values.engines === "all" ? "all" : positiveInteger(values.engines, "--engines");
  const buildJobs = values["build-jobs"] === undefined ? undefined : /^\d{1,3}$/.test(values["build-jobs"]) ? Number(values["build-jobs"]) : undefined;
  if (values["build-jobs"] !== undefined && buildJobs === undefined) throw new UsageError(`--build-jobs must be a whole number, not "${values["build-jobs"]}"`);

  const client = apiClient(resolveConnection(values));
  const body = {
    workspaceId: await workspaceId(client, values.workspace),
    branch: values.branch,
    legacyProbes: values["legacy-probes"],
    useKernelsFile: values["kernels-file"],
    cacheRepo: values["cache-repo"],
    cacheTag: values["cache-tag"],
    checkoutBeforePatching: !values["no-checkout"],
    bundleIds: values.bundle ? await bundleIds(client, values.bundle) : undefined,
    target: values.target,
    tag: values.tag,
    buildJobs,
    network: values.network,
    noCache: values["no-cache"],
    pull: values.pull,
    builder: values.builder,
    sharding: engines === undefined ? undefined : { engines, registryId: positiveInteger(values.registry, "--registry") },
    redhatUsername: process.env.REDHAT_USERNAME || undefined,
    redhatPassword: process.env.REDHAT_PASSWORD || undefined,
  };
  const build = await client.postJson<BuildView>("/api/builds", body);
  const page = `${client.url}/builds/${build.id}`;
  if (!values.wait) {
    if (values.json) output.json(build);
    else output.line(`build ${build.id} ${build.status}: ${page}`);
    return EXIT.ok;
  }
  output.note(`build ${build.id} ${build.status}: ${page}`);
  const stopCancelling = cancelOnInterrupt(client, build.id, output);
  const end = await followBuild(client, build.id, {
    line: (line) => output.log(formatLine(line)),
    reconnecting: (why) => output.note(`(the event stream broke off: ${why}; reconnecting from the last line held)`),
  }).finally(stopCancelling);
  const ended = await client.getJson<BuildView>(`/api/builds/${build.id}`);
  const failures = await client.getJson<FailuresView>(`/api/builds/${build.id}/failures`);
  const failed = end.status !== "succeeded" || (values["fail-on-driver-failures"] && failures.total > 0);
  if (values.json) {
    output.json({ build: ended, failures: { total: failures.total, groups: failures.groups.map(({ signature, count, kernels, moduleVersions, flavours, exampleFailureId }) => ({ signature, count, kernels, moduleVersions, flavours, exampleFailureId })) } });
  } else {
    output.line("");
    output.line(`build ${build.id} ${end.status}${ended.image ? `: ${ended.image.ref}` : ""}`);
    if (ended.failedStep) output.line(`failed step: ${ended.failedStep}`);
    if (end.error) output.line(`error: ${end.error}`);
    if (ended.image || failures.total > 0) {
      output.line("");
      for (const line of failureReport(failures, { failure: (id) => `${client.url}/api/failures/${id}`, all: `${client.url}/failures?build=${build.id}` })) output.line(line);
    }
    output.line("");
    output.line(page);
  }
  return failed ? EXIT.no : EXIT.ok;
}

/**
 * A CI job cancelled (SIGTERM) or a Ctrl-C (SIGINT) while following: the
 * build this command started is cancelled too, rather than left holding the
 * engine, and the command exits 128 + the signal's number, as shells do.
 */
function cancelOnInterrupt(client: ApiClient, buildId: number, output: Output): () => void {
  const handlers = (["SIGINT", "SIGTERM"] as const).map((signal) => {
    const handler = () => {
      output.note(`${signal}: cancelling build ${buildId}`);
      client
        .request(`/api/builds/${buildId}/cancel`, { method: "POST" }, [409])
        .then(
          (response) => output.note(response.status === 409 ? `build ${buildId} had ended already` : `build ${buildId} cancelled`),
          (error: unknown) => output.note(`could not cancel build ${buildId}: ${error instanceof Error ? error.message : String(error)}`),
        )
        .finally(() => process.exit(128 + constants.signals[signal]));
    };
    process.once(signal, handler);
    return () => process.off(signal, handler);
  });
  return () => handlers.forEach((off) => off());
}

/** One log line as CI shows it: its stage first, so that interleaved stages stay readable. */
export function formatLine(line: LogLine): string {
  return `[${line.stage ?? "kobuild"}] ${line.text}`;
}
