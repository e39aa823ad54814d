#!/usr/bin/env bash
# Browser checks for the scorecard: BASE_URL=http://127.0.0.1:3300 bash browser-tests/run.sh
# Uses Debian's Chromium (/usr/bin/chromium, or $CHROMIUM); never downloads a browser.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  echo "run.sh: Chromium not found at $CHROMIUM." >&2
  echo "run.sh: install Debian's package (apt-get install chromium) or set CHROMIUM=/path/to/chromium; no browser is downloaded." >&2
  exit 1
fi
export CHROMIUM

# playwright-core has no browser download step; make sure nothing else tries.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "run.sh: node and npm (Node 20) are required." >&2
  exit 1
fi

npm ci --no-audit --no-fund --loglevel=error >/dev/null
exec node run.mjs
