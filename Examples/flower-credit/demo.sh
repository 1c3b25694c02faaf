#!/usr/bin/env bash
# `make fed-demo`: a SuperLink on loopback, three Swift SuperNodes (`datafi fed node`) on three lenders'
# partitions of the German Credit fixture, ten FedAvg rounds with `flwr run`, then the federated model's
# held-out AUC per round beside a centrally trained one. Python runs only in the Flower venv.
set -euo pipefail
cd "$(dirname "$0")/../.."
python=$(bash scripts/flower-venv.sh)
bin=$(dirname "$python")
swift build --product datafi >&2
datafi=$(swift build --show-bin-path)/datafi
work=$(mktemp -d)
port=$("$python" -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
export PATH="$bin:$PATH" FLWR_HOME="$work/flwr-home"
mkdir -p "$FLWR_HOME"
printf '[superlink.local]\naddress = "127.0.0.1:%s"\ninsecure = true\n' "$port" > "$FLWR_HOME/config.toml"
features=$("$python" Examples/flower-credit/prepare.py Tests/DataFiCreditTests/Fixtures/germancredit.csv "$work")
flower-superlink --insecure --disable-runtime-dependency-installation --port "$port" > "$work/superlink.log" 2>&1 &
superlink=$!
nodes=()
cleanup() {
    for pid in "${nodes[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${nodes[@]}"; do wait "$pid" 2>/dev/null || true; done
    children=$(ps -o pid= --ppid "$superlink" 2>/dev/null || true)
    kill -TERM "$superlink" $children 2>/dev/null || true
    sleep 2
    kill -KILL "$superlink" $children 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
for k in 1 2 3; do
    "$datafi" fed node --superlink "http://127.0.0.1:$port" --data "$work/part$k.csv" --target bad --positive 1 \
        > "$work/node$k.json" 2> "$work/node$k.log" &
    nodes+=($!)
done
# `flwr run` needs the SuperLink up: wait until the three nodes are active (at most a minute).
for _ in $(seq 600); do
    [ "$(cat "$work"/node*.log | grep -c ' active')" -ge 3 ] && break
    sleep 0.1
done
(cd Examples/flower-credit && flwr run . local --stream --run-config \
    "num-server-rounds=10 num-features=$features min-nodes=3 lr=0.5 local-epochs=5 fraction-evaluate=1.0 result-path='$work/result.json'" \
    > "$work/flwr.log" 2>&1) || { tail -40 "$work/flwr.log" >&2; exit 1; }
"$python" Examples/flower-credit/report.py "$work"
