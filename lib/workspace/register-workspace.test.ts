import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Db, openDb } from "@/lib/db/client";
import { DomainError } from "@/lib/domain-error";
import { git } from "./git";
import { getWorkspace } from "./get-workspace";
import { listWorkspaces } from "./list-workspaces";
import { DEFAULT_DOCKERFILE, registerWorkspace } from "./register-workspace";

let tmp: string;
let db: Db;

/** A checkout with the default Dockerfile (and one elsewhere), committed. */
async function makeCheckout(name: string): Promise<string> {
  const dir = path.join(tmp, name);
  await fs.mkdir(path.join(dir, "kernel-modules/dockerized"), { recursive: true });
  await fs.writeFile(path.join(dir, DEFAULT_DOCKERFILE), "FROM scratch\n");
  await fs.mkdir(path.join(dir, "build"), { recursive: true });
  await fs.writeFile(path.join(dir, "build/Dockerfile.drivers"), "FROM scratch\n");
  await git(dir, ["init", "-q", "-b", "master"]);
  await git(dir, ["add", "-A"]);
  await git(dir, ["-c", "user.name=kobuild", "-c", "user.email=kobuild@example.invalid", "-c", "commit.gpgsign=false", "commit", "-q", "-m", "init"], {
    env: { GIT_AUTHOR_DATE: "2022-06-01T10:00:00Z", GIT_COMMITTER_DATE: "2022-06-01T10:00:00Z" },
  });
  return dir;
}

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

beforeAll(async () => {
  tmp = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "kobuild-register-")));
  db = openDb(path.join(tmp, "data"));
});

afterAll(async () => {
  db.$client.close();
  await fs.rm(tmp, { recursive: true, force: true });
});

describe("registerWorkspace", () => {
  it("records a checkout with the default Dockerfile", async () => {
    const dir = await makeCheckout("collector");
    const ws = await registerWorkspace({ name: "collector", path: dir }, db);
    expect(ws).toMatchObject({ name: "collector", path: dir, dockerfile: DEFAULT_DOCKERFILE });
    expect(typeof ws.id).toBe("number");
    expect(getWorkspace(ws.id, db)).toEqual(ws);
  });

  it("records another Dockerfile and stores the resolved path of a symlinked checkout", async () => {
    const dir = await makeCheckout("second");
    const link = path.join(tmp, "second-link");
    await fs.symlink(dir, link);
    const ws = await registerWorkspace({ name: "second.v2_x-y", path: link, dockerfile: "build/Dockerfile.drivers" }, db);
    expect(ws).toMatchObject({ path: dir, dockerfile: "build/Dockerfile.drivers" });
  });

  it("refuses a second workspace with the same name or the same checkout", async () => {
    const dir = await makeCheckout("third");
    const byName = await refusal(registerWorkspace({ name: "collector", path: dir }, db));
    expect(byName).toMatchObject({ code: "conflict", message: 'a workspace named "collector" already exists' });
    const byPath = await refusal(registerWorkspace({ name: "collector-again", path: path.join(tmp, "collector") }, db));
    expect(byPath.code).toBe("conflict");
    expect(byPath.message).toMatch(/already the workspace "collector"/);
  });

  it.each([
    ["", /invalid workspace name/],
    ["Collector", /invalid workspace name/],
    ["-collector", /invalid workspace name/],
    [".collector", /invalid workspace name/],
    ["a b", /invalid workspace name/],
    ["x".repeat(64), /invalid workspace name/],
  ])("refuses the name %j", async (name, reason) => {
    const error = await refusal(registerWorkspace({ name, path: path.join(tmp, "collector") }, db));
    expect(error.code).toBe("bad_request");
    expect(error.message).toMatch(reason);
  });

  it("accepts a 63-character name", async () => {
    const dir = await makeCheckout("long");
    await expect(registerWorkspace({ name: "l".repeat(63), path: dir }, db)).resolves.toMatchObject({ name: "l".repeat(63) });
  });

  it("refuses paths that are not the top level of a git work tree", async () => {
    const plain = path.join(tmp, "plain");
    await fs.mkdir(plain, { recursive: true });
    const file = path.join(tmp, "file.txt");
    await fs.writeFile(file, "x");
    await makeCheckout("fourth");
    const cases: Array<[string, RegExp]> = [
      ["relative/path", /must be absolute/],
      [path.join(tmp, "does-not-exist"), /no such directory/],
      [file, /not a directory/],
      [plain, /not a git work tree/],
      [path.join(tmp, "fourth", "kernel-modules"), /is inside the git work tree .*fourth; register its top level/],
      [path.join(tmp, "fourth", ".git"), /not a git work tree/],
    ];
    for (const [p, reason] of cases) {
      const error = await refusal(registerWorkspace({ name: "fourth", path: p }, db));
      expect([p, error.code]).toEqual([p, "bad_request"]);
      expect(error.message).toMatch(reason);
    }
  });

  it("refuses a Dockerfile that is missing, outside the checkout or not a file", async () => {
    const dir = await makeCheckout("fifth");
    const outside = path.join(tmp, "Dockerfile.outside");
    await fs.writeFile(outside, "FROM scratch\n");
    await fs.symlink(outside, path.join(dir, "Dockerfile.link"));
    const cases: Array<[string, RegExp]> = [
      ["kernel-modules/dockerized/Dockerfile.nope", /no Dockerfile at kernel-modules\/dockerized\/Dockerfile.nope/],
      ["../Dockerfile.outside", /must not contain '\.\.'/],
      ["kernel-modules/../../Dockerfile.outside", /must not contain '\.\.'/],
      [outside, /must be relative/],
      ["kernel-modules\\dockerized\\Dockerfile", /'\/' separators/],
      ["Dockerfile.link", /resolves outside the checkout/],
      ["kernel-modules", /is not a file/],
      ["", /Dockerfile path is empty/],
    ];
    for (const [dockerfile, reason] of cases) {
      const error = await refusal(registerWorkspace({ name: "fifth", path: dir, dockerfile }, db));
      expect([dockerfile, error.code]).toEqual([dockerfile, "bad_request"]);
      expect(error.message).toMatch(reason);
    }
  });
});

describe("getWorkspace and listWorkspaces", () => {
  it("answers not_found for an unknown id", () => {
    expect(() => getWorkspace(999_999, db)).toThrow(expect.objectContaining({ code: "not_found", message: "no workspace with id 999999" }));
  });

  it("lists workspaces by name", () => {
    const names = listWorkspaces(db).map((w) => w.name);
    expect(names).toEqual(["collector", "l".repeat(63), "second.v2_x-y"]);
  });
});
