import { StatusIcon } from "@/components/build/status-badge";
import { formatDate } from "@/components/format";
import type { EngineHealthView } from "@/lib/engines/manage-engines";

// A shape and a word for each state; blue and orange only add to them.
const UP = "text-blue-800 bg-blue-50 ring-blue-300 dark:text-blue-200 dark:bg-blue-950 dark:ring-blue-700";
const DOWN = "text-orange-800 bg-orange-50 ring-orange-400 dark:text-orange-200 dark:bg-orange-950 dark:ring-orange-700";

/** An engine's last answer: "up · Docker 20.10.24 · BuildKit", "up · Podman 4.3.1 · classic builder only" or "down · connection refused". */
export function EngineHealthBadge({ health }: { health: EngineHealthView }) {
  const builder = health.buildkit ? "BuildKit" : "classic builder only";
  const product = health.product === "podman" ? "Podman" : "Docker";
  return (
    <span
      data-testid="engine-health"
      data-reachable={health.reachable}
      title={`checked ${formatDate(new Date(health.checkedAt))}`}
      className={`inline-flex max-w-full items-center gap-1.5 rounded-md px-2 py-0.5 text-xs ring-1 ring-inset ${health.reachable ? `whitespace-nowrap ${UP}` : DOWN}`}
    >
      <StatusIcon shape={health.reachable ? "check" : "alert"} />
      <span className="break-words">
        <strong className="font-semibold">{health.reachable ? "up" : "down"}</strong>
        {health.reachable ? ` · ${product} ${health.version} · ${builder}` : ` · ${health.error}`}
      </span>
    </span>
  );
}
