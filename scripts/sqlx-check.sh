#!/usr/bin/env bash
# Checks that the offline metadata of the checked queries (.sqlx/) matches the queries and the
# migrations: a scratch PostgreSQL cluster gets the migrations, then `cargo sqlx prepare --check`
# compiles every target against it. With `--write`, writes the metadata instead (after changing
# a query). Needs sqlx-cli (`cargo install sqlx-cli --version 0.9.0 --no-default-features
# --features postgres,rustls --locked`) and PostgreSQL's server binaries.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=""
if ! command -v initdb >/dev/null 2>&1; then
  bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)/"
fi
dir="$(mktemp -d /tmp/scorecard-sqlx.XXXXXX)"
chmod 755 "$dir"
run=()
if [ "$(id -u)" = 0 ]; then
  chown postgres "$dir"
  run=(runuser -u postgres --)
fi
port=$((20000 + RANDOM % 10000))
"${run[@]}" "${bin}initdb" -D "$dir/data" -A trust -U postgres >/dev/null
"${run[@]}" "${bin}pg_ctl" -D "$dir/data" -l "$dir/log" -w \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
trap '"${run[@]}" "${bin}pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT

export DATABASE_URL="postgres://postgres@127.0.0.1:$port/scorecard_sqlx"
sqlx database create
sqlx migrate run >/dev/null
if [ "${1:-}" = "--write" ]; then
  cargo sqlx prepare -- --all-targets
else
  cargo sqlx prepare --check -- --all-targets
fi
