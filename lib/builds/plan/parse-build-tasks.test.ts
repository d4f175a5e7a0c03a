import { describe, expect, it } from "vitest";
import { parseBuildTasks } from "./parse-build-tasks";

describe("parseBuildTasks", () => {
  it("reads /build-tasks as the sample's task master writes it", () => {
    const text = ["3.10.0-1160.el7.x86_64 2.2.0 mod", "6.1.0-55-amd64 2.2.0 mod", "6.1.0-55-amd64 2.2.0 bpf", "6.12.117+deb12-amd64 2.2.0 bpf", ""].join("\n");
    expect(parseBuildTasks(text)).toEqual([
      { kernel: "3.10.0-1160.el7.x86_64", moduleVersion: "2.2.0", flavour: "mod" },
      { kernel: "6.1.0-55-amd64", moduleVersion: "2.2.0", flavour: "mod" },
      { kernel: "6.1.0-55-amd64", moduleVersion: "2.2.0", flavour: "bpf" },
      { kernel: "6.12.117+deb12-amd64", moduleVersion: "2.2.0", flavour: "bpf" },
    ]);
  });

  it("skips lines that are no task: blank, a wrong flavour, too few or too many fields", () => {
    expect(parseBuildTasks("\n  \n6.1.0-55-amd64 2.2.0 ko\n6.1.0-55-amd64 2.2.0\n6.1.0-55-amd64 2.2.0 mod extra\n 6.1.0-56-amd64  2.2.0  mod \n")).toEqual([
      { kernel: "6.1.0-56-amd64", moduleVersion: "2.2.0", flavour: "mod" },
    ]);
  });
});

describe("a task listed twice", () => {
  it("is one task, as the seed's builders sort and uniq their lines", () => {
    expect(parseBuildTasks("6.1.0-56-amd64 2.2.0 mod\n6.1.0-56-amd64 2.2.0 mod\n")).toEqual([{ kernel: "6.1.0-56-amd64", moduleVersion: "2.2.0", flavour: "mod" }]);
  });
});
