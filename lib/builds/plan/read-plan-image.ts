import "server-only";
import type Docker from "dockerode";
import { readImageLayers } from "@/lib/docker/image/image-layer-entries";
import { wholeText } from "@/lib/docker/image/tar-entries";
import { PLAN_TASKS_PATH, PLAN_VERSIONS_PATH } from "./plan-dockerfile";
import { parseBuildTasks, type PlannedTask } from "./parse-build-tasks";

export type ModuleVersionSource = { moduleVersion: string; bpf: boolean };

/** What the build's own stages decided: the task master's tasks and the patcher's module versions. */
export type PlanFacts = { tasks: PlannedTask[]; moduleVersions: ModuleVersionSource[] };

// /build-tasks of 46,000 tasks is about 2 MB; anything far larger is not a task file.
const TASKS_MAX_BYTES = 64 * 1024 * 1024;
const ROOT = PLAN_TASKS_PATH.slice(0, PLAN_TASKS_PATH.lastIndexOf("/"));
const ROOT_IN_LAYER = ROOT.slice(1);

/**
 * Reads the plan image (see plan-dockerfile.ts) from the engine's archive of
 * it, which for an image FROM scratch of two small layers costs the engine
 * far less than a container, then removes `ref`. Plans of the same inputs
 * are the same image, and two may be read at once (a preview beside a
 * build): each reader names it with a tag of its own (readerRef("plan")), so
 * removing one tag leaves the image to the others, and the image goes with
 * the last.
 */
export async function readPlanImage(engine: Docker, ref: string, signal?: AbortSignal): Promise<PlanFacts> {
  try {
    let tasksText: string | null = null;
    const versions = new Map<string, boolean>();
    const versionsDir = PLAN_VERSIONS_PATH.slice(1);
    const tasksFile = PLAN_TASKS_PATH.slice(1);
    let seen = false;
    await readImageLayers(
      engine,
      ref,
      (_layer, entry) => {
        const name = entry.pathInImage.replace(/^\//, "");
        if (name === ROOT_IN_LAYER || name.startsWith(`${ROOT_IN_LAYER}/`)) seen = true;
        if (name === tasksFile && entry.type === "file") return wholeText(TASKS_MAX_BYTES, `/build-tasks is larger than ${TASKS_MAX_BYTES} bytes: not a task file`, (text) => (tasksText = text));
        if (!name.startsWith(`${versionsDir}/`) || entry.type !== "directory") return null;
        const [version, sub, ...rest] = name.slice(versionsDir.length + 1).split("/");
        if (!version) return null;
        if (!versions.has(version)) versions.set(version, false);
        if (sub === "bpf" && rest.length === 0) versions.set(version, true);
        return null;
      },
      signal,
    );
    if (!seen) throw new Error(`the plan image has no ${ROOT}`);
    if (tasksText === null) throw new Error(`the task master left no ${PLAN_TASKS_PATH.slice(ROOT.length)}`);
    return { tasks: parseBuildTasks(tasksText), moduleVersions: [...versions].map(([moduleVersion, bpf]) => ({ moduleVersion, bpf })) };
  } finally {
    await engine
      .getImage(ref)
      .remove({ noprune: false })
      .catch(() => undefined);
  }
}
