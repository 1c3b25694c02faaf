#!/usr/bin/env bash
# The Swift SuperNode (`datafi fed node`, release build) against Flower's own Python SuperNode running the
# flower-credit ClientApp (scikit-learn's LogisticRegression) on the same German Credit partition: one node,
# a SuperLink on loopback, ROUNDS FedAvg rounds with `flwr run`. Prints, per side, the peak resident memory
# of the node's processes (the Python side: flower-supernode plus the flwr-clientapp processes it starts,
# summed at each sample) and the median seconds per round (rounds 2..ROUNDS, from the ServerApp's clock).
# Usage: bash Benchmarks/peers/flower_node_bench.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-10}
python=$(bash scripts/flower-venv.sh)
bin=$(dirname "$python")
swift build -c release --product datafi >&2
datafi=$(swift build -c release --show-bin-path)/datafi
work=$(mktemp -d)
export PATH="$bin:$PATH"
"$python" Examples/flower-credit/prepare.py Tests/DataFiCreditTests/Fixtures/germancredit.csv "$work" > "$work/features"
features=$(cat "$work/features")

# Resident memory (kB) of a process and all its descendants.
tree_rss() {
    local total=0 pid kb
    for pid in $(pstree -pT "$1" 2>/dev/null | grep -o '([0-9]*)' | tr -d '()'); do
        kb=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
        total=$((total + ${kb:-0}))
    done
    echo "$total"
}

run_side() {  # side-name, then the node command
    local side=$1; shift
    local port runtime home superlink node peak=0 rss children arguments=()
    port=$("$python" -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
    runtime=$("$python" -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
    for a in "$@"; do a=${a//@LINK@/$port}; arguments+=("${a//@RUNTIME@/$runtime}"); done
    home="$work/$side-home"
    mkdir -p "$home"
    printf '[superlink.local]\naddress = "127.0.0.1:%s"\ninsecure = true\n' "$port" > "$home/config.toml"
    FLWR_HOME="$home" flower-superlink --insecure --disable-runtime-dependency-installation --port "$port" \
        > "$work/$side-superlink.log" 2>&1 &
    superlink=$!
    sleep 5
    FLWR_HOME="$home" "${arguments[@]}" > "$work/$side-node.log" 2>&1 &
    node=$!
    sleep 3
    (cd Examples/flower-credit && FLWR_HOME="$home" flwr run . local --stream --run-config \
        "num-server-rounds=$rounds num-features=$features min-nodes=1 lr=0.5 local-epochs=5 result-path='$work/$side.json'" \
        > "$work/$side-flwr.log" 2>&1) &
    local flwr=$!
    while kill -0 "$flwr" 2>/dev/null; do
        rss=$(tree_rss "$node")
        [ "$rss" -gt "$peak" ] && peak=$rss
        sleep 0.2
    done
    wait "$flwr" || { tail -30 "$work/$side-flwr.log" >&2; }
    children=$(pstree -pT "$node" 2>/dev/null | grep -o '([0-9]*)' | tr -d '()' || true)
    kill -TERM $children 2>/dev/null || true
    wait "$node" 2>/dev/null || true
    children=$(pstree -pT "$superlink" 2>/dev/null | grep -o '([0-9]*)' | tr -d '()' || true)
    kill -TERM $children 2>/dev/null || true
    sleep 2
    kill -KILL $children 2>/dev/null || true
    "$python" - "$work/$side.json" "$side" "$peak" <<'PY'
import json, statistics, sys
result = json.load(open(sys.argv[1]))
seconds = [r["seconds"] for r in result["rounds"][1:]]
print(f"{sys.argv[2]:>32}: peak RSS {int(sys.argv[3]) / 1024:7.1f} MiB, "
      f"median {statistics.median(seconds):.3f} s per round over {len(seconds)} rounds")
PY
}

run_side "Swift SuperNode (datafi)" "$datafi" fed node --superlink "http://127.0.0.1:@LINK@" \
    --data "$work/part1.csv" --target bad --positive 1
run_side "Flower SuperNode + sklearn app" flower-supernode --insecure --superlink "127.0.0.1:@LINK@" \
    --node-config "data-path='$work/part1.csv'" --port @RUNTIME@
rm -rf "$work"
