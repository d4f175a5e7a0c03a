import { describe, expect, it } from "vitest";
import { parseDockerfileStages } from "./dockerfile-stages";

describe("parseDockerfileStages", () => {
  it("names stages as BuildKit does, unnamed ones by their position", () => {
    const dockerfile = [
      "ARG RHEL8_BASE_IMAGE=kobuild/toolchain:bookworm-1",
      "FROM ${RHEL8_BASE_IMAGE} AS rhel-8-base",
      "from --platform=linux/amd64 ${RHEL7_BASE_IMAGE} as rhel-7-base",
      "FROM rhel-8-base AS patcher",
      "RUN echo FROM nothing AS here",
      "FROM \\",
      "  ${CACHE_REPO}/collector-drivers:${CACHE_TAG} AS cache",
      "FROM ${DRIVERS_BASE_IMAGE}",
      "COPY --from=patcher /a /b",
    ].join("\n");
    expect(parseDockerfileStages(dockerfile)).toEqual(["rhel-8-base", "rhel-7-base", "patcher", "cache", "stage-4"]);
  });
});
