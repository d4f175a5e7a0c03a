import { describe, expect, it } from "vitest";
import { provenanceStatement, type ProvenanceRecord } from "./provenance-statement";

const record = (over: Partial<ProvenanceRecord> = {}): ProvenanceRecord => ({
  build: {
    id: 7,
    kind: "drivers",
    status: "succeeded",
    parameters: { workspace: "collector", branch: "release-3.9" },
    builder: "buildkit",
    engine: { id: "default", name: "default" },
    startedAt: new Date("2026-12-01T10:00:00Z"),
    finishedAt: new Date("2026-12-01T10:04:00Z"),
    pageUrl: "https://kobuild.example/builds/7",
  },
  source: { workspace: "collector", uri: "https://git.example/collector.git", ref: "release-3.9", commit: "a".repeat(40), dirty: false },
  subjects: [{ path: "/kernel-modules/2.5.0/collector-6.1.0-27-amd64.ko.gz", sha256: "b".repeat(64) }],
  bundles: [{ kernel: "6.1.0-27-amd64", sha256: "c".repeat(64), size: 1234 }],
  images: [
    { role: "base", ref: "ubi8:8.9", dockerId: `sha256:${"d".repeat(64)}`, repoDigest: `ubi8@sha256:${"e".repeat(64)}` },
    { role: "cache", ref: "stackrox/collector-drivers:latest", dockerId: null, repoDigest: null },
  ],
  installation: { id: "0a1b2c", version: "0.1.0" },
  ...over,
});

describe("provenanceStatement", () => {
  it("makes an in-toto statement whose subjects are the driver files and whose dependencies are the commit, bundles and images", () => {
    const s = provenanceStatement(record());
    expect(s._type).toBe("https://in-toto.io/Statement/v1");
    expect(s.predicateType).toBe("https://slsa.dev/provenance/v1");
    expect(s.subject).toEqual([{ name: "/kernel-modules/2.5.0/collector-6.1.0-27-amd64.ko.gz", digest: { sha256: "b".repeat(64) } }]);
    expect(s.predicate.buildDefinition.resolvedDependencies).toEqual([
      { name: "workspace collector", uri: "git+https://git.example/collector.git@release-3.9", digest: { gitCommit: "a".repeat(40) } },
      { name: "bundle-6.1.0-27-amd64.tgz", digest: { sha256: "c".repeat(64) }, annotations: { size: 1234 } },
      { name: "ubi8:8.9", uri: "docker-image://ubi8:8.9", digest: { sha256: "d".repeat(64) }, annotations: { role: "base", repoDigest: `ubi8@sha256:${"e".repeat(64)}` } },
      { name: "stackrox/collector-drivers:latest", uri: "docker-image://stackrox/collector-drivers:latest", digest: {}, annotations: { role: "cache", note: "the engine no longer held this image when the build ended" } },
    ]);
    expect(s.predicate.buildDefinition.externalParameters).toEqual({ kind: "drivers", workspace: "collector", branch: "release-3.9" });
    expect(s.predicate.runDetails).toEqual({
      builder: { id: "urn:kobuild:installation:0a1b2c:engine:default", version: { kobuild: "0.1.0", engine: "default" } },
      metadata: { invocationId: "https://kobuild.example/builds/7", startedOn: "2026-12-01T10:00:00.000Z", finishedOn: "2026-12-01T10:04:00.000Z" },
    });
  });

  it("says when the checkout had changes the commit lacks, and names an operation's Dockerfile by digest", () => {
    const s = provenanceStatement(
      record({
        build: { ...record().build, kind: "merge", parameters: { driversRepo: "r", baseTag: "a", extraTags: ["b"] } },
        source: { ...record().source!, dirty: true },
        dockerfile: { name: "Dockerfile.merge", sha256: "f".repeat(64) },
      }),
    );
    expect(s.predicate.buildDefinition.buildType).toBe("urn:kobuild:build-type:image-operation:v1");
    expect(s.predicate.buildDefinition.resolvedDependencies[0]).toMatchObject({ annotations: { uncommittedChanges: true } });
    expect(s.predicate.buildDefinition.resolvedDependencies.at(-1)).toEqual({ name: "Dockerfile.merge", digest: { sha256: "f".repeat(64) } });
  });
});
