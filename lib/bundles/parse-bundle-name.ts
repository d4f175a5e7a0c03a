import { BundleError } from "./bundle-error";

/** A bundle id as kernel-modules/KERNEL_VERSIONS spells it: no separators, no leading dot. */
export const kernelIdPattern = /^[A-Za-z0-9][A-Za-z0-9._+~-]{0,199}$/;

/** `bundle-<kernel>.tgz` → `<kernel>`; anything else (paths included) is bad_name. */
export function parseBundleFileName(name: string): string {
  const match = /^bundle-(.+)\.tgz$/.exec(name);
  const kernel = match?.[1];
  if (kernel === undefined || !kernelIdPattern.test(kernel)) {
    throw new BundleError("bad_name", `the file name ${JSON.stringify(name.slice(0, 300))} is not bundle-<kernel>.tgz`);
  }
  return kernel;
}
