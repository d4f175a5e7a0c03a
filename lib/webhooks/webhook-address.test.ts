import { describe, expect, it } from "vitest";
import { internalKind } from "./webhook-address";

describe("internalKind", () => {
  it("names loopback, link-local, private and unspecified addresses, IPv4 and IPv6", () => {
    const cases: [string, string | null][] = [
      ["127.0.0.1", "loopback"],
      ["127.255.0.9", "loopback"],
      ["::1", "loopback"],
      ["::ffff:127.0.0.1", "loopback"],
      ["169.254.169.254", "link-local"],
      ["fe80::1", "link-local"],
      ["febf::1", "link-local"],
      ["10.0.0.1", "private"],
      ["172.16.0.1", "private"],
      ["172.31.255.255", "private"],
      ["192.168.0.10", "private"],
      ["100.64.0.1", "private"],
      ["fd00:ec2::254", "private"],
      ["::ffff:10.1.2.3", "private"],
      ["0.0.0.0", "unspecified"],
      ["::", "unspecified"],
      ["172.32.0.1", null],
      ["8.8.8.8", null],
      ["2606:4700::1111", null],
      ["fec0::1", null],
    ];
    expect(cases.map(([address]) => [address, internalKind(address)])).toEqual(cases);
  });
});
