#!/usr/bin/env python3
"""PSI throughput: DataFi (release `datafi psi` steps, two processes' worth of work through files)
against OpenMined PSI (`pip install openmined-psi`, RAW setup = exact intersection) on the same sets.

Usage: python3 Benchmarks/peers/psi_peers.py [sizes...]   (default: 10000 100000 items per side)
Set DATAFI to the release binary (default: .build/release/datafi; build it with
`swift build -c release --product datafi`). Prints seconds and the throughput ratio per size.
"""
import os
import resource
import subprocess
import sys
import tempfile
import time

import private_set_intersection.python as psi

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATAFI = os.environ.get("DATAFI", os.path.join(ROOT, ".build", "release", "datafi"))


def make_sets(n):
    server = [f"user{i:09d}@example.com" for i in range(n)]
    client = [f"user{i:09d}@example.com" for i in range(n // 2, n + n // 2)]
    return server, client


def run_ours(server, client, workdir):
    def path(name):
        return os.path.join(workdir, name)

    with open(path("server.txt"), "w") as f:
        f.write("\n".join(server) + "\n")
    with open(path("client.txt"), "w") as f:
        f.write("\n".join(client) + "\n")
    steps = [
        ["psi", "setup", "--items", path("server.txt"), "--key", path("server.key"), "--out", path("setup.bin")],
        ["psi", "request", "--items", path("client.txt"), "--key", path("client.key"), "--out", path("request.bin")],
        ["psi", "respond", "--key", path("server.key"), "--request", path("request.bin"), "--out", path("response.bin")],
        ["psi", "intersect", "--key", path("client.key"), "--items", path("client.txt"),
         "--setup", path("setup.bin"), "--response", path("response.bin")],
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = b""
    for step in steps:
        out = subprocess.run([DATAFI] + step, check=True, stdout=subprocess.PIPE).stdout
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu, len(out.splitlines())


def run_openmined(server, client):
    start = time.perf_counter()
    cpu_start = time.process_time()
    c = psi.client.CreateWithNewKey(True)
    s = psi.server.CreateWithNewKey(True)
    setup = s.CreateSetupMessage(1e-9, len(client), server, psi.DataStructure.RAW)
    request = c.CreateRequest(client)
    response = s.ProcessRequest(request)
    intersection = c.GetIntersection(setup, response)
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    return elapsed, cpu, len(intersection)


def main():
    sizes = [int(a) for a in sys.argv[1:]] or [10_000, 100_000]
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}")
    print(f"{'items/side':>10} {'datafi s':>9} {'cpu s':>7} {'openmined s':>11} {'cpu s':>7} "
          f"{'throughput ratio':>16} {'per-cpu-second ratio':>20}")
    for n in sizes:
        server, client = make_sets(n)
        with tempfile.TemporaryDirectory() as workdir:
            ours, ours_cpu, ours_count = run_ours(server, client, workdir)
        peer, peer_cpu, peer_count = run_openmined(server, client)
        assert ours_count == peer_count, (ours_count, peer_count)
        print(f"{n:>10} {ours:>9.2f} {ours_cpu:>7.2f} {peer:>11.2f} {peer_cpu:>7.2f} "
              f"{peer / ours:>16.2f} {peer_cpu / ours_cpu:>20.2f}")


if __name__ == "__main__":
    main()
