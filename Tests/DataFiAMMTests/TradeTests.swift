import Testing
import DataFiBigNum
@testable import DataFiAMM

// Route search cases from Uniswap/v2-sdk test/trade.test.ts (pools and expected routes and amounts copied
// from the spec; WETH is an ordinary token here).
@Suite struct TradeTests {
    static func pool(_ a: Address, _ ra: UInt64, _ b: Address, _ rb: UInt64) -> PoolReserves {
        let (t0, t1) = a < b ? (a, b) : (b, a)
        let (r0, r1) = a < b ? (ra, rb) : (rb, ra)
        return PoolReserves(address: Address("\(t0)-\(t1)"), token0: t0, token1: t1,
                            reserve0: UInt256(r0), reserve1: UInt256(r1))
    }
    static let t0: Address = "t0", t1: Address = "t1", t2: Address = "t2", t3: Address = "t3", weth: Address = "weth"
    static let p01 = pool(t0, 1000, t1, 1000)
    static let p02 = pool(t0, 1000, t2, 1100)
    static let p03 = pool(t0, 1000, t3, 900)
    static let p12 = pool(t1, 1200, t2, 1000)
    static let p13 = pool(t1, 1200, t3, 1300)
    static let pWeth0 = pool(weth, 1000, t0, 1000)
    static let empty01 = pool(t0, 0, t1, 0)

    @Test func bestTradeExactInProvidesBestRoute() {
        let result = Trade.bestTradesExactInput(pools: [Self.p01, Self.p02, Self.p12], amountIn: 100,
                                                tokenIn: Self.t0, tokenOut: Self.t2)
        #expect(result.count == 2)
        #expect(result[0].route.path == [Self.t0, Self.t2])
        #expect(result[0].inputAmount == 100 && result[0].outputAmount == 99)
        #expect(result[1].route.path == [Self.t0, Self.t1, Self.t2])
        #expect(result[1].inputAmount == 100 && result[1].outputAmount == 69)
        // Price impact (mid·in − out)/(mid·in): 0→2: (110 − 99)/110 = 10%; 0→1→2: (83.3… − 69)/83.3… = 17.2%.
        #expect(result[0].priceImpact.basisPoints == 1000)
        #expect(result[1].priceImpact.basisPoints == 1720)
        #expect(abs(result[1].priceImpact.doubleValue - 0.172) < 1e-12)
    }

    @Test func bestTradeExactInEdges() {
        let pools = [Self.p01, Self.p02, Self.p12]
        #expect(Trade.bestTradesExactInput(pools: [Self.empty01], amountIn: 100, tokenIn: Self.t0, tokenOut: Self.t1).isEmpty)
        let oneHop = Trade.bestTradesExactInput(pools: pools, amountIn: 10, tokenIn: Self.t0, tokenOut: Self.t2, maxHops: 1)
        #expect(oneHop.count == 1 && oneHop[0].route.path == [Self.t0, Self.t2])
        let tiny = Trade.bestTradesExactInput(pools: pools, amountIn: 1, tokenIn: Self.t0, tokenOut: Self.t2)
        #expect(tiny.count == 1 && tiny[0].route.path == [Self.t0, Self.t2] && tiny[0].outputAmount == 1)
        #expect(Trade.bestTradesExactInput(pools: pools, amountIn: 10, tokenIn: Self.t0, tokenOut: Self.t2, maxResults: 1).count == 1)
        #expect(Trade.bestTradesExactInput(pools: [Self.p01, Self.p03, Self.p13], amountIn: 10,
                                           tokenIn: Self.t0, tokenOut: Self.t2).isEmpty)
        let viaWeth = Trade.bestTradesExactInput(pools: [Self.pWeth0, Self.p01, Self.p03, Self.p13], amountIn: 100,
                                                 tokenIn: Self.weth, tokenOut: Self.t3)
        #expect(viaWeth.map(\.route.path) == [[Self.weth, Self.t0, Self.t1, Self.t3], [Self.weth, Self.t0, Self.t3]])
        let toWeth = Trade.bestTradesExactInput(pools: [Self.pWeth0, Self.p01, Self.p03, Self.p13], amountIn: 100,
                                                tokenIn: Self.t3, tokenOut: Self.weth)
        #expect(toWeth.map(\.route.path) == [[Self.t3, Self.t0, Self.weth], [Self.t3, Self.t1, Self.t0, Self.weth]])
    }

    @Test func bestTradeExactOut() {
        let pools = [Self.p01, Self.p02, Self.p12]
        let result = Trade.bestTradesExactOutput(pools: pools, tokenIn: Self.t0, amountOut: 100, tokenOut: Self.t2)
        #expect(result.count == 2)
        #expect(result[0].route.path == [Self.t0, Self.t2])
        #expect(result[0].inputAmount == 101 && result[0].outputAmount == 100)
        #expect(result[1].route.path == [Self.t0, Self.t1, Self.t2])
        #expect(result[1].inputAmount == 156 && result[1].outputAmount == 100)
        #expect(Trade.bestTradesExactOutput(pools: [Self.empty01], tokenIn: Self.t1, amountOut: 100, tokenOut: Self.t1).isEmpty)
        #expect(Trade.bestTradesExactOutput(pools: pools, tokenIn: Self.t0, amountOut: 10, tokenOut: Self.t2, maxHops: 1)
            .map(\.route.path) == [[Self.t0, Self.t2]])
        #expect(Trade.bestTradesExactOutput(pools: pools, tokenIn: Self.t0, amountOut: 1200, tokenOut: Self.t2).isEmpty)
        #expect(Trade.bestTradesExactOutput(pools: pools, tokenIn: Self.t0, amountOut: 1050, tokenOut: Self.t2).count == 1)
        #expect(Trade.bestTradesExactOutput(pools: pools, tokenIn: Self.t0, amountOut: 10, tokenOut: Self.t2,
                                            maxResults: 1).count == 1)
        #expect(Trade.bestTradesExactOutput(pools: [Self.p01, Self.p03, Self.p13], tokenIn: Self.t0, amountOut: 10,
                                            tokenOut: Self.t2).isEmpty)
        let viaWeth = Trade.bestTradesExactOutput(pools: [Self.pWeth0, Self.p01, Self.p03, Self.p13], tokenIn: Self.weth,
                                                  amountOut: 100, tokenOut: Self.t3)
        #expect(viaWeth.map(\.route.path) == [[Self.weth, Self.t0, Self.t1, Self.t3], [Self.weth, Self.t0, Self.t3]])
        let toWeth = Trade.bestTradesExactOutput(pools: [Self.pWeth0, Self.p01, Self.p03, Self.p13], tokenIn: Self.t3,
                                                 amountOut: 100, tokenOut: Self.weth)
        #expect(toWeth.map(\.route.path) == [[Self.t3, Self.t0, Self.weth], [Self.t3, Self.t1, Self.t0, Self.weth]])
    }

    /// Differential check: the search returns exactly the best of all simple enumerations, sorted.
    @Test func bestTradeMatchesBruteForce() throws {
        let pools = [Self.p01, Self.p02, Self.p03, Self.p12, Self.p13]
        for amountIn in [1, 10, 100, 500] as [UInt256] {
            var all: [Trade] = []
            func walk(_ token: Address, _ used: [PoolReserves]) {
                guard used.count < 3 else { return }
                for pool in pools where !used.contains(pool) && pool.involves(token) {
                    let next = pool.otherToken(token)!
                    let route = used + [pool]
                    if next == Self.t3 {
                        if let r = try? Route(pools: route, input: Self.t0),
                           let t = try? Trade.exactInput(route: r, amountIn: amountIn), t.outputAmount > 0 {
                            all.append(t)
                        }
                    } else {
                        walk(next, route)
                    }
                }
            }
            walk(Self.t0, [])
            let sorted = all.sorted { Trade.isBetter($0, than: $1) }
            let found = Trade.bestTradesExactInput(pools: pools, amountIn: amountIn, tokenIn: Self.t0,
                                                   tokenOut: Self.t3, maxResults: 50)
            #expect(found.map(\.outputAmount) == sorted.map(\.outputAmount))
            #expect(found.first?.outputAmount == sorted.first?.outputAmount)
        }
    }

    // v2-sdk trade.test.ts #minimumAmountOut / #maximumAmountIn (0%, 5%, 200%).
    @Test func slippageBounds() throws {
        let route = try Route(pools: [Self.p01, Self.p12], input: Self.t0)
        let exactIn = try Trade.exactInput(route: route, amountIn: 100)
        #expect(exactIn.minimumAmountOut(slippageBasisPoints: 0) == 69)
        #expect(exactIn.minimumAmountOut(slippageBasisPoints: 500) == 65)
        #expect(exactIn.minimumAmountOut(slippageBasisPoints: 20_000) == 23)
        #expect(try exactIn.maximumAmountIn(slippageBasisPoints: 500) == 100)
        let exactOut = try Trade.exactOutput(route: route, amountOut: 100)
        #expect(try exactOut.maximumAmountIn(slippageBasisPoints: 0) == 156)
        #expect(try exactOut.maximumAmountIn(slippageBasisPoints: 500) == 163)
        #expect(try exactOut.maximumAmountIn(slippageBasisPoints: 20_000) == 468)
        #expect(exactOut.minimumAmountOut(slippageBasisPoints: 20_000) == 100)
    }

    @Test func routeValidation() {
        #expect(ammError { try Route(pools: [], input: Self.t0) } == .invalidPath)
        #expect(ammError { try Route(pools: [Self.p12], input: Self.t0) } == .invalidPath)
        #expect(ammError { try Route(pools: [Self.p01, Self.p03], input: Self.t0) } == .invalidPath)
    }

    @Test func priceImpactHandlesHugeReserves() throws {
        // Three hops of 2^112 − 1 reserves: the mid-price fraction needs 336-bit products.
        let big = Pair.maxReserve
        let pools = [
            PoolReserves(address: "p", token0: "a", token1: "b", reserve0: big, reserve1: big - 5),
            PoolReserves(address: "q", token0: "b", token1: "c", reserve0: big - 7, reserve1: big),
            PoolReserves(address: "r", token0: "c", token1: "d", reserve0: big, reserve1: big - 11),
        ]
        let trade = try Trade.exactInput(route: Route(pools: pools, input: "a"), amountIn: big / 1000)
        // Three 0.3% fees plus ~0.1% impact per hop: about 1.2%.
        #expect((110...130).contains(trade.priceImpact.basisPoints))
        #expect(trade.priceImpact.doubleValue > 0.011 && trade.priceImpact.doubleValue < 0.013)
    }
}
