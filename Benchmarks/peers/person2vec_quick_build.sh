#!/usr/bin/env bash
# Builds a small optimized stand-in for `datafi embed` (the flags person2vec_peers.py passes) from this
# checkout's DataFiPerson2Vec and DataFiSupport sources, in seconds instead of a release build of the
# whole tool, and prints its path. Use: python3 Benchmarks/peers/person2vec_peers.py --quality-only \
#   --bin "$(bash Benchmarks/peers/person2vec_quick_build.sh)"
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work=$(mktemp -d)
cp "$root"/Sources/Credit/Person2Vec/*.swift "$root"/Sources/Support/*.swift "$work/"
sed -i '/^import DataFiSupport$/d' "$work"/*.swift
cp "$root/Benchmarks/peers/person2vec_embed_main.swift" "$work/main.swift"
swiftc -O -module-name Person2VecEmbed "$work"/*.swift -o "$work/embed" >&2
echo "$work/embed"
