import "server-only";
import { newestVersionFirst } from "./compare-versions";
import { git, gitOrNull } from "./git";

export type RefInfo = {
  name: string;
  /** The commit the ref points to (an annotated tag is peeled). */
  commit: string;
  /** The commit's subject line. */
  subject: string;
  /** The commit's committer date, ISO 8601. */
  date: string;
};

export type WorkspaceRefs = {
  branches: RefInfo[];
  tags: RefInfo[];
  /** The branch HEAD is on; null when HEAD is detached. */
  head: string | null;
};

// Plain and peeled (`*`) values: for an annotated tag the peeled ones are the
// commit's, for everything else they are empty and the plain ones are.
const FIELDS = [
  "%(refname)",
  "%(objecttype)",
  "%(objectname)",
  "%(subject)",
  "%(committerdate:unix)",
  "%(*objecttype)",
  "%(*objectname)",
  "%(*subject)",
  "%(*committerdate:unix)",
];

/** Local branches and tags of a checkout, branches with HEAD's first then newest first, tags by version, newest first. */
export async function listRefs(repo: string): Promise<WorkspaceRefs> {
  const out = await git(repo, ["for-each-ref", `--format=${FIELDS.join("%00")}`, "refs/heads", "refs/tags"]);
  const symbolic = await gitOrNull(repo, ["symbolic-ref", "--quiet", "HEAD"]);
  const headRef = symbolic?.trim() ?? null;

  const branches: RefInfo[] = [];
  const tags: RefInfo[] = [];
  let head: string | null = null;
  for (const line of out.split("\n")) {
    if (!line) continue;
    const [refname = "", type, commit, subject, date, peeledType, peeledCommit, peeledSubject, peeledDate] = line.split("\0");
    const peeled = peeledType !== "";
    // Tags of trees or blobs exist but name nothing to build.
    if ((peeled ? peeledType : type) !== "commit") continue;
    const info: RefInfo = {
      name: refname.replace(/^refs\/(heads|tags)\//, ""),
      commit: (peeled ? peeledCommit : commit) ?? "",
      subject: (peeled ? peeledSubject : subject) ?? "",
      date: new Date(Number(peeled ? peeledDate : date) * 1000).toISOString(),
    };
    if (refname.startsWith("refs/heads/")) {
      branches.push(info);
      if (refname === headRef) head = info.name;
    } else {
      tags.push(info);
    }
  }
  // An unborn branch (no commit yet) is still where HEAD is.
  if (head === null && headRef?.startsWith("refs/heads/")) head = headRef.slice("refs/heads/".length);

  branches.sort((a, b) => Number(b.name === head) - Number(a.name === head) || b.date.localeCompare(a.date) || a.name.localeCompare(b.name));
  tags.sort((a, b) => newestVersionFirst(a.name, b.name));
  return { branches, tags, head };
}
