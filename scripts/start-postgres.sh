#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server for the collector tests and benchmark (Debian's postgresql package),
# idempotently: initdb into $LOOPWISE_PG_DIR (default /tmp/loopwise-postgres-<uid>: the postgres user must be
# able to reach it, which a repository under /root is not) on first use, pg_ctl start on
# $LOOPWISE_PG_PORT (default 54329, loopback only, trust auth), create database loopwise_test.
# The last line printed is the URL; tests read it from LOOPWISE_TEST_PG_URL:
#   export LOOPWISE_TEST_PG_URL=$(bash scripts/start-postgres.sh | tail -1)
set -euo pipefail
cd "$(dirname "$0")/.."
port="${LOOPWISE_PG_PORT:-54329}"
dir="$(realpath -m "${LOOPWISE_PG_DIR:-${TMPDIR:-/tmp}/loopwise-postgres-$(id -u)}")"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "start-postgres: PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install postgresql)" >&2
  exit 1
fi

# The server refuses to run as root: run it as the postgres user (created by the Debian package) when we are root.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then
  echo "PostgreSQL already running on 127.0.0.1:$port"
else
  if [ ! -s "$dir/data/PG_VERSION" ]; then
    mkdir -p "$dir"
    rm -rf "$dir/data"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
    as_pg "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
  fi
  as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=100" >/dev/null \
    || { echo "start-postgres: server did not start; log:" >&2; tail -20 "$dir/server.log" >&2; exit 1; }
  echo "PostgreSQL started (data $dir/data, log $dir/server.log)"
fi

psql=("$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -X -q -v ON_ERROR_STOP=1)
if [ "$("${psql[@]}" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'loopwise_test'")" != 1 ]; then
  "${psql[@]}" -d postgres -c "CREATE DATABASE loopwise_test"
fi
echo "postgres://postgres@127.0.0.1:$port/loopwise_test"
