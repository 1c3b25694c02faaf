#!/usr/bin/env bash
# Builds the benchmark suite and runs every benchmark once, so the suite cannot rot.
set -euo pipefail
cd "$(dirname "$0")"
DATAFI_BENCH_SMOKE=1 swift package --disable-sandbox benchmark --no-progress
