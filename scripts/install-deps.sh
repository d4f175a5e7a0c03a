#!/usr/bin/env bash
# Installs the npm packages exactly as locked, only when the lock file changed.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=node_modules/.kobuild-lock-sha
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
# Browsers come from Debian (chromium), never from a download.
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
echo "$want" > "$stamp"
