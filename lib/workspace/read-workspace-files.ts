import "server-only";
import fs from "node:fs/promises";
import path from "node:path";
import { DomainError } from "@/lib/domain-error";
import { git, readBlobs, resolveCommit } from "./git";
import { checkRefName, isValidRefName } from "./ref-name";

/** Where the dockerized build reads its inputs, relative to the checkout's top level. */
export const WORKSPACE_FILES = {
  moduleVersion: "kernel-modules/MODULE_VERSION",
  releasedVersions: "RELEASED_VERSIONS",
  kernelVersions: "kernel-modules/KERNEL_VERSIONS",
  blocklist: "kernel-modules/BLOCKLIST",
} as const;

export type ReleasedVersion = {
  /** A collector version: field 1 of a RELEASED_VERSIONS line, and a tag of the repository. */
  collectorVersion: string;
  /** kernel-modules/MODULE_VERSION at that tag; null unless status is "ok". */
  moduleVersion: string | null;
  status: "ok" | "missing-tag" | "missing-module-version" | "invalid-tag-name";
};

export type WorkspaceFiles = {
  /** The ref read, or null for the working tree. */
  ref: string | null;
  commit: string | null;
  moduleVersion: string | null;
  /** Collector versions of RELEASED_VERSIONS, in file order, once each; null when the file is absent. */
  releasedVersions: string[] | null;
  released: ReleasedVersion[];
  /** The module versions the released tags use, once each, in the order first met: what LEGACY_PROBES adds. */
  releasedModuleVersions: string[];
  /** Kernel ids of KERNEL_VERSIONS, blank and comment lines left out. */
  kernelVersions: string[] | null;
  /** BLOCKLIST as lines (for parseBlocklist and for line numbers). */
  blocklist: string[] | null;
};

/**
 * RELEASED_VERSIONS as the build reads it: a `#` anywhere starts a comment;
 * only lines with exactly two fields `<collector-version> <product-version>`
 * count; field 1, each once, in file order.
 */
export function parseReleasedVersions(text: string): string[] {
  const versions: string[] = [];
  for (const raw of text.split("\n")) {
    const hash = raw.indexOf("#");
    const fields = (hash >= 0 ? raw.slice(0, hash) : raw).trim().split(/\s+/).filter(Boolean);
    if (fields.length === 2 && !versions.includes(fields[0]!)) versions.push(fields[0]!);
  }
  return versions;
}

/** One kernel id per line; blank lines and `#` comment lines are skipped. */
export function parseKernelVersions(text: string): string[] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
}

function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === "") lines.pop(); // the file's final line feed ends a line, it does not start one
  return lines;
}

async function readWorkingTreeFile(root: string, rel: string): Promise<string | null> {
  try {
    return await fs.readFile(path.join(root, rel), "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR") return null;
    throw error;
  }
}

/** A branch or tag name, or a commit id. */
function checkRevision(ref: string): string {
  return /^[0-9a-f]{7,64}$/i.test(ref) ? ref : checkRefName(ref);
}

/**
 * The build's input files of a checkout: from its working tree when `ref` is
 * undefined, else as committed at `ref`. Released tags are read from the
 * repository's tags whatever `ref` is.
 */
export async function readWorkspaceFiles(repo: string, ref?: string): Promise<WorkspaceFiles> {
  const names = Object.values(WORKSPACE_FILES);
  let texts: Map<string, string | null>;
  let commit: string | null = null;
  if (ref === undefined) {
    texts = new Map(await Promise.all(names.map(async (n) => [n, await readWorkingTreeFile(repo, n)] as const)));
  } else {
    commit = await resolveCommit(repo, checkRevision(ref));
    if (commit === null) throw new DomainError("not_found", `no branch, tag or commit ${JSON.stringify(ref)} in the workspace`);
    const blobs = await readBlobs(repo, names.map((n) => `${commit}:${n}`));
    texts = new Map(names.map((n) => [n, blobs.get(`${commit}:${n}`)?.toString("utf8") ?? null]));
  }

  const releasedText = texts.get(WORKSPACE_FILES.releasedVersions) ?? null;
  const releasedVersions = releasedText === null ? null : parseReleasedVersions(releasedText);
  const released = await readReleasedModuleVersions(repo, releasedVersions ?? []);
  const moduleVersionText = texts.get(WORKSPACE_FILES.moduleVersion) ?? null;
  const kernelText = texts.get(WORKSPACE_FILES.kernelVersions) ?? null;
  const blocklistText = texts.get(WORKSPACE_FILES.blocklist) ?? null;
  return {
    ref: ref ?? null,
    commit,
    moduleVersion: moduleVersionText === null ? null : moduleVersionText.trim(),
    releasedVersions,
    released,
    releasedModuleVersions: [...new Set(released.flatMap((r) => (r.moduleVersion === null ? [] : [r.moduleVersion])))],
    kernelVersions: kernelText === null ? null : parseKernelVersions(kernelText),
    blocklist: blocklistText === null ? null : splitLines(blocklistText),
  };
}

/** kernel-modules/MODULE_VERSION at each collector version's tag, in one git call for all tags. */
async function readReleasedModuleVersions(repo: string, versions: string[]): Promise<ReleasedVersion[]> {
  if (versions.length === 0) return [];
  const tags = new Set((await git(repo, ["for-each-ref", "--format=%(refname)", "refs/tags"])).split("\n"));
  const spec = (v: string) => `refs/tags/${v}:${WORKSPACE_FILES.moduleVersion}`;
  const readable = versions.filter((v) => isValidRefName(v) && tags.has(`refs/tags/${v}`));
  const blobs = await readBlobs(repo, readable.map(spec));
  return versions.map((collectorVersion): ReleasedVersion => {
    if (!isValidRefName(collectorVersion)) return { collectorVersion, moduleVersion: null, status: "invalid-tag-name" };
    if (!tags.has(`refs/tags/${collectorVersion}`)) return { collectorVersion, moduleVersion: null, status: "missing-tag" };
    const blob = blobs.get(spec(collectorVersion));
    if (!blob) return { collectorVersion, moduleVersion: null, status: "missing-module-version" };
    return { collectorVersion, moduleVersion: blob.toString("utf8").trim(), status: "ok" };
  });
}
