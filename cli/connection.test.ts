import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { resolveConnection } from "./connection";
import { UsageError } from "./exit-codes";

describe("resolveConnection", () => {
  it("takes --url over KOBUILD_URL, and the token from KOBUILD_TOKEN", () => {
    expect(resolveConnection({ url: "http://127.0.0.1:4000/" }, { KOBUILD_URL: "http://other:1", KOBUILD_TOKEN: " kbt_abc\n" })).toEqual({ url: "http://127.0.0.1:4000", token: "kbt_abc" });
    expect(resolveConnection({}, { KOBUILD_TOKEN: "kbt_abc" }).url).toBe("http://127.0.0.1:3000");
  });

  it("reads --token-file before KOBUILD_TOKEN", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kobuild-cli-"));
    const file = path.join(dir, "token");
    fs.writeFileSync(file, "kbt_from_file\n");
    expect(resolveConnection({ "token-file": file }, { KOBUILD_TOKEN: "kbt_env" }).token).toBe("kbt_from_file");
    fs.rmSync(dir, { recursive: true });
  });

  it("refuses what would leak or cannot work, without repeating the token", () => {
    const cases: [Parameters<typeof resolveConnection>, RegExp][] = [
      [[{}, {}], /no API token/],
      [[{ url: "http://user:secret@host" }, { KOBUILD_TOKEN: "t" }], /must not carry a user name or password/],
      [[{ url: "ftp://host" }, { KOBUILD_TOKEN: "t" }], /http:\/\/ or https:\/\//],
      [[{ url: "not a url" }, { KOBUILD_TOKEN: "t" }], /must be the dashboard's address/],
      [[{ "token-file": "/nonexistent/kobuild-token" }, {}], /cannot read the token file \/nonexistent\/kobuild-token: ENOENT/],
      [[{}, { KOBUILD_TOKEN: "kbt_one kbt_two" }], /spaces or control characters/],
    ];
    for (const [args, message] of cases) {
      let error: unknown;
      try {
        resolveConnection(...args);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain("kbt_one");
    }
  });
});
