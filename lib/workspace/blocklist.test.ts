import { describe, expect, it } from "vitest";
import { compileBlocklistPattern, matchBlocklist, parseBlocklist } from "./blocklist";

const BLOCKLIST = [
  "# Drivers the dockerized build never builds.", // 1
  "#   <kernel> [<module-version>] [<mod|bpf>]", // 2
  "", // 3
  "# RHEL 7.0 GA kernels crash when the eBPF probe loads", // 4
  "3.10.0-123.el7.x86_64 * bpf", // 5
  "4.15.0-1098-gcp~16.04            # every driver for that kernel", // 6
  "*-rt-amd64 * bpf", // 7
  "~^5\\.1[0-3]\\..*-cos$ 2.0.0 mod", // 8
  "5.4.0-10[0-4]?-gcp 2.1.*", // 9
  "  ~4\\.14\\.[0-9]+-coreos-r[[:digit:]]+\t2.[!2].0  ", // 10
  "~6\\.1\\.0-(5[5-9])-amd64 2.2.0 b?f", // 11
  "~(unclosed 2.2.0", // 12
  "5.15.0-1-cloud-amd64 2.2.0 ebpf", // 13
  "5.15.0-1-cloud-amd64 2.2.0 bpf extra", // 14
  "6.12.117+deb12-amd64", // 15
  "~5\\.4\\. 2.2.0", // 16: a prefix only, anchored: matches no whole kernel
].join("\n");

describe("parseBlocklist", () => {
  const rules = parseBlocklist(BLOCKLIST);

  it("reads up to three patterns per line, '*' for missing ones, with line numbers and the original text", () => {
    expect(rules.map((r) => r.line)).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
    expect(rules[0]).toEqual({ line: 5, text: "3.10.0-123.el7.x86_64 * bpf", kernel: "3.10.0-123.el7.x86_64", moduleVersion: "*", flavour: "bpf", error: null });
    expect(rules[1]).toMatchObject({ kernel: "4.15.0-1098-gcp~16.04", moduleVersion: "*", flavour: "*", error: null, text: "4.15.0-1098-gcp~16.04            # every driver for that kernel" });
    expect(rules[5]).toMatchObject({ kernel: "~4\\.14\\.[0-9]+-coreos-r[[:digit:]]+", moduleVersion: "2.[!2].0", flavour: "*", error: null });
  });

  it("reports bad rules with the reason instead of failing the file", () => {
    const invalid = rules.filter((r) => r.error !== null).map((r) => [r.line, r.error]);
    expect(invalid).toEqual([
      [12, expect.stringMatching(/^bad regular expression "\(unclosed": .*/)],
      [13, 'flavour "ebpf" matches neither mod nor bpf'],
      [14, expect.stringMatching(/^4 patterns; a rule has at most three/)],
    ]);
  });

  it("keeps rules JSON-able", () => {
    expect(JSON.parse(JSON.stringify(rules))).toEqual(rules);
  });
});

describe("matchBlocklist", () => {
  const rules = parseBlocklist(BLOCKLIST);
  const match = (kernel: string, moduleVersion: string, flavour: "mod" | "bpf") => matchBlocklist(rules, { kernel, moduleVersion, flavour })?.line ?? null;

  it.each([
    ["3.10.0-123.el7.x86_64", "2.2.0", "bpf", 5],
    ["3.10.0-123.el7.x86_64", "2.2.0", "mod", null],
    ["4.15.0-1098-gcp~16.04", "2.0.1", "mod", 6],
    ["4.15.0-1098-gcp~16.04", "2.2.0", "bpf", 6],
    ["5.10.0-8-rt-amd64", "2.2.0", "bpf", 7],
    ["5.10.0-8-rt-amd64", "2.2.0", "mod", null],
    ["5.10.68-16623.39.6-cos", "2.0.0", "mod", 8],
    ["5.13.1-1-cos", "2.0.0", "mod", 8],
    ["5.14.1-1-cos", "2.0.0", "mod", null],
    ["5.10.68-16623.39.6-cos", "2.0.0", "bpf", null],
    ["5.4.0-1030-gcp", "2.1.0", "mod", 9],
    ["5.4.0-1055-gcp", "2.1.0", "mod", null],
    ["5.4.0-103-gcp", "2.1.0", "bpf", null], // "?" needs exactly one character
    ["4.14.44-coreos-r1", "2.1.0", "mod", 10],
    ["4.14.44-coreos-r1", "2.2.0", "mod", null], // [!2]
    ["4.14.44-coreos-rx", "2.1.0", "mod", null],
    ["6.1.0-56-amd64", "2.2.0", "bpf", 11],
    ["6.1.0-56-amd64", "2.2.0", "mod", null],
    ["6.1.0-56-cloud-amd64", "2.2.0", "bpf", null],
    ["6.12.117+deb12-amd64", "1.6.0", "mod", 15], // "+" is literal in a glob
    ["6.12.117-deb12-amd64", "1.6.0", "mod", null],
    ["5.4.0-1055-gcp", "2.2.0", "mod", null], // line 16 would match a prefix only
    ["5.15.0-1-cloud-amd64", "2.2.0", "bpf", null], // lines 13 and 14 are invalid
  ] as const)("%s %s %s → line %s", (kernel, moduleVersion, flavour, line) => {
    expect(match(kernel, moduleVersion, flavour)).toBe(line);
  });

  it("returns the first of several matching rules", () => {
    const two = parseBlocklist("5.4.0-* 2.2.0 mod\n5.4.0-1055-gcp\n");
    expect(matchBlocklist(two, { kernel: "5.4.0-1055-gcp", moduleVersion: "2.2.0", flavour: "mod" })?.line).toBe(1);
    expect(matchBlocklist(two, { kernel: "5.4.0-1055-gcp", moduleVersion: "2.2.0", flavour: "bpf" })?.line).toBe(2);
  });

  it("works on rules that went through JSON", () => {
    const copy = JSON.parse(JSON.stringify(rules)) as typeof rules;
    expect(matchBlocklist(copy, { kernel: "5.13.1-1-cos", moduleVersion: "2.0.0", flavour: "mod" })?.line).toBe(8);
  });

  it("matches nothing with an empty file or only comments", () => {
    expect(matchBlocklist(parseBlocklist(""), { kernel: "5.4.0-1055-gcp", moduleVersion: "2.2.0", flavour: "mod" })).toBeNull();
    expect(parseBlocklist("# a\n   # b\n\n")).toEqual([]);
  });
});

describe("compileBlocklistPattern", () => {
  it.each([
    ["*", "anything", true],
    ["5.4.*", "5.4.0-1055-gcp", true],
    ["5.4.*", "5.40.0", false], // "." is literal
    ["[[:digit:]].*", "5.4", true],
    ["[!5]*", "5.4", false],
    ["[]x]", "]", true],
    ["a[b", "a[b", true], // an unclosed "[" is literal
    ["a\\*", "a*", true],
    ["a\\*", "ab", false],
    ["~5\\.4\\..*", "5.4.0", true],
    ["~5\\.4\\.", "5.4.0", false],
    ["~mod|bpf", "bpf", true],
    ["~mod|bpf", "modx", false], // alternatives are anchored as a whole
  ])("%s on %s → %s", (pattern, value, expected) => {
    expect(compileBlocklistPattern(pattern).test(value)).toBe(expected);
  });

  it("refuses an empty regex and unknown character classes", () => {
    expect(() => compileBlocklistPattern("~")).toThrow(/empty regular expression/);
    expect(() => compileBlocklistPattern("[[:nope:]]")).toThrow(/unknown character class/);
  });
});
