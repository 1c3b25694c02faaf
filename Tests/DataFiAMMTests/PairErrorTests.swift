import Testing
import DataFiBigNum
@testable import DataFiAMM

/// Every refusal of the pair, with the state compared whole before and after.
@Suite struct PairErrorTests {
    /// Runs `body` on a copy of `pair`, expects `error`, and checks the copy is unchanged.
    func expectRefusal(_ pair: Pair, _ error: AMMError, sourceLocation: SourceLocation = #_sourceLocation,
                       _ body: (inout Pair) throws -> Void) {
        var copy = pair
        #expect(ammError { try body(&copy) } == error, sourceLocation: sourceLocation)
        #expect(copy == pair, sourceLocation: sourceLocation)
    }

    @Test func mintRefusals() throws {
        let empty = try makePair()
        // √(999·1000) < 1000: SafeMath underflow on the first mint.
        var small = empty
        try small.transferIn(amount0: 999, amount1: 1000)
        expectRefusal(small, .mathUnderflow) { _ = try $0.mint(to: wallet) }
        // Exactly √ = 1000 mints zero liquidity.
        var exact = empty
        try exact.transferIn(amount0: 1000, amount1: 1000)
        expectRefusal(exact, .insufficientLiquidityMinted) { _ = try $0.mint(to: wallet) }
        // Product over 256 bits.
        var huge = empty
        try huge.transferIn(amount0: UInt256.one << 130, amount1: UInt256.one << 130)
        expectRefusal(huge, .mathOverflow) { _ = try $0.mint(to: wallet) }
        // Balances over 112 bits.
        var wide = empty
        try wide.transferIn(amount0: UInt256.one << 112, amount1: 1 << 20)
        expectRefusal(wide, .overflow) { _ = try $0.mint(to: wallet) }
        // A later deposit of one side only mints nothing.
        var seeded = empty
        try addLiquidity(&seeded, e18(1), e18(1))
        try seeded.transferIn(amount0: e18(1))
        expectRefusal(seeded, .insufficientLiquidityMinted) { _ = try $0.mint(to: wallet) }
        // Nothing deposited at all.
        var nothing = empty
        try addLiquidity(&nothing, e18(1), e18(1))
        expectRefusal(nothing, .insufficientLiquidityMinted) { _ = try $0.mint(to: wallet) }
    }

    @Test func burnRefusals() throws {
        let empty = try makePair()
        expectRefusal(empty, .insufficientLiquidityBurned) { _ = try $0.burn(to: wallet) }
        var seeded = empty
        try addLiquidity(&seeded, e18(1), e18(1))
        expectRefusal(seeded, .insufficientLiquidityBurned) { _ = try $0.burn(to: wallet) }
        // A donation pushing a balance past 2^112 − 1 makes the burn's update overflow.
        var donated = seeded
        try donated.transferLiquidity(from: wallet, to: donated.address, amount: 1)
        try donated.transferIn(amount0: Pair.maxReserve)
        expectRefusal(donated, .overflow) { _ = try $0.burn(to: wallet) }
    }

    @Test func swapRefusals() throws {
        var pair = try makePair()
        try addLiquidity(&pair, e18(5), e18(10))
        expectRefusal(pair, .insufficientOutputAmount) { try $0.swap(amount0Out: 0, amount1Out: 0, to: wallet) }
        expectRefusal(pair, .insufficientLiquidity) { try $0.swap(amount0Out: e18(5), amount1Out: 0, to: wallet) }
        expectRefusal(pair, .insufficientLiquidity) { try $0.swap(amount0Out: 0, amount1Out: e18(11), to: wallet) }
        expectRefusal(pair, .invalidTo) { try $0.swap(amount0Out: 1, amount1Out: 0, to: token0) }
        expectRefusal(pair, .invalidTo) { try $0.swap(amount0Out: 1, amount1Out: 0, to: token1) }
        expectRefusal(pair, .insufficientInputAmount) { try $0.swap(amount0Out: 1, amount1Out: 0, to: wallet) }
        var paid = pair
        try paid.transferIn(amount1: 1)
        expectRefusal(paid, .k) { try $0.swap(amount0Out: 1, amount1Out: 0, to: wallet) }
        // balance·1000 overflows 256 bits: MATH_OVERFLOW before the 112-bit check.
        var flooded = pair
        try flooded.transferIn(amount1: UInt256.max / 999)
        expectRefusal(flooded, .mathOverflow) { try $0.swap(amount0Out: 1, amount1Out: 0, to: wallet) }
        // The adjusted product overflows.
        var both = pair
        try both.transferIn(amount0: UInt256.one << 140, amount1: UInt256.one << 140)
        expectRefusal(both, .mathOverflow) { try $0.swap(amount0Out: 1, amount1Out: 0, to: wallet) }
        // K holds but the new balance exceeds 2^112 − 1.
        var wide = pair
        try wide.transferIn(amount1: UInt256.one << 113)
        expectRefusal(wide, .overflow) { try $0.swap(amount0Out: 1, amount1Out: 0, to: wallet) }
    }

    @Test func syncSkimAndTransfers() throws {
        var pair = try makePair()
        try addLiquidity(&pair, e18(1), e18(1))
        var wide = pair
        try wide.transferIn(amount0: UInt256.one << 112)
        expectRefusal(wide, .overflow) { try $0.sync() }
        // Skim takes the excess out and leaves reserves alone.
        let skim = try wide.skim(to: other)
        #expect(skim.amount0 == UInt256.one << 112 && skim.amount1 == 0)
        #expect(wide.balance0 == wide.reserve0 && wide.reserve0 == e18(1))
        // LP transfers.
        expectRefusal(pair, .mathUnderflow) { try $0.transferLiquidity(from: other, to: wallet, amount: 1) }
        expectRefusal(pair, .forbidden) { try $0.transferLiquidity(from: .zero, to: wallet, amount: 1) }
        expectRefusal(pair, .mathOverflow) { try $0.transferIn(amount0: .max) }
        var moved = pair
        try moved.transferLiquidity(from: wallet, to: other, amount: 5)
        #expect(moved.liquidityBalance(of: other) == 5)
        try moved.transferLiquidity(from: other, to: other, amount: 5)
        #expect(moved.liquidityBalance(of: other) == 5)
        #expect(throws: AMMError.identicalAddresses) { try Pair(address: "p", token0: "x", token1: "x") }
    }

    @Test func flashSwapRepaysWithFee() throws {
        var pair = try makePair()
        try addLiquidity(&pair, e18(5), e18(10))
        let borrowed = e18(1)
        // Repaying exactly the loan fails K (no fee); repaying ⌈loan·1000/997⌉ passes.
        var failing = pair
        #expect(throws: AMMError.k) {
            try failing.swap(amount0Out: borrowed, amount1Out: 0, to: wallet) { flash in
                try flash.pay(amount0: flash.amount0Out)
            }
        }
        #expect(failing == pair)
        let repay = (borrowed * 1000 + 996) / 997
        let result = try pair.swap(amount0Out: borrowed, amount1Out: 0, to: wallet) { flash in
            #expect(flash.amount0Out == borrowed && flash.token0 == token0)
            try flash.pay(amount0: repay)
        }
        #expect(result.amount0In == repay)
        #expect(pair.reserve0 == e18(5) - borrowed + repay)
        // The callback's own error propagates and changes nothing.
        struct Abort: Error {}
        let before = pair
        #expect(throws: Abort.self) {
            try pair.swap(amount0Out: 1, amount1Out: 0, to: wallet) { _ in throw Abort() }
        }
        #expect(pair == before)
    }

    @Test func outputToThePairItselfStaysInThePair() throws {
        var pair = try makePair()
        try addLiquidity(&pair, e18(5), e18(10))
        try pair.transferIn(amount0: e18(1))
        let out = try ConstantProduct.amountOut(amountIn: e18(1), reserveIn: e18(5), reserveOut: e18(10))
        // Sending output to itself means nothing left the pair, so balances still cover the reserves.
        try pair.swap(amount0Out: 0, amount1Out: out, to: pair.address)
        #expect(pair.reserve1 == e18(10))
        #expect(pair.reserve0 == e18(6))
    }

    @Test func errorCodesMatchV2Reasons() {
        let codes: [AMMError: String] = [
            .insufficientLiquidityMinted: "INSUFFICIENT_LIQUIDITY_MINTED", .insufficientLiquidityBurned: "INSUFFICIENT_LIQUIDITY_BURNED",
            .insufficientOutputAmount: "INSUFFICIENT_OUTPUT_AMOUNT", .insufficientInputAmount: "INSUFFICIENT_INPUT_AMOUNT",
            .insufficientLiquidity: "INSUFFICIENT_LIQUIDITY", .invalidTo: "INVALID_TO", .k: "K", .overflow: "OVERFLOW",
            .mathOverflow: "MATH_OVERFLOW", .mathUnderflow: "MATH_UNDERFLOW", .identicalAddresses: "IDENTICAL_ADDRESSES",
            .zeroAddress: "ZERO_ADDRESS", .pairExists: "PAIR_EXISTS", .forbidden: "FORBIDDEN",
            .insufficientAAmount: "INSUFFICIENT_A_AMOUNT", .insufficientBAmount: "INSUFFICIENT_B_AMOUNT",
            .excessiveInputAmount: "EXCESSIVE_INPUT_AMOUNT", .expired: "EXPIRED", .invalidPath: "INVALID_PATH",
        ]
        for (error, code) in codes {
            #expect(error.code == code)
            #expect(error.description.hasPrefix(code + ": "))
        }
    }
}
