import Testing
import DataFiBigNum
@testable import DataFiAMM

// Known answers from Uniswap/v2-periphery test/UniswapV2Router01.spec.ts and UniswapV2Router02.spec.ts,
// and Uniswap/v2-core test/UniswapV2Factory.spec.ts (numbers copied from the spec files).
@Suite struct RouterSpecTests {
    static let maxDeadline = UInt64.max

    /// A router whose wallet holds plenty of token0 and token1 (the fixtures mint 10000e18 of each).
    func makeRouter() throws -> Router {
        var ledger = TokenLedger()
        try ledger.mint(token0, to: wallet, amount: e18(10_000))
        try ledger.mint(token1, to: wallet, amount: e18(10_000))
        return Router(factory: Factory(feeToSetter: wallet), ledger: ledger, blockTimestamp: 1_600_000_000)
    }

    /// The Router01 spec's `addLiquidity` helper: transfer to the pair and mint directly.
    func seed(_ router: inout Router, _ amount0: UInt256, _ amount1: UInt256) throws -> Address {
        let address = try router.factory.createPair(token0, token1)
        try router.ledger.transfer(token0, from: wallet, to: "sink", amount: amount0)
        try router.ledger.transfer(token1, from: wallet, to: "sink", amount: amount1)
        try router.factory.withPair(at: address) { (pair: inout Pair) throws(AMMError) in
            try pair.transferIn(amount0: amount0, amount1: amount1)
            _ = try pair.mint(to: wallet)
        }
        return address
    }

    @Test func quote() throws {
        #expect(try ConstantProduct.quote(amountA: 1, reserveA: 100, reserveB: 200) == 2)
        #expect(try ConstantProduct.quote(amountA: 2, reserveA: 200, reserveB: 100) == 1)
        #expect(ammError { try ConstantProduct.quote(amountA: 0, reserveA: 100, reserveB: 200) } == .insufficientAmount)
        #expect(ammError { try ConstantProduct.quote(amountA: 1, reserveA: 0, reserveB: 200) } == .insufficientLiquidity)
        #expect(ammError { try ConstantProduct.quote(amountA: 1, reserveA: 100, reserveB: 0) } == .insufficientLiquidity)
    }

    @Test func getAmountOut() throws {
        #expect(try ConstantProduct.amountOut(amountIn: 2, reserveIn: 100, reserveOut: 100) == 1)
        #expect(ammError { try ConstantProduct.amountOut(amountIn: 0, reserveIn: 100, reserveOut: 100) } == .insufficientInputAmount)
        #expect(ammError { try ConstantProduct.amountOut(amountIn: 2, reserveIn: 0, reserveOut: 100) } == .insufficientLiquidity)
        #expect(ammError { try ConstantProduct.amountOut(amountIn: 2, reserveIn: 100, reserveOut: 0) } == .insufficientLiquidity)
    }

    @Test func getAmountIn() throws {
        #expect(try ConstantProduct.amountIn(amountOut: 1, reserveIn: 100, reserveOut: 100) == 2)
        #expect(ammError { try ConstantProduct.amountIn(amountOut: 0, reserveIn: 100, reserveOut: 100) } == .insufficientOutputAmount)
        #expect(ammError { try ConstantProduct.amountIn(amountOut: 1, reserveIn: 0, reserveOut: 100) } == .insufficientLiquidity)
        #expect(ammError { try ConstantProduct.amountIn(amountOut: 1, reserveIn: 100, reserveOut: 0) } == .insufficientLiquidity)
        // Beyond the spec: draining or exceeding the reserve.
        #expect(ammError { try ConstantProduct.amountIn(amountOut: 100, reserveIn: 100, reserveOut: 100) } == .insufficientLiquidity)
        #expect(ammError { try ConstantProduct.amountIn(amountOut: 101, reserveIn: 100, reserveOut: 100) } == .mathUnderflow)
        #expect(ammError { try ConstantProduct.amountOut(amountIn: .max, reserveIn: 100, reserveOut: 100) } == .mathOverflow)
    }

    @Test func getAmountsOutAndIn() throws {
        var router = try makeRouter()
        try router.addLiquidity(tokenA: token0, tokenB: token1, amountADesired: 10000, amountBDesired: 10000,
                                amountAMin: 0, amountBMin: 0, from: wallet, to: wallet, deadline: Self.maxDeadline)
        #expect(ammError { try router.amountsOut(amountIn: 2, path: [token0]) } == .invalidPath)
        #expect(try router.amountsOut(amountIn: 2, path: [token0, token1]) == [2, 1])
        #expect(ammError { try router.amountsIn(amountOut: 1, path: [token0]) } == .invalidPath)
        #expect(try router.amountsIn(amountOut: 1, path: [token0, token1]) == [2, 1])
        #expect(ammError { try router.amountsOut(amountIn: 2, path: [token0, "nope"]) } == .pairNotFound)
        #expect(ammError { try router.amountsIn(amountOut: 1, path: [token0, token0]) } == .identicalAddresses)
        // The direct factory loop agrees with the resolved route.
        #expect(try router.route([token0, token1]).amountsOut(amountIn: 777) == router.amountsOut(amountIn: 777, path: [token0, token1]))
        #expect(try router.route([token1, token0]).amountsIn(amountOut: 77) == router.amountsIn(amountOut: 77, path: [token1, token0]))
    }

    @Test func addLiquidity() throws {
        var router = try makeRouter()
        let result = try router.addLiquidity(tokenA: token0, tokenB: token1, amountADesired: e18(1),
                                             amountBDesired: e18(4), amountAMin: 0, amountBMin: 0,
                                             from: wallet, to: wallet, deadline: Self.maxDeadline)
        #expect(result.amountA == e18(1) && result.amountB == e18(4))
        #expect(result.liquidity == e18(2) - 1000)
        let pair = try #require(router.factory.pair(token0, token1))
        #expect(pair.liquidityBalance(of: wallet) == e18(2) - 1000)
        #expect(pair.reserve0 == e18(1) && pair.reserve1 == e18(4))
        #expect(router.ledger.balance(of: wallet, in: token0) == e18(10_000) - e18(1))
    }

    @Test func addLiquidityAtOptimalRatioWithMinimums() throws {
        var router = try makeRouter()
        try router.addLiquidity(tokenA: token0, tokenB: token1, amountADesired: e18(1), amountBDesired: e18(4),
                                amountAMin: 0, amountBMin: 0, from: wallet, to: wallet, deadline: Self.maxDeadline)
        // B optimal for 1e18 of A is 4e18 > 2e18 desired, so A is cut to 0.5e18.
        let before = router
        let result = try router.addLiquidity(tokenA: token0, tokenB: token1, amountADesired: e18(1),
                                             amountBDesired: e18(2), amountAMin: 0, amountBMin: 0,
                                             from: wallet, to: wallet, deadline: Self.maxDeadline)
        #expect(result.amountA == e18(1) / 2 && result.amountB == e18(2))
        var again = before
        #expect(ammError {
            try again.addLiquidity(tokenA: token0, tokenB: token1, amountADesired: e18(1), amountBDesired: e18(2),
                                   amountAMin: e18(1), amountBMin: 0, from: wallet, to: wallet, deadline: Self.maxDeadline)
        } == .insufficientAAmount)
        #expect(ammError {
            try again.addLiquidity(tokenA: token0, tokenB: token1, amountADesired: e18(1), amountBDesired: e18(8),
                                   amountAMin: 0, amountBMin: e18(5), from: wallet, to: wallet, deadline: Self.maxDeadline)
        } == .insufficientBAmount)
        #expect(ammError {
            try again.addLiquidity(tokenA: token0, tokenB: token1, amountADesired: e18(1), amountBDesired: e18(4),
                                   amountAMin: 0, amountBMin: 0, from: wallet, to: wallet, deadline: 1)
        } == .expired)
        #expect(ammError {
            try again.addLiquidity(tokenA: token0, tokenB: token1, amountADesired: e18(1), amountBDesired: e18(4),
                                   amountAMin: 0, amountBMin: 0, from: "pauper", to: wallet, deadline: Self.maxDeadline)
        } == .transferFromFailed)
        #expect(again == before)
    }

    @Test func removeLiquidity() throws {
        var router = try makeRouter()
        _ = try seed(&router, e18(1), e18(4))
        let walletBefore0 = router.ledger.balance(of: wallet, in: token0)
        let (amountA, amountB) = try router.removeLiquidity(tokenA: token0, tokenB: token1, liquidity: e18(2) - 1000,
                                                            amountAMin: 0, amountBMin: 0, from: wallet, to: wallet,
                                                            deadline: Self.maxDeadline)
        #expect(amountA == e18(1) - 500 && amountB == e18(4) - 2000)
        let pair = try #require(router.factory.pair(token0, token1))
        #expect(pair.reserve0 == 500 && pair.reserve1 == 2000)
        #expect(pair.liquidityBalance(of: wallet) == 0)
        #expect(router.ledger.balance(of: wallet, in: token0) == walletBefore0 + e18(1) - 500)
    }

    @Test func removeLiquidityMinimumsAreAllOrNothing() throws {
        var router = try makeRouter()
        _ = try seed(&router, e18(1), e18(4))
        let before = router
        #expect(ammError {
            try router.removeLiquidity(tokenA: token1, tokenB: token0, liquidity: e18(2) - 1000, amountAMin: e18(4),
                                       amountBMin: 0, from: wallet, to: wallet, deadline: Self.maxDeadline)
        } == .insufficientAAmount)
        #expect(router == before)
        #expect(ammError {
            try router.removeLiquidity(tokenA: token0, tokenB: token1, liquidity: e18(2), amountAMin: 0,
                                       amountBMin: 0, from: wallet, to: wallet, deadline: Self.maxDeadline)
        } == .mathUnderflow)
        #expect(router == before)
    }

    @Test func swapExactTokensForTokens() throws {
        var router = try makeRouter()
        let address = try seed(&router, e18(5), e18(10))
        let expectedOutput = dec("1662497915624478906")
        let before = router
        #expect(ammError {
            try router.swapExactTokensForTokens(amountIn: e18(1), amountOutMin: expectedOutput + 1, path: [token0, token1],
                                                from: wallet, to: wallet, deadline: Self.maxDeadline)
        } == .insufficientOutputAmount)
        #expect(router == before)
        let amounts = try router.swapExactTokensForTokens(amountIn: e18(1), amountOutMin: 0, path: [token0, token1],
                                                          from: wallet, to: wallet, deadline: Self.maxDeadline)
        #expect(amounts == [e18(1), expectedOutput])
        let pair = try #require(router.factory.pair(at: address))
        #expect(pair.reserve0 == e18(5) + e18(1) && pair.reserve1 == e18(10) - expectedOutput)
        #expect(router.ledger.balance(of: wallet, in: token1)
                == before.ledger.balance(of: wallet, in: token1) + expectedOutput)
    }

    @Test func swapTokensForExactTokens() throws {
        var router = try makeRouter()
        _ = try seed(&router, e18(5), e18(10))
        let expectedSwapAmount = dec("557227237267357629")
        let before = router
        #expect(ammError {
            try router.swapTokensForExactTokens(amountOut: e18(1), amountInMax: expectedSwapAmount - 1,
                                                path: [token0, token1], from: wallet, to: wallet,
                                                deadline: Self.maxDeadline)
        } == .excessiveInputAmount)
        #expect(router == before)
        let amounts = try router.swapTokensForExactTokens(amountOut: e18(1), amountInMax: .max, path: [token0, token1],
                                                          from: wallet, to: wallet, deadline: Self.maxDeadline)
        #expect(amounts == [expectedSwapAmount, e18(1)])
        let pair = try #require(router.factory.pair(token0, token1))
        #expect(pair.reserve0 == e18(5) + expectedSwapAmount && pair.reserve1 == e18(10) - e18(1))
    }

    @Test func multiHopSwapIsAllOrNothing() throws {
        var ledger = TokenLedger()
        for token: Address in ["a", "b", "c", "d"] { try ledger.mint(token, to: wallet, amount: e18(100)) }
        var router = Router(factory: Factory(feeToSetter: wallet), ledger: ledger, blockTimestamp: 10)
        for (x, y) in [("a", "b"), ("b", "c"), ("c", "d")] {
            try router.addLiquidity(tokenA: Address(x), tokenB: Address(y), amountADesired: e18(10),
                                    amountBDesired: e18(10), amountAMin: 0, amountBMin: 0, from: wallet,
                                    to: wallet, deadline: 10)
        }
        let path: [Address] = ["a", "b", "c", "d"]
        let quoted = try router.amountsOut(amountIn: e18(1), path: path)
        let before = router
        // Expired deadline, then an output minimum one above the quote: nothing changes.
        #expect(ammError {
            try router.swapExactTokensForTokens(amountIn: e18(1), amountOutMin: 0, path: path, from: wallet,
                                                to: other, deadline: 9)
        } == .expired)
        #expect(ammError {
            try router.swapExactTokensForTokens(amountIn: e18(1), amountOutMin: quoted[3] + 1, path: path,
                                                from: wallet, to: other, deadline: 10)
        } == .insufficientOutputAmount)
        #expect(router == before)
        let amounts = try router.swapExactTokensForTokens(amountIn: e18(1), amountOutMin: quoted[3], path: path,
                                                          from: wallet, to: other, deadline: 10)
        #expect(amounts == quoted)
        #expect(router.ledger.balance(of: other, in: "d") == quoted[3])
        // Each intermediate pair received exactly the previous hop's output.
        let bc = try #require(router.factory.pair("b", "c"))
        #expect(bc.balance0 == bc.reserve0 && bc.balance1 == bc.reserve1)
        #expect(PoolReserves(bc).reserves(selling: "b")?.reserveIn == e18(10) + quoted[1])
        // Exact output back along the reversed path.
        let back = try router.swapTokensForExactTokens(amountOut: e18(1) / 2, amountInMax: .max,
                                                       path: path.reversed(), from: other, to: wallet, deadline: 10)
        #expect(back.last == e18(1) / 2)
    }

    // UniswapV2Factory.spec.ts
    @Test func factoryCreatePair() throws {
        let a: Address = "0x1000000000000000000000000000000000000000"
        let b: Address = "0x2000000000000000000000000000000000000000"
        for tokens in [(a, b), (b, a)] {
            var factory = Factory(feeToSetter: wallet)
            #expect(factory.feeTo == nil && factory.feeToSetter == wallet && factory.allPairs.isEmpty)
            let address = try factory.createPair(tokens.0, tokens.1)
            #expect(address == (try Factory.pairAddress(a, b)))
            #expect(ammError { try factory.createPair(tokens.0, tokens.1) } == .pairExists)
            #expect(ammError { try factory.createPair(tokens.1, tokens.0) } == .pairExists)
            #expect(factory.pairAddress(tokens.0, tokens.1) == address)
            #expect(factory.pairAddress(tokens.1, tokens.0) == address)
            #expect(factory.allPairs == [address])
            let pair = try #require(factory.pair(at: address))
            #expect(pair.token0 == a && pair.token1 == b)
        }
        var factory = Factory(feeToSetter: wallet)
        #expect(ammError { try factory.createPair(a, a) } == .identicalAddresses)
        #expect(ammError { try factory.createPair(a, .zero) } == .zeroAddress)
        #expect(ammError { try factory.createPair(.zero, a) } == .zeroAddress)
    }

    @Test func factoryPairAddressIsInjective() throws {
        // Without the length prefix these two pairs would share "ab" + "c" = "a" + "bc".
        #expect(try Factory.pairAddress("ab", "c") != Factory.pairAddress("a", "bc"))
        #expect(try Factory.pairAddress("x", "y") == Address("v2-pair:1:xy"))
    }

    @Test func factoryFeeSwitch() throws {
        var factory = Factory(feeToSetter: wallet)
        #expect(ammError { try factory.setFeeTo(other, caller: other) } == .forbidden)
        try factory.setFeeTo(wallet, caller: wallet)
        #expect(factory.feeTo == wallet)
        #expect(ammError { try factory.setFeeToSetter(other, caller: other) } == .forbidden)
        try factory.setFeeToSetter(other, caller: wallet)
        #expect(factory.feeToSetter == other)
        #expect(ammError { try factory.setFeeToSetter(wallet, caller: wallet) } == .forbidden)
        // Pairs read the factory's feeTo.
        let address = try factory.createPair(token0, token1)
        #expect(factory.pair(at: address)?.feeTo == wallet)
        try factory.setFeeTo(nil, caller: other)
        #expect(factory.pair(at: address)?.isFeeOn == false)
    }
}
