#!/usr/bin/env bash
# Starts a PostgreSQL server on loopback for the tests and prints its URL (postgresql://USER@HOST:PORT/DB).
# Installs Debian's postgresql package when no server is installed. As root, the cluster belongs to an
# unprivileged system user; otherwise to the current user. Idempotent: a running cluster is reused.
# Settings: DATAFI_POSTGRES_PORT (default 55432), DATAFI_POSTGRES_DIR (default under TMPDIR).
set -euo pipefail
PORT=${DATAFI_POSTGRES_PORT:-55432}
DIR=${DATAFI_POSTGRES_DIR:-${TMPDIR:-/tmp}/datafi-postgres-$PORT}
ROLE=datafi
DB=datafi

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    [ "$(id -u)" = 0 ] || { echo "postgres.sh: PostgreSQL is not installed (apt-get install postgresql as root)" >&2; exit 3; }
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

if [ "$(id -u)" = 0 ]; then
    OWNER=datafi-postgres
    id -u "$OWNER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$OWNER"
    as_owner() { runuser -u "$OWNER" -- "$@"; }
else
    as_owner() { "$@"; }
fi

if [ ! -f "$DIR/PG_VERSION" ]; then
    mkdir -p "$DIR"
    [ "$(id -u)" = 0 ] && chown "$OWNER" "$DIR"
    chmod 700 "$DIR"
    as_owner "$BIN/initdb" -D "$DIR" -U "$ROLE" --auth=trust --no-sync >/dev/null
fi
if ! as_owner "$BIN/pg_ctl" -D "$DIR" status >/dev/null 2>&1; then
    as_owner "$BIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w \
        -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c max_connections=200" start >/dev/null
fi
if ! "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U "$ROLE" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
    "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U "$ROLE" "$DB"
fi
echo "postgresql://$ROLE@127.0.0.1:$PORT/$DB"
