import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { stageLabel, stageLabelTitle } from "./stage-label";

// The stages of a real sample build, as the build page received them.
const recorded = JSON.parse(fs.readFileSync(path.join(__dirname, "__recordings__", "sample-build.final-state.json"), "utf8")) as { stages: { name: string }[] };

describe("stageLabel", () => {
  it("calls the sample Dockerfile's unnamed last stage the final image and keeps the named ones", () => {
    expect(recorded.stages.map((s) => stageLabel(s.name, recorded.stages))).toEqual([
      "rhel-8-base",
      "rhel-7-base",
      "patcher",
      "cache",
      "task-master",
      "rhel-8-builder",
      "rhel-7-builder",
      "final image",
    ]);
    expect(stageLabelTitle("stage-7", recorded.stages)).toBe("the stage that makes the result; BuildKit's log calls it stage-7");
    expect(stageLabelTitle("patcher", recorded.stages)).toBeUndefined();
  });

  it("names other unnamed stages by their number", () => {
    // A Dockerfile with an unnamed stage copied from (`COPY --from=0`), then its unnamed result.
    const squash = [{ name: "stage-0" }, { name: "stage-1" }];
    expect(squash.map((s) => stageLabel(s.name, squash))).toEqual(["stage 0", "final image"]);
    // A named last stage leaves every unnamed one a plain stage.
    const named = [{ name: "stage-0" }, { name: "drivers" }];
    expect(stageLabel("stage-0", named)).toBe("stage 0");
    expect(stageLabelTitle("stage-0", named)).toBe("an unnamed stage; BuildKit's log calls it stage-0");
  });
});
