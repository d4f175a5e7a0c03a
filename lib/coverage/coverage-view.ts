import "server-only";
import type { Db } from "@/lib/db/client";
import { getDb } from "@/lib/db/client";
import { compareCoverage } from "./compare-coverage";
import { coverageCsv } from "./coverage-csv";
import { encodeCoverage } from "./coverage-wire";
import { loadCoverage, type CoverageSubjectRef } from "./load-coverage";

/** A build's or an image's coverage as the API sends it: what it is of, and the packed grid. */
export function getCoverageView(ref: CoverageSubjectRef, db: Db = getDb()) {
  const { subject, coverage, tasksOf } = loadCoverage(ref, db);
  return { subject, tasksOf, ...encodeCoverage(coverage) };
}

export type CoverageView = ReturnType<typeof getCoverageView>;

/** The same grid as CSV, one row per cell, with a file name that says what it is of. */
export function getCoverageCsv(ref: CoverageSubjectRef, db: Db = getDb()) {
  const { coverage } = loadCoverage(ref, db);
  return { fileName: `coverage-${ref.kind}-${ref.id}.csv`, text: coverageCsv(coverage) };
}

/** The cells that differ between two coverages, at most `limit` of them (the counts cover all). */
export function getComparisonView(from: CoverageSubjectRef, to: CoverageSubjectRef, limit: number, db: Db = getDb()) {
  const a = loadCoverage(from, db);
  const b = loadCoverage(to, db);
  const { moduleVersions, counts, changes } = compareCoverage(a.coverage, b.coverage);
  return { from: a.subject, to: b.subject, moduleVersions, counts, truncated: changes.length > limit, changes: changes.slice(0, limit) };
}

export type ComparisonView = ReturnType<typeof getComparisonView>;
