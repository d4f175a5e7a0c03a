export type Done = { error: string } | { ok: true };

/** What Settings lets the signed-in user do with workspaces: admins manage them, operators fetch them. */
export type WorkspaceActions = {
  add: ((input: unknown) => Promise<Done>) | null;
  update: ((id: number, input: unknown) => Promise<Done>) | null;
  remove: ((id: number) => Promise<Done>) | null;
  fetch: ((id: number) => Promise<Done>) | null;
};

export const NETWORKS = [
  { value: "default", label: "the engine's default" },
  { value: "none", label: "none" },
  { value: "host", label: "the host's" },
] as const;
