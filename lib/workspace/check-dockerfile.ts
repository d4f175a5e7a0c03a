import "server-only";
import fs from "node:fs/promises";
import path from "node:path";
import { ApiError } from "@/lib/http/api-error";

/** Where the driver repository keeps the dockerized Dockerfile. */
export const DEFAULT_DOCKERFILE = "kernel-modules/dockerized/Dockerfile";

const bad = (message: string) => new ApiError("bad_request", message);

/** Throws bad_request unless `dockerfile` is a file inside the checkout at `root`. */
export async function checkDockerfile(root: string, dockerfile: string) {
  if (typeof dockerfile !== "string" || dockerfile === "") throw bad("the Dockerfile path is empty");
  if (path.isAbsolute(dockerfile) || dockerfile.includes("\\")) {
    throw bad(`the Dockerfile path must be relative to the checkout, with '/' separators: ${dockerfile}`);
  }
  if (dockerfile.split("/").includes("..")) throw bad(`the Dockerfile path must not contain '..': ${dockerfile}`);
  let real: string;
  try {
    real = await fs.realpath(path.join(root, dockerfile));
    if (!(await fs.stat(real)).isFile()) throw bad(`the Dockerfile ${dockerfile} is not a file`);
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw bad(`no Dockerfile at ${dockerfile} in ${root}`);
  }
  // A symlink must not lead the build outside the checkout.
  if (!real.startsWith(root + path.sep)) throw bad(`the Dockerfile ${dockerfile} resolves outside the checkout`);
}
