#!/usr/bin/env bash
# Compile the vendored GOV.UK Frontend Sass into static/govuk/govuk-frontend.min.css.
# Only needed when changing versions or settings: the output is committed, so
# building and running the service does not need Node.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out_dir="$here/../static/govuk"

cd "$here"
npm ci --no-audit --no-fund

mkdir -p "$out_dir"
npx --no-install sass \
  --pkg-importer=node \
  --style=compressed \
  --no-source-map \
  scorecard.scss "$out_dir/govuk-frontend.min.css"

echo "wrote $(cd "$out_dir" && pwd)/govuk-frontend.min.css ($(wc -c < "$out_dir/govuk-frontend.min.css") bytes)"
