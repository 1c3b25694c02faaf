#!/usr/bin/env python3
"""Zhang Rank vs networkx.pagerank on a random credit graph (200,000 nodes, 1,000,000 edges).

Runs the release `datafi rank` binary (build first: swift build -c release --product datafi) and
networkx on the same edge list, in one run, and prints the timings and ratios:
  - compute: ours = graph build + power iteration as printed by `datafi rank --timing`;
             networkx = the `nx.pagerank(G, ...)` call (sparse conversion + power iteration).
  - whole run: ours = the whole `datafi rank` process (read CSV, parse, rank, sort, print CSV);
               networkx = read CSV + build DiGraph + pagerank + sort + write CSV.
It also checks that both give the same scores (max absolute difference).

Usage: python3 Benchmarks/peers/rank_peers.py [--nodes N] [--edges M] [--runs R] [--threads T] [--bin PATH]
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import networkx as nx
import numpy as np


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--nodes", type=int, default=200_000)
    parser.add_argument("--edges", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--tolerance", type=float, default=1e-10)
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--bin", default=os.path.join(here, "..", "..", ".build", "release", "datafi"))
    args = parser.parse_args()

    rng = np.random.default_rng(2024)
    # Unique directed pairs (a DiGraph keeps one edge per pair), random positive weights.
    n, m = args.nodes, args.edges
    pairs = np.unique(rng.integers(0, n, size=(int(m * 1.05), 2), dtype=np.int64), axis=0)
    pairs = pairs[rng.permutation(len(pairs))[:m]]
    weights = np.round(rng.uniform(0.1, 100.0, size=len(pairs)), 3)
    workdir = tempfile.mkdtemp(prefix="rank-bench-")
    edges_path = os.path.join(workdir, "edges.csv")
    with open(edges_path, "w") as f:
        f.write("source,target,weight\n")
        f.write("\n".join(f"n{u},n{v},{w}" for (u, v), w in zip(pairs, weights)))
        f.write("\n")
    print(f"graph: {n} node ids, {len(pairs)} edges, tolerance {args.tolerance}, damping 0.85")

    # Ours.
    ours_compute, ours_wall, ours_out = [], [], None
    for _ in range(args.runs):
        start = time.perf_counter()
        proc = subprocess.run([args.bin, "rank", "--edges", edges_path, "--tolerance", str(args.tolerance),
                               "--max-iterations", "1000", "--threads", str(args.threads), "--timing"],
                              capture_output=True, text=True, check=True)
        ours_wall.append(time.perf_counter() - start)
        ours_compute.append(float(re.search(r"compute_seconds=([0-9.]+)", proc.stderr).group(1)))
        ours_out = proc.stdout
        iterations = re.search(r"iterations=(\d+)", proc.stderr).group(1)

    # networkx.
    nx_compute, nx_wall, pr = [], [], None
    for _ in range(max(1, args.runs - 1)):
        start = time.perf_counter()
        G = nx.DiGraph()
        with open(edges_path) as f:
            next(f)
            G.add_weighted_edges_from((s, t, float(w)) for s, t, w in (line.rstrip("\n").split(",") for line in f))
        c0 = time.perf_counter()
        pr = nx.pagerank(G, alpha=0.85, tol=args.tolerance, max_iter=1000, weight="weight")
        nx_compute.append(time.perf_counter() - c0)
        out = "node,score\n" + "".join(f"{k},{v!r}\n" for k, v in sorted(pr.items(), key=lambda kv: -kv[1]))
        with open(os.path.join(workdir, "nx.csv"), "w") as f:
            f.write(out)
        nx_wall.append(time.perf_counter() - start)

    ours = {}
    for line in ours_out.splitlines()[1:]:
        k, v = line.split(",")
        ours[k] = float(v)
    diff = max(abs(ours[k] - v) for k, v in pr.items())
    assert len(ours) == len(pr), (len(ours), len(pr))

    oc, ow = statistics.median(ours_compute), statistics.median(ours_wall)
    nc, nw = statistics.median(nx_compute), statistics.median(nx_wall)
    print(f"ours: {iterations} iterations, {args.threads} threads; max |ours - networkx| = {diff:.2e}")
    print()
    print("| measure | datafi rank (s) | networkx (s) | networkx / ours |")
    print("| --- | ---: | ---: | ---: |")
    print(f"| compute (graph build + iteration) | {oc:.3f} | {nc:.3f} | {nc / oc:.1f}x |")
    print(f"| whole run incl. CSV I/O | {ow:.3f} | {nw:.3f} | {nw / ow:.1f}x |")
    print(f"\nmedians of {args.runs} (ours) and {max(1, args.runs - 1)} (networkx) runs; target: compute >= 5x")
    if diff > 1e-9:
        print("WARNING: scores differ by more than 1e-9", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
