import Testing
import DataFiBigNum
@testable import DataFiAMM

// Known answers from Uniswap/v2-core test/UniswapV2Pair.spec.ts (numbers copied from the spec file).
@Suite struct PairSpecTests {
    @Test func mint() throws {
        var pair = try makePair()
        let result = try addLiquidity(&pair, e18(1), e18(4))
        let expected = e18(2)
        #expect(result.events == [
            .transfer(from: .zero, to: .zero, value: 1000),
            .transfer(from: .zero, to: wallet, value: expected - 1000),
            .sync(reserve0: e18(1), reserve1: e18(4)),
            .mint(amount0: e18(1), amount1: e18(4)),
        ])
        #expect(pair.totalSupply == expected)
        #expect(pair.liquidityBalance(of: wallet) == expected - 1000)
        #expect(pair.liquidityBalance(of: .zero) == 1000)
        #expect(pair.balance0 == e18(1) && pair.balance1 == e18(4))
        #expect(pair.reserve0 == e18(1) && pair.reserve1 == e18(4))
    }

    static let swapCases: [(UInt64, UInt64, UInt64, String)] = [
        (1, 5, 10, "1662497915624478906"),
        (1, 10, 5, "453305446940074565"),
        (2, 5, 10, "2851015155847869602"),
        (2, 10, 5, "831248957812239453"),
        (1, 10, 10, "906610893880149131"),
        (1, 100, 100, "987158034397061298"),
        (1, 1000, 1000, "996006981039903216"),
    ]

    @Test(arguments: swapCases)
    func getInputPrice(_ testCase: (UInt64, UInt64, UInt64, String)) throws {
        let (swapAmount, amount0, amount1, expectedText) = testCase
        let expectedOutput = dec(expectedText)
        var pair = try makePair()
        try addLiquidity(&pair, e18(amount0), e18(amount1))
        try pair.transferIn(amount0: e18(swapAmount))
        let before = pair
        #expect(ammError { try pair.swap(amount0Out: 0, amount1Out: expectedOutput + 1, to: wallet) } == .k)
        #expect(pair == before)
        try pair.swap(amount0Out: 0, amount1Out: expectedOutput, to: wallet)
        // The library formula gives the same number.
        #expect(try ConstantProduct.amountOut(amountIn: e18(swapAmount), reserveIn: e18(amount0),
                                              reserveOut: e18(amount1)) == expectedOutput)
    }

    static let optimisticCases: [(String, UInt64, UInt64, String)] = [
        ("997000000000000000", 5, 10, "1000000000000000000"),
        ("997000000000000000", 10, 5, "1000000000000000000"),
        ("997000000000000000", 5, 5, "1000000000000000000"),
        ("1000000000000000000", 5, 5, "1003009027081243732"),
    ]

    @Test(arguments: optimisticCases)
    func optimistic(_ testCase: (String, UInt64, UInt64, String)) throws {
        let (outputText, amount0, amount1, inputText) = testCase
        let output = dec(outputText), input = dec(inputText)
        var pair = try makePair()
        try addLiquidity(&pair, e18(amount0), e18(amount1))
        try pair.transferIn(amount0: input)
        #expect(ammError { try pair.swap(amount0Out: output + 1, amount1Out: 0, to: wallet) } == .k)
        try pair.swap(amount0Out: output, amount1Out: 0, to: wallet)
    }

    @Test func swapToken0() throws {
        var pair = try makePair()
        try addLiquidity(&pair, e18(5), e18(10))
        let swapAmount = e18(1), expectedOutput = dec("1662497915624478906")
        try pair.transferIn(amount0: swapAmount)
        let result = try pair.swap(amount0Out: 0, amount1Out: expectedOutput, to: wallet)
        #expect(result.events == [
            .sync(reserve0: e18(5) + swapAmount, reserve1: e18(10) - expectedOutput),
            .swap(amount0In: swapAmount, amount1In: 0, amount0Out: 0, amount1Out: expectedOutput, to: wallet),
        ])
        #expect(pair.reserve0 == e18(5) + swapAmount && pair.reserve1 == e18(10) - expectedOutput)
        #expect(pair.balance0 == e18(5) + swapAmount && pair.balance1 == e18(10) - expectedOutput)
    }

    @Test func swapToken1() throws {
        var pair = try makePair()
        try addLiquidity(&pair, e18(5), e18(10))
        let swapAmount = e18(1), expectedOutput = dec("453305446940074565")
        try pair.transferIn(amount1: swapAmount)
        let result = try pair.swap(amount0Out: expectedOutput, amount1Out: 0, to: wallet)
        #expect(result.events == [
            .sync(reserve0: e18(5) - expectedOutput, reserve1: e18(10) + swapAmount),
            .swap(amount0In: 0, amount1In: swapAmount, amount0Out: expectedOutput, amount1Out: 0, to: wallet),
        ])
        #expect(pair.reserve0 == e18(5) - expectedOutput && pair.reserve1 == e18(10) + swapAmount)
    }

    @Test func burn() throws {
        var pair = try makePair()
        try addLiquidity(&pair, e18(3), e18(3))
        let expectedLiquidity = e18(3)
        try pair.transferLiquidity(from: wallet, to: pair.address, amount: expectedLiquidity - 1000)
        let result = try pair.burn(to: wallet)
        #expect(result.events == [
            .transfer(from: pair.address, to: .zero, value: expectedLiquidity - 1000),
            .sync(reserve0: 1000, reserve1: 1000),
            .burn(amount0: e18(3) - 1000, amount1: e18(3) - 1000, to: wallet),
        ])
        #expect(pair.liquidityBalance(of: wallet) == 0)
        #expect(pair.totalSupply == 1000)
        #expect(pair.balance0 == 1000 && pair.balance1 == 1000)
    }

    @Test func priceCumulativeLast() throws {
        var pair = try makePair()
        try addLiquidity(&pair, e18(3), e18(3))
        let start = pair.blockTimestamp
        let blockTimestamp = UInt64(pair.blockTimestampLast)
        pair.blockTimestamp = start + 1
        try pair.sync()
        let initialPrice = encodePrice(e18(3), e18(3))
        #expect(pair.price0CumulativeLast == initialPrice.0)
        #expect(pair.price1CumulativeLast == initialPrice.1)
        #expect(UInt64(pair.blockTimestampLast) == blockTimestamp + 1)

        try pair.transferIn(amount0: e18(3))
        pair.blockTimestamp = start + 10
        try pair.swap(amount0Out: 0, amount1Out: e18(1), to: wallet)
        #expect(pair.price0CumulativeLast == initialPrice.0 * 10)
        #expect(pair.price1CumulativeLast == initialPrice.1 * 10)
        #expect(UInt64(pair.blockTimestampLast) == blockTimestamp + 10)

        pair.blockTimestamp = start + 20
        try pair.sync()
        let newPrice = encodePrice(e18(6), e18(2))
        #expect(pair.price0CumulativeLast == initialPrice.0 * 10 + newPrice.0 * 10)
        #expect(pair.price1CumulativeLast == initialPrice.1 * 10 + newPrice.1 * 10)
        #expect(UInt64(pair.blockTimestampLast) == blockTimestamp + 20)
    }

    @Test func feeToOff() throws {
        var pair = try makePair()
        try addLiquidity(&pair, e18(1000), e18(1000))
        try pair.transferIn(amount1: e18(1))
        try pair.swap(amount0Out: dec("996006981039903216"), amount1Out: 0, to: wallet)
        try pair.transferLiquidity(from: wallet, to: pair.address, amount: e18(1000) - 1000)
        _ = try pair.burn(to: wallet)
        #expect(pair.totalSupply == 1000)
        #expect(pair.kLast == 0)
    }

    @Test func feeToOn() throws {
        var pair = try makePair()
        pair.feeTo = other
        try addLiquidity(&pair, e18(1000), e18(1000))
        #expect(pair.kLast == e18(1000) * e18(1000))
        try pair.transferIn(amount1: e18(1))
        try pair.swap(amount0Out: dec("996006981039903216"), amount1Out: 0, to: wallet)
        try pair.transferLiquidity(from: wallet, to: pair.address, amount: e18(1000) - 1000)
        let result = try pair.burn(to: wallet)
        #expect(result.protocolFeeLiquidity == dec("249750499251388"))
        #expect(pair.totalSupply == 1000 + dec("249750499251388"))
        #expect(pair.liquidityBalance(of: other) == dec("249750499251388"))
        #expect(pair.balance0 == 1000 + dec("249501683697445"))
        #expect(pair.balance1 == 1000 + dec("250000187312969"))
        #expect(pair.kLast == pair.reserve0 * pair.reserve1)
    }
}
