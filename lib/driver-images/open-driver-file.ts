import "server-only";
import type { Readable } from "node:stream";
import { findDriverFile, type DriverCellQuery } from "@/lib/driver-images/driver-file";
import { defaultEngine } from "@/lib/engines/engine-clients";
import { streamImageFile } from "@/lib/docker/image/stream-image-file";
import { DomainError } from "@/lib/domain-error";

/**
 * One driver file (`.ko.gz` or `.o.gz`) of a driver image, streamed out of the
 * image on the engine, with what its download needs: name, size, sha256.
 */
export async function openDriverFile(imageId: number, cell: DriverCellQuery): Promise<{ file: Readable; name: string; size: number; sha256: string | null }> {
  const { image, driver } = findDriverFile(imageId, cell);
  if (driver.kind !== "driver") throw new DomainError("not_found", "an unavailability marker has nothing to download");
  let file: Readable | null;
  try {
    file = await streamImageFile(defaultEngine(), image.dockerId, driver.path);
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 404) throw new DomainError("not_found", `the engine no longer has image ${image.ref ?? image.dockerId}`);
    throw new DomainError("engine_unavailable", `cannot read the image from the engine: ${(error as Error).message}`);
  }
  if (!file) throw new DomainError("not_found", `${driver.path} is no longer in the image`);
  return { file, name: driver.path.split("/").pop()!, size: driver.size, sha256: driver.sha256 ?? null };
}
