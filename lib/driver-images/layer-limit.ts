/** overlay2 stacks at most this many layers; an image with more cannot be run or built upon. */
export const LAYER_LIMIT = 127;
/** From here on kobuild warns: a few more merges and the image is unusable as a base or cache. */
export const LAYER_WARNING_FROM = 100;

export type LayerState = "ok" | "near-limit" | "over-limit";

export function layerState(layers: number | null | undefined): LayerState {
  if (layers === null || layers === undefined) return "ok";
  if (layers > LAYER_LIMIT) return "over-limit";
  return layers >= LAYER_WARNING_FROM ? "near-limit" : "ok";
}

/** The warning for an image near or over the limit; null when it is far from it. */
export function layerWarning(ref: string, layers: number | null | undefined): string | null {
  const state = layerState(layers);
  if (state === "ok") return null;
  return state === "over-limit"
    ? `${ref} has ${layers} layers, more than the engine's limit of ${LAYER_LIMIT} (overlay2): squash it before using it as a base or a cache`
    : `${ref} has ${layers} layers, near the engine's limit of ${LAYER_LIMIT} (overlay2): squash it before merging more into it`;
}

/** The highest squash threshold a channel may set: a merge adds a few layers onto an image left unsquashed, and the next must still fit. */
export const SQUASH_ABOVE_LAYERS_MAX = 120;
/** A channel squashes its merged image above this many layers unless it says otherwise (KOBUILD_CHANNEL_SQUASH_ABOVE_LAYERS). */
export const SQUASH_ABOVE_LAYERS_DEFAULT = LAYER_WARNING_FROM;
