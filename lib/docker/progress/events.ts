// kobuild's own vocabulary for what happens during an image build. The
// decoders translate both of the engine's builders (BuildKit and the classic
// builder) into these events, so nothing downstream knows which one ran.

export type StepStatus = "waiting" | "running" | "cached" | "done" | "failed" | "cancelled";

export type BuildEvent =
  /**
   * A step changed status. `key` is the BuildKit vertex digest, or `step-<i>` for the classic
   * builder. `name` is the builder's own label for the step, as `docker build` prints it.
   * `stage` is the Dockerfile stage (`AS` name, or `stage-<k>` when unnamed), null for helpers.
   */
  | {
      type: "step";
      key: string;
      stage: string | null;
      name: string;
      status: StepStatus;
      startedAt?: number;
      finishedAt?: number;
      error?: string;
    }
  /** One complete line of a step's output, without its newline; ts in ms since the epoch. */
  | { type: "log"; key: string; stage: string | null; stream: 1 | 2; ts: number; text: string }
  /** The id of the image the build produced (sha256:...). */
  | { type: "image"; id: string }
  /** The build failed; the message is the engine's. */
  | { type: "error"; message: string }
  | { type: "warning"; message: string; kind: "log-clipped" | "other" };

export type StepEvent = Extract<BuildEvent, { type: "step" }>;
export type LogEvent = Extract<BuildEvent, { type: "log" }>;

/** Turns the parsed messages of one build response into events; end() once the response is over. */
export type BuildDecoder = { push(message: unknown): BuildEvent[]; end(): BuildEvent[] };

/** Key of log lines that belong to the build as a whole, not to one step (e.g. "Successfully tagged"). */
export const BUILD_LOG_KEY = "kobuild";

export const TERMINAL_STATUSES: ReadonlySet<StepStatus> = new Set(["cached", "done", "failed", "cancelled"]);
