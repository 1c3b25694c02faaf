#!/usr/bin/env python3
"""Measuring stick for `datafi amm replay`: a plain-Python Uniswap V2 pair on the same JSON Lines.

Builds a deterministic workload (mints, quoted swaps, refused swaps, burns, donations, skims, syncs,
time steps, fee switch, malformed lines), replays it with the release `datafi amm replay` and with the
Python pair below (written from UniswapV2Pair.sol with Python integers and SafeMath-style checks),
checks that both give the same answer on every line, and prints lines per second and the speed ratio.

Usage: python3 Benchmarks/peers/amm_replay.py [--lines N] [--datafi PATH]
"""
import argparse
import copy
import json
import os
import random
import resource
import subprocess
import sys
import time

MAX256 = 2**256 - 1
MAX112 = 2**112 - 1
Q112 = 2**112
START = 1_600_000_000


class Fail(Exception):
    def __init__(self, code):
        self.code = code


def add(a, b):
    r = a + b
    if r > MAX256:
        raise Fail("MATH_OVERFLOW")
    return r


def sub(a, b):
    if b > a:
        raise Fail("MATH_UNDERFLOW")
    return a - b


def mul(a, b):
    r = a * b
    if r > MAX256:
        raise Fail("MATH_OVERFLOW")
    return r


def isqrt(y):
    # Math.sqrt from v2-core (Babylonian method).
    if y > 3:
        z, x = y, y // 2 + 1
        while x < z:
            z, x = x, (y // x + x) // 2
        return z
    return 1 if y != 0 else 0


class PyPair:
    """UniswapV2Pair.sol state with token balances; tokens 'token0'/'token1', address 'pair'."""

    def __init__(self):
        self.reserve0 = self.reserve1 = 0
        self.ts_last = 0
        self.p0 = self.p1 = 0
        self.k_last = 0
        self.bal0 = self.bal1 = 0
        self.supply = 0
        self.lp = {}
        self.fee_to = None
        self.now = START

    def _mint_lp(self, to, value):
        self.supply = add(self.supply, value)
        self.lp[to] = self.lp.get(to, 0) + value

    def _transfer_lp(self, frm, to, value):
        if frm == "0":
            raise Fail("FORBIDDEN")  # nobody controls the zero address
        self.lp[frm] = sub(self.lp.get(frm, 0), value)
        self.lp[to] = self.lp.get(to, 0) + value

    def _update(self, b0, b1, r0, r1):
        if b0 > MAX112 or b1 > MAX112:
            raise Fail("OVERFLOW")
        ts = self.now % 2**32
        elapsed = (ts - self.ts_last) % 2**32
        if elapsed > 0 and r0 != 0 and r1 != 0:
            self.p0 = (self.p0 + (r1 * Q112 // r0) * elapsed) % 2**256
            self.p1 = (self.p1 + (r0 * Q112 // r1) * elapsed) % 2**256
        self.reserve0, self.reserve1, self.ts_last = b0, b1, ts

    def _mint_fee(self, r0, r1):
        fee_on = self.fee_to is not None and self.fee_to != "0"
        if fee_on:
            if self.k_last != 0:
                root_k = isqrt(mul(r0, r1))
                root_k_last = isqrt(self.k_last)
                if root_k > root_k_last:
                    numerator = mul(self.supply, sub(root_k, root_k_last))
                    denominator = add(mul(root_k, 5), root_k_last)
                    liquidity = numerator // denominator
                    if liquidity > 0:
                        self._mint_lp(self.fee_to, liquidity)
        elif self.k_last != 0:
            self.k_last = 0
        return fee_on

    def mint(self, to):
        r0, r1 = self.reserve0, self.reserve1
        a0, a1 = sub(self.bal0, r0), sub(self.bal1, r1)
        fee_on = self._mint_fee(r0, r1)
        total = self.supply
        if total == 0:
            liquidity = sub(isqrt(mul(a0, a1)), 1000)
            self._mint_lp("0", 1000)
        else:
            liquidity = min(mul(a0, total) // r0, mul(a1, total) // r1)
        if liquidity <= 0:
            raise Fail("INSUFFICIENT_LIQUIDITY_MINTED")
        self._mint_lp(to, liquidity)
        self._update(self.bal0, self.bal1, r0, r1)
        if fee_on:
            self.k_last = self.reserve0 * self.reserve1
        return {"liquidity": str(liquidity)}

    def burn(self, to):
        r0, r1 = self.reserve0, self.reserve1
        liquidity = self.lp.get("pair", 0)
        fee_on = self._mint_fee(r0, r1)
        total = self.supply
        if total == 0:
            raise Fail("INSUFFICIENT_LIQUIDITY_BURNED")
        a0 = mul(liquidity, self.bal0) // total
        a1 = mul(liquidity, self.bal1) // total
        if a0 == 0 or a1 == 0:
            raise Fail("INSUFFICIENT_LIQUIDITY_BURNED")
        self.lp["pair"] = 0
        self.supply -= liquidity
        if to != "pair":
            self.bal0 -= a0
            self.bal1 -= a1
        self._update(self.bal0, self.bal1, r0, r1)
        if fee_on:
            self.k_last = self.reserve0 * self.reserve1
        return {"amount0": str(a0), "amount1": str(a1)}

    def swap(self, out0, out1, to):
        if out0 == 0 and out1 == 0:
            raise Fail("INSUFFICIENT_OUTPUT_AMOUNT")
        r0, r1 = self.reserve0, self.reserve1
        if not (out0 < r0 and out1 < r1):
            raise Fail("INSUFFICIENT_LIQUIDITY")
        if to in ("token0", "token1"):
            raise Fail("INVALID_TO")
        b0, b1 = self.bal0, self.bal1
        if to != "pair":
            b0, b1 = b0 - out0, b1 - out1
        in0 = b0 - (r0 - out0) if b0 > r0 - out0 else 0
        in1 = b1 - (r1 - out1) if b1 > r1 - out1 else 0
        if in0 == 0 and in1 == 0:
            raise Fail("INSUFFICIENT_INPUT_AMOUNT")
        adj0 = sub(mul(b0, 1000), mul(in0, 3))
        adj1 = sub(mul(b1, 1000), mul(in1, 3))
        if mul(adj0, adj1) < r0 * r1 * 1000**2:
            raise Fail("K")
        self.bal0, self.bal1 = b0, b1
        self._update(b0, b1, r0, r1)
        return {}

    def skim(self, to):
        a0, a1 = sub(self.bal0, self.reserve0), sub(self.bal1, self.reserve1)
        if to != "pair":
            self.bal0, self.bal1 = self.reserve0, self.reserve1
        return {"amount0": str(a0), "amount1": str(a1)}

    def state(self, result):
        return {
            "ok": True, "reserve0": str(self.reserve0), "reserve1": str(self.reserve1),
            "totalSupply": str(self.supply), "kLast": str(self.k_last),
            "price0CumulativeLast": str(self.p0), "price1CumulativeLast": str(self.p1),
            "blockTimestampLast": self.ts_last,
            "lp": {k: str(v) for k, v in self.lp.items() if v != 0}, "result": result,
        }


def amount(op, key):
    value = op[key]
    if not isinstance(value, str) or not value.isdigit() or not value.isascii() or len(value) > 78 \
            or int(value) > MAX256:
        raise ValueError(key)
    return int(value)


def apply(pair, line):
    """Returns the answer for one line, restoring the pair when the operation fails."""
    try:
        op = json.loads(line)
        kind = op["op"]
    except Exception:
        return {"ok": False, "error": "BAD_INPUT"}
    saved = copy.deepcopy(pair.__dict__)
    try:
        if kind == "mint":
            to, a0, a1 = op["to"], amount(op, "amount0"), amount(op, "amount1")
            pair.bal0, pair.bal1 = add(pair.bal0, a0), add(pair.bal1, a1)
            return pair.state(pair.mint(to))
        if kind == "burn":
            frm, liquidity = op["from"], amount(op, "liquidity")
            pair._transfer_lp(frm, "pair", liquidity)
            return pair.state(pair.burn(frm))
        if kind == "swap":
            a0, a1 = amount(op, "amount0In"), amount(op, "amount1In")
            o0, o1, to = amount(op, "amount0Out"), amount(op, "amount1Out"), op["to"]
            pair.bal0, pair.bal1 = add(pair.bal0, a0), add(pair.bal1, a1)
            return pair.state(pair.swap(o0, o1, to))
        if kind == "donate":
            a0, a1 = amount(op, "amount0"), amount(op, "amount1")
            pair.bal0, pair.bal1 = add(pair.bal0, a0), add(pair.bal1, a1)
            return pair.state({})
        if kind == "sync":
            pair._update(pair.bal0, pair.bal1, pair.reserve0, pair.reserve1)
            return pair.state({})
        if kind == "skim":
            return pair.state(pair.skim(op["to"]))
        if kind == "advanceTime":
            pair.now += int(op["seconds"])
            return pair.state({})
        if kind == "setFeeTo":
            pair.fee_to = op["to"]
            return pair.state({})
        pair.__dict__.update(saved)
        return {"ok": False, "error": "BAD_INPUT"}
    except Fail as failure:
        pair.__dict__.update(saved)
        return {"ok": False, "error": failure.code}
    except (KeyError, ValueError, TypeError):
        pair.__dict__.update(saved)
        return {"ok": False, "error": "BAD_INPUT"}


def workload(count, seed=7):
    """Operations chosen against a running model so most succeed and some fail on purpose."""
    rng = random.Random(seed)
    model = PyPair()
    accounts = ["alice", "bob", "carol", "dave"]
    lines = []

    def emit(op):
        line = json.dumps(op, separators=(",", ":"))
        apply(model, line)
        lines.append(line)

    emit({"op": "mint", "to": "alice", "amount0": str(10**24), "amount1": str(3 * 10**24)})
    while len(lines) < count:
        roll = rng.random()
        # Now and then the pair itself, a token address or the zero address acts.
        who = rng.choice(accounts) if rng.random() < 0.97 else rng.choice(["pair", "token0", "token1", "0"])
        r0, r1 = model.reserve0, model.reserve1
        if roll < 0.55 and r0 and r1:
            zero_for_one = rng.random() < 0.5
            amount_in = rng.randrange(1, 10**21)
            r_in, r_out = (r0, r1) if zero_for_one else (r1, r0)
            out = amount_in * 997 * r_out // (r_in * 1000 + amount_in * 997)
            if rng.random() < 0.05:
                out += 1  # one wei too greedy: K
            emit({"op": "swap", "amount0In": str(amount_in if zero_for_one else 0),
                  "amount1In": str(0 if zero_for_one else amount_in),
                  "amount0Out": str(0 if zero_for_one else out), "amount1Out": str(out if zero_for_one else 0),
                  "to": who})
        elif roll < 0.70:
            a0 = rng.randrange(1, 10**22)
            emit({"op": "mint", "to": who, "amount0": str(a0), "amount1": str(a0 * max(r1, 1) // max(r0, 1) + 1)})
        elif roll < 0.80:
            held = model.lp.get(who, 0)
            emit({"op": "burn", "from": who, "liquidity": str(rng.randrange(0, held + 2))})
        elif roll < 0.85:
            emit({"op": "donate", "amount0": str(rng.randrange(0, 10**18)), "amount1": str(rng.randrange(0, 10**18))})
        elif roll < 0.89:
            emit({"op": rng.choice(["sync", "skim"]), "to": who})
        elif roll < 0.97:
            emit({"op": "advanceTime", "seconds": rng.randrange(1, 600)})
        elif roll < 0.985:
            emit({"op": "setFeeTo", "to": rng.choice([None, "treasury"])})
        else:
            lines.append(rng.choice(['{"op":"fly"}', "not json", '{"op":"mint","to":"x","amount0":"-1","amount1":"1"}']))
            apply(model, lines[-1])
    return lines


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=50_000)
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--datafi", default=os.environ.get("DATAFI_BIN",
                                                            os.path.join(here, "..", "..", ".build", "release", "datafi")))
    args = parser.parse_args()
    if not os.path.exists(args.datafi):
        sys.exit(f"build the release binary first: swift build -c release --product datafi ({args.datafi})")

    lines = workload(args.lines)
    text = "\n".join(lines) + "\n"

    # CPU seconds (user + system) are compared: the machine is shared, so wall time is noisy.
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    run = subprocess.run([args.datafi, "amm", "replay"], input=text.encode(), capture_output=True, check=True)
    ours_wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    ours_seconds = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    ours = [json.loads(line) for line in run.stdout.decode().splitlines()]

    start_cpu, start = time.process_time(), time.perf_counter()
    model = PyPair()
    peer = [apply(model, line) for line in lines]
    peer_seconds, peer_wall = time.process_time() - start_cpu, time.perf_counter() - start

    if len(ours) != len(peer):
        sys.exit(f"line count differs: datafi {len(ours)}, python {len(peer)}")
    for number, (a, b) in enumerate(zip(ours, peer), 1):
        a = dict(a)
        a.pop("message", None)
        if a != b:
            sys.exit(f"line {number} differs:\n  input  {lines[number - 1]}\n  datafi {a}\n  python {b}")
    failures = sum(1 for answer in peer if not answer["ok"])
    print(f"{len(lines)} lines ({failures} refused), identical answers from both")
    print(f"datafi amm replay : {len(lines) / ours_seconds:10.0f} lines per CPU second "
          f"({ours_seconds:.3f} s CPU incl. process start and JSON, {ours_wall:.3f} s wall)")
    print(f"python V2 pair    : {len(lines) / peer_seconds:10.0f} lines per CPU second "
          f"({peer_seconds:.3f} s CPU, {peer_wall:.3f} s wall)")
    print(f"ratio (datafi speed / python speed, CPU time): {peer_seconds / ours_seconds:.2f}x")


if __name__ == "__main__":
    main()
