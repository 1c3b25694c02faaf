#!/usr/bin/env bash
# DocC for every library module, built without warnings: the compiler emits each module's symbol graph
# (in its own scratch directory, so the normal build keeps its flags), then the toolchain's `docc`
# converts each module with --warnings-as-errors (missing parameter docs, broken ``links``, ambiguity).
# Archives go to .build/docs/<Module>.doccarchive.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=.build/docs-build
graphs=.build/docs/symbol-graphs
# Graphs are kept between runs: an incremental build rewrites only those of the modules it recompiles.
mkdir -p "$graphs"
swift build --scratch-path "$scratch" -Xswiftc -emit-symbol-graph -Xswiftc -emit-symbol-graph-dir \
    -Xswiftc "$PWD/$graphs" >/dev/null
modules=$(sed -n 's/^ *Module("\(DataFi[A-Za-z0-9]*\)".*/\1/p' Package.swift)
# The network modules stay out of `modules` (the umbrella links no web stack) but are documented like them.
modules="$modules DataFiHTTPClient DataFiPSIService DataFiNode DataFiLedgerClient DataFiLedgerPostgres DataFiFlower"
failed=0
for module in DataFi $modules; do
    one=$(mktemp -d)
    cp "$graphs/$module.symbols.json" "$one/"
    cp "$graphs/$module"@*.symbols.json "$one/" 2>/dev/null || true
    if ! docc convert --additional-symbol-graph-dir "$one" --fallback-display-name "$module" \
        --fallback-bundle-identifier "org.datafi.$module" --warnings-as-errors \
        --output-path ".build/docs/$module.doccarchive" >"$one/log" 2>&1; then
        cat "$one/log" >&2
        echo "docs: $module has documentation warnings" >&2
        failed=1
    fi
    rm -rf "$one"
done
[ "$failed" -eq 0 ] && echo "docs: every module's DocC builds without warnings"
exit "$failed"
