import BenchSupport
import Benchmark
import DataFiAMM
import DataFiBigNum
import Foundation

// Swaps on a pair and quotes along a 3-hop path, each beside the bare UInt256 output formula
// `a·997·r / (R·1000 + a·997)` measured in the same run. Every benchmark does 1000 operations per
// iteration (scalingFactor .kilo), so the reported times are per operation.

/// The shared trade sizes (0.5 to 1.5 tokens), as UInt256.
private let tradeSizes = BenchSupport.tradeSizes.map { UInt256($0) }

private let oneToken = UInt256(1_000_000_000_000_000_000 as UInt64)
private let reserve = oneToken * UInt256(1_000_000 as UInt64)   // 10^6 tokens per side

private func seededPair(time: UInt64) throws -> Pair {
    var pair = try Pair(address: "pair", token0: "ALITA", token1: "DATA", blockTimestamp: time)
    try pair.transferIn(amount0: reserve, amount1: reserve * 2)
    _ = try pair.mint(to: "maker")
    return pair
}

private func seededRoute() throws -> Route {
    let tokens: [Address] = ["A", "B", "C", "D"]
    var pools: [PoolReserves] = []
    for index in 0..<3 {
        var pair = try Pair(address: Address("p\(index)"), token0: tokens[index], token1: tokens[index + 1])
        try pair.transferIn(amount0: reserve, amount1: reserve + UInt256(UInt64(index)) * oneToken)
        _ = try pair.mint(to: "maker")
        pools.append(PoolReserves(pair))
    }
    return try Route(pools: pools, input: "A")
}

/// One full swap of `amountIn` on `pair`: quote, transfer in, Pair.swap with its K check.
private func swapOnce(_ pair: inout Pair, amountIn: UInt256, zeroForOne: Bool) -> SwapResult {
    let (reserveIn, reserveOut) = zeroForOne ? (pair.reserve0, pair.reserve1) : (pair.reserve1, pair.reserve0)
    guard let out = try? ConstantProduct.amountOut(amountIn: amountIn, reserveIn: reserveIn, reserveOut: reserveOut),
          (try? pair.transferIn(amount0: zeroForOne ? amountIn : .zero, amount1: zeroForOne ? .zero : amountIn)) != nil,
          let result = try? pair.swap(amount0Out: zeroForOne ? .zero : out, amount1Out: zeroForOne ? out : .zero,
                                      to: "trader")
    else { preconditionFailure("benchmark swap failed") }
    return result
}

let benchmarks: @Sendable () -> Void = {
    BenchSupport.configure(scalingFactor: .kilo)

    // The yardstick: V2's getAmountOut as bare UInt256 arithmetic.
    Benchmark("Formula a*997*r/(R*1000+a*997) (UInt256)") { benchmark in
        let reserveIn = reserve, reserveOut = reserve * 2
        var index = 0
        for _ in benchmark.scaledIterations {
            let amountIn = tradeSizes[index & 1023]
            index &+= 1
            let withFee = amountIn * 997
            blackHole(withFee * reserveOut / (reserveIn * 1000 + withFee))
        }
    }

    // A full swap: quote, transfer in, Pair.swap with its K check; alternating direction so the
    // reserves stay near their start. All in one block (no accumulator update).
    Benchmark("Pair swap (quote + transferIn + swap), same block") { benchmark in
        guard var pair = try? seededPair(time: 1_700_000_000) else { return }
        var index = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(swapOnce(&pair, amountIn: tradeSizes[index & 1023], zeroForOne: index & 1 == 0))
            index &+= 1
        }
    }

    // The same with a new block before every swap, so each one also updates both price accumulators.
    Benchmark("Pair swap (quote + transferIn + swap), new block each") { benchmark in
        guard var pair = try? seededPair(time: 1_700_000_000) else { return }
        var index = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            pair.blockTimestamp &+= 12
            blackHole(swapOnce(&pair, amountIn: tradeSizes[index & 1023], zeroForOne: index & 1 == 0))
            index &+= 1
        }
    }

    // Three hops of the formula through a resolved Route (what a trade screen re-quotes per keystroke).
    Benchmark("3-hop quote, Route.outputAmount") { benchmark in
        guard let route = try? seededRoute() else { return }
        var index = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            let amountIn = tradeSizes[index & 1023]
            index &+= 1
            blackHole(try? route.outputAmount(forInput: amountIn))
        }
    }

    // V2's getAmountsOut through the factory: three pair lookups and the per-hop amounts array.
    Benchmark("3-hop quote, Router.amountsOut (factory lookups)") { benchmark in
        var ledger = TokenLedger()
        var router = Router(factory: Factory(feeToSetter: "dao"), ledger: ledger, blockTimestamp: 1)
        let path: [Address] = ["A", "B", "C", "D"]
        for index in 0..<3 {
            guard (try? ledger.mint(path[index], to: "maker", amount: reserve * 2)) != nil,
                  (try? ledger.mint(path[index + 1], to: "maker", amount: reserve * 2)) != nil else { return }
            router.ledger = ledger
            guard (try? router.addLiquidity(tokenA: path[index], tokenB: path[index + 1], amountADesired: reserve,
                                            amountBDesired: reserve, amountAMin: 0, amountBMin: 0, from: "maker",
                                            to: "maker", deadline: 1)) != nil else { return }
            ledger = router.ledger
        }
        var index = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            let amountIn = tradeSizes[index & 1023]
            index &+= 1
            blackHole(try? router.amountsOut(amountIn: amountIn, path: path))
        }
    }
}
