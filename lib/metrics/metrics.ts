import "server-only";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

// kobuild's Prometheus metrics, in one registry for the process (Next loads a
// module once per bundle: the registry lives on globalThis). Counters and
// histograms are moved where the domain does the work; the gauges of state
// (queue, running builds, engines) are set when /metrics is read.
// Label values are kinds, statuses and engine ids: never a user's name, a
// path, an address or a secret.

/** Seconds: from a cached stage (milliseconds) to a long kernel build (an hour and more). */
const DURATION_BUCKETS = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200];

function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "kobuild_" });
  const on = { registers: [registry] };
  return {
    registry,
    buildsEnded: new Counter({ name: "kobuild_builds_total", help: "Builds that ended, by kind and final status.", labelNames: ["kind", "status"] as const, ...on }),
    buildDuration: new Histogram({ name: "kobuild_build_duration_seconds", help: "Time from a build's start to its end, by kind and final status.", labelNames: ["kind", "status"] as const, buckets: DURATION_BUCKETS, ...on }),
    stageDuration: new Histogram({ name: "kobuild_stage_duration_seconds", help: "Time a Dockerfile stage of a build took, by the stage's final status.", labelNames: ["status"] as const, buckets: DURATION_BUCKETS, ...on }),
    queuedBuilds: new Gauge({ name: "kobuild_queued_builds", help: "Builds waiting to start, by engine.", labelNames: ["engine"] as const, ...on }),
    runningBuilds: new Gauge({ name: "kobuild_running_builds", help: "Builds running now, by engine (a sharded build's coordinator counts as engine \"coordinator\").", labelNames: ["engine"] as const, ...on }),
    engineUp: new Gauge({ name: "kobuild_engine_up", help: "1 when the Docker engine answers, 0 when it does not.", labelNames: ["engine"] as const, ...on }),
    logLinesStored: new Counter({ name: "kobuild_log_lines_stored_total", help: "Build log lines written to the database.", ...on }),
    logLinesDropped: new Counter({ name: "kobuild_log_lines_dropped_total", help: "Build log lines not stored because the build's log reached KOBUILD_MAX_LOG_BYTES.", ...on }),
    uploadBytes: new Counter({ name: "kobuild_bundle_upload_bytes_total", help: "Bytes of header bundles received by uploads and bundle sources, stored or refused.", ...on }),
    inspectionDuration: new Histogram({ name: "kobuild_bundle_inspection_seconds", help: "Time to inspect one header bundle (read and check its archive), by outcome.", labelNames: ["outcome"] as const, buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120], ...on }),
    channelTimeToDriver: new Histogram({
      name: "kobuild_channel_time_to_driver_seconds",
      help: "Time from a channel lacking drivers (a new bundle stored, the branch moved, a schedule, a sync) to their publication, by trigger.",
      labelNames: ["trigger"] as const,
      buckets: DURATION_BUCKETS,
      ...on,
    }),
    eventStreams: new Gauge({ name: "kobuild_event_stream_subscribers", help: "Live build event streams (SSE) open now.", ...on }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

const holder = globalThis as unknown as { kobuildMetrics?: Metrics };

/** The process's metrics. */
export function metrics(): Metrics {
  holder.kobuildMetrics ??= createMetrics();
  return holder.kobuildMetrics;
}
