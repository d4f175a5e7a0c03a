import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { dockerfileBaseImages, stageBaseImage } from "./dockerfile-base-images";

const dockerized = path.join(process.cwd(), "sample/collector/kernel-modules/dockerized");
const read = (name: string) => fs.readFileSync(path.join(dockerized, name), "utf8");

describe("dockerfileBaseImages", () => {
  it("names the sample build's base images and its cache, without its own stages", () => {
    expect(dockerfileBaseImages(read("Dockerfile"), {})).toEqual([
      "kobuild/toolchain:bookworm-1",
      "kobuild/collector-drivers:empty",
      "kobuild/drivers-base:1",
    ]);
  });

  it("takes build arguments over the ARG defaults", () => {
    expect(dockerfileBaseImages(read("Dockerfile"), { CACHE_REPO: "127.0.0.1:5000/kobuild", CACHE_TAG: "nightly", RHEL7_BASE_IMAGE: "ubi7:7.9" })).toEqual([
      "kobuild/toolchain:bookworm-1",
      "ubi7:7.9",
      "127.0.0.1:5000/kobuild/collector-drivers:nightly",
      "kobuild/drivers-base:1",
    ]);
  });

  it("resolves ${A:-${B}} fallbacks as Dockerfile.merge writes them, and skips scratch", () => {
    expect(dockerfileBaseImages(read("Dockerfile.merge"), { BASE_TAG: "a", EXTRA_DRIVERS: "b" })).toEqual(["kobuild/collector-drivers:b", "kobuild/collector-drivers:a"]);
    expect(dockerfileBaseImages(read("Dockerfile.merge"), { DRIVER_REPO: "r", BASE_TAG: "a", DRIVER_TAG: "c", EXTRA_DRIVERS: "b" })).toEqual(["r/collector-drivers:c", "r/collector-drivers:a"]);
    expect(dockerfileBaseImages(read("Dockerfile.squash"), {})).toEqual(["kobuild/collector-drivers:latest", "kobuild/drivers-base:1"]);
  });
});

describe("stageBaseImage", () => {
  it("follows a builder stage through its base stage to the toolchain image, with build arguments", () => {
    const text = read("Dockerfile");
    expect(stageBaseImage(text, {}, "rhel-8-builder")).toBe("kobuild/toolchain:bookworm-1");
    expect(stageBaseImage(text, { RHEL7_BASE_IMAGE: "ubi7:7.9" }, "rhel-7-builder")).toBe("ubi7:7.9");
    expect(stageBaseImage(text, { CACHE_TAG: "nightly" }, "cache")).toBe("kobuild/collector-drivers:nightly");
  });

  it("has no image for a stage the file does not name, or one from scratch", () => {
    expect(stageBaseImage(read("Dockerfile"), {}, "rhel-9-builder")).toBeNull();
    expect(stageBaseImage("FROM scratch AS empty\nFROM empty AS next\n", {}, "next")).toBeNull();
  });
});
