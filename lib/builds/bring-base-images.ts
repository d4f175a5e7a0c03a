import "server-only";
import type Docker from "dockerode";
import { EMPTY_CACHE, ensureEmptyCacheImage } from "@/lib/docker/ensure-empty-cache-image";
import { copyImage } from "@/lib/docker/image/copy-image";
import { pullForBuild } from "@/lib/registries/registry-transfer";
import { dockerfileBaseImages } from "./dockerfile-base-images";

type Notes = { note: (text: string) => void; signal: AbortSignal };

async function holds(engine: Docker, ref: string) {
  try {
    await engine.getImage(ref).inspect();
    return true;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return false;
    throw error;
  }
}

/**
 * Before a build on an engine other than the default one: every image its
 * FROM lines name must be there. An image of a configured registry is
 * pulled with its credentials; one the default engine holds (base images
 * made on this machine, a cache image read before) is streamed across; the
 * empty cache is made in place. What none of them has is left to the
 * engine, which then says what it could not find.
 */
export async function bringBaseImages(target: Docker, source: Docker, dockerfile: string, buildArgs: Record<string, string>, notes: Notes) {
  for (const ref of dockerfileBaseImages(dockerfile, buildArgs)) {
    notes.signal.throwIfAborted();
    if (await pullForBuild(target, ref, { signal: notes.signal })) {
      notes.note(`pulled ${ref} from its registry`);
      continue;
    }
    if (await holds(target, ref)) continue;
    if (ref === EMPTY_CACHE.image) {
      await ensureEmptyCacheImage(target);
      continue;
    }
    if (!(await holds(source, ref))) continue;
    const started = Date.now();
    await copyImage(source, target, ref, notes.signal);
    notes.note(`copied ${ref} from the default engine (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
}
