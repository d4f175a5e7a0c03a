import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { DomainError } from "@/lib/domain-error";
import { checkRefName } from "./ref-name";

const valid = ["master", "3.11.0", "3.11.0-rc1", "feature/bpf-ringbuf", "release/3.x", "a.b", "user@host", "café", "x.lockfile", "a/b/c"];
const invalid: Array<[string, RegExp]> = [
  ["", /empty/],
  ["a..b", /'\.\.'/],
  ["bad name", /a space/],
  ["tab\there", /control character/],
  ["nul\u0000", /control character/],
  ["del\u007f", /control character/],
  ["a~1", /'~'/],
  ["a^2", /'\^'/],
  ["a:b", /':'/],
  ["what?", /'\?'/],
  ["glob*", /'\*'/],
  ["set[1]", /'\['/],
  ["back\\slash", /'\\'/],
  ["-branch", /starts with '-'/],
  ["--all", /starts with '-'/],
  ["/abs", /starts with '\/'/],
  ["dir/", /ends with '\/'/],
  ["dot.", /ends with '\.'/],
  ["topic.lock", /ends with '\.lock'/],
  ["a.lock/b", /ends with '\.lock'/],
  ["a//b", /'\/\/'/],
  ["a@{1}", /'@\{'/],
  ["@", /is '@'/],
  [".hidden", /starts with '\.'/],
  ["a/.b", /starts with '\.'/],
];

describe("checkRefName", () => {
  it.each(valid)("accepts %j", (name) => {
    expect(checkRefName(name)).toBe(name);
  });

  it.each(invalid)("refuses %j", (name, reason) => {
    let error: unknown;
    try {
      checkRefName(name);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe("bad_request");
    expect((error as DomainError).message).toMatch(reason);
  });

  it("agrees with git check-ref-format", () => {
    // The full ref name is checked (`--branch` would expand "@"). What git
    // refuses for branch names only is refused here too: a leading "-"
    // (`git branch -x` is an option) and "@" alone (it names HEAD). NUL
    // cannot be an argument at all.
    const gitAccepts = (name: string) => {
      if (name.startsWith("-") || name === "@") return false;
      try {
        execFileSync("git", ["check-ref-format", `refs/heads/${name}`], { stdio: "ignore" });
        return true;
      } catch {
        return false;
      }
    };
    for (const name of valid) expect([name, gitAccepts(name)]).toEqual([name, true]);
    for (const [name] of invalid.filter(([n]) => !n.includes("\u0000"))) expect([name, gitAccepts(name)]).toEqual([name, false]);
  });
});
