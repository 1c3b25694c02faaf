#!/bin/sh
# Creates the virtual environment the Paillier/PSI peer scripts use: python-paillier (phe) with
# gmpy2, and openmined-psi. Usage: sh Benchmarks/peers/paillier_venv.sh [VENV_DIR]
# (default: .venv-peers at the repository root). Prints the venv's python path.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VENV=${1:-"$ROOT/.venv-peers"}
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "phe==1.5.0" "gmpy2>=2.1" "openmined-psi==2.0.6" >&2
echo "$VENV/bin/python"
