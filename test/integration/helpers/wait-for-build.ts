import { getBuildView, type BuildView } from "@/lib/builds/get-build";

const ENDED = new Set(["succeeded", "partial", "failed", "cancelled", "interrupted"]);

/** Polls the build until `until` holds (by default: until it ends). */
export async function waitForBuild(id: number, until: (b: BuildView) => boolean = (b) => ENDED.has(b.status), timeoutMs = 600_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const build = getBuildView(id);
    if (until(build)) return build;
    if (Date.now() > deadline) throw new Error(`build ${id} still ${build.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
