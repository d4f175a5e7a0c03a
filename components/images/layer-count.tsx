import { LAYER_LIMIT, type LayerState } from "@/lib/driver-images/layer-limit";

/** Layers of an image, with a badge (icon and word, not colour alone) near or past the engine's limit. */
export function LayerCount({ layers, state, before }: { layers: number | null; state: LayerState; before?: number | null }) {
  return (
    <span className="inline-flex flex-wrap items-center gap-1.5">
      <span className="tabular-nums" data-layers={layers ?? ""}>
        {before != null ? (
          <>
            <span className="text-slate-600 dark:text-slate-400" data-layers-before={before}>
              {before}
            </span>{" "}
            <span aria-hidden="true">→</span>
            <span className="sr-only">before the squash, now</span> <span className="font-semibold">{layers ?? "?"}</span>
          </>
        ) : (
          (layers ?? "?")
        )}
      </span>
      {state !== "ok" ? (
        <span
          title={`overlay2 stacks at most ${LAYER_LIMIT} layers`}
          className="inline-flex items-center gap-1 whitespace-nowrap rounded-full border border-orange-600 bg-orange-50 px-2 py-0.5 text-xs font-semibold text-orange-900 dark:border-orange-400 dark:bg-orange-950 dark:text-orange-100"
        >
          <span aria-hidden="true">⚠</span>
          {state === "over-limit" ? `over the ${LAYER_LIMIT}-layer limit` : `near the ${LAYER_LIMIT}-layer limit`}
        </span>
      ) : null}
    </span>
  );
}
