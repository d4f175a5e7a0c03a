/**
 * Engine 20.10's BuildKit sometimes keeps sending empty status messages
 * (`{"id":"moby.buildkit.trace","aux":""}`) without end once a build with a
 * burst of log output has finished; every log line and the image id have
 * arrived by then. The guard tells when the response can be closed: the build
 * has ended and nothing but empty messages came for `quietMs`.
 */
// A handful of empty messages is normal; thousands are the fault.
const FLOOD = 10_000;

export function createEmptyTraceGuard(quietMs = 1500, now: () => number = Date.now) {
  let ended = false;
  let lastContent = now();
  let empties = 0;
  return {
    /** Whether the engine fell into its stream of empty messages (the end of a step's log may be missing). */
    get flooded() {
      return empties >= FLOOD;
    },
    /** Returns true when the message carries something. */
    see(message: unknown): boolean {
      const m = message as { id?: unknown; aux?: unknown };
      const empty = m.id === "moby.buildkit.trace" && (m.aux === "" || m.aux === undefined);
      if (!empty) lastContent = now();
      else empties++;
      return !empty;
    },
    /** The build's image or final error has arrived. */
    buildEnded() {
      ended = true;
    },
    shouldClose(): boolean {
      return ended && now() - lastContent > quietMs;
    },
  };
}
