import { fileURLToPath } from "node:url";
import { Worker, type WorkerOptions } from "node:worker_threads";

// Inspections that run at once. Each takes a core while it works; more
// uploads wait for a worker (their bytes wait in the connection), none is
// refused for it. Kept on globalThis so development reloads share one pool.
export const maxInspections = 2;
/** A worker's heap: a header tree's names fit many times over. */
export const inspectorHeapMb = 512;

type Pool = { idle: Worker[]; busy: number; waiting: ((worker: Worker | null) => void)[] };
const holder = globalThis as unknown as { kobuildInspectors?: Pool };
const exited = new WeakSet<Worker>();

export type Inspector = {
  worker: Worker;
  /** Gives the worker back: to the pool when it finished its job cleanly, else it is stopped. */
  release: (reusable: boolean) => void;
};

/** A worker for one inspection, once one of maxInspections is free. */
export async function borrowInspector(): Promise<Inspector> {
  const pool = (holder.kobuildInspectors ??= { idle: [], busy: 0, waiting: [] });
  let given: Worker | null = null;
  if (pool.busy < maxInspections) {
    pool.busy++;
    given = pool.idle.pop() ?? null;
  } else {
    given = await new Promise<Worker | null>((resolve) => pool.waiting.push(resolve));
  }
  const worker = given !== null && !exited.has(given) ? given : startInspector();
  // An idle worker does not keep the process alive; one at work does.
  worker.ref();
  let released = false;
  return {
    worker,
    release: (reusable) => {
      if (released) return;
      released = true;
      const keep = reusable && !exited.has(worker);
      if (!keep) void worker.terminate();
      const waiter = pool.waiting.shift();
      if (waiter) return waiter(keep ? worker : null);
      pool.busy--;
      if (!keep) return;
      worker.unref();
      pool.idle.push(worker);
    },
  };
}

/**
 * A worker thread. In the built app the bundler finds it by the
 * `new Worker(new URL(...))` form and compiles it; tests and scripts run
 * from TypeScript sources, so there it is loaded through tsx.
 */
function startInspector(): Worker {
  const options: WorkerOptions = { resourceLimits: { maxOldGenerationSizeMb: inspectorHeapMb } };
  const worker = process.env.NEXT_RUNTIME ? new Worker(new URL("./inspection-worker.ts", import.meta.url), options) : sourceWorker(options);
  // A worker that dies while idle is replaced by the next inspection; its error is that inspection's to report.
  worker.on("error", () => undefined);
  worker.on("exit", () => exited.add(worker));
  return worker;
}

function sourceWorker(options: WorkerOptions): Worker {
  const entry = fileURLToPath(import.meta.url).replace(/inspector-pool\.ts$/, "inspection-worker.ts");
  // tsx is found from the worker's own file; the bundler never sees this code, the worker runs it.
  const boot = `const load = require("node:module").createRequire(${JSON.stringify(entry)}); load("tsx/cjs/api").register(); load(${JSON.stringify(entry)});`;
  return new Worker(boot, { ...options, eval: true });
}
