#!/usr/bin/env bash
# Load benchmark: a release build of the service on its embedded database with the seed data,
# on loopback only, measured with wrk (Debian package `wrk`) for the overview, a council page and
# a measure page. Prints requests per second and the 99th-percentile latency for each.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
port="${PORT:-3900}"
seconds="${SECONDS_PER_PAGE:-10}"
connections="${CONNECTIONS:-8}"
data="$(mktemp -d /tmp/scorecard-load.XXXXXX)"
chmod 755 "$data"   # the embedded cluster runs as the postgres user when we are root
cargo build --release --quiet
SCORECARD_DATA_DIR="$data" SCORECARD_BIND="127.0.0.1:$port" RUST_LOG=warn ./target/release/scorecard &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.5
done
for path in / /authorities/E06000006 /measures/1C2A; do
  bytes=$(curl -fs "http://127.0.0.1:$port$path" | wc -c)
  out=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency "http://127.0.0.1:$port$path")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  printf '%-28s %8s req/s   p99 %8s   %s bytes of HTML\n' "$path" "$rps" "$p99" "$bytes"
done
