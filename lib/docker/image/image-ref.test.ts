import { describe, expect, it } from "vitest";
import { DomainError } from "@/lib/domain-error";
import { parseImageRef } from "./image-ref";

const hex = "a".repeat(40) + "0123456789abcdef01234567";

describe("parseImageRef", () => {
  it.each([
    ["ubuntu", { repository: "ubuntu" }],
    ["kobuild/collector-drivers:empty", { repository: "kobuild/collector-drivers", tag: "empty" }],
    ["quay.io/rhacs-eng/collector-drivers:3.11.0-1", { repository: "quay.io/rhacs-eng/collector-drivers", tag: "3.11.0-1" }],
    ["localhost:5000/kobuild/drivers:cache_2.2.0", { repository: "localhost:5000/kobuild/drivers", tag: "cache_2.2.0" }],
    ["registry.example.com:443/a/b/c:latest", { repository: "registry.example.com:443/a/b/c", tag: "latest" }],
    ["Registry.Example.com/team/drivers:v1", { repository: "Registry.Example.com/team/drivers", tag: "v1" }],
    ["[::1]:5000/drivers:1", { repository: "[::1]:5000/drivers", tag: "1" }],
    ["my_org/my__name/a-b--c.d:TAG.1-x", { repository: "my_org/my__name/a-b--c.d", tag: "TAG.1-x" }],
    [`kobuild/drivers@sha256:${hex}`, { repository: "kobuild/drivers", digest: `sha256:${hex}` }],
    [`kobuild/drivers:1@sha256:${hex}`, { repository: "kobuild/drivers", tag: "1", digest: `sha256:${hex}` }],
    [`sha256:${hex}`, { repository: null, id: `sha256:${hex}` }],
    ["localhost:5000", { repository: "localhost", tag: "5000" }],
    [`drivers:${"t".repeat(128)}`, { repository: "drivers", tag: "t".repeat(128) }],
  ])("accepts %s", (ref, expected) => {
    expect(parseImageRef(ref)).toEqual(expected);
  });

  it.each([
    ["", /empty/],
    ["kobuild/drivers: 1", /whitespace/],
    ["kobuild drivers", /whitespace/],
    ["kobuild/drivers:1\n", /whitespace/],
    ["Kobuild/drivers:1", /lowercase/],
    ["kobuild/Drivers", /lowercase/],
    ["kobuild/../drivers", /'\.\.'/],
    ["kobuild/a..b", /'\.\.'/],
    ["-kobuild/drivers", /start with a letter or a digit/],
    ["kobuild/-drivers", /start with a letter or a digit/],
    ["kobuild/drivers:", /tag after ':' is empty/],
    [`kobuild/drivers:${"t".repeat(129)}`, /129 characters long, at most 128/],
    ["kobuild/drivers:-x", /tag "-x"/],
    ["kobuild/drivers:.x", /tag ".x"/],
    ["kobuild/drivers:a/b", /path component|tag/],
    ["kobuild/drivers:a$b", /tag "a\$b"/],
    ["kobuild//drivers", /empty path component/],
    ["kobuild/drivers/", /empty path component/],
    ["kobuild/dri$vers", /may only hold/],
    ["kobuild/drivers@sha256:abc", /64 lowercase hex|<algorithm>:<hex>/],
    [`kobuild/drivers@sha256:${hex.toUpperCase()}`, /64 lowercase hex/],
    [hex, /image id/],
    ["host:port/drivers", /port "port"/],
    ["bad_host.example.com/drivers", /registry host/],
  ])("rejects %j", (ref, reason) => {
    let error: unknown;
    try {
      parseImageRef(ref);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe("bad_request");
    expect((error as DomainError).message).toMatch(reason);
  });
});
