// Coverage of one module version and flavour of a build, from its cell counts:
// the kernels that have a driver (built, or taken from the cache) over the
// kernels that could have one. A blocklisted task was removed on purpose and
// an unavailable one has no driver to build (an eBPF marker), so neither
// counts against it; failed, missing and not planned kernels do.

import type { CoverageCounts } from "@/lib/coverage/coverage-model";
import { type Flavour } from "@/lib/vocabulary";

export type ColumnCoverage = {
  moduleVersion: string;
  flavour: Flavour;
  /** Kernels of the build's grid (each has one cell in this column). */
  kernels: number;
  /** Built by the build or taken from its cache. */
  withDriver: number;
  built: number;
  cached: number;
  failed: number;
  unavailable: number;
  blocklisted: number;
  missing: number;
  notPlanned: number;
  /** withDriver / (kernels − blocklisted − unavailable), 0 to 1; null when no kernel could have a driver. */
  coverage: number | null;
};

/** The column's figures, or null for a column the build never planned (every cell not planned). */
export function columnCoverage(moduleVersion: string, flavour: Flavour, counts: CoverageCounts): ColumnCoverage | null {
  const kernels = counts.built + counts.cached + counts.failed + counts.unavailable + counts.blocklisted + counts.missing + counts.notPlanned;
  if (kernels === counts.notPlanned) return null;
  const withDriver = counts.built + counts.cached;
  const eligible = kernels - counts.blocklisted - counts.unavailable;
  return {
    moduleVersion,
    flavour,
    kernels,
    withDriver,
    built: counts.built,
    cached: counts.cached,
    failed: counts.failed,
    unavailable: counts.unavailable,
    blocklisted: counts.blocklisted,
    missing: counts.missing,
    notPlanned: counts.notPlanned,
    coverage: eligible > 0 ? withDriver / eligible : null,
  };
}
