import Link from "next/link";
import type { EngineView } from "@/lib/engines/manage-engines";
import { EngineHealthBadge } from "./engine-health-badge";

/** The engines besides the default one, as the overview lists them: where sharded builds can run. */
export function OtherEngines({ engines }: { engines: EngineView[] }) {
  const others = engines.filter((e) => !e.isDefault);
  if (others.length === 0) return null;
  const up = others.filter((e) => e.health.reachable).length;
  return (
    <div className="mt-4 border-t border-slate-200 pt-3 dark:border-slate-800" data-testid="other-engines">
      <p className="text-sm font-medium">
        {others.length} more engine{others.length === 1 ? "" : "s"} for sharded builds, {up} up ·{" "}
        <Link href="/settings#engines" className="text-blue-700 underline dark:text-blue-300">
          manage
        </Link>
      </p>
      <ul className="mt-2 space-y-1.5 text-sm">
        {others.map((e) => (
          <li key={e.id} className="flex flex-wrap items-center gap-x-2 gap-y-1">
            <span className="font-medium">{e.name}</span>
            <EngineHealthBadge health={e.health} />
            <span className="text-slate-600 dark:text-slate-400">
              {e.running} running · {e.queued} queued
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
