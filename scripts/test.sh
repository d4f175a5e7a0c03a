#!/usr/bin/env bash
# The whole test suite, from a fresh clone: prepares the machine (Docker
# engine, chromium, toolchain images, sample bundles), then type checks,
# lints, and runs unit, integration and end-to-end tests. Any failure fails it.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

step() { printf '\n== %s\n' "$*"; }
reports=$(mktemp -d)

step "machine: Docker engine, chromium"
bash scripts/setup-machine.sh
step "npm packages"
bash scripts/install-deps.sh
step "toolchain images and sample bundles"
bash scripts/toolchain-images.sh
bash scripts/sample-bundles.sh
step "type check"
npm run --silent typecheck
step "lint"
npm run --silent lint
step "import cycles"
npm run --silent check:cycles
step "unit tests"
npx vitest run --project unit --reporter=default --reporter=json --outputFile.json="$reports/unit.json"
# Built before the integration tests: some of them run the built dashboard as its own process.
step "build"
npx next build
step "integration tests (real Docker engine)"
npx vitest run --project integration --reporter=default --reporter=json --outputFile.json="$reports/integration.json"
step "end-to-end tests (chromium)"
PLAYWRIGHT_JSON_OUTPUT_NAME="$reports/e2e.json" npx playwright test --reporter=list,json
node scripts/summarize-tests.mjs "$reports"
