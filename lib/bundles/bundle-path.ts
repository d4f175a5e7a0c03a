import path from "node:path";
import { env } from "@/lib/env";
import { BundleError } from "./bundle-error";
import { kernelIdPattern } from "./parse-bundle-name";

/** Where a stored bundle lives. The id is checked again so no caller can build a path out of bundles/. */
export function bundlePath(kernel: string, dataDir: string = env().dataDir): string {
  if (!kernelIdPattern.test(kernel)) {
    throw new BundleError("bad_name", `${JSON.stringify(kernel.slice(0, 200))} is not a kernel id`);
  }
  return path.join(dataDir, "bundles", `bundle-${kernel}.tgz`);
}
