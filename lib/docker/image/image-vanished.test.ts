import { describe, expect, it } from "vitest";
import { imageVanished } from "./image-vanished";

// The engine's answers as dockerode raised them (Docker 20.10), when two readers of one plan image raced.
const deletedUnderName = Object.assign(
  new Error(
    "(HTTP code 500) server error - failed to get digest sha256:a6a203080447692a2f4082cccaec5d9df30585446ceed9817b98c082076473b8: open /var/lib/docker/image/overlay2/imagedb/content/sha256/a6a203080447692a2f4082cccaec5d9df30585446ceed9817b98c082076473b8: no such file or directory ",
  ),
  { statusCode: 500, reason: "server error" },
);
// An archive (GET /images/:name/get) of a name the engine does not know.
const unknownName = Object.assign(new Error("(HTTP code 404) unexpected - reference does not exist "), { statusCode: 404 });

describe("imageVanished", () => {
  it("knows an image deleted under its name, and a name the engine no longer knows", () => {
    expect(imageVanished(deletedUnderName)).toBe(true);
    expect(imageVanished(unknownName)).toBe(true);
  });

  it("leaves every other failure alone", () => {
    expect(imageVanished(Object.assign(new Error("(HTTP code 500) server error - write /var/lib/docker/tmp/x: no space left on device"), { statusCode: 500 }))).toBe(false);
    expect(imageVanished(new Error("the plan image has no /kobuild-plan"))).toBe(false);
    expect(imageVanished(Object.assign(new Error("connect ENOENT /var/run/docker.sock"), { code: "ENOENT" }))).toBe(false);
    expect(imageVanished(null)).toBe(false);
  });
});
