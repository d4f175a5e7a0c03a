import { describe, expect, it } from "vitest";
import { parseRemoteUrl } from "./remote-url";

describe("parseRemoteUrl", () => {
  it.each([
    ["https://github.com/stackrox/collector.git", "https", "github.com"],
    ["ssh://git@github.com/stackrox/collector.git", "ssh", "github.com"],
    ["ssh://builder@127.0.0.1:2222/srv/git/collector.git", "ssh", "127.0.0.1:2222"],
    ["git@github.com:stackrox/collector.git", "ssh", "github.com"],
    ["mirror.example:collector.git", "ssh", "mirror.example"],
    ["git://127.0.0.1:9418/collector.git", "git", "127.0.0.1:9418"],
    ["file:///srv/git/collector.git", "file", null],
    ["  https://example.com/x.git  ", "https", "example.com"],
  ])("accepts %s", (url, transport, host) => {
    expect(parseRemoteUrl(url)).toEqual({ url: url.trim(), transport, host });
  });

  it.each([
    ["https://ci:s3cret@example.com/x.git", /holds a password/],
    ["ssh://git:s3cret@example.com/x.git", /holds a password/],
    ["git:s3cret@example.com:x.git", /holds a password/],
    ["https://ghp_token@github.com/x.git", /must not hold a user name/],
    ["http://example.com/x.git", /plain http:\/\/ .* use https:\/\//],
    ["ext::sh -c touch% /tmp/pwned", /spaces/],
    ["ext::sh", /remote helpers/],
    ["ftp://example.com/x.git", /ftp:\/\/ is not a remote/],
    ["/srv/git/collector", /is a directory: register it with "path", or as file:\/\/\/srv\/git\/collector/],
    ["file://otherhost/srv/x", /not on otherhost/],
    ["https://example.com/", /names no repository/],
    ["-uhttps://example.com/x", /must not start with '-'/],
    ["collector", /not a remote URL/],
    ["", /empty/],
    ["https://example.com/x.git?ref=main", /'\?' or '#'/],
    ["ssh://-oProxyCommand=touch%20x@example.com/x.git", /not a user and host/],
    ["ssh://git@-oProxyCommand=x/x.git", /not a user and host|not a valid URL/],
  ])("refuses %j, saying why", (url, reason) => {
    expect(() => parseRemoteUrl(url)).toThrow(expect.objectContaining({ code: "bad_request", message: expect.stringMatching(reason) }));
  });
});
