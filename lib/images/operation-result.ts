import "server-only";
import { readDriverImage } from "@/lib/docker/image/read-driver-image";
import { normalizeImageRef, splitImageRef } from "@/lib/docker/image/image-ref";
import type { BuildSession } from "@/lib/builds/build-session";
import { storeDriverImage } from "@/lib/driver-images/store-driver-image";
import { pullForBuild } from "@/lib/registries/registry-transfer";
import { describeMissingDrivers, findMissingDrivers } from "./compare-drivers";
import { layerWarning } from "@/lib/driver-images/layer-limit";

/** Inputs in a configured registry are pulled with its credentials before the Dockerfile reads them. */
export async function pullInputs(session: BuildSession, refs: string[]) {
  for (const ref of refs) {
    const registry = await pullForBuild(session.engine, ref, { signal: session.signal, onStatus: (line) => session.note(`pull: ${line}`) });
    if (registry) session.note(`pulled ${ref} from registry ${registry}`);
  }
}

/**
 * The last step of every operation. The result, built under a temporary tag,
 * is read and compared with its inputs by path: a driver file of an input
 * that the result lacks is a warning, and when the output tag is one of the
 * inputs, a reason to leave that tag where it was (the operation fails).
 * Only then does the output tag move to the result, which is stored.
 */
export async function settleResult(
  session: BuildSession,
  r: { temporary: string; output: string; inputs: string[]; inputPaths: Iterable<string>[]; flatModuleVersion?: string },
) {
  session.note(`reading /kernel-modules and /FAILURES from the result`);
  session.logs.flush();
  const content = await readDriverImage(session.engine, r.temporary, { signal: session.signal, flatModuleVersion: r.flatModuleVersion });
  const { missing, inputTotal } = findMissingDrivers(r.inputPaths, content.drivers.map((d) => d.path));
  if (missing.length > 0) {
    const message = describeMissingDrivers(missing, inputTotal, r.output);
    if (r.inputs.map(normalizeImageRef).includes(normalizeImageRef(r.output))) {
      throw new Error(`${message}; ${r.output} is one of the inputs, so it was left as it was`);
    }
    session.warn(message);
  } else {
    session.note(`every one of the inputs' ${inputTotal} driver file(s) is in the result`);
  }
  await session.engine.getImage(r.temporary).tag(splitImageRef(r.output));
  const stored = await storeDriverImage(session.db, session.engine, r.output, { tag: r.output, content, signal: session.signal });
  session.note(`${r.output}: ${stored.drivers} driver file(s) and marker(s), ${stored.failures} failure log(s), ${stored.layers ?? "?"} layer(s)`);
  const layers = layerWarning(r.output, stored.layers);
  if (layers) session.warn(layers);
  return stored;
}
