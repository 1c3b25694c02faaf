#!/usr/bin/env python3
"""Paillier encryption and decryption: DataFi (release `datafi paillier bench`, one thread) against
python-paillier (phe) with gmpy2, on the same key, in the same run.

Usage: $(sh Benchmarks/peers/paillier_venv.sh) Benchmarks/peers/paillier_peers.py [count] [bits]
Set DATAFI to the release binary (default: .build/release/datafi; build it with
`swift build -c release --product datafi`). Prints microseconds per operation and the ratios.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

import phe
from phe import util

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATAFI = os.environ.get("DATAFI", os.path.join(ROOT, ".build", "release", "datafi"))


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    bits = int(sys.argv[2]) if len(sys.argv) > 2 else 2048
    assert util.HAVE_GMP, "gmpy2 is not installed: phe would run on pure Python"
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}, phe with gmpy2: {util.HAVE_GMP}")
    with tempfile.TemporaryDirectory() as workdir:
        key_path = os.path.join(workdir, "key.json")
        subprocess.run([DATAFI, "paillier", "keygen", "--bits", str(bits), "--out", key_path], check=True,
                       stdout=subprocess.DEVNULL)
        with open(key_path) as f:
            key = json.load(f)
        ours = json.loads(subprocess.run([DATAFI, "paillier", "bench", "--key", key_path, "--count", str(count)],
                                         check=True, stdout=subprocess.PIPE).stdout)
    public = phe.PaillierPublicKey(int(key["n"]))
    private = phe.PaillierPrivateKey(public, int(key["p"]), int(key["q"]))
    values = [i * 7919 - 1_000_000 for i in range(count)]
    start = time.perf_counter()
    ciphertexts = [public.encrypt(v) for v in values]
    enc = (time.perf_counter() - start) / count * 1e6
    start = time.perf_counter()
    plain = [private.decrypt(c) for c in ciphertexts]
    dec = (time.perf_counter() - start) / count * 1e6
    assert plain == values
    start = time.perf_counter()
    acc = ciphertexts[0]
    for c in ciphertexts:
        acc = acc + c
    add = (time.perf_counter() - start) / count * 1e6
    print(f"{bits}-bit key, {count} operations each, microseconds per operation (lower is better)")
    print(f"{'operation':<28} {'datafi':>10} {'phe+gmpy2':>10} {'speed-up':>9}")
    rows = [("encrypt (public key)", ours["encrypt_us"], enc),
            ("encrypt (key holder, CRT)", ours["encrypt_key_holder_us"], enc),
            ("decrypt (CRT)", ours["decrypt_us"], dec),
            ("add", ours["add_us"], add)]
    for name, a, b in rows:
        print(f"{name:<28} {a:>10.1f} {b:>10.1f} {b / a:>8.2f}x")


if __name__ == "__main__":
    main()
