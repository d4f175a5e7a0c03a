// The words server and client share: what a build's network may be, and the
// like. Plain values and types only, so pages and lib/ import the same ones.

/** The network of a build's RUN steps: `default` is the engine's own default; `none` and `host` as `docker build --network`. */
export const BUILD_NETWORKS = ["default", "none", "host"] as const;
export type BuildNetwork = (typeof BUILD_NETWORKS)[number];

/** Drivers planned and done by one builder of a build. */
export type BuilderProgress = {
  planned: number;
  done: number;
  failed: number;
  /**
   * False while done and failed are estimated from the kernel ids the
   * builder's log names (its scripts print nothing for kobuild); true once
   * they come from progress lines or from the image. Absent: true.
   */
  exact?: boolean;
  /** The estimate's own counts: the builder's kernels, those its log named, those it is past. */
  kernels?: { planned: number; started: number; finished: number };
};

/** How a build's plan was learnt: from its own /build-tasks, or why it could not be. */
export type BuildPlanRecord =
  | {
      source: "build-tasks";
      /** The module versions the patcher made, and whether each has an eBPF probe. */
      moduleVersions: { moduleVersion: string; bpf: boolean }[];
      toBuild: number;
      fromCache: number;
      blocklisted: number;
      notPlanned: number;
      /** Kernels the task master was given and left out without a cache or BLOCKLIST reason (the first few). */
      kernelsLeftOut: string[];
      /** True when the workspace changed between the build's context and the plan's. */
      contextChanged: boolean;
    }
  | { source: "unreadable"; error: string };
