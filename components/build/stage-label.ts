// How the build page names a stage. BuildKit calls a Dockerfile's unnamed
// stages `stage-<k>` (k counting every FROM from 0), and the last stage is the
// one whose filesystem becomes the result: "stage-7" says neither. Only the
// page's words change; the API and the log keep BuildKit's names.

const UNNAMED = /^stage-(\d+)$/;

/** A stage's name for people: "final image" for the build's last stage when the Dockerfile left it unnamed, "stage <k>" for its other unnamed ones. */
export function stageLabel(name: string, stages: readonly { name: string }[]): string {
  const unnamed = UNNAMED.exec(name);
  if (!unnamed) return name;
  return stages.at(-1)?.name === name ? "final image" : `stage ${unnamed[1]}`;
}

/** What the label leaves out, for a tooltip: the name BuildKit's log lines carry. */
export function stageLabelTitle(name: string, stages: readonly { name: string }[]): string | undefined {
  if (!UNNAMED.test(name)) return undefined;
  return stageLabel(name, stages) === "final image" ? `the stage that makes the result; BuildKit's log calls it ${name}` : `an unnamed stage; BuildKit's log calls it ${name}`;
}
