import { BundleError } from "./bundle-error";

/**
 * Which dockerized builder compiles for a kernel. The contract splits by the
 * first character of the kernel string, not by the parsed version, so a
 * future 10.x kernel goes to rhel-7 just as the build scripts would send it.
 */
export function builderForKernel(kernel: string): "rhel-7" | "rhel-8" {
  const first = kernel.charAt(0);
  if (first >= "0" && first <= "3") return "rhel-7";
  if (first >= "4" && first <= "9") return "rhel-8";
  throw new BundleError("bad_name", `the kernel ${JSON.stringify(kernel.slice(0, 200))} does not start with a digit`);
}
