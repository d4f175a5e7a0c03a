import { describe, expect, it } from "vitest";
import { freshDataDir } from "./helpers/sample-data-dir";

// A sharded build's live events while a shard runs and nothing changes: one
// state, then quiet. Its lanes once carried a running attempt's duration,
// which changes with the clock, so every reader was sent a new state in a
// loop that never gave the event loop back: requests, pages and engine
// probes of the whole dashboard waited behind it for minutes.
freshDataDir("events-steady");

const { getDb } = await import("@/lib/db/client");
const { builds } = await import("@/lib/db/schema");
const { streamBuildEvents } = await import("@/lib/builds/build-event-stream");

describe("the live events of a running sharded build", () => {
  it("send one state while nothing changes", async () => {
    const db = getDb();
    const started = new Date(Date.now() - 60_000);
    const parent = db
      .insert(builds)
      .values({ status: "running", branch: "master", startedAt: started, options: { branch: "master", sharding: { engines: 2, registryId: null, maxAttempts: 3 }, bundleIds: null } })
      .returning({ id: builds.id })
      .get().id;
    db.insert(builds).values({ status: "running", parentId: parent, shard: 1, attempt: 1, startedAt: started, options: { branch: "master", bundleIds: [1, 2] } }).run();

    const abort = new AbortController();
    const reader = streamBuildEvents(parent, { signal: abort.signal }).getReader();
    const frames: string[] = [];
    const reading = (async () => {
      const decoder = new TextDecoder();
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        frames.push(decoder.decode(value));
        // Behind a loop of states no timer would fire: the reader itself stops it, and the count below tells.
        if (frames.length >= 50) return reader.cancel();
      }
    })();
    // Timers still fire while the reader reads (they did not, behind the loop).
    await new Promise((resolve) => setTimeout(resolve, 300));
    abort.abort();
    await reader.cancel().catch(() => undefined);
    await reading;

    const states = frames.filter((f) => f.startsWith("event: state"));
    expect(states).toHaveLength(1);
    expect(JSON.parse(states[0]!.split("data: ")[1]!).shards[0].attempts[0]).toMatchObject({ status: "running", durationMs: null });
  });
});
