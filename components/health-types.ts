// The JSON shape of GET /api/health, as components see it.
export type HealthView = {
  status: "ok" | "degraded";
  docker:
    | { reachable: true; host: string; product: "docker" | "podman"; version: string; apiVersion: string; os: string; arch: string; buildkit: boolean }
    | { reachable: false; host: string; error: string };
  database: { ok: boolean; error?: string };
  dataDir: { path: string; freeBytes: number | null; totalBytes: number | null };
};
