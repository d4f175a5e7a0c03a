import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { dockerfileBaseImages } from "./dockerfile-base-images";

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
