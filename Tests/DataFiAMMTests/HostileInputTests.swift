import Testing
import DataFiBigNum
@testable import DataFiAMM

// Reserves and amounts past what a pair can hold (PoolReserves takes any UInt256), zero reserves and
// degenerate pools: quoting and route search throw or skip, never trap.

@Test func routesOverOutOfRangeReservesThrowOrSkip() throws {
    let max = UInt256.max
    let pools = [
        PoolReserves(address: "p", token0: "a", token1: "b", reserve0: max, reserve1: max),
        PoolReserves(address: "q", token0: "b", token1: "c", reserve0: max, reserve1: 1),
    ]
    let route = try Route(pools: pools, input: "a")
    for amount in [UInt256.one, max, max / 2] {
        #expect(throws: AMMError.self) { try route.amountsOut(amountIn: amount) }
        #expect(throws: AMMError.self) { try route.amountsIn(amountOut: amount) }
    }
    _ = route.midPrice
    #expect(Trade.bestTradesExactInput(pools: pools, amountIn: max, tokenIn: "a", tokenOut: "c").isEmpty)
    #expect(Trade.bestTradesExactOutput(pools: pools, tokenIn: "a", amountOut: max, tokenOut: "c").isEmpty)
}

@Test func degeneratePoolsAreSkipped() throws {
    let zero = PoolReserves(address: "z", token0: "a", token1: "b", reserve0: .zero, reserve1: .zero)
    let loop = PoolReserves(address: "l", token0: "a", token1: "a", reserve0: 1000, reserve1: 1000)
    let ok = PoolReserves(address: "o", token0: "a", token1: "b", reserve0: 1000, reserve1: 1000)
    let pools = [zero, loop, ok, ok]
    let trades = Trade.bestTradesExactInput(pools: pools, amountIn: 10, tokenIn: "a", tokenOut: "b",
                                            maxResults: 5, maxHops: 4)
    #expect(!trades.isEmpty && trades.allSatisfy { $0.outputAmount > .zero })
    #expect(Trade.bestTradesExactInput(pools: pools, amountIn: 10, tokenIn: "a", tokenOut: "b", maxResults: -1).isEmpty)
    #expect(Trade.bestTradesExactInput(pools: pools, amountIn: 10, tokenIn: "a", tokenOut: "b", maxHops: Int.min).isEmpty)
    #expect(Trade.bestTradesExactInput(pools: [], amountIn: 10, tokenIn: "a", tokenOut: "b").isEmpty)
    #expect(throws: AMMError.self) { try Trade.exactInput(route: Route(pools: [zero], input: "a"), amountIn: 10) }
    #expect(throws: AMMError.self) { try Trade.exactOutput(route: Route(pools: [ok], input: "a"), amountOut: 1000) }
    let trade = try Trade.exactOutput(route: Route(pools: [ok], input: "a"), amountOut: 999)
    #expect(try trade.maximumAmountIn(slippageBasisPoints: .max) >= trade.inputAmount)
    let tiny = try Trade.exactInput(route: Route(pools: [ok], input: "a"), amountIn: 1000)
    #expect(tiny.minimumAmountOut(slippageBasisPoints: .max) <= tiny.outputAmount)
}

@Test func pairRefusesAmountsBeyondItsReservesAndStaysUnchanged() throws {
    var pair = try Pair(address: "pair", token0: "t0", token1: "t1", blockTimestamp: 1)
    try pair.transferIn(amount0: 1_000_000, amount1: 1_000_000)
    _ = try pair.mint(to: "lp")
    func snapshot(_ p: Pair) -> [String] {
        [p.reserve0, p.reserve1, p.totalSupply, p.kLast].map(\.description)
            + p.liquidityBalances.sorted { $0.key < $1.key }.map { "\($0.key.rawValue)=\($0.value)" }
    }
    let before = snapshot(pair)
    #expect(throws: AMMError.self) { try pair.transferIn(amount0: .max, amount1: .max) }
    #expect(snapshot(pair) == before)
    #expect(throws: AMMError.self) { try pair.swap(amount0Out: .max, amount1Out: .max, to: "x") }
    #expect(snapshot(pair) == before)
    #expect(throws: AMMError.self) { try pair.transferLiquidity(from: "nobody", to: pair.address, amount: .max) }
    #expect(snapshot(pair) == before)
}
