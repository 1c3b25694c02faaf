import Testing
import DataFiSupport
import PropertyBased
import DataFiBigNum
@testable import DataFiAMM

/// A pair plus the token holdings of three outside accounts, driven by random operations.
private struct Simulation {
    static let holders: [Address] = ["alice", "bob", "carol"]
    static let start = UInt256.one << 120
    var pair: Pair
    var token0Held: [Address: UInt256] = [:]
    var token1Held: [Address: UInt256] = [:]
    var failures = 0
    var successes: [String: Int] = [:]
    /// "mint" or "burn" when the last step completed one of those, else "".
    var lastLiquidityEvent = ""

    init(feeTo: Address? = nil) throws {
        pair = try makePair()
        pair.feeTo = feeTo
        for holder in Self.holders {
            token0Held[holder] = Self.start
            token1Held[holder] = Self.start
        }
    }

    var total0: UInt256 { token0Held.values.reduce(pair.balance0, +) }
    var total1: UInt256 { token1Held.values.reduce(pair.balance1, +) }

    /// An amount from a random word: small, 64-bit, or shifted up to ~2^124 (beyond the reserve bound).
    static func amount(_ word: UInt64, _ selector: UInt64) -> UInt256 {
        switch selector % 4 {
        case 0: UInt256(word % 1_000_000)
        case 1: UInt256(word)
        case 2: UInt256(word) << 30
        default: UInt256(word) << 60
        }
    }

    /// Pays from a holder into the pair; false when the holder lacks the tokens.
    mutating func pay(_ holder: Address, _ amount0: UInt256, _ amount1: UInt256) -> Bool {
        guard let held0 = token0Held[holder], let held1 = token1Held[holder],
              held0 >= amount0, held1 >= amount1, (try? pair.transferIn(amount0: amount0, amount1: amount1)) != nil
        else { return false }
        token0Held[holder] = held0 - amount0
        token1Held[holder] = held1 - amount1
        return true
    }

    mutating func receive(_ holder: Address, _ amount0: UInt256, _ amount1: UInt256) {
        token0Held[holder, default: 0] += amount0
        token1Held[holder, default: 0] += amount1
    }

    /// Runs `body` on the pair; on failure checks the pair is unchanged, then restores the whole
    /// simulation (undoing the transfers made for this step).
    mutating func attempt(_ saved: Simulation, _ kind: String = #function, line: Int = #line,
                          _ body: (inout Simulation) throws -> Void) {
        let pairBefore = pair
        do {
            try body(&self)
            successes["line \(line)", default: 0] += 1
        } catch {
            #expect(pair == pairBefore, "a failed operation changed the pair: \(error)")
            self = saved
            failures += 1
        }
    }

    /// Applies one random operation described by three words.
    mutating func step(_ a: UInt64, _ b: UInt64, _ c: UInt64) {
        let holder = Self.holders[Int(a % 3)]
        lastLiquidityEvent = ""
        let saved = self
        let x = Self.amount(b, a >> 8), y = Self.amount(c, a >> 16)
        switch (a >> 4) % 9 {
        case 0, 1: // add liquidity
            guard pay(holder, x, y) else { return }
            attempt(saved) { sim in
                _ = try sim.pair.mint(to: holder)
                sim.lastLiquidityEvent = "mint"
            }
        case 2: // remove a fraction of the holder's liquidity
            let share = pair.liquidityBalance(of: holder) * UInt256(c % 101) / 100
            guard (try? pair.transferLiquidity(from: holder, to: pair.address, amount: share)) != nil else { return }
            attempt(saved) { sim in
                let out = try sim.pair.burn(to: holder)
                sim.receive(holder, out.amount0, out.amount1)
                sim.lastLiquidityEvent = "burn"
            }
        case 3, 4: // exact-input swap at the quoted output (minus a little slack)
            let zeroForOne = (a >> 24) % 2 == 0
            let (rIn, rOut) = zeroForOne ? (pair.reserve0, pair.reserve1) : (pair.reserve1, pair.reserve0)
            guard let quoted = try? ConstantProduct.amountOut(amountIn: x, reserveIn: rIn, reserveOut: rOut) else { return }
            let out = quoted > UInt256(c % 3) ? quoted - UInt256(c % 3) : quoted
            guard pay(holder, zeroForOne ? x : 0, zeroForOne ? 0 : x) else { return }
            let kBefore = pair.reserve0 * pair.reserve1
            attempt(saved) { sim in
                try sim.pair.swap(amount0Out: zeroForOne ? 0 : out, amount1Out: zeroForOne ? out : 0, to: holder)
                sim.receive(holder, zeroForOne ? 0 : out, zeroForOne ? out : 0)
                #expect(sim.pair.reserve0 * sim.pair.reserve1 >= kBefore, "k decreased on a swap")
            }
        case 5: // arbitrary swap request: passes or fails K depending on the price
            let paid = UInt256(b % 1000), wanted = UInt256(c % 1000) / 2
            guard pay(holder, paid, 0) else { return }
            attempt(saved) { sim in
                try sim.pair.swap(amount0Out: y % 3, amount1Out: wanted, to: holder)
                sim.receive(holder, y % 3, wanted)
            }
        case 6: // donation, then sync or skim
            guard pay(holder, x, y) else { return }
            if c % 2 == 0 {
                attempt(saved) { sim in try sim.pair.sync() }
            } else {
                attempt(saved) { sim in
                    let out = try sim.pair.skim(to: holder)
                    sim.receive(holder, out.amount0, out.amount1)
                }
            }
        case 7: // move liquidity tokens between holders
            let to = Self.holders[Int(c % 3)]
            attempt(saved) { sim in try sim.pair.transferLiquidity(from: holder, to: to, amount: x) }
        default: // time passes
            pair.blockTimestamp += b % 100_000
        }
    }
}

/// `k_new · supply_old² ≥ k_old · supply_new²`, i.e. √k per liquidity token did not fall.
private func shareValueDidNotFall(from old: Pair, to new: Pair) -> Bool {
    guard !old.totalSupply.isZero else { return true }
    let kOld = BigInt(old.reserve0) * BigInt(old.reserve1)
    let kNew = BigInt(new.reserve0) * BigInt(new.reserve1)
    let sOld = BigInt(old.totalSupply), sNew = BigInt(new.totalSupply)
    return kNew * sOld * sOld >= kOld * sNew * sNew
}

@Suite struct PairPropertyTests {
    /// The random walk really exercises every operation (each succeeds and fails somewhere).
    @Test func simulationCoversEveryOperation() throws {
        var sim = try Simulation()
        var random = SplitMix64(seed: 0x9E37_79B9_7F4A_7C15)
        for _ in 0..<3000 { sim.step(random.next(), random.next(), random.next()) }
        // Seven call sites of `attempt`: mint, burn, swap, arbitrary swap, sync, skim, LP transfer.
        #expect(sim.successes.count == 7, "\(sim.successes)")
        #expect(sim.failures > 100)
        #expect(sim.pair.totalSupply > 0)
    }

    @Test func randomOperationsKeepTheInvariants() async throws {
        await propertyCheck(count: 150, input: Gen.uint64().array(of: 3...150)) { words throws in
            var sim = try Simulation()
            let total0 = sim.total0, total1 = sim.total1
            var index = 0
            while index + 2 < words.count {
                let before = sim.pair
                sim.step(words[index], words[index + 1], words[index + 2])
                index += 3
                // Tokens are conserved across all holders and the pair.
                #expect(sim.total0 == total0 && sim.total1 == total1)
                // Liquidity tokens add up to the supply.
                #expect(sim.pair.liquidityBalances.values.reduce(UInt256.zero, +) == sim.pair.totalSupply)
                // Balances always cover the reserves, and reserves stay within 112 bits.
                #expect(sim.pair.balance0 >= sim.pair.reserve0 && sim.pair.balance1 >= sim.pair.reserve1)
                #expect(sim.pair.reserve0 <= Pair.maxReserve && sim.pair.reserve1 <= Pair.maxReserve)
                // With the protocol fee off, √k per liquidity token never falls.
                #expect(shareValueDidNotFall(from: before, to: sim.pair))
                if !sim.pair.totalSupply.isZero {
                    #expect(sim.pair.liquidityBalance(of: .zero) == Pair.minimumLiquidity)
                    #expect(!sim.pair.reserve0.isZero && !sim.pair.reserve1.isZero)
                }
            }
        }
    }

    @Test func protocolFeeKeepsConservationAndKLast() async throws {
        await propertyCheck(count: 80, input: Gen.uint64().array(of: 3...120)) { words throws in
            var sim = try Simulation(feeTo: "treasury")
            let total0 = sim.total0, total1 = sim.total1
            var treasury = UInt256.zero
            var index = 0
            while index + 2 < words.count {
                sim.step(words[index], words[index + 1], words[index + 2])
                index += 3
                #expect(sim.total0 == total0 && sim.total1 == total1)
                #expect(sim.pair.liquidityBalances.values.reduce(UInt256.zero, +) == sim.pair.totalSupply)
                // Right after a liquidity event kLast is the new k; the fee recipient's share never shrinks.
                if !sim.lastLiquidityEvent.isEmpty {
                    #expect(sim.pair.kLast == sim.pair.reserve0 * sim.pair.reserve1)
                }
                #expect(sim.pair.liquidityBalance(of: "treasury") >= treasury)
                treasury = sim.pair.liquidityBalance(of: "treasury")
            }
        }
    }

    @Test func swapRoundTripNeverProfits() async throws {
        await propertyCheck(count: 200, input: Gen.uint64(), Gen.uint64(), Gen.uint64()) { r0, r1, a throws in
            var pair = try makePair()
            let reserve0 = UInt256(r0 % (1 << 60)) + 1_000_000, reserve1 = UInt256(r1 % (1 << 60)) + 1_000_000
            try addLiquidity(&pair, reserve0, reserve1)
            let amountIn = UInt256(a % (1 << 62)) + 1
            let out = try ConstantProduct.amountOut(amountIn: amountIn, reserveIn: pair.reserve0, reserveOut: pair.reserve1)
            guard !out.isZero else { return }
            try pair.transferIn(amount0: amountIn)
            try pair.swap(amount0Out: 0, amount1Out: out, to: wallet)
            let back = try ConstantProduct.amountOut(amountIn: out, reserveIn: pair.reserve1, reserveOut: pair.reserve0)
            #expect(back < amountIn)
            if !back.isZero {
                try pair.transferIn(amount1: out)
                try pair.swap(amount0Out: back, amount1Out: 0, to: wallet)
            }
            // Quoted exact-output input is the least that works.
            let wanted = out / 2 + 1
            let needed = try ConstantProduct.amountIn(amountOut: wanted, reserveIn: pair.reserve0, reserveOut: pair.reserve1)
            var exact = pair
            try exact.transferIn(amount0: needed - 1)
            #expect(ammError { try exact.swap(amount0Out: 0, amount1Out: wanted, to: wallet) } != nil || needed == 1)
            exact = pair
            try exact.transferIn(amount0: needed)
            try exact.swap(amount0Out: 0, amount1Out: wanted, to: wallet)
        }
    }

    @Test func quotedOutputIsTheExactMaximum() async throws {
        await propertyCheck(count: 200, input: Gen.uint64(), Gen.uint64(), Gen.uint64()) { r0, r1, a throws in
            var pair = try makePair()
            try addLiquidity(&pair, UInt256(r0 % (1 << 50)) + 10_000, UInt256(r1 % (1 << 50)) + 10_000)
            let amountIn = UInt256(a % (1 << 52)) + 1
            let out = try ConstantProduct.amountOut(amountIn: amountIn, reserveIn: pair.reserve0, reserveOut: pair.reserve1)
            try pair.transferIn(amount0: amountIn)
            if out + 1 < pair.reserve1 {
                let before = pair
                #expect(ammError { try pair.swap(amount0Out: 0, amount1Out: out + 1, to: wallet) } == .k)
                #expect(pair == before)
            }
            if !out.isZero { try pair.swap(amount0Out: 0, amount1Out: out, to: wallet) }
        }
    }

    @Test func mintThenBurnNeverProfits() async throws {
        await propertyCheck(count: 200, input: Gen.uint64(), Gen.uint64(), Gen.uint64(), Gen.uint64()) { r0, r1, d0, d1 throws in
            var pair = try makePair()
            try addLiquidity(&pair, UInt256(r0 % (1 << 60)) + 1_000_000, UInt256(r1 % (1 << 60)) + 1_000_000)
            let amount0 = UInt256(d0 % (1 << 60)) + 1, amount1 = UInt256(d1 % (1 << 60)) + 1
            try pair.transferIn(amount0: amount0, amount1: amount1)
            guard let minted = try? pair.mint(to: other) else { return }
            try pair.transferLiquidity(from: other, to: pair.address, amount: minted.liquidity)
            guard let burned = try? pair.burn(to: other) else { return }
            #expect(burned.amount0 <= amount0 && burned.amount1 <= amount1)
        }
    }
}
