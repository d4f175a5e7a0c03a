import type { OperationOptions } from "@/lib/build-options";

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
