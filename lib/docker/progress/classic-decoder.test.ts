import { describe, expect, it } from "vitest";
import { createBuildKitDecoder } from "./buildkit-decoder";
import { createClassicDecoder } from "./classic-decoder";
import type { BuildEvent, LogEvent, StepEvent } from "./events";
import { expectedLines, FAILING_COMMAND } from "./__recordings__/fixture";
import { decodeRecording, loadRecording, stageLines } from "./__recordings__/load-recording";

const CHUNK_SIZES = [1, 7, 4096, Infinity];
let tick = 0;
const clock = () => 1_700_000_000_000 + tick++;

const steps = (events: BuildEvent[]) => events.filter((e): e is StepEvent => e.type === "step");
const logs = (events: BuildEvent[]) => events.filter((e): e is LogEvent => e.type === "log");
const finalSteps = (events: BuildEvent[]) => new Map(steps(events).map((e) => [e.key, e]));
/** The builder's own lines, which the classic builder writes into a step's log. */
const BOOKKEEPING = /^( ---> |Removing intermediate container )/;
const printed = (text: string) => !BOOKKEEPING.test(text);

describe("createClassicDecoder on a recorded multi-stage build", () => {
  const { info, raw } = loadRecording("classic-multistage");
  const events = decodeRecording(raw, createClassicDecoder({ now: () => 0 }), 4096);

  it("decodes the same events whatever the chunk size", () => {
    for (const size of CHUNK_SIZES) expect(decodeRecording(raw, createClassicDecoder({ now: () => 0 }), size)).toEqual(events);
  });

  it("numbers its steps step-<i> and maps them to exactly the Dockerfile's stages", () => {
    const final = [...finalSteps(events).values()];
    expect(final.map((e) => e.key)).toEqual(["step-1", "step-2", "step-3", "step-4", "step-5", "step-6", "step-7", "step-8", "step-9"]);
    expect(final.map((e) => e.stage)).toEqual([
      ...Array<string>(3).fill("rhel-7-builder"),
      ...Array<string>(3).fill("rhel-8-builder"),
      ...Array<string>(3).fill("stage-2"),
    ]);
    expect(new Set(final.map((e) => e.stage))).toEqual(new Set(info.stages));
    expect(final[2]!.name).toBe("Step 3/9 : RUN sh /print-lines.sh rhel-7 3.10.0-1160.el7.x86_64 && mkdir -p /out && echo rhel-7 > /out/rhel-7.txt");
    for (const step of final) expect(step.status).toBe("done");
  });

  it("runs one step at a time: each starts after the previous one finished", () => {
    const order = steps(events).map((e) => `${e.key}:${e.status}`);
    expect(order.slice(0, 4)).toEqual(["step-1:running", "step-1:done", "step-2:running", "step-2:done"]);
    expect(order).toHaveLength(18);
  });

  it.each(["rhel-7", "rhel-8"] as const)("delivers every line %s printed once, in order, whole, stderr told apart", (builder) => {
    expect(stageLines(events, `${builder}-builder`, printed)).toEqual(expectedLines(builder));
  });

  it("keeps the first 64 KiB of the longer line, with a marker, and UTF-8 intact", () => {
    const long = logs(events).filter((e) => e.text.startsWith("rhel-8 long "));
    expect(long).toHaveLength(1);
    expect(long[0]!.text.endsWith(" … [kobuild: line cut at 64 KiB]")).toBe(true);
    expect(logs(events).some((e) => e.text.includes("\ufffd") || e.text.includes("\x1b"))).toBe(false);
  });

  it("gives the same stages and the same printed lines as BuildKit building the same Dockerfile", () => {
    const buildkit = decodeRecording(loadRecording("buildkit-multistage").raw, createBuildKitDecoder(), 4096);
    const stagesOf = (e: BuildEvent[]) => [...new Set(steps(e).flatMap((s) => (s.stage ? [s.stage] : [])))].sort();
    expect(stagesOf(events)).toEqual(stagesOf(buildkit));
    for (const stage of stagesOf(buildkit)) expect(stageLines(events, stage, printed), stage).toEqual(stageLines(buildkit, stage));
  });

  it("reports the last stage's image, once, at the end", () => {
    expect(events.filter((e) => e.type === "image")).toEqual([{ type: "image", id: info.imageId }]);
    expect(events.at(-1)).toEqual({ type: "image", id: info.imageId });
    expect(events.some((e) => e.type === "error")).toBe(false);
    expect(logs(events).filter((e) => e.key === "kobuild").map((e) => e.text)).toEqual([
      `Successfully built ${info.imageId!.slice("sha256:".length, "sha256:".length + 12)}`,
      "Successfully tagged kobuild-test/progress:classic-multistage",
    ]);
  });

  it("stamps steps and lines with the clock, as the classic builder sends no times", () => {
    tick = 0;
    const stamped = decodeRecording(raw, createClassicDecoder({ now: clock }), 4096);
    const final = finalSteps(stamped);
    for (const log of logs(stamped).filter((e) => e.key !== "kobuild")) {
      // A line is stamped when its first piece arrived, inside its step.
      const step = final.get(log.key)!;
      expect(log.ts).toBeGreaterThanOrEqual(step.startedAt!);
      expect(log.ts).toBeLessThanOrEqual(step.finishedAt!);
    }
    const bounds = [...final.values()].flatMap((e) => [e.startedAt!, e.finishedAt!]);
    expect(bounds).toEqual([...bounds].sort((a, b) => a - b));
  });
});

describe("createClassicDecoder on a recorded failing build", () => {
  const { info, raw } = loadRecording("classic-failing");
  const events = decodeRecording(raw, createClassicDecoder({ now: () => 0 }), 7);

  it("ends with an error naming the failing command and no image", () => {
    const errors = events.filter((e) => e.type === "error");
    expect(errors).toEqual([{ type: "error", message: expect.stringContaining(FAILING_COMMAND) as string }]);
    expect(events.some((e) => e.type === "image")).toBe(false);
    expect(info.imageId).toBeNull();
  });

  it("marks the running step failed with the engine's message, after the lines it printed", () => {
    const final = [...finalSteps(events).values()];
    expect(final.map((e) => [e.key, e.stage, e.status])).toEqual([
      ["step-1", "rhel-7-builder", "done"],
      ["step-2", "rhel-7-builder", "done"],
      ["step-3", "rhel-8-builder", "done"],
      ["step-4", "rhel-8-builder", "failed"],
    ]);
    expect(final[3]!.error).toContain("returned a non-zero code: 3");
    expect(stageLines(events, "rhel-8-builder", printed)).toEqual({
      stdout: ["compiling kobuild-probe for 4.18.0-477.el8.x86_64"],
      stderr: ["error: probe.c:42: unknown type name 'u64'"],
    });
    expect(stageLines(events, "rhel-7-builder", printed)).toEqual({ stdout: ["rhel-7 waiting"], stderr: [] });
  });
});

describe("createClassicDecoder on crafted messages", () => {
  const decode = (...messages: unknown[]) => {
    const decoder = createClassicDecoder({ now: () => 5 });
    return [...messages.flatMap((m) => decoder.push(m)), ...decoder.end()];
  };
  const header = (i: number, instruction: string) => [{ stream: `Step ${i}/4 : ${instruction}` }, { stream: "\n" }];

  it("marks a step cached on ' ---> Using cache'", () => {
    const events = decode(...header(1, "FROM base AS Builder"), { stream: " ---> 1a2b\n" }, ...header(2, "RUN make"), { stream: " ---> Using cache\n ---> 3c4d\n" }, { aux: { ID: "sha256:3c4d" } });
    expect([...finalSteps(events).values()].map((e) => [e.key, e.stage, e.status])).toEqual([
      ["step-1", "builder", "done"],
      ["step-2", "builder", "cached"],
    ]);
    expect(events.at(-1)).toEqual({ type: "image", id: "sha256:3c4d" });
  });

  it("names unnamed stages stage-<k> by their FROM's position, like BuildKit", () => {
    const events = decode(...header(1, "FROM a"), ...header(2, "FROM --platform=linux/amd64 b AS tools"), ...header(3, "FROM c"), ...header(4, "COPY --from=tools / /"));
    expect(steps(events).filter((e) => e.status === "running").map((e) => e.stage)).toEqual(["stage-0", "tools", "stage-2", "stage-2"]);
  });

  it("does not take a container's output for the builder's", () => {
    const events = decode(
      ...header(1, "RUN ./build.sh"),
      { stream: " ---> Running in 0123abcd\n" },
      { stream: "Step 9/9 : not a real step\n" },
      { stream: " ---> neither is this\n" },
      { stream: "no newline" },
      { stream: "Removing intermediate container 0123abcd\n" },
      { stream: " ---> 4567\n" },
    );
    expect(steps(events).map((e) => `${e.key}:${e.status}`)).toEqual(["step-1:running", "step-1:done"]);
    expect(logs(events).map((e) => e.text)).toEqual([
      " ---> Running in 0123abcd",
      "Step 9/9 : not a real step",
      " ---> neither is this",
      "no newline",
      "Removing intermediate container 0123abcd",
      " ---> 4567",
    ]);
  });

  it("keeps stdout and stderr pieces apart and joins each stream's partial lines", () => {
    const events = decode(...header(1, "RUN x"), { stream: " ---> Running in ab\n" }, { stream: "out " }, { stream: "\x1b[91merr \x1b[0m" }, { stream: "one\n" }, { stream: "\x1b[91mone\r\n\x1b[0m" });
    expect(logs(events).slice(1).map((e) => [e.stream, e.text])).toEqual([
      [1, "out one"],
      [2, "err one"],
    ]);
  });

  it("reports an error before any step, and keeps unparsed lines", () => {
    const events = decode({ kobuildUnparsed: "oops" }, { errorDetail: { message: "dockerfile parse error line 3" }, error: "x" });
    expect(events).toEqual([
      { type: "log", key: "kobuild", stage: null, stream: 1, ts: 5, text: "oops" },
      { type: "error", message: "dockerfile parse error line 3" },
    ]);
  });
});

// What Podman 4.3.1's Docker-compatible service sent for a two-stage build whose last step fails, message by message.
const PODMAN_FAILING = [
  { stream: "[1/2] STEP 1/3: FROM kobuild-t/bb:1 AS one\n" },
  { stream: "[1/2] STEP 2/3: RUN echo out1 && echo err1 >&2\n" },
  { stream: "out1\n" },
  { stream: "err1\n" },
  { stream: "--> 9be7e8984b6\n" },
  { stream: "[1/2] STEP 3/3: RUN mkdir /x\n" },
  { stream: "--> Using cache d7b7d130861ea0e0e7e2d0a1f7c36f4d0e8d0e3a1b1e0c1f1d1b1a1c1d1e1f10\n" },
  { stream: "--> d7b7d130861\n" },
  { stream: "[2/2] STEP 1/3: FROM kobuild-t/bb:1\n" },
  { stream: "[2/2] STEP 2/3: COPY --from=one /x /x\n" },
  { stream: "--> a2284673a61\n" },
  { stream: "[2/2] STEP 3/3: RUN echo hi; false\n" },
  { stream: "hi\n" },
  { errorDetail: { message: 'building at STEP "RUN echo hi; false": while running runtime: exit status 1\n' }, error: 'building at STEP "RUN echo hi; false": while running runtime: exit status 1\n' },
];
// And for a one-stage build that succeeds: no "[i/n] ", the image in one aux at the end.
const PODMAN_OK = [
  { stream: "STEP 1/2: FROM kobuild/drivers-base:1\n" },
  { stream: "STEP 2/2: COPY Dockerfile /x\n" },
  { stream: "COMMIT docker.io/kobuild/test:1\n" },
  { stream: "--> 88a15545228\n" },
  { stream: "Successfully tagged docker.io/kobuild/test:1\n" },
  { stream: "88a1554522838f81524aec6d73c1719d1ae3b13fcf3309d84fd8350dcbdc9a91\n" },
  { aux: { ID: "sha256:88a1554522838f81524aec6d73c1719d1ae3b13fcf3309d84fd8350dcbdc9a91" } },
  { stream: "Successfully built 88a155452283\n" },
  { stream: "Successfully tagged kobuild/test:1\n" },
];

describe("createClassicDecoder on Podman's build output", () => {
  const decode = (messages: unknown[]) => {
    const decoder = createClassicDecoder({ now: () => 0 });
    return [...messages.flatMap((m) => decoder.push(m)), ...decoder.end()];
  };

  it("numbers steps over the whole file, names the stages as BuildKit does, and tells a cached step", () => {
    const final = [...finalSteps(decode(PODMAN_FAILING)).values()];
    expect(final.map((e) => `${e.key} ${e.stage} ${e.status}`)).toEqual([
      "step-1 one done",
      "step-2 one done",
      "step-3 one cached",
      "step-4 stage-1 done",
      "step-5 stage-1 done",
      "step-6 stage-1 failed",
    ]);
    expect(final[5]!.name).toBe("[2/2] STEP 3/3: RUN echo hi; false");
  });

  it("puts each step's output in that step's log and ends a failure with the engine's error", () => {
    const events = decode(PODMAN_FAILING);
    expect(logs(events).filter((e) => e.key === "step-2").map((e) => e.text)).toEqual(["out1", "err1", "--> 9be7e8984b6"]);
    expect(logs(events).filter((e) => e.key === "step-6").map((e) => e.text)).toEqual(["hi"]);
    expect(events.at(-1)).toEqual({ type: "error", message: 'building at STEP "RUN echo hi; false": while running runtime: exit status 1' });
    expect(events.some((e) => e.type === "image")).toBe(false);
  });

  it("gives the image of a build that succeeds", () => {
    const events = decode(PODMAN_OK);
    expect(events.filter((e) => e.type === "image")).toEqual([{ type: "image", id: "sha256:88a1554522838f81524aec6d73c1719d1ae3b13fcf3309d84fd8350dcbdc9a91" }]);
    expect([...finalSteps(events).values()].map((e) => `${e.key} ${e.stage} ${e.status}`)).toEqual(["step-1 stage-0 done", "step-2 stage-0 done"]);
  });
});
