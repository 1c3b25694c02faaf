#!/usr/bin/env python3
"""Measuring stick for DataFiBigNum against gmpy2 (GMP from Python) and Python's int.

Runs DataFi's BigNumBenchmarks (release build, package-benchmark) for the AMM output formula and the
4096-bit multiply, then times gmpy2 and Python int on the same inputs (the same SplitMix64 generator,
seed and range reduction as the Swift suite), and prints per-operation times and ratios.

Usage: python3 Benchmarks/peers/bignum_gmpy2.py   (needs `pip install gmpy2`)
"""
import os
import re
import subprocess
import sys
import timeit

import gmpy2

MASK64 = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.state = seed

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def below(self, bound):
        """Swift's RandomNumberGenerator.next(upperBound:) (Lemire's method)."""
        m = self.next() * bound
        if (m & MASK64) < bound:
            t = ((1 << 64) - bound) % bound
            while (m & MASK64) < t:
                m = self.next() * bound
        return m >> 64

    def uniform(self, lo, hi):
        """Swift's UInt64.random(in: lo...hi, using:)."""
        delta = hi - lo
        if delta == MASK64:
            return self.next()
        return lo + self.below(delta + 1)


def amm_inputs():
    rng = SplitMix64(42)
    out = []
    for _ in range(256):
        a = rng.uniform(1, 999_999_999_999_999)
        r_in = rng.uniform(1_000_000, MASK64) * rng.uniform(1, 5)
        r_out = rng.uniform(1_000_000, MASK64) * rng.uniform(1, 5)
        out.append((a, r_in, r_out))
    return out


def mul_operands():
    rng = SplitMix64(7)

    def operand():
        data = bytearray(rng.next() & 0xFF for _ in range(512))
        data[0] |= 0x80
        return int.from_bytes(data, "big")

    return operand(), operand()


def amm_sum(inputs):
    total = 0
    for a, r_in, r_out in inputs:
        fee = a * 997
        total += fee * r_out // (r_in * 1000 + fee)
    return total


def best_per_call(stmt, number, repeat=5):
    return min(timeit.repeat(stmt, number=number, repeat=repeat)) / number


UNIT = {"ns": 1e-9, "μs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}


def run_swift():
    """Runs the Swift suite once and returns {benchmark name: p50 wall clock in seconds}."""
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    cmd = ["swift", "package", "--disable-sandbox", "benchmark", "--target", "BigNumBenchmarks",
           "--filter", "AMM amountOut.*", "--filter", "BigInt 4096-bit multiply: DataFi.*", "--no-progress"]
    text = subprocess.run(cmd, cwd=root, capture_output=True, text=True, check=True).stdout
    results, name = {}, None
    for line in text.splitlines():
        if line.startswith("AMM ") or line.startswith("BigInt "):
            name = line.strip()
        m = re.search(r"Time \(wall clock\) \((\w+)\) \*\s*│\s*([\d.e+]+)\s*│\s*([\d.e+]+)\s*│\s*([\d.e+]+)", line)
        if m and name:
            results[name] = float(m.group(4)) * UNIT[m.group(1)]
    return results


def main():
    inputs = amm_inputs()
    gm_inputs = [tuple(gmpy2.mpz(v) for v in row) for row in inputs]
    assert amm_sum(inputs) == amm_sum(gm_inputs)
    a, b = mul_operands()
    ga, gb = gmpy2.mpz(a), gmpy2.mpz(b)
    assert ga * gb == a * b

    peer = {
        "AMM gmpy2 (per formula)": best_per_call(lambda: amm_sum(gm_inputs), 200) / 256,
        "AMM Python int (per formula)": best_per_call(lambda: amm_sum(inputs), 200) / 256,
        "4096-bit multiply gmpy2": best_per_call(lambda: ga * gb, 20000),
        "4096-bit multiply Python int": best_per_call(lambda: a * b, 20000),
    }
    ours = run_swift()
    amm_ours = ours["AMM amountOut ×256: UInt256"] / 256
    mul_ours = ours["BigInt 4096-bit multiply: DataFi BigInt"]

    print(f"{'case':45} {'time':>12} {'ratio vs DataFi':>16}")
    print(f"{'AMM DataFi UInt256 (per formula)':45} {amm_ours * 1e9:10.1f}ns {1.0:15.1f}x")
    for key in ("AMM gmpy2 (per formula)", "AMM Python int (per formula)"):
        print(f"{key:45} {peer[key] * 1e9:10.1f}ns {peer[key] / amm_ours:15.1f}x")
    print(f"{'4096-bit multiply DataFi BigInt':45} {mul_ours * 1e9:10.1f}ns {1.0:15.1f}x")
    for key in ("4096-bit multiply gmpy2", "4096-bit multiply Python int"):
        print(f"{key:45} {peer[key] * 1e9:10.1f}ns {peer[key] / mul_ours:15.1f}x")
    print(f"(gmpy2 {gmpy2.version()} on {gmpy2.mp_version()}; ratio > 1 means DataFi is faster)")


if __name__ == "__main__":
    sys.exit(main())
