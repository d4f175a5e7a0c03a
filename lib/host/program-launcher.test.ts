import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { childEnv } from "@/lib/host/child-env";
import { runProgram } from "@/lib/host/program-launcher";

const run = { env: childEnv(), timeoutMs: 10_000, maxBuffer: 1 << 20 };
const launcherPid = () => (globalThis as unknown as { kobuildLauncher?: { child: { pid: number } } | null }).kobuildLauncher?.child.pid;

describe("runProgram", () => {
  it("gives the program its input and returns its output", async () => {
    const text = "kobuild\n";
    const result = await runProgram("git", ["hash-object", "--stdin"], { ...run, input: text });
    const blobId = createHash("sha1").update(`blob ${text.length}\0${text}`).digest("hex");
    expect(result.failure).toBeNull();
    expect(result.stdout.toString().trim()).toBe(blobId);
  });

  it("starts programs from its launcher, not by forking this process", async () => {
    const result = await runProgram("sh", ["-c", "echo $PPID"], run);
    const parent = Number(result.stdout.toString());
    expect(parent).not.toBe(process.pid);
    expect(parent).toBe(launcherPid());
  });

  it("says how a program failed: its exit code and stderr, a missing program, a timeout", async () => {
    const exit = await runProgram("sh", ["-c", "echo no >&2; exit 3"], run);
    expect(exit.failure?.code).toBe(3);
    expect(exit.stderr.toString()).toBe("no\n");
    expect((await runProgram("kobuild-no-such-program", [], run)).failure?.code).toBe("ENOENT");
    expect((await runProgram("sleep", ["10"], { ...run, timeoutMs: 200 })).failure?.killed).toBe(true);
  });

  it("fails what a dead launcher was running and starts a new one for the next program", async () => {
    await runProgram("true", [], run);
    const first = launcherPid()!;
    const running = runProgram("sleep", ["10"], run);
    process.kill(first, "SIGKILL");
    await expect(running).rejects.toThrow(/launcher stopped/);
    const next = await runProgram("sh", ["-c", "echo $PPID"], run);
    expect(Number(next.stdout.toString())).not.toBe(first);
    expect(Number(next.stdout.toString())).toBe(launcherPid());
  });
});
