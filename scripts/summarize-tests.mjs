// Prints one closing line for the whole suite from the runners' JSON reports.
import fs from "node:fs";
import path from "node:path";

const dir = process.argv[2];
let passed = 0;
let failed = 0;
let skipped = 0;
for (const name of ["unit.json", "integration.json"]) {
  const r = JSON.parse(fs.readFileSync(path.join(dir, name), "utf8"));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + (r.numTodoTests ?? 0);
}
const e2e = JSON.parse(fs.readFileSync(path.join(dir, "e2e.json"), "utf8")).stats;
passed += e2e.expected + e2e.flaky;
failed += e2e.unexpected;
skipped += e2e.skipped;
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
