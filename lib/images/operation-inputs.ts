/** What an image operation records in its build's options (never credentials). */
export type OperationOptions =
  | { operation: "merge"; driversRepo: string; baseTag: string; extraTags: string[] }
  | { operation: "squash"; driversRepo: string; driversTag: string; layersBefore?: number | null; inputImageId?: number }
  | { operation: "collector"; collectorRepo: string; collectorTag: string; driversRepo: string; driversTag: string; moduleVersion: string };

const drivers = (repo: string, tag: string) => `${repo}/collector-drivers:${tag}`;

/** The images an operation reads, as its Dockerfile names them: base first, then the extra tags in order. */
export function operationInputs(o: OperationOptions): string[] {
  switch (o.operation) {
    case "merge":
      return [drivers(o.driversRepo, o.baseTag), ...o.extraTags.map((t) => drivers(o.driversRepo, t))];
    case "squash":
      return [drivers(o.driversRepo, o.driversTag)];
    case "collector":
      return [`${o.collectorRepo}/collector:${o.collectorTag}`, drivers(o.driversRepo, o.driversTag)];
  }
}
