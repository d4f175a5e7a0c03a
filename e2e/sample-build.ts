import { expect, type APIRequestContext } from "@playwright/test";

/** Builds a branch of the sample workspace (or of `workspace`, a copy of it) on the engine and waits for it to succeed; its id. */
export async function sampleBuild(request: APIRequestContext, branch: string, workspace = "sample") {
  const { workspaces } = (await (await request.get("/api/workspaces")).json()) as { workspaces: { id: number; name: string }[] };
  const created = await request.post("/api/builds", { data: { workspaceId: workspaces.find((w) => w.name === workspace)!.id, branch } });
  expect(created.status()).toBe(201);
  const { id } = (await created.json()) as { id: number };
  await expect
    .poll(async () => ((await (await request.get(`/api/builds/${id}`)).json()) as { status: string }).status, { timeout: 240_000, intervals: [1000] })
    .toMatch(/succeeded|failed|cancelled|interrupted/);
  expect(((await (await request.get(`/api/builds/${id}`)).json()) as { status: string }).status).toBe("succeeded");
  return id;
}
