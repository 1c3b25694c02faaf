#!/usr/bin/env bash
# Creates a Python virtual environment with Flower (flwr==1.42.0) and scikit-learn and prints the path of
# its python. It serves the Flower SuperLink tests, the protobuf code generation, the flower-credit example
# and the peer benchmark; the Swift library never depends on it:
#   export DATAFI_FLOWER_PYTHON=$(bash scripts/flower-venv.sh)
# VENV (default .build/flower-venv) is where the environment goes.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${VENV:-.build/flower-venv}
check='import flwr, sklearn; assert flwr.__version__ == "1.42.0", flwr.__version__'
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "$check" >/dev/null 2>&1; then
    python3 -m venv "$venv" >&2
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "flwr==1.42.0" "scikit-learn" >&2
fi
"$venv/bin/python" -c "$check" >&2
case "$venv" in /*) echo "$venv/bin/python" ;; *) echo "$(pwd)/$venv/bin/python" ;; esac
