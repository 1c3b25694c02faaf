#!/usr/bin/env bash
# Regenerates bm25_expected.json with rank-bm25 from PyPI, in a virtual environment of its own.
# The committed JSON is what the tests read; running this needs the network only to create the environment.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${BM25_VENV:-$here/../../../.venv-bm25}"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "rank-bm25==0.2.2" "numpy>=1.24"
fi
"$venv/bin/python" "$here/make_bm25_fixture.py" > "$here/bm25_expected.json.tmp"
mv "$here/bm25_expected.json.tmp" "$here/bm25_expected.json"
echo "wrote $here/bm25_expected.json"
