#!/usr/bin/env python3
"""Side-by-side timing of DataFiPrivacy against OpenDP, diffprivlib and dp-accounting.

Our side runs through the release `datafi` binary:
  * samplers: `datafi dp noise --distribution ... --scale ... --count N` (in-process timing of N exact samples
    drawn with libsodium randomness; the samples are not printed);
  * accountants: `datafi dp epsilon ...` timed end to end (process start included).
Peers run in this Python process on the same parameters.

Usage: swift build -c release --product datafi
       pip install opendp diffprivlib dp-accounting==0.6.0
       python3 Benchmarks/peers/privacy_peers.py [--bin .build/release/datafi]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import types

parser = argparse.ArgumentParser()
parser.add_argument("--bin", default=os.environ.get("DATAFI_BIN", ".build/release/datafi"))
parser.add_argument("--count", type=int, default=200_000)
args = parser.parse_args()


def ours_noise(distribution, scale, count):
    out = subprocess.run([args.bin, "dp", "noise", "--distribution", distribution, "--scale", str(scale),
                          "--count", str(count)], check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def ours_epsilon(accountant, repeats=3):
    """Best of `repeats`: (whole process seconds, in-process accountant seconds, epsilon)."""
    best, best_inner, eps = float("inf"), float("inf"), None
    for _ in range(repeats):
        t = time.perf_counter()
        out = subprocess.run([args.bin, "dp", "epsilon", "--noise-multiplier", "4", "--sampling-rate", "0.01",
                              "--steps", "10000", "--delta", "1e-5", "--accountant", accountant, "--timing"],
                             check=True, capture_output=True, text=True).stdout
        best = min(best, time.perf_counter() - t)
        result = json.loads(out)
        best_inner = min(best_inner, result["seconds"])
        eps = result["epsilon"]
    return best, best_inner, eps


def timed(fn, repeats=3):
    best, value = float("inf"), None
    for _ in range(repeats):
        t = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - t)
    return best, value


rows = []

# ---- Samplers -------------------------------------------------------------------------------------------
import opendp.prelude as dp  # noqa: E402

dp.enable_features("contrib")

# diffprivlib's package __init__ imports its scikit-learn models, which fail against newer scikit-learn;
# the mechanisms do not need them, so a stub stands in for diffprivlib.models.
sys.modules.setdefault("diffprivlib.models", types.ModuleType("diffprivlib.models"))
from diffprivlib.mechanisms import GaussianDiscrete, Geometric  # noqa: E402

N = args.count
for scale in [1, 100]:
    ours = ours_noise("discrete-laplace", scale, N)
    meas = dp.m.make_laplace(dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int), scale=float(scale))
    t_opendp, sample = timed(lambda: meas([0] * N), repeats=1)
    geo = Geometric(epsilon=1.0 / scale, sensitivity=1)
    M = 20_000
    t_dpl, _ = timed(lambda: [geo.randomise(0) for _ in range(M)], repeats=1)
    rows.append((f"discrete Laplace scale {scale}", ours["samples_per_second"], N / t_opendp, M / t_dpl,
                 ours["variance"], statistics.pvariance(sample)))

for sigma in [1, 100]:
    ours = ours_noise("discrete-gaussian", sigma, N)
    meas = dp.m.make_gaussian(dp.vector_domain(dp.atom_domain(T=int)), dp.l2_distance(T=float), scale=float(sigma))
    t_opendp, sample = timed(lambda: meas([0] * N), repeats=1)
    gd = GaussianDiscrete(epsilon=0.5, delta=1e-5, sensitivity=1)
    gd._scale = float(sigma)  # same σ as ours
    M = 20_000
    t_dpl, _ = timed(lambda: [gd.randomise(0) for _ in range(M)], repeats=1)
    rows.append((f"discrete Gaussian sigma {sigma}", ours["samples_per_second"], N / t_opendp, M / t_dpl,
                 ours["variance"], statistics.pvariance(sample)))

print("| sampler | DataFi samples/s | OpenDP samples/s | diffprivlib samples/s | DataFi/OpenDP | DataFi/diffprivlib | var DataFi | var OpenDP |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for name, ours_sps, opendp_sps, dpl_sps, v1, v2 in rows:
    print(f"| {name} | {ours_sps:,.0f} | {opendp_sps:,.0f} | {dpl_sps:,.0f} | {ours_sps / opendp_sps:.1f}x "
          f"| {ours_sps / dpl_sps:.1f}x | {v1:.4g} | {v2:.4g} |")

# ---- Accountants ----------------------------------------------------------------------------------------
from dp_accounting import dp_event  # noqa: E402
from dp_accounting.pld import pld_privacy_accountant  # noqa: E402
from dp_accounting.rdp import rdp_privacy_accountant  # noqa: E402

event = dp_event.PoissonSampledDpEvent(0.01, dp_event.GaussianDpEvent(4.0))


def peer(accountant_cls):
    def run():
        acc = accountant_cls()
        acc.compose(event, 10_000)
        return acc.get_epsilon(1e-5)
    return run


startup, _ = timed(lambda: subprocess.run([args.bin, "dp", "--help"], check=True, capture_output=True))
print()
print(f"Accountants, q=0.01, sigma=4, T=10000, delta=1e-5, best of 3 (`datafi dp --help` takes {startup * 1000:.1f} ms)")
print("| accountant | DataFi in-process s | DataFi whole process s | dp-accounting s | ratio in-process | ratio whole process "
      "| DataFi epsilon | dp-accounting epsilon |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for name, cls in [("rdp", rdp_privacy_accountant.RdpAccountant), ("pld", pld_privacy_accountant.PLDAccountant)]:
    t_ours, t_inner, eps_ours = ours_epsilon(name)
    t_peer, eps_peer = timed(peer(cls))
    print(f"| {name.upper()} | {t_inner:.4f} | {t_ours:.4f} | {t_peer:.4f} | {t_peer / t_inner:.1f}x | {t_peer / t_ours:.1f}x "
          f"| {eps_ours:.6f} | {eps_peer:.6f} |")
