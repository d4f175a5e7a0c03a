import type { DriverBuildOptions } from "@/lib/build-options";
import { EMPTY_CACHE } from "@/lib/docker/ensure-empty-cache-image";


/**
 * The build args of the dockerized Dockerfile. Values travel to the engine as
 * data in the build request; no shell ever sees them. Without a cache the
 * build reads kobuild's empty cache image.
 */
export function toBuildArgs(options: DriverBuildOptions, secrets: { redhatUsername?: string; redhatPassword?: string }) {
  const args: Record<string, string> = {
    BRANCH: options.branch,
    LEGACY_PROBES: String(options.legacyProbes),
    USE_KERNELS_FILE: String(options.useKernelsFile),
    CACHE_REPO: options.cacheRepo ?? EMPTY_CACHE.repo,
    CACHE_TAG: options.cacheTag ?? EMPTY_CACHE.tag,
    CHECKOUT_BEFORE_PATCHING: String(options.checkoutBeforePatching),
  };
  if (options.buildJobs !== undefined) args.BUILD_JOBS = String(options.buildJobs);
  if (secrets.redhatUsername) args.REDHAT_USERNAME = secrets.redhatUsername;
  if (secrets.redhatPassword) args.REDHAT_PASSWORD = secrets.redhatPassword;
  return args;
}
