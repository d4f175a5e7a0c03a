import "server-only";
import type Docker from "dockerode";
import { DomainError } from "@/lib/domain-error";

/** The engine's view of an image; a missing image or engine is a clear DomainError. */
export async function inspectImage(engine: Docker, ref: string): Promise<Docker.ImageInspectInfo> {
  try {
    return await engine.getImage(ref).inspect();
  } catch (error) {
    const e = error as { statusCode?: number; code?: string };
    if (e.statusCode === 404) throw new DomainError("not_found", `no such image ${ref}`);
    if (e.code === "ENOENT" || e.code === "ECONNREFUSED" || e.code === "EACCES") {
      throw new DomainError("engine_unavailable", `the Docker engine cannot be reached (${e.code})`);
    }
    throw error;
  }
}
