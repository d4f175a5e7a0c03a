// BuildKit tells which Dockerfile stage a step belongs to only through the
// step's name: "[<stage> <i>/<n>] <instruction>". The stage is the `AS` name,
// or "stage-<k>" (k counting FROMs from 0) for an unnamed stage; the FROM of a
// stage is "[<stage> 1/<n>] FROM <image>". Helpers carry "[internal]" or
// "[auth]", or no bracket at all ("exporting to image", "copy /context /").
// Multi-platform builds put the platform first: "[linux/amd64 <stage> 2/3]".
//
// BuildKit merges identical vertexes, so a step shared by two stages (the same
// FROM, the same COPY of the context) appears once, under one stage's name
// only: map it by the name given; the other stage simply lacks that step.

export type VertexName = {
  /** The Dockerfile stage, null for helper vertexes. */
  stage: string | null;
  /** Position of the step in its stage (BuildKit) or in the Dockerfile (classic builder), from 1. */
  index?: number;
  total?: number;
  /** A helper of the build itself, not a step of the Dockerfile. */
  internal: boolean;
};

const BRACKET = /^\[([^\]]*)\]/;
const POSITION = /^(\d+)\/(\d+)$/;
const HELPERS = new Set(["internal", "auth"]);
/** The classic builder's label, "Step 3/9 : RUN ...": numbered across the whole Dockerfile, no stage. */
const CLASSIC_STEP = /^Step (\d+)\/(\d+) : /;

export function parseVertexName(name: string): VertexName {
  const bracket = BRACKET.exec(name);
  if (!bracket) {
    const classic = CLASSIC_STEP.exec(name);
    if (classic) return { stage: null, index: Number(classic[1]), total: Number(classic[2]), internal: false };
    return { stage: null, internal: true };
  }

  const words = (bracket[1] ?? "").trim().split(/\s+/).filter(Boolean);
  const position = POSITION.exec(words.at(-1) ?? "");
  if (position) {
    const stage = words.length >= 2 ? (words.at(-2) ?? null) : null;
    return { stage, index: Number(position[1]), total: Number(position[2]), internal: stage === null };
  }
  const last = words.at(-1);
  // "[internal]", "[auth]", "[linux/amd64 internal]", or a bare platform "[linux/arm64]".
  if (last === undefined || HELPERS.has(last) || last.includes("/")) return { stage: null, internal: true };
  return { stage: last, internal: false };
}
