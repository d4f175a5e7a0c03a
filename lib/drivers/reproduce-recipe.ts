import "server-only";
import type { Readable } from "node:stream";
import { and, eq } from "drizzle-orm";
import { builds, drivers, images } from "@/lib/db/schema";
import { driverOptionsOf } from "@/lib/build-options";
import type { BuildSecrets } from "@/lib/builds/build-secrets";
import type { BuildRecipe, BuildSession } from "@/lib/builds/build-session";
import { driverBuildRecipe } from "@/lib/builds/driver-build-recipe";
import { streamImageFile } from "@/lib/docker/image/stream-image-file";
import { defaultEngine } from "@/lib/engines/engine-clients";
import { describeDriverDifference } from "./driver-difference";

/** A driver file is small (a module, a probe): read whole to compare, with a bound all the same. */
const MAX_DRIVER_BYTES = 256 * 1024 * 1024;

/**
 * A reproduction: the driver build of one kernel at the recorded commit,
 * then the new file compared with the published one, byte for byte, and
 * where they differ when they do. The verdict is kept on the build.
 */
export function reproduceRecipe(secrets: BuildSecrets): BuildRecipe {
  const build = driverBuildRecipe(secrets);
  return async (session) => {
    const options = driverOptionsOf(session.build);
    const target = options.reproduce;
    if (!target) throw new Error("this build names no driver to reproduce");
    session.note(`reproducing ${target.path} of image ${target.imageId} (built by build ${target.originBuildId}, sha256 ${target.sha256})`);
    const result = await build(session);
    if (result.imageRecordId === null) throw new Error("the reproduction made no image");
    const made = session.db
      .select()
      .from(drivers)
      .where(and(eq(drivers.imageId, result.imageRecordId), eq(drivers.kernel, target.kernel), eq(drivers.moduleVersion, target.moduleVersion), eq(drivers.flavour, target.flavour)))
      .get();
    if (!made || made.kind !== "driver" || !made.sha256) {
      keep(session, { identical: false, expected: target.sha256, actual: null, differences: [made ? "the reproduction marked the driver unavailable" : "the reproduction made no such driver (see its failures)"] });
      throw new Error(`the reproduction made no ${target.flavour} driver of ${target.moduleVersion} for ${target.kernel}`);
    }
    if (made.sha256 === target.sha256) {
      keep(session, { identical: true, expected: target.sha256, actual: made.sha256, differences: [] });
      session.note(`identical: ${made.path} has sha256 ${made.sha256}, as the published one`);
      return result;
    }
    const [published, again] = await Promise.all([readDriver(session, target.imageId, target.path), readDriver(session, result.imageRecordId, made.path)]);
    const differences = published && again ? describeDriverDifference(published, again) : ["the published image is no longer on the engine: only the digests can be compared"];
    keep(session, { identical: false, expected: target.sha256, actual: made.sha256, differences });
    session.warn(`not identical: sha256 ${target.sha256} published, ${made.sha256} now; they differ in ${differences.join("; ")}`);
    return result;
  };
}

function keep(session: BuildSession, verdict: { identical: boolean; expected: string; actual: string | null; differences: string[] }) {
  const options = driverOptionsOf(session.build);
  session.db
    .update(builds)
    .set({ options: { ...options, reproduce: { ...options.reproduce!, result: verdict } } })
    .where(eq(builds.id, session.buildId))
    .run();
}

async function readDriver(session: BuildSession, imageRecordId: number, path: string): Promise<Buffer | null> {
  const image = session.db.select({ dockerId: images.dockerId }).from(images).where(eq(images.id, imageRecordId)).get();
  if (!image) return null;
  let file: Readable | null;
  try {
    file = await streamImageFile(defaultEngine(), image.dockerId, path);
  } catch {
    return null;
  }
  if (!file) return null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of file) {
    size += (chunk as Buffer).length;
    if (size > MAX_DRIVER_BYTES) {
      file.destroy();
      return null;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
