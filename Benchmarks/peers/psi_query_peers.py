#!/usr/bin/env python3
"""PSI query throughput against a precomputed server set: DataFi over HTTP (`datafi psi serve`,
set blinded once at start-up, then `datafi psi query` as a separate process per query) against
OpenMined PSI (RAW setup message created before timing, then CreateRequest, ProcessRequest and
GetIntersection in one Python process).

Usage: $(sh Benchmarks/peers/paillier_venv.sh) Benchmarks/peers/psi_query_peers.py [server_items] [client sizes...]
(default: 100000 server items; 10000 and 100000 client items). DATAFI names the release binary.
Both sides' CPU seconds are reported too (ours: client process plus the server's share).
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


def cpu_of(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    server_n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    sizes = [int(a) for a in sys.argv[2:]] or [10_000, 100_000]
    server_items = [f"user{i:09d}@example.com" for i in range(server_n)]
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}, server items: {server_n}")
    with tempfile.TemporaryDirectory() as workdir:
        server_path = os.path.join(workdir, "server.txt")
        with open(server_path, "w") as f:
            f.write("\n".join(server_items) + "\n")
        server = subprocess.Popen([DATAFI, "psi", "serve", "--items", server_path, "--key", os.path.join(workdir, "s.key"),
                                   "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE)
        url = server.stdout.readline().decode().strip().split("listening on ")[1]
        print(f"{'client items':>12} {'datafi s':>9} {'cpu s':>7} {'openmined s':>11} {'cpu s':>7} {'throughput ratio':>16} {'cpu ratio':>9}")
        try:
            om_server = psi.server.CreateWithNewKey(True)
            for n in sizes:
                client_items = [f"user{i:09d}@example.com" for i in range(server_n - n // 2, server_n + n - n // 2)]
                client_path = os.path.join(workdir, f"client{n}.txt")
                with open(client_path, "w") as f:
                    f.write("\n".join(client_items) + "\n")
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                server_cpu = cpu_of(server.pid)
                start = time.perf_counter()
                out = subprocess.run([DATAFI, "psi", "query", "--server", url, "--items", client_path,
                                      "--key", os.path.join(workdir, "c.key")], check=True, stdout=subprocess.PIPE).stdout
                ours = time.perf_counter() - start
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                ours_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime) + cpu_of(server.pid) - server_cpu
                ours_count = len(out.splitlines())
                setup = om_server.CreateSetupMessage(1e-9, n, server_items, psi.DataStructure.RAW)
                client = psi.client.CreateWithNewKey(True)
                start = time.perf_counter()
                cpu_start = time.process_time()
                request = client.CreateRequest(client_items)
                response = om_server.ProcessRequest(request)
                common = client.GetIntersection(setup, response)
                peer = time.perf_counter() - start
                peer_cpu = time.process_time() - cpu_start
                assert ours_count == len(common), (ours_count, len(common))
                print(f"{n:>12} {ours:>9.2f} {ours_cpu:>7.2f} {peer:>11.2f} {peer_cpu:>7.2f} {peer / ours:>15.2f}x {peer_cpu / ours_cpu:>8.2f}x")
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
