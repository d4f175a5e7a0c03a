// Builds that a test creates in its own process run as they do in the
// dashboard, where instrumentation.ts starts the runner: the queue gets the
// table of build kinds. Nothing is read from the environment until a build runs.
import { startBuildRunner } from "@/lib/build-kinds/start-build-runner";

startBuildRunner();
