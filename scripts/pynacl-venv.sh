#!/usr/bin/env bash
# Creates a Python virtual environment with PyNaCl for the CLI's interoperability test and prints the
# path of its python. The test finds it through DATAFI_PYNACL_PYTHON:
#   export DATAFI_PYNACL_PYTHON=$(bash scripts/pynacl-venv.sh)
# VENV (default .build/pynacl-venv) is where the environment goes.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${VENV:-.build/pynacl-venv}
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import nacl" >/dev/null 2>&1; then
    python3 -m venv "$venv" >&2
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "pynacl==1.6.2" >&2
fi
"$venv/bin/python" -c "import nacl" >&2
case "$venv" in /*) echo "$venv/bin/python" ;; *) echo "$(pwd)/$venv/bin/python" ;; esac
