"use client";

import type { HealthView } from "@/components/health-types";
import { useHealth } from "@/components/queries";

/** The engine's state, shown on every page and refreshed every few seconds. */
export function EngineBadge({ initial }: { initial: HealthView }) {
  const { data } = useHealth(initial);
  const docker = data.docker;
  return (
    <div role="status" aria-live="polite" className="flex items-center gap-2 text-sm" data-testid="engine-badge">
      {docker.reachable ? (
        <>
          <span aria-hidden className="inline-block h-2.5 w-2.5 rounded-full bg-emerald-500" />
          <span>
            Engine <strong className="font-semibold">up</strong> · Docker {docker.version} · API {docker.apiVersion}
          </span>
        </>
      ) : (
        <>
          <span aria-hidden className="inline-block h-2.5 w-2.5 rotate-45 bg-amber-500" />
          <span>
            Engine <strong className="font-semibold">unreachable</strong>
          </span>
        </>
      )}
    </div>
  );
}
