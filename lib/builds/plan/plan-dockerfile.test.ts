import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseDockerfileStages } from "../dockerfile-stages";
import { PLAN_STAGE, planDockerfile } from "./plan-dockerfile";

const sample = fs.readFileSync(path.join(__dirname, "../../../sample/collector/kernel-modules/dockerized/Dockerfile"), "utf8");

describe("the plan Dockerfile", () => {
  it("keeps every stage of the workspace's Dockerfile and adds the plan stage last", () => {
    const plan = planDockerfile(sample);
    if (!("text" in plan)) throw new Error(`missing ${plan.missing.join(", ")}`);
    expect(plan.text.startsWith(sample.trimEnd())).toBe(true);
    expect(parseDockerfileStages(plan.text)).toEqual([...parseDockerfileStages(sample), PLAN_STAGE]);
    expect(plan.text).toContain("COPY --from=patcher /kobuild-tmp/versions-src/ /kobuild-plan/versions-src/");
    expect(plan.text).toContain("COPY --from=task-master /build-tasks /kobuild-plan/build-tasks");
  });

  it("names the seed's stages a Dockerfile lacks", () => {
    expect(planDockerfile("FROM busybox AS builder\nRUN true\n")).toEqual({ missing: ["patcher", "task-master"] });
    expect(planDockerfile("FROM a AS patcher\nFROM b AS Task-Master\n")).toEqual({ text: expect.stringContaining(`AS ${PLAN_STAGE}`) });
  });
});
