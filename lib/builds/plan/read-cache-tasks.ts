import "server-only";
import { and, desc, eq, isNotNull } from "drizzle-orm";
import type Docker from "dockerode";
import { getDb, type Db } from "@/lib/db/client";
import { drivers, images } from "@/lib/db/schema";
import { storeDriverImage } from "@/lib/driver-images/store-driver-image";
import { taskKey } from "./explain-plan";

export type CacheTasks =
  | { status: "read"; image: string; dockerId: string; tasks: Set<string> }
  | { status: "missing"; image: string; error: string }
  | { status: "unknown"; image: string; error: string };

/**
 * What the cache image already holds, as the task master sees it: a module's
 * driver, or for bpf the driver or its unavailability marker. An image is
 * read once per engine id and remembered, so previews stay quick.
 */
export async function readCacheTasks(engine: Docker, image: string, db: Db = getDb()): Promise<CacheTasks> {
  let dockerId: string;
  try {
    dockerId = (await engine.getImage(image).inspect()).Id;
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 404) return { status: "missing", image, error: `the engine has no image ${image}: the build would stop at its cache stage` };
    return { status: "unknown", image, error: `cannot read the cache image: ${(error as Error).message}` };
  }
  let known = db
    .select({ id: images.id })
    .from(images)
    .where(and(eq(images.dockerId, dockerId), isNotNull(images.readAt)))
    .orderBy(desc(images.id))
    .get();
  if (!known) known = { id: (await storeDriverImage(db, engine, image, { tag: image })).imageId };
  const tasks = new Set<string>();
  for (const d of db.select().from(drivers).where(eq(drivers.imageId, known.id)).all()) {
    if (d.flavour === "bpf" || d.kind === "driver") tasks.add(taskKey(d.kernel, d.moduleVersion, d.flavour));
  }
  return { status: "read", image, dockerId, tasks };
}
