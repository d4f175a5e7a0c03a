import "server-only";
import type Docker from "dockerode";
import type { Db } from "@/lib/db/client";
import { buildInputs } from "@/lib/db/schema";

export type BuildInput = { role: "base" | "cache" | "input"; ref: string; stages?: string[]; imageRecordId?: number | null };

/**
 * Keeps which image each of a build's inputs was, by the engine's id and a
 * registry digest, as the engine holds them now (right after the build used
 * them): a provenance read later must not follow a tag that has moved.
 */
export async function recordBuildInputs(db: Db, engine: Docker, buildId: number, inputs: BuildInput[]) {
  // All at once: a build's reading of its result waits for these.
  const rows: (typeof buildInputs.$inferInsert)[] = await Promise.all(
    inputs.map(async (input) => {
      let dockerId: string | null = null;
      let repoDigest: string | null = null;
      try {
        const inspect = await engine.getImage(input.ref).inspect();
        dockerId = inspect.Id;
        repoDigest = inspect.RepoDigests?.[0] ?? null;
      } catch {
        // Gone already (a temporary tag, an image removed meanwhile): the ref alone is what is known.
      }
      return { buildId, role: input.role, ref: input.ref, stages: input.stages ?? [], dockerId, repoDigest, imageRecordId: input.imageRecordId ?? null };
    }),
  );
  db.transaction((tx) => {
    for (const row of rows) {
      tx.insert(buildInputs)
        .values(row)
        .onConflictDoUpdate({ target: [buildInputs.buildId, buildInputs.role, buildInputs.ref], set: { dockerId: row.dockerId ?? null, repoDigest: row.repoDigest ?? null, stages: row.stages ?? [], imageRecordId: row.imageRecordId ?? null } })
        .run();
    }
  });
}
