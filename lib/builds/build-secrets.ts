import "server-only";

export type BuildSecrets = { redhatUsername?: string; redhatPassword?: string };

// Credentials wait here, in memory only, between the request that queues a
// build and the moment it starts: they are never written to the database.
const holder = globalThis as unknown as { kobuildBuildSecrets?: Map<number, BuildSecrets> };
const secrets = (holder.kobuildBuildSecrets ??= new Map());

export function keepBuildSecrets(buildId: number, value: BuildSecrets) {
  if (value.redhatUsername || value.redhatPassword) secrets.set(buildId, value);
}

export function takeBuildSecrets(buildId: number): BuildSecrets {
  const value = secrets.get(buildId) ?? {};
  secrets.delete(buildId);
  return value;
}
