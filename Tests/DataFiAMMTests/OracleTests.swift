import Testing
import PropertyBased
import DataFiBigNum
@testable import DataFiAMM

@Suite struct OracleTests {
    @Test func twapOfConstantPriceIsThatPrice() throws {
        var pair = try makePair()
        try addLiquidity(&pair, e18(2), e18(6))
        let start = pair.currentObservation
        pair.blockTimestamp += 3600
        let end = pair.currentObservation
        let twap = try TWAP(from: start, to: end)
        #expect(twap.seconds == 3600)
        #expect(twap.price0 == (try UQ112x112.ratio(e18(6), e18(2))))
        #expect(twap.price0.doubleValue == 3.0)
        #expect(abs(twap.price1.doubleValue - 1.0 / 3.0) < 1e-15)
        #expect(try twap.amountOut(ofToken0: 100) == 300)
        #expect(try twap.amountOut(ofToken1: 300) == 99)   // 1/3 truncated to 112 bits
        #expect(ammError { try TWAP(from: end, to: end) } == .periodNotElapsed)
        #expect(ammError { try twap.amountOut(ofToken0: .max) } == .mathOverflow)
    }

    @Test func currentObservationMatchesAStoredUpdate() throws {
        var pair = try makePair()
        try addLiquidity(&pair, e18(5), e18(7))
        pair.blockTimestamp += 1234
        let counterfactual = pair.currentObservation
        try pair.sync()
        #expect(counterfactual == PriceObservation(timestamp: pair.blockTimestampLast,
                                                   price0Cumulative: pair.price0CumulativeLast,
                                                   price1Cumulative: pair.price1CumulativeLast))
    }

    @Test func twapAveragesTwoPricesByTime() throws {
        var pair = try makePair()
        try addLiquidity(&pair, e18(3), e18(3))
        let start = pair.currentObservation
        pair.blockTimestamp += 10
        try pair.transferIn(amount0: e18(3))
        try pair.swap(amount0Out: 0, amount1Out: e18(1), to: wallet)   // price0 now 2/6
        pair.blockTimestamp += 30
        let twap = try TWAP(from: start, to: pair.currentObservation)
        // (1·10 + (1/3)·30)/40 = 0.5
        #expect(abs(twap.price0.doubleValue - 0.5) < 1e-12)
    }

    @Test func timestampsAndAccumulatorsWrap() throws {
        // Block time crosses 2^32: the 32-bit timestamp wraps and elapsed time is still right.
        var pair = try makePair(time: (1 << 32) - 5)
        try addLiquidity(&pair, e18(1), e18(1))
        let start = pair.currentObservation
        pair.blockTimestamp += 10
        try pair.sync()
        #expect(pair.blockTimestampLast == 5)
        #expect(pair.price0CumulativeLast == UQ112x112.resolution * 10)
        let twap = try TWAP(from: start, to: pair.currentObservation)
        #expect(twap.seconds == 10 && twap.price0.doubleValue == 1.0)
        // Accumulator differences wrap modulo 2^256.
        let a = PriceObservation(timestamp: 100, price0Cumulative: .max - 9, price1Cumulative: 0)
        let b = PriceObservation(timestamp: 102, price0Cumulative: 10, price1Cumulative: 4)
        let wrapped = try TWAP(from: a, to: b)
        #expect(wrapped.price0.rawValue == 10 && wrapped.price1.rawValue == 2)
    }

    @Test func accumulatorAdditionWrapsLikeSolidity() throws {
        // Maximal price (reserve1 = 2^112 − 1, reserve0 = 1) for 2^32 − 1 seconds, repeatedly:
        // each step adds < 2^256, and the running sum must wrap instead of trapping.
        var pair = try makePair(time: 0)
        try pair.transferIn(amount0: 1, amount1: Pair.maxReserve)
        try pair.sync()
        var expected = UInt256.zero
        var wrapped = false
        let step = try UQ112x112.ratio(Pair.maxReserve, 1).rawValue * UInt256(UInt64(UInt32.max))
        for _ in 0..<40 {
            pair.blockTimestamp += UInt64(UInt32.max)
            try pair.sync()
            let (sum, overflow) = expected.addingReportingOverflow(step)
            expected = sum
            wrapped = wrapped || overflow
        }
        #expect(pair.price0CumulativeLast == expected)
        #expect(wrapped)
    }
}

@Suite struct UQ112x112Tests {
    /// The two-step 128-bit ratio equals the plain 256-bit division `(n << 112) / d` for all reserve sizes.
    @Test func ratioMatchesWideDivision() async {
        let reserveGen = Gen.uint64().array(of: 3).map { (w: [UInt64]) -> UInt256 in
            let value = UInt256(littleEndianLimbs: (w[0], w[1], 0, 0)) >> Int(w[2] % 128)
            let bounded = value & Pair.maxReserve
            return bounded.isZero ? .one : bounded
        }
        await propertyCheck(count: 500, input: reserveGen, reserveGen) { n, d in
            #expect((try? UQ112x112.ratio(n, d))?.rawValue == (n << 112) / d)
        }
        for (n, d) in [(Pair.maxReserve, UInt256.one), (UInt256.one, Pair.maxReserve), (Pair.maxReserve, Pair.maxReserve),
                       (Pair.maxReserve - 1, Pair.maxReserve), (UInt256(3 as UInt64), UInt256(7 as UInt64))] {
            #expect((try? UQ112x112.ratio(n, d))?.rawValue == (n << 112) / d)
        }
    }
}
