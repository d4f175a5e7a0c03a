import "server-only";
import { PassThrough, type Readable } from "node:stream";
import type Docker from "dockerode";
import { forEachTarEntry, openContainerArchive } from "./container-archive";
import { READER_LABEL } from "./read-driver-image";

/**
 * The bytes of one regular file of an image, streamed from the engine through
 * a container that is created, never started, and removed once the file has
 * been sent (or the reader went away). Null when the image has no such file.
 */
export async function streamImageFile(engine: Docker, imageId: string, pathInImage: string): Promise<Readable | null> {
  const container = await engine.createContainer({
    Image: imageId,
    Cmd: ["/kobuild-never-started"],
    Entrypoint: [],
    Labels: { [READER_LABEL]: "stream-image-file" },
    NetworkDisabled: true,
    HostConfig: { NetworkMode: "none" },
  });
  const remove = () => container.remove({ force: true, v: true }).catch(() => undefined);
  try {
    const archive = await openContainerArchive(container, pathInImage);
    if (!archive) {
      await remove();
      return null;
    }
    const out = new PassThrough();
    const done = forEachTarEntry(archive, async (entry, body) => {
      if (entry.type !== "file") return;
      for await (const chunk of body) {
        if (!out.write(chunk)) await new Promise((resolve) => out.once("drain", resolve));
      }
    });
    done.then(
      () => out.end(),
      (error: Error) => out.destroy(error),
    );
    out.on("close", () => {
      archive.destroy();
      void remove();
    });
    return out;
  } catch (error) {
    await remove();
    throw error;
  }
}
