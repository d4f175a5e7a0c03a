import { describe, expect, it } from "vitest";
import { createBuildKitDecoder } from "./buildkit-decoder";
import { statusResponseType, type StatusResponse } from "./buildkit-status";
import { parseTaskLine } from "./build-driver-progress";
import type { BuildEvent, LogEvent, StepEvent } from "./events";
import { parseVertexName } from "./parse-vertex-name";
import { expectedLines, FAILING_COMMAND } from "./__recordings__/fixture";
import { decodeRecording, loadRecording, stageLines } from "./__recordings__/load-recording";

const CHUNK_SIZES = [1, 7, 4096, Infinity];
const clock = () => 42; // only plain `stream` messages use it

const steps = (events: BuildEvent[]) => events.filter((e): e is StepEvent => e.type === "step");
const logs = (events: BuildEvent[]) => events.filter((e): e is LogEvent => e.type === "log");
/** The last status each step reached. */
const finalSteps = (events: BuildEvent[]) => new Map(steps(events).map((e) => [e.key, e]));

describe("createBuildKitDecoder on a recorded multi-stage build", () => {
  const { info, raw } = loadRecording("buildkit-multistage");
  const events = decodeRecording(raw, createBuildKitDecoder({ now: clock }), 4096);

  it("decodes the same events whatever the chunk size", () => {
    for (const size of CHUNK_SIZES) expect(decodeRecording(raw, createBuildKitDecoder({ now: clock }), size)).toEqual(events);
  });

  it.each(["rhel-7", "rhel-8"] as const)("delivers every line %s printed once, in order, whole, on its stream", (builder) => {
    expect(stageLines(events, `${builder}-builder`)).toEqual(expectedLines(builder));
  });

  it("joins the line BuildKit sent in several chunks, and keeps its first 64 KiB with a marker", () => {
    const long = logs(events).filter((e) => e.text.startsWith("rhel-8 long "));
    expect(long).toHaveLength(1);
    expect(long[0]!.text).toMatch(/^rhel-8 long 1,2,3,(\d+,)+\d* … \[kobuild: line cut at 64 KiB\]$/);
    expect(Buffer.byteLength(long[0]!.text)).toBe(64 * 1024 + Buffer.byteLength(" … [kobuild: line cut at 64 KiB]"));
  });

  it("keeps UTF-8 intact", () => {
    expect(logs(events).filter((e) => e.text.includes("é 漢字 ünïcødé ✓"))).toHaveLength(2);
    expect(logs(events).some((e) => e.text.includes("\ufffd"))).toBe(false);
  });

  it("finds exactly the Dockerfile's stages", () => {
    const stages = new Set(steps(events).flatMap((e) => (e.stage ? [e.stage] : [])));
    expect([...stages].sort()).toEqual([...info.stages].sort());
  });

  it("reports each status change once, ending every step done or cached, with BuildKit's times", () => {
    for (const [key, last] of finalSteps(events)) {
      const own = steps(events).filter((e) => e.key === key);
      expect(new Set(own.map((e) => e.status)).size, key).toBe(own.length);
      expect(["done", "cached"], last.name).toContain(last.status);
      expect(last.finishedAt).toBeGreaterThanOrEqual(last.startedAt!);
    }
    const run = steps(events).filter((e) => e.name.startsWith("[rhel-7-builder 3/3] RUN"));
    expect(run.map((e) => e.status)).toEqual(["waiting", "running", "done"]);
  });

  it("puts each log line between its step's start and end, stamped with BuildKit's time", () => {
    for (const log of logs(events).filter((e) => e.key !== "kobuild")) {
      const own = steps(events).filter((e) => e.key === log.key);
      const started = events.indexOf(own.find((e) => e.status === "running")!);
      const done = events.indexOf(own.find((e) => e.status === "done")!);
      expect(events.indexOf(log)).toBeGreaterThan(started);
      expect(events.indexOf(log)).toBeLessThan(done);
      expect(log.ts).toBeGreaterThanOrEqual(own.at(-1)!.startedAt!);
      expect(log.ts).toBeLessThanOrEqual(own.at(-1)!.finishedAt!);
    }
  });

  it("marks helper vertexes as no stage", () => {
    const helpers = steps(events).filter((e) => e.stage === null);
    expect(helpers.map((e) => e.name)).toContain("exporting to image");
    for (const helper of helpers) expect(parseVertexName(helper.name).internal).toBe(true);
  });

  it("reports the image id the engine gave the tag, and no error", () => {
    expect(events.filter((e) => e.type === "image")).toEqual([{ type: "image", id: info.imageId }]);
    expect(events.filter((e) => e.type === "error" || e.type === "warning")).toEqual([]);
    expect(logs(events).filter((e) => e.key === "kobuild").map((e) => e.text)).toEqual([
      "Successfully tagged kobuild-test/progress:buildkit-multistage",
    ]);
  });

  it("carries the builders' task lines raw, ready to parse", () => {
    const tasks = logs(events).flatMap((e) => {
      const task = parseTaskLine(e.text);
      return task ? [{ stage: e.stage, task }] : [];
    });
    expect(tasks).toHaveLength(14);
    expect(tasks.filter((t) => t.task.kind === "builder").map((t) => t.stage).sort()).toEqual(["rhel-7-builder", "rhel-8-builder"]);
    expect(tasks.flatMap((t) => (t.task.kind === "task-end" ? [t.task.result] : []))).toEqual(
      expect.arrayContaining(["built", "failed", "unavailable"]),
    );
  });
});

describe("createBuildKitDecoder on a recorded fully cached rebuild", () => {
  const { info, raw } = loadRecording("buildkit-multistage-cached");
  const events = decodeRecording(raw, createBuildKitDecoder({ now: clock }), 7);
  const stageSteps = [...finalSteps(events).values()].filter((e) => e.stage !== null);

  it("shows every step of every stage cached", () => {
    expect(new Set(stageSteps.map((e) => e.stage))).toEqual(new Set(info.stages));
    for (const step of stageSteps) {
      // BuildKit 20.10 flags a FROM of a local image as cached in a fresh build but not in a
      // rebuild: there it starts and completes in the same instant, without the flag.
      if (/\] FROM /.test(step.name)) expect([step.status, step.finishedAt]).toEqual(["done", step.startedAt]);
      else expect(step.status, step.name).toBe("cached");
    }
    expect(stageSteps.filter((e) => e.status === "cached").length).toBeGreaterThanOrEqual(5);
  });

  it("prints nothing from the stages and still gives the same image", () => {
    expect(logs(events).filter((e) => e.stage !== null)).toEqual([]);
    expect(events.filter((e) => e.type === "image")).toEqual([{ type: "image", id: info.imageId }]);
    expect(info.imageId).toBe(loadRecording("buildkit-multistage").info.imageId);
  });
});

describe("createBuildKitDecoder on a recorded failing build", () => {
  const { info, raw } = loadRecording("buildkit-failing");
  const events = decodeRecording(raw, createBuildKitDecoder({ now: clock }), 1);
  const final = [...finalSteps(events).values()];

  it("ends with an error naming the failing command", () => {
    const errors = events.filter((e) => e.type === "error");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ message: expect.stringContaining(FAILING_COMMAND) });
    expect(errors[0]).toMatchObject({ message: expect.stringContaining("exit code: 3") });
    expect(events.at(-1)?.type).toBe("error");
    expect(events.some((e) => e.type === "image")).toBe(false);
    expect(info.imageId).toBeNull();
  });

  it("marks the failing step failed, cancels the step running beside it, leaves the rest waiting", () => {
    const failed = final.filter((e) => e.status === "failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ stage: "rhel-8-builder", error: expect.stringContaining("exit code: 3") });
    expect(failed[0]!.name).toContain("compiling kobuild-probe");

    const cancelled = final.filter((e) => e.status === "cancelled");
    expect(cancelled.map((e) => [e.stage, e.name])).toEqual([["rhel-7-builder", '[rhel-7-builder 2/2] RUN echo "rhel-7 waiting" && sleep 3']]);
    expect(cancelled[0]!.error).toContain("context canceled");

    expect(final.filter((e) => e.status === "waiting").map((e) => e.stage)).toEqual(["stage-2", "stage-2"]);
  });

  it("shows what the failing step printed, on the right streams, before it failed", () => {
    expect(stageLines(events, "rhel-8-builder")).toEqual({
      stdout: ["compiling kobuild-probe for 4.18.0-477.el8.x86_64"],
      stderr: ["error: probe.c:42: unknown type name 'u64'"],
    });
    const failedAt = events.findIndex((e) => e.type === "step" && e.status === "failed");
    const lastLine = events.findLastIndex((e) => e.type === "log" && e.stage === "rhel-8-builder");
    expect(lastLine).toBeLessThan(failedAt);
  });
});

describe("createBuildKitDecoder on crafted status messages", () => {
  const VERTEX = "sha256:1111";
  const OTHER = "sha256:2222";
  const at = (seconds: number, nanos = 0) => ({ seconds, nanos });
  const trace = (status: StatusResponse) => ({
    id: "moby.buildkit.trace",
    aux: Buffer.from(statusResponseType().encode(statusResponseType().fromObject(status)).finish()).toString("base64"),
  });
  const log = (vertex: string, msg: string | Buffer, stream = 1, seconds = 1_700_000_001) => ({
    vertex,
    stream,
    msg: Buffer.isBuffer(msg) ? msg : Buffer.from(msg),
    timestamp: at(seconds, 250_000_000),
  });
  const running = (digest: string, name: string) => ({ digest, name, started: at(1_700_000_000) });
  const decode = (...messages: unknown[]) => {
    const decoder = createBuildKitDecoder({ now: clock });
    return [...messages.flatMap((m) => decoder.push(m)), ...decoder.end()];
  };

  it("warns once per step when BuildKit clips its log, naming the settings that lift the limit", () => {
    const events = decode(
      trace({ vertexes: [running(VERTEX, "[rhel-8-builder 3/3] RUN make"), running(OTHER, "[rhel-7-builder 3/3] RUN make")] }),
      trace({ logs: [log(VERTEX, "compiling 1\ncompiling 2"), log(VERTEX, "\n[output clipped, log limit 1MiB reached]\n")] }),
      trace({ logs: [log(VERTEX, "\n[output clipped, log limit 1MiB reached]\n"), log(OTHER, "x\n[output clipped, log limit 2MiB reached]\n")] }),
    );
    const warnings = events.filter((e) => e.type === "warning");
    expect(warnings).toEqual([
      {
        type: "warning",
        kind: "log-clipped",
        message:
          "BuildKit clipped the log of [rhel-8-builder 3/3] RUN make at its default limit; start dockerd with " +
          "BUILDKIT_STEP_LOG_MAX_SIZE=1073741824 and BUILDKIT_STEP_LOG_MAX_SPEED=1073741824 in its environment to keep every line",
      },
      expect.objectContaining({ kind: "log-clipped", message: expect.stringContaining("the log of [rhel-7-builder 3/3] RUN make at") }),
    ]);
    // The notice stays in the log where BuildKit put it (its leading "\n" ends the cut line).
    expect(stageLines(events, "rhel-8-builder").stdout).toEqual([
      "compiling 1",
      "compiling 2",
      "[output clipped, log limit 1MiB reached]",
      "",
      "[output clipped, log limit 1MiB reached]",
    ]);
  });

  it("recognises the speed limit's clipping notice too", () => {
    const events = decode(trace({ vertexes: [running(VERTEX, "[b 1/1] RUN x")], logs: [log(VERTEX, "[output clipped, log limit 512KiB/s reached]\n")] }));
    expect(events.filter((e) => e.type === "warning")).toHaveLength(1);
  });

  it("joins a character cut between two log messages, and keeps stdout and stderr pieces apart", () => {
    const text = Buffer.from("modpost: 漢字 ok\n");
    const cut = text.indexOf(Buffer.from("字")) + 2;
    const events = decode(
      trace({ vertexes: [running(VERTEX, "[b 2/2] RUN make")] }),
      trace({ logs: [log(VERTEX, text.subarray(0, cut), 1, 1_700_000_001), log(VERTEX, "warn", 2, 1_700_000_002)] }),
      trace({ logs: [log(VERTEX, "ing: x\n", 2, 1_700_000_003), log(VERTEX, text.subarray(cut), 1, 1_700_000_004)] }),
    );
    expect(logs(events).map((e) => [e.stream, e.text, e.ts])).toEqual([
      [2, "warning: x", 1_700_000_002_250],
      [1, "modpost: 漢字 ok", 1_700_000_001_250], // stamped when its first byte came
    ]);
  });

  it("shows a redrawn progress line as its last state and drops CRLF's CR", () => {
    const events = decode(
      trace({ vertexes: [running(VERTEX, "[b 1/1] RUN fetch")] }),
      trace({ logs: [log(VERTEX, "fetch 10%\rfetch 55%\r"), log(VERTEX, "fetch 100%\r\ndone\r\n\n")] }),
    );
    expect(logs(events).map((e) => e.text)).toEqual(["fetch 100%", "done", ""]);
  });

  it("ends an unfinished line at end() when its step never completed", () => {
    const events = decode(trace({ vertexes: [running(VERTEX, "[b 1/1] RUN x")], logs: [log(VERTEX, "partial")] }));
    expect(events.at(-1)).toMatchObject({ type: "log", key: VERTEX, stage: "b", text: "partial" });
  });

  it("passes BuildKit warnings on", () => {
    const events = decode(
      trace({ vertexes: [running(VERTEX, "[b 1/1] RUN x")], warnings: [{ vertex: VERTEX, level: 1, short: Buffer.from("deprecated syntax"), detail: [Buffer.from("use ENV a=b")] }] }),
    );
    expect(events.filter((e) => e.type === "warning")).toEqual([
      { type: "warning", kind: "other", message: "[b 1/1] RUN x: deprecated syntax\nuse ENV a=b" },
    ]);
  });

  it("keeps plain text and unparsed lines as build-wide log lines, and ignores what it does not know", () => {
    const events = decode({ stream: "Successfully tagged a:b\npart" }, { stream: "ial\n" }, { kobuildUnparsed: "garbage" }, { status: "pulling" }, 7, null);
    expect(logs(events).map((e) => [e.key, e.stage, e.text])).toEqual([
      ["kobuild", null, "Successfully tagged a:b"],
      ["kobuild", null, "partial"],
      ["kobuild", null, "garbage"],
    ]);
  });
});
