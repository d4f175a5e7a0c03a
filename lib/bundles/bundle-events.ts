// Who wants to hear that a bundle was stored (channels catching up): the store
// only tells, and knows nothing of its listeners. A listener that throws never
// fails the upload that stored the bundle.

export type BundleStoredListener = (bundle: { id: number; kernel: string }) => void;

// On globalThis: Next loads this module once per bundle (instrumentation, which
// subscribes the channels, and the routes, which store bundles), all in one
// process; a module-level set would leave the routes telling nobody.
const holder = globalThis as unknown as { kobuildBundleStoredListeners?: Set<BundleStoredListener> };
const listeners = (holder.kobuildBundleStoredListeners ??= new Set<BundleStoredListener>());

/** Subscribes; the returned function unsubscribes. */
export function onBundleStored(listener: BundleStoredListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function tellBundleStored(bundle: { id: number; kernel: string }) {
  for (const listener of listeners) {
    try {
      listener(bundle);
    } catch (error) {
      console.error(`kobuild: a listener of stored bundles failed for ${bundle.kernel}:`, (error as Error).message);
    }
  }
}
