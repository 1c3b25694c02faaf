#!/usr/bin/env python3
"""Known-answer fixtures for DataFiPrivacy's accountants, computed with Google's dp-accounting 0.6.0.

Prints Swift array literals that are pasted into Tests/DataFiPrivacyTests/AccountantFixtureTests.swift.
Usage: pip install dp-accounting==0.6.0 && python3 Benchmarks/peers/privacy_fixtures.py
"""
import math

from absl import logging as absl_logging
import dp_accounting
from dp_accounting import dp_event
from dp_accounting.rdp import rdp_privacy_accountant as rdp
from dp_accounting.pld import pld_privacy_accountant as pld


def rdp_eps(q, sigma, steps, delta, orders=None):
    acc = rdp.RdpAccountant(orders) if orders else rdp.RdpAccountant()
    event = dp_event.PoissonSampledDpEvent(q, dp_event.GaussianDpEvent(sigma)) if q < 1 else dp_event.GaussianDpEvent(sigma)
    acc.compose(event, steps)
    return acc.get_epsilon_and_optimal_order(delta)


def pld_eps(q, sigma, steps, delta):
    acc = pld.PLDAccountant()
    event = dp_event.PoissonSampledDpEvent(q, dp_event.GaussianDpEvent(sigma)) if q < 1 else dp_event.GaussianDpEvent(sigma)
    acc.compose(event, steps)
    return acc.get_epsilon(delta)


absl_logging.set_verbosity(absl_logging.ERROR)


def lit(x):
    x = float(x)
    return ".infinity" if math.isinf(x) else repr(x)


# (q, sigma, steps, delta): Abadi et al. 2016 style DP-SGD settings and a few single Gaussians.
SETTINGS = [
    (0.01, 4.0, 10000, 1e-5),
    (0.01, 1.1, 10000, 1e-5),
    (0.01, 2.0, 1000, 1e-5),
    (0.004, 1.0, 10000, 1e-5),
    (0.256, 1.1, 60, 1e-5),
    (0.1, 0.8, 100, 1e-6),
    (1.0, 1.0, 1, 1e-5),
    (1.0, 5.0, 10, 1e-6),
]

print("// RDP accountant (default orders): (q, sigma, steps, delta, epsilon, optimal order)")
print("static let rdpFixtures: [(Double, Double, Int, Double, Double, Double)] = [")
for q, s, t, d in SETTINGS:
    eps, order = rdp_eps(q, s, t, d)
    print(f"    ({q!r}, {s!r}, {t}, {d!r}, {lit(eps)}, {lit(order)}),")
print("]")

print("// Per-order RDP of one Poisson-subsampled Gaussian step: (q, sigma, order, rdp)")
print("static let rdpOrderFixtures: [(Double, Double, Double, Double)] = [")
for q, s in [(0.01, 4.0), (0.01, 1.1), (0.256, 1.1), (0.1, 0.8)]:
    for a in [1.5, 2.0, 3.0, 4.5, 8.0, 10.9, 32.0, 63.0, 256.0]:
        r = rdp._compute_rdp_poisson_subsampled_gaussian(q, s, [a])[0]
        print(f"    ({q!r}, {s!r}, {a!r}, {lit(r)}),")
print("]")

print("// PLD accountant (value_discretization_interval=1e-4): (q, sigma, steps, delta, epsilon)")
print("static let pldFixtures: [(Double, Double, Int, Double, Double)] = [")
for q, s, t, d in SETTINGS:
    eps = pld_eps(q, s, t, d)
    print(f"    ({q!r}, {s!r}, {t}, {d!r}, {lit(eps)}),")
print("]")
