#!/usr/bin/env bash
# The ledger node's throughput next to its yardsticks, in one run (BENCHMARKS.md, "Ledger node"):
#  1. a node on SQLite: datafi node bench, batches of 100, concurrency 64, with --yardstick (the same
#     number of transfers ingested in process, batches of 1024);
#  2. a node on PostgreSQL (scripts/postgres.sh): node bench, batches of 100, CLIENTS requests in flight,
#     beside pgbench -N with CLIENTS clients against the same server.
# Usage: scripts/node-bench.sh [TRANSACTIONS] [CLIENTS]   (release build of datafi; defaults 20000 8)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-20000}
CLIENTS=${2:-8}
swift build -c release --product datafi >/dev/null
BIN=$(swift build -c release --show-bin-path)/datafi
WORK=$(mktemp -d)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"' EXIT

start_node() { # store, name; sets URL (not in a subshell, so the trap knows the PID)
    "$BIN" node serve --store "$1" --listen 127.0.0.1:0 --operator-key "$WORK/operator.key" \
        --origin bench.example/node >"$WORK/$2.out" 2>"$WORK/$2.err" &
    PIDS+=($!)
    for _ in $(seq 1 300); do grep -qs "listening on" "$WORK/$2.out" && break; sleep 0.1; done
    URL=$(sed -n 's/^listening on //p' "$WORK/$2.out")
}

echo "== SQLite node: $N transfers, batches of 100, concurrency 64, with the in-process yardstick"
start_node "sqlite:$WORK/node.sqlite" sqlite
"$BIN" node bench --url "$URL" --transactions "$N" --concurrency 64 --batch 100 --yardstick

if PGURL=$(bash scripts/postgres.sh 2>/dev/null); then
    DB="bench_$(date +%s)"
    HOSTPORT=${PGURL#postgresql://}; USERNAME=${HOSTPORT%%@*}; HOSTPORT=${HOSTPORT#*@}; HOSTPORT=${HOSTPORT%%/*}
    HOST=${HOSTPORT%%:*}; PORT=${HOSTPORT##*:}
    createdb -h "$HOST" -p "$PORT" -U "$USERNAME" "$DB"
    createdb -h "$HOST" -p "$PORT" -U "$USERNAME" "${DB}_pgbench"
    echo "== PostgreSQL node: $N transfers, batches of 100, $CLIENTS requests in flight"
    start_node "postgresql://$USERNAME@$HOST:$PORT/$DB" postgres
    "$BIN" node bench --url "$URL" --transactions "$N" --concurrency "$CLIENTS" --batch 100
    echo "== pgbench -N, $CLIENTS clients, 10 s, same server"
    pgbench -h "$HOST" -p "$PORT" -U "$USERNAME" -i -q "${DB}_pgbench" >/dev/null 2>&1
    pgbench -h "$HOST" -p "$PORT" -U "$USERNAME" -N -c "$CLIENTS" -j 2 -T 10 "${DB}_pgbench" 2>/dev/null | grep -E "^tps|latency average"
else
    echo "== PostgreSQL: no server (scripts/postgres.sh failed); skipped"
fi
