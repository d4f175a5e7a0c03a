import { describe, expect, it } from "vitest";
import { parseVertexName } from "./parse-vertex-name";

describe("parseVertexName", () => {
  it.each([
    ["[rhel-8-base 2/3] COPY scripts/ /scripts/", { stage: "rhel-8-base", index: 2, total: 3, internal: false }],
    ["[stage-7 1/3] FROM docker.io/kobuild/drivers-base:1", { stage: "stage-7", index: 1, total: 3, internal: false }],
    ["[cache 1/1] FROM docker.io/kobuild/collector-drivers:empty", { stage: "cache", index: 1, total: 1, internal: false }],
    ["[rhel-7-builder 4/4] RUN /scripts/build-drivers.sh", { stage: "rhel-7-builder", index: 4, total: 4, internal: false }],
    ["[linux/amd64 rhel-8-builder 2/5] RUN make", { stage: "rhel-8-builder", index: 2, total: 5, internal: false }],
    ["[stage-2 3/3] COPY --from=rhel-8-builder /out/ /drivers/", { stage: "stage-2", index: 3, total: 3, internal: false }],
  ])("reads the stage and position of %s", (name, expected) => {
    expect(parseVertexName(name)).toEqual(expected);
  });

  it.each([
    "[internal] load build definition from Dockerfile",
    "[internal] load metadata for docker.io/kobuild-test/busybox:1",
    "[internal] load remote build context",
    "[auth] kobuild/drivers-base:pull token for registry.example",
    "[linux/amd64 internal] load metadata for docker.io/library/alpine:3",
    "exporting to image",
    "copy /context /",
    "",
  ])("treats %j as a helper of no stage", (name) => {
    expect(parseVertexName(name)).toEqual({ stage: null, internal: true });
  });

  it("reads the classic builder's step label (numbered across the Dockerfile, no stage)", () => {
    expect(parseVertexName("Step 3/9 : RUN sh /print-lines.sh rhel-7")).toEqual({ stage: null, index: 3, total: 9, internal: false });
  });

  it("keeps a stage named like a helper when it has a position", () => {
    expect(parseVertexName("[internal 1/2] FROM x")).toEqual({ stage: "internal", index: 1, total: 2, internal: false });
  });

  it("keeps the whole instruction out of the stage, even with brackets in it", () => {
    expect(parseVertexName('[builder 2/2] RUN echo "[x 1/1]"').stage).toBe("builder");
  });
});
