// Reading a large driver image off the engine: readDriverImage streams the
// image's files, hashing every driver, from the engine's archive of its layers
// (what it does for an image of this size) or out of a container it makes and
// removes (what it does for a larger one); both are measured. The image is the
// one its unit test reads (test/driver-image-import.ts): 5,000 small drivers
// and one of 16 MiB.
import { spawnSync } from "node:child_process";
import { createEngineClient } from "@/lib/docker/engine";
import { readDriverImage } from "@/lib/docker/image/read-driver-image";
import { importDriverImage, LARGE_IMAGE, largeImageFiles } from "../test/driver-image-import";
import { goal, percentile } from "./support";

type Result = Record<string, number | string>;

export async function benchDriverImage(): Promise<Result> {
  const engine = createEngineClient({ dockerHost: process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock" });
  const image = await importDriverImage(`kobuild-bench/drivers:read-${process.pid}`, largeImageFiles());
  try {
    const seconds = { layers: [] as number[], container: [] as number[] };
    for (let i = 0; i < 3; i++) {
      for (const through of ["layers", "container"] as const) {
        const started = performance.now();
        const content = await readDriverImage(engine, image.ref, { through });
        seconds[through].push((performance.now() - started) / 1000);
        if (content.drivers.length !== LARGE_IMAGE.drivers + 1) throw new Error(`read ${content.drivers.length} drivers of ${LARGE_IMAGE.drivers + 1}`);
      }
    }
    const round = (s: number) => Math.round(s * 100) / 100;
    const what = `${LARGE_IMAGE.drivers} drivers and a ${LARGE_IMAGE.bigBytes >> 20} MiB one`;
    return {
      [`readDriverImage from the layers: ${what} (s, median of 3)`]: goal(round(percentile(seconds.layers, 50)), "< 20", (s) => s < 20),
      "readDriverImage from the layers: slowest of 3 (s)": round(Math.max(...seconds.layers)),
      [`readDriverImage through a container: ${what} (s, median of 3)`]: goal(round(percentile(seconds.container, 50)), "< 20", (s) => s < 20),
      "readDriverImage through a container: slowest of 3 (s)": round(Math.max(...seconds.container)),
    };
  } finally {
    spawnSync("/usr/bin/docker", ["rmi", "-f", image.ref], { stdio: "ignore" });
  }
}
