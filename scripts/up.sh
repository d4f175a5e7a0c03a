#!/usr/bin/env bash
# From a fresh clone to the running dashboard: installs what is missing,
# prepares the sample workspace and bundles, builds and starts kobuild.
# The database is migrated when the server starts.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

if ! bash scripts/setup-machine.sh; then
  echo "kobuild: continuing without a Docker engine: builds need one (see above)." >&2
fi
bash scripts/install-deps.sh
npx next build
if [ "${KOBUILD_SKIP_SAMPLE:-0}" != 1 ]; then
  npm run --silent sample || echo "kobuild: the sample could not be prepared (see above); the dashboard starts anyway." >&2
fi
exec npm start
