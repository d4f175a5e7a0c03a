// An in-toto Statement v1 with a SLSA Provenance v1 predicate, made from what
// kobuild recorded of a build. Pure: the readers gather the record.

export const STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
export const SLSA_PROVENANCE_TYPE = "https://slsa.dev/provenance/v1";
/** What a kobuild build is, for a verifier: the seed's multi-stage driver build, or an image operation. */
export const BUILD_TYPES = {
  drivers: "urn:kobuild:build-type:dockerized-drivers:v1",
  operation: "urn:kobuild:build-type:image-operation:v1",
} as const;

export type ResourceDescriptor = {
  name?: string;
  uri?: string;
  digest: Record<string, string>;
  annotations?: Record<string, unknown>;
};

export type ProvenanceStatement = {
  _type: typeof STATEMENT_TYPE;
  subject: ResourceDescriptor[];
  predicateType: typeof SLSA_PROVENANCE_TYPE;
  predicate: {
    buildDefinition: {
      buildType: string;
      externalParameters: Record<string, unknown>;
      internalParameters: Record<string, unknown>;
      resolvedDependencies: ResourceDescriptor[];
    };
    runDetails: {
      builder: { id: string; version: Record<string, string> };
      metadata: { invocationId: string; startedOn?: string; finishedOn?: string };
      byproducts?: ResourceDescriptor[];
    };
  };
};

/** What kobuild knows of one build, enough for its statement. */
export type BuildRecord = {
  id: number;
  kind: string;
  status: string;
  /** The build's options, already without secrets. */
  parameters: Record<string, unknown>;
  builder: string | null;
  engine: { id: string; name: string };
  startedAt: Date | null;
  finishedAt: Date | null;
  /** Where the build's page is, when the installation knows its public address. */
  pageUrl: string | null;
};

export type ProvenanceRecord = {
  build: BuildRecord;
  /** The workspace's repository (its remote, or its checkout as a file URI) and the exact commit built. */
  source: { workspace: string; uri: string; ref: string | null; commit: string; dirty: boolean } | null;
  subjects: { path: string; sha256: string }[];
  bundles: { kernel: string; sha256: string; size: number }[];
  images: { role: string; ref: string; dockerId: string | null; repoDigest: string | null }[];
  /** An image operation's Dockerfile, as it ran. */
  dockerfile?: { name: string; sha256: string } | null;
  installation: { id: string; version: string };
};

const hex = (id: string) => id.replace(/^sha256:/, "");

/** The statement of one build: its files as subjects, everything it read as resolved dependencies. */
export function provenanceStatement(record: ProvenanceRecord): ProvenanceStatement {
  const { build } = record;
  const dependencies: ResourceDescriptor[] = [];
  if (record.source) {
    const { uri, ref, commit, dirty, workspace } = record.source;
    dependencies.push({
      name: `workspace ${workspace}`,
      uri: `git+${uri}${ref ? `@${ref}` : ""}`,
      digest: { gitCommit: commit },
      // Built from a checkout with changes not in that commit: the commit alone does not make it again.
      ...(dirty ? { annotations: { uncommittedChanges: true } } : {}),
    });
  }
  for (const b of record.bundles) dependencies.push({ name: `bundle-${b.kernel}.tgz`, digest: { sha256: b.sha256 }, annotations: { size: b.size } });
  for (const image of record.images) {
    const digest: Record<string, string> = image.dockerId ? { sha256: hex(image.dockerId) } : {};
    const annotations: Record<string, unknown> = { role: image.role };
    if (image.repoDigest) annotations.repoDigest = image.repoDigest;
    if (!image.dockerId) annotations.note = "the engine no longer held this image when the build ended";
    dependencies.push({ name: image.ref, uri: `docker-image://${image.ref}`, digest, annotations });
  }
  if (record.dockerfile) dependencies.push({ name: record.dockerfile.name, digest: { sha256: record.dockerfile.sha256 } });

  return {
    _type: STATEMENT_TYPE,
    subject: record.subjects.map((s) => ({ name: s.path, digest: { sha256: s.sha256 } })),
    predicateType: SLSA_PROVENANCE_TYPE,
    predicate: {
      buildDefinition: {
        buildType: build.kind === "drivers" || build.kind === "reproduce" ? BUILD_TYPES.drivers : BUILD_TYPES.operation,
        externalParameters: { kind: build.kind, ...build.parameters },
        internalParameters: { builder: build.builder, status: build.status },
        resolvedDependencies: dependencies,
      },
      runDetails: {
        builder: {
          id: `urn:kobuild:installation:${record.installation.id}:engine:${build.engine.id}`,
          version: { kobuild: record.installation.version, engine: build.engine.name },
        },
        metadata: {
          invocationId: build.pageUrl ?? `urn:kobuild:installation:${record.installation.id}:build:${build.id}`,
          ...(build.startedAt ? { startedOn: build.startedAt.toISOString() } : {}),
          ...(build.finishedAt ? { finishedOn: build.finishedAt.toISOString() } : {}),
        },
      },
    },
  };
}
