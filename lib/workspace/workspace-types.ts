import type { workspaces } from "@/lib/db/schema";

export type Workspace = typeof workspaces.$inferSelect;

export type WorkspaceNetwork = Workspace["network"];

export type RegisterWorkspaceInput = {
  name: string;
  /** Absolute path of the checkout's top level. */
  path?: string;
  /** A git remote kobuild clones and fetches instead (never both). */
  url?: string;
  /** The dockerized Dockerfile, relative to the checkout. */
  dockerfile?: string;
  network?: WorkspaceNetwork;
};
