#!/usr/bin/env python3
"""Private intersection-sum over loopback: `datafi pjc serve` (party B, n items with values) and
`datafi pjc query --wire` (party A, n identifiers, half of them common) as two processes.
Reports B's start-up (key generation and encryption of every value), A's query wall time and the
bytes on the wire (HTTP bodies), and checks the sum against the plain computation.

Usage: python3 Benchmarks/peers/pjc_loopback.py [items per side...] (default 100000); DATAFI names the
release binary; PJC_BITS the Paillier size (default 2048).
"""
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATAFI = os.environ.get("DATAFI", os.path.join(ROOT, ".build", "release", "datafi"))
BITS = os.environ.get("PJC_BITS", "2048")


def main():
    sizes = [int(a) for a in sys.argv[1:]] or [100_000]
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}, Paillier {BITS} bits")
    print(f"{'items/side':>10} {'B start-up s':>12} {'A query s':>10} {'sent MB':>8} {'received MB':>11} {'size':>7}")
    for n in sizes:
        with tempfile.TemporaryDirectory() as workdir:
            b_path, a_path = os.path.join(workdir, "b.csv"), os.path.join(workdir, "a.txt")
            values = {f"cust{i:09d}": (i * 37) % 10_000 - 5_000 for i in range(n)}
            with open(b_path, "w") as f:
                f.write("id,value\n" + "".join(f"{k},{v}\n" for k, v in values.items()))
            a_items = [f"cust{i:09d}" for i in range(n // 2, n + n // 2)]
            with open(a_path, "w") as f:
                f.write("\n".join(a_items) + "\n")
            start = time.perf_counter()
            server = subprocess.Popen([DATAFI, "pjc", "serve", "--items", b_path, "--listen", "127.0.0.1:0", "--bits", BITS],
                                      stdout=subprocess.PIPE)
            url = server.stdout.readline().decode().strip().split("listening on ")[1]
            startup = time.perf_counter() - start
            try:
                start = time.perf_counter()
                out = subprocess.run([DATAFI, "pjc", "query", "--server", url, "--items", a_path, "--wire"],
                                     check=True, stdout=subprocess.PIPE).stdout
                query = time.perf_counter() - start
            finally:
                server.terminate()
                server.wait()
            result = json.loads(out)
            expected = sum(values[k] for k in a_items if k in values)
            assert result["intersection_size"] == n - n // 2 and int(result["intersection_sum"]) == expected, result
            print(f"{n:>10} {startup:>12.1f} {query:>10.1f} {result['bytes_sent'] / 1e6:>8.1f} "
                  f"{result['bytes_received'] / 1e6:>11.1f} {result['intersection_size']:>7}")


if __name__ == "__main__":
    main()
