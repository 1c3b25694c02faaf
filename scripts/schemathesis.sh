#!/usr/bin/env bash
# Runs schemathesis (PyPI) against a ledger node's /openapi.json: a bounded number of generated
# requests per operation; fails on any 5xx answer or any answer that violates the document.
# Needs the debug build of datafi (make test builds it). The venv is kept in .venv-schemathesis.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv-schemathesis
if [ ! -x "$VENV/bin/st" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q "schemathesis==4.32.5"
fi
BIN=$(swift build --show-bin-path)/datafi
WORK=$(mktemp -d)
OUT="$WORK/out.txt"
"$BIN" node serve --store "sqlite:$WORK/node.sqlite" --listen 127.0.0.1:0 --operator-key "$WORK/operator.key" \
    --origin schemathesis.example/node >"$OUT" 2>"$WORK/err.txt" &
PID=$!
trap 'kill $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do grep -q "listening on" "$OUT" && break; sleep 0.1; done
URL=$(sed -n 's/^listening on //p' "$OUT")
[ -n "$URL" ] || { echo "schemathesis.sh: the node did not start" >&2; cat "$WORK/err.txt" >&2; exit 3; }
"$VENV/bin/st" run "$URL/openapi.json" --url "$URL" --checks not_a_server_error,response_schema_conformance \
    --max-examples 20 --seed 1
