// Decodes a classic-builder build response (`buildImage` without `version`)
// into kobuild's build events: the same steps, stages and lines as BuildKit's.
//
// What the classic builder (engine 20.10) actually sends, all as `{"stream"}` text:
//   "Step 3/9 : RUN ..." then "\n" as a separate message;
//   " ---> Using cache" for a cached step; " ---> Running in <id>" before a
//   container's output; the output itself in chunks that ignore line ends,
//   stderr chunks wrapped in ESC[91m ... ESC[0m; "Removing intermediate
//   container <id>"; " ---> <id>" once the step is committed. Each stage ends
//   with `{"aux":{"ID"}}`; the last one is the image. It builds every stage,
//   one after the other. A failure ends with `{error, errorDetail}`.
//
// Podman's Docker-compatible service (4.x) speaks Buildah's dialect instead:
//   "[2/3] STEP 1/4: FROM ..." (stage of all, then step of that stage; no
//   "[i/n] " with one stage), output and stderr as plain lines, no container
//   id, "--> Using cache <id>" for a cached step, "COMMIT <name>" and
//   "--> <id>" once committed, and one `{"aux":{"ID"}}` at the very end.
import { BUILD_LOG_KEY, type BuildDecoder, type BuildEvent, type StepEvent, type StepStatus } from "./events";
import { errorText, isErrorMessage, isObject } from "./engine-message";
import { createLineAssembler, type AssembledLine } from "./line-assembler";
import { LINE_CUT_MARKER, MAX_LINE_BYTES } from "./line-cut";

export type ClassicDecoderOptions = {
  /** The classic builder sends no times: steps and lines are stamped when they arrive. */
  now?: () => number;
};

const STEP = /^Step (\d+)\/(\d+) : (.*)$/;
const PODMAN_STEP = /^(?:\[\d+\/\d+\] )?STEP \d+\/\d+: (.*)$/;
/** FROM [--platform=...] <image> [AS <name>]; the stage's name as BuildKit would print it. */
const FROM = /^FROM\s+(?:--\S+\s+)*\S+(?:\s+AS\s+(\S+))?\s*$/i;
/** Text the builder itself writes, each time at the start of a message. */
const BUILDER_MESSAGE = /^(Step \d+\/\d+ : | ---> |Removing intermediate container |Successfully built |Successfully tagged |(?:\[\d+\/\d+\] )?STEP \d+\/\d+: |--> |COMMIT )/;
/** While a container runs, only its end is the builder's: its output may itself look like anything else. */
const CONTAINER_END = /^(Removing intermediate container \S+\n| ---> [0-9a-f]+\n)/;
const COMMITTED = /^ ?---> [0-9a-f]+$|^--> [0-9a-f]+$/;
const STDERR_START = "\x1b[91m";
const STDERR_END = "\x1b[0m";

type Step = { key: string; stage: string | null; name: string; status: StepStatus; startedAt: number };
type LineMeta = { stream: 1 | 2; ts: number };

export function createClassicDecoder(options: ClassicDecoderOptions = {}): BuildDecoder {
  const now = options.now ?? Date.now;
  const output = createLineAssembler<LineMeta>(); // the running container's stdout ("1") and stderr ("2")
  let builderLine = ""; // an unfinished line of the builder's own text ("Step ..." waits for its "\n")
  let builderLineCut = false; // it passed MAX_LINE_BYTES: the rest, up to its newline, is dropped
  let step: Step | undefined;
  let froms = 0;
  let steps = 0; // Podman numbers steps per stage: keys count them over the whole file, as Docker's do
  let inContainer = false;
  let imageId: string | undefined;
  let failed = false;

  const stepEvent = (s: Step, extra: Partial<StepEvent> = {}): StepEvent => ({
    type: "step",
    key: s.key,
    stage: s.stage,
    name: s.name,
    status: s.status,
    startedAt: s.startedAt,
    ...extra,
  });

  /** Ends the running step; a step already cached or failed keeps that status. */
  const finishStep = (status: "done" | "failed", error?: string): BuildEvent[] => {
    if (!step || step.status !== "running") return [];
    step.status = status;
    return [stepEvent(step, error ? { finishedAt: now(), error } : { finishedAt: now() })];
  };

  const stepLog = (text: string, stream: 1 | 2, ts: number): BuildEvent => ({
    type: "log",
    key: step?.key ?? BUILD_LOG_KEY,
    stage: step?.stage ?? null,
    stream,
    ts,
    text,
  });

  const outputLogs = (lines: AssembledLine<LineMeta>[]) => lines.map(({ text, meta }) => stepLog(text, meta.stream, meta.ts));

  /** Adds to the builder's unfinished line, up to MAX_LINE_BYTES characters (close enough to bytes for a cap). */
  const appendBuilderText = (piece: string) => {
    if (builderLineCut) return;
    const room = MAX_LINE_BYTES - builderLine.length;
    builderLine += piece.length > room ? piece.slice(0, room) : piece;
    if (piece.length > room) builderLineCut = true;
  };

  const builderLines = (text: string): BuildEvent[] => {
    const events: BuildEvent[] = [];
    let start = 0;
    for (let nl = text.indexOf("\n"); nl !== -1; nl = text.indexOf("\n", start)) {
      appendBuilderText(text.slice(start, nl));
      start = nl + 1;
      const line = builderLine.replace(/\r$/, "") + (builderLineCut ? LINE_CUT_MARKER : "");
      builderLine = "";
      builderLineCut = false;
      events.push(...builderLineEvents(line));
    }
    appendBuilderText(text.slice(start));
    return events;
  };

  const builderLineEvents = (line: string): BuildEvent[] => {
    const docker = STEP.exec(line);
    const podman = docker ? null : PODMAN_STEP.exec(line);
    if (docker || podman) {
      const events = finishStep("done");
      steps += 1;
      const instruction = (docker ? docker[3] : podman![1]) ?? "";
      const from = FROM.exec(instruction);
      let stage = step?.stage ?? null;
      if (from) {
        // Unnamed stages are "stage-<k>", k counting every FROM from 0, as BuildKit names them.
        stage = from[1]?.toLowerCase() ?? `stage-${froms}`;
        froms += 1;
      }
      step = { key: `step-${docker ? docker[1] : steps}`, stage, name: line, status: "running", startedAt: now() };
      inContainer = false;
      events.push(stepEvent(step));
      return events;
    }
    if (line.startsWith("Successfully built ") || line.startsWith("Successfully tagged ")) {
      return [{ type: "log", key: BUILD_LOG_KEY, stage: null, stream: 1, ts: now(), text: line }];
    }
    // The bookkeeping lines stay in the step's log: they are what `docker build` shows there too.
    const events: BuildEvent[] = [stepLog(line, 1, now())];
    if ((line === " ---> Using cache" || line.startsWith("--> Using cache ")) && step?.status === "running") {
      step.status = "cached";
      events.push(stepEvent(step, { finishedAt: now() }));
    } else if (line.startsWith(" ---> Running in ")) {
      inContainer = true;
    } else if (line.startsWith("Removing intermediate container ")) {
      inContainer = false;
    } else if (COMMITTED.test(line)) {
      inContainer = false;
      events.push(...finishStep("done"));
    }
    return events;
  };

  const streamText = (text: string): BuildEvent[] => {
    if (text.startsWith(STDERR_START)) {
      const inner = text.slice(STDERR_START.length, text.endsWith(STDERR_END) ? -STDERR_END.length : undefined);
      return outputLogs(output.push("2", Buffer.from(inner), { stream: 2, ts: now() }));
    }
    const builderSpeaks = builderLine !== "" || (inContainer ? CONTAINER_END.test(text) : BUILDER_MESSAGE.test(text));
    if (!builderSpeaks) return outputLogs(output.push("1", Buffer.from(text), { stream: 1, ts: now() }));
    // The container's unfinished last line (output without a final newline) ends where the builder speaks.
    return [...outputLogs(output.flushAll()), ...builderLines(text)];
  };

  const flushAll = (): BuildEvent[] => {
    const events = outputLogs(output.flushAll());
    if (builderLine !== "") events.push(...builderLines("\n"));
    return events;
  };

  return {
    push(message) {
      if (!isObject(message)) return [];
      if (typeof message.stream === "string") return streamText(message.stream);
      if (isObject(message.aux) && typeof message.aux.ID === "string") {
        // One per stage: only the last is the image, and only the end of the response tells which is last.
        imageId = message.aux.ID;
        return [];
      }
      if (isErrorMessage(message)) {
        const text = errorText(message);
        failed = true;
        return [...flushAll(), ...finishStep("failed", text), { type: "error", message: text }];
      }
      if (typeof message.kobuildUnparsed === "string") return [stepLog(message.kobuildUnparsed, 1, now())];
      return []; // pull progress ({status, progressDetail}) and anything newer
    },
    end() {
      const events = flushAll();
      if (!failed && imageId) events.push(...finishStep("done"), { type: "image", id: imageId });
      return events;
    },
  };
}
