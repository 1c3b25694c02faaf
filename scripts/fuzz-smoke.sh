#!/usr/bin/env bash
# Builds the Fuzz/ package with libFuzzer and runs each fuzz target briefly from an empty corpus:
# CI keeps the fuzz targets building and catches shallow crashes. Longer runs: see Fuzz/README.md.
# FUZZ_SECONDS (default 60) is the time per target.
set -euo pipefail
cd "$(dirname "$0")/../Fuzz"
seconds=${FUZZ_SECONDS:-60}
swift build -c release -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library
bin=$(swift build -c release -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library --show-bin-path)
for target in ZKFuzz; do
    corpus=$(mktemp -d)
    echo "fuzzing $target for ${seconds}s"
    "$bin/$target" "$corpus" -max_total_time="$seconds" -max_len=4096 -print_final_stats=1
    rm -rf "$corpus"
done
