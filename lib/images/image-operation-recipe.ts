import "server-only";
import path from "node:path";
import { eq } from "drizzle-orm";
import { dockerfileContext } from "@/lib/builds/build-context";
import type { BuildRecipe, BuildSession } from "@/lib/builds/build-session";
import { parseDockerfileStages } from "@/lib/builds/dockerfile-stages";
import { readDriverImageOnce } from "@/lib/driver-images/store-driver-image";
import { builds } from "@/lib/db/schema";
import { operationInputs } from "./operation-inputs";
import { operationOptionsOf } from "@/lib/build-options";
import { readOperationDockerfile } from "@/lib/workspace/operation-dockerfile";
import { removeTag, temporaryRef } from "@/lib/builds/temporary-tags";
import { pullInputs, settleResult } from "./operation-result";
import { layerWarning } from "@/lib/driver-images/layer-limit";
import { instanceId } from "@/lib/system/instance-id";
import { recordBuildInputs } from "@/lib/builds/record-build-inputs";


/** The recipe of an image operation, by the build's kind. */
export function imageOperationRecipe(kind: "merge" | "squash" | "collector"): BuildRecipe {
  switch (kind) {
    case "merge":
      return mergeRecipe;
    case "squash":
      return squashRecipe;
    case "collector":
      return collectorRecipe;
  }
}

async function dockerfileOf(session: BuildSession, kind: "merge" | "squash" | "collector") {
  const dockerfile = await readOperationDockerfile(session.db, kind, session.build.workspaceId);
  return { ...dockerfile, stages: parseDockerfileStages(dockerfile.text) };
}

/** Reads each input once (an image read before is not read again) and says what it holds. */
async function readInputs(session: BuildSession, refs: string[]) {
  const read: Awaited<ReturnType<typeof readDriverImageOnce>>[] = [];
  for (const ref of refs) {
    const input = await readDriverImageOnce(session.db, session.engine, ref, { signal: session.signal });
    session.note(`${ref}: ${input.drivers.length} driver file(s) and marker(s), ${input.layers ?? "?"} layer(s)`);
    read.push(input);
  }
  // Each driver of the result traces back through the input it came from.
  await recordBuildInputs(session.db, session.engine, session.buildId, refs.map((ref, i) => ({ role: "input", ref, imageRecordId: read[i]!.imageId })));
  return read;
}

/**
 * Merges the extra tags onto the base one after the other, with the
 * Dockerfile.merge of the workspace (or kobuild's): each merge is a stage of
 * this build, "k of n merged" its progress. Intermediate results live under
 * temporary tags in the drivers repository (where Dockerfile.merge looks).
 */
const mergeRecipe: BuildRecipe = async (session) => {
  const o = operationOptionsOf(session.build, "merge");
  const dockerfile = await dockerfileOf(session, "merge");
  const n = o.extraTags.length;
  session.declareStages(o.extraTags.map((t) => `merge ${t}`));
  const inputs = operationInputs(o);
  session.note(`merging ${n} image(s) onto ${inputs[0]} with ${dockerfile.source}`);
  await pullInputs(session, inputs);
  const read = await readInputs(session, inputs);
  const baseLayers = read[0]!.layers;
  if (baseLayers !== null) {
    // Dockerfile.merge adds two layers (two COPY) per merged image.
    const warning = layerWarning(`the result of merging ${n} image(s) onto ${inputs[0]}`, baseLayers + 2 * n);
    if (warning) session.warn(warning);
  }

  const temporary = (k: number) => `${o.driversRepo}/collector-drivers:kobuild-merge-${session.buildId}-${instanceId()}-${k}`;
  let base = o.baseTag;
  try {
    for (const [i, extra] of o.extraTags.entries()) {
      const k = i + 1;
      const stage = `merge ${extra}`;
      await session.runOnEngine(
        {
          context: dockerfileContext(dockerfile.text),
          dockerfile: "Dockerfile",
          stages: dockerfile.stages,
          // Both spellings of each argument: the real Dockerfile.merge reads DRIVER_*, the seed's DRIVERS_REPO / EXTRA_DRIVERS.
          buildargs: { DRIVER_REPO: o.driversRepo, DRIVERS_REPO: o.driversRepo, BASE_TAG: base, DRIVER_TAG: extra, EXTRA_DRIVERS: extra },
          tag: temporary(k),
        },
        { stage, keyPrefix: `${k}:` },
      );
      if (k > 1) await removeTag(session, temporary(k - 1));
      base = temporary(k).split(":").pop()!;
      session.setProgress(k, n);
      session.note(`${k} of ${n} merged (${extra})`, stage);
    }
    const stored = await settleResult(session, { temporary: temporary(n), output: session.build.tag!, inputs, inputPaths: read.map((r) => r.drivers.map((d) => d.path)) });
    return { imageRecordId: stored.imageId };
  } finally {
    for (let k = 1; k <= n; k++) await removeTag(session, temporary(k));
  }
};

/** Copies the drivers and failures into a fresh base: two layers, however many the input had. */
const squashRecipe: BuildRecipe = async (session) => {
  const o = operationOptionsOf(session.build, "squash");
  const dockerfile = await dockerfileOf(session, "squash");
  session.declareStages(dockerfile.stages);
  const [input] = operationInputs(o) as [string];
  session.note(`squashing ${input} with ${dockerfile.source}`);
  await pullInputs(session, [input]);
  const [read] = await readInputs(session, [input]);
  session.db.update(builds).set({ options: { ...o, layersBefore: read!.layers, inputImageId: read!.imageId } }).where(eq(builds.id, session.buildId)).run();
  const warning = layerWarning(input, read!.layers);
  if (warning) session.warn(warning);
  const temporary = temporaryRef("squash", session.buildId);
  try {
    await session.runOnEngine({
      context: dockerfileContext(dockerfile.text),
      dockerfile: "Dockerfile",
      stages: dockerfile.stages,
      buildargs: { DRIVERS_REPO: o.driversRepo, DRIVERS_TAG: o.driversTag },
      tag: temporary,
    });
    const stored = await settleResult(session, { temporary, output: session.build.tag!, inputs: [input], inputPaths: [read!.drivers.map((d) => d.path)] });
    session.note(`layers: ${read!.layers ?? "?"} before, ${stored.layers ?? "?"} after`);
    return { imageRecordId: stored.imageId };
  } finally {
    await removeTag(session, temporary);
  }
};

/** The -slim collector image with one module version's drivers flat in /kernel-modules. */
const collectorRecipe: BuildRecipe = async (session) => {
  const o = operationOptionsOf(session.build, "collector");
  const dockerfile = await dockerfileOf(session, "collector");
  session.declareStages(dockerfile.stages);
  const [slim, driversRef] = operationInputs(o) as [string, string];
  session.note(`adding the drivers of module version ${o.moduleVersion} in ${driversRef} to ${slim} with ${dockerfile.source}`);
  await pullInputs(session, [slim, driversRef]);
  const [read] = await readInputs(session, [driversRef]);
  await recordBuildInputs(session.db, session.engine, session.buildId, [{ role: "base", ref: slim }]);
  // Dockerfile.collector copies *.gz only: unavailability markers stay behind.
  const expected = read!.drivers.filter((d) => d.moduleVersion === o.moduleVersion && d.kind === "driver").map((d) => `/kernel-modules/${path.posix.basename(d.path)}`);
  if (expected.length === 0) {
    const versions = [...new Set(read!.drivers.map((d) => d.moduleVersion))].sort();
    throw new Error(`${driversRef} holds no driver of module version ${o.moduleVersion}${versions.length ? ` (it has ${versions.join(", ")})` : ""}`);
  }
  const temporary = temporaryRef("collector", session.buildId);
  try {
    await session.runOnEngine({
      context: dockerfileContext(dockerfile.text),
      dockerfile: "Dockerfile",
      stages: dockerfile.stages,
      buildargs: { COLLECTOR_REPO: o.collectorRepo, COLLECTOR_TAG: o.collectorTag, DRIVERS_REPO: o.driversRepo, DRIVERS_TAG: o.driversTag, MODULE_VERSION: o.moduleVersion },
      tag: temporary,
    });
    const stored = await settleResult(session, {
      temporary,
      output: session.build.tag!,
      inputs: [slim, driversRef],
      inputPaths: [expected],
      flatModuleVersion: o.moduleVersion,
    });
    return { imageRecordId: stored.imageId };
  } finally {
    await removeTag(session, temporary);
  }
};
