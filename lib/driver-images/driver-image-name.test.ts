import { describe, expect, it } from "vitest";
import { driverImageName, imageNameKind, kobuildsPart, mayBeKobuilds } from "./driver-image-name";

// Names as they stand on a shared engine: this installation's (709896), another's (eb96ac), helpers, strangers.
describe("driverImageName", () => {
  it("splits <repo>/collector-drivers:<tag>, with a registry's host and Docker Hub's prefix", () => {
    expect(driverImageName("kobuild/collector-drivers:build-3-709896")).toEqual({ repo: "kobuild", tag: "build-3-709896" });
    expect(driverImageName("127.0.0.1:45661/drivers/collector-drivers:e2e-pushed")).toEqual({ repo: "127.0.0.1:45661/drivers", tag: "e2e-pushed" });
    expect(driverImageName("docker.io/kobuild/collector-drivers:nightly")).toEqual({ repo: "kobuild", tag: "nightly" });
  });

  it("refuses names a cache cannot have", () => {
    expect(driverImageName("us-test:legacy")).toBeNull();
    expect(driverImageName("collector-drivers:nightly")).toBeNull();
    expect(driverImageName("kobuild/collector-drivers@sha256:" + "a".repeat(64))).toBeNull();
    expect(driverImageName("kobuild/collector:2.2.0-slim")).toBeNull();
  });
});

describe("imageNameKind", () => {
  const kind = (ref: string) => imageNameKind(ref, "709896");
  it("tells this installation's driver images from another's", () => {
    expect(kind("kobuild/collector-drivers:build-3-709896")).toBe("driver");
    expect(kind("kobuild/collector-drivers:merge-12-709896")).toBe("driver");
    expect(kind("kobuild/collector-drivers:build-1-eb96ac")).toBe("other-installation");
    expect(kind("127.0.0.1:5000/drivers/collector-drivers:build-6-6eb212")).toBe("other-installation");
    // A tag nobody's installation id marks belongs to whoever named it: it stays.
    expect(kind("kobuild/collector-drivers:nightly")).toBe("driver");
    expect(kind("kobuild/collector-drivers:build-7")).toBe("driver");
  });

  it("names kobuild's helper images and working names", () => {
    expect(kind("kobuild/toolchain:bookworm-1")).toBe("helper");
    expect(kind("docker.io/kobuild/drivers-base:1")).toBe("helper");
    expect(kind("kobuild/collector-drivers:empty")).toBe("helper");
    expect(kind("kobuild-tmp/squash:build-4-709896")).toBe("helper");
    expect(kind("kobuild/collector-drivers:kobuild-merge-12-709896-1")).toBe("helper");
    expect(kind("kobuild/collector-drivers:rerun-base-9-709896")).toBe("helper");
    expect(kind("kobuild/collector-drivers:rerun-base-9-eb96ac")).toBe("other-installation");
  });

  it("leaves names of no driver image as other", () => {
    expect(kind("us-test:legacy")).toBe("other");
    expect(kind("kobuild-bench/cli:12175")).toBe("other");
  });
});

describe("kobuildsPart", () => {
  const item = (refs: string[], registryRefs: string[] = [], recordId: number | null = null) => ({ refs, registryRefs: registryRefs.map((ref) => ({ registry: "local", ref })), recordId });
  const part = (image: ReturnType<typeof item>) => kobuildsPart(image, "709896");

  it("keeps this installation's names of an image and drops another installation's tags of the same image", () => {
    // One image id, tagged by two installations that built the same thing.
    expect(part(item(["kobuild/collector-drivers:build-1-eb96ac", "kobuild/collector-drivers:build-4-709896"], [], 12))?.refs).toEqual(["kobuild/collector-drivers:build-4-709896"]);
  });

  it("hides helper images and images only other installations name, even ones kobuild read", () => {
    expect(part(item(["kobuild/collector-drivers:empty"], [], 3))).toBeNull();
    expect(part(item(["kobuild/toolchain:bookworm-1"]))).toBeNull();
    expect(part(item(["kobuild/collector-drivers:build-2-eb96ac"]))).toBeNull();
    expect(part(item([], ["127.0.0.1:5000/drivers/collector-drivers:build-6-6eb212"]))).toBeNull();
  });

  it("keeps an image with /kernel-modules only under a driver image's name, unless kobuild read it", () => {
    expect(part(item(["us-test:legacy"]))).toBeNull();
    expect(part(item(["us-test:legacy"], [], 7))?.refs).toEqual(["us-test:legacy"]);
    expect(part(item([], ["127.0.0.1:5000/collector:2.2.0-slim"]))?.registryRefs).toEqual([{ registry: "local", ref: "127.0.0.1:5000/collector:2.2.0-slim" }]);
  });

  it("keeps an untagged result kobuild read, and nothing unnamed it did not", () => {
    expect(part(item([], [], 5))).toEqual(item([], [], 5));
    expect(part(item([]))).toBeNull();
  });

  it("asks the engine only about images named like a driver image", () => {
    expect(mayBeKobuilds(["us-test:legacy", "kobuild/collector-drivers:nightly"], "709896")).toBe(true);
    expect(mayBeKobuilds(["kobuild/collector-drivers:build-1-eb96ac", "kobuild/drivers-base:1"], "709896")).toBe(false);
  });
});
