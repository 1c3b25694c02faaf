import BenchSupport
import Benchmark
import DataFiAMM
import DataFiBigNum
import DataFiMarket
import DataFiSodium
import Foundation

// Market operations on a large market (1,000 datasets, 100,000 accounts) and the cost of a task
// submission next to a bare pool swap (quote + Pair.transferIn + Pair.swap) measured in the same run.
// Every benchmark does 1000 operations per iteration (scalingFactor .kilo): times are per operation.

private let one = Market.unit
private let datasetCount = 1_000
private let accountCount = 100_000

private func account(_ i: Int) -> AccountID { AccountID("a\(i)") }
private func datasetID(_ i: Int) -> DatasetID { DatasetID("D\(i)") }

private func terms(_ id: DatasetID) -> DatasetTerms {
    DatasetTerms(id: id, title: "Benchmark dataset", requirements: "rows", usageScenarios: ["statistics"],
                 dataTokenSupply: one * 1_000_000_000, poolDataTokens: one * 10_000_000, poolBaseTokens: one * 1_000_000,
                 rewardReserve: one * 100_000_000, rewardPerJoin: one, pricing: .perUnit(price: one / 100))
}

private final class MarketWorld: @unchecked Sendable {
    var market: Market
    let asset: SealedAsset
    var random = BenchSupport.XorShift64(state: 0x9E37_79B9_7F4A_7C15)
    var time: UInt64 = 10

    init(datasets: Int, accounts: Int, ownersInFirst: Int) throws {
        let nodeKey = try Box.PrivateKey(rawRepresentation: [UInt8](repeating: 7, count: 32))
        let allocations = (0..<accounts).map { Genesis.Allocation(account: account($0), amount: one * 1_000_000) }
        market = try Market(genesis: Genesis(totalSupply: one * 1_000_000_000_000, allocations: allocations,
                                             treasury: "treasury", computeOperator: "node", computeKey: nodeKey.publicKey))
        asset = try AssetMetadata(
            name: "rows", description: "benchmark rows", creator: "bench", license: "CC0", keywords: ["x"],
            distribution: [DatasetDistribution(encodingFormat: "text/csv", contentUrl: "https://o.example/d.csv")],
            records: 1_000).sealed(to: nodeKey.publicKey)
        for d in 0..<datasets {
            // Maker a(d) creates dataset d; one owner joins and is verified so tasks have someone to pay.
            _ = try market.apply(.createDataset(terms(datasetID(d))), by: account(d), at: 1)
            _ = try market.apply(.join(dataset: datasetID(d), asset: asset), by: account(d), at: 1)
            _ = try market.apply(.verifyAsset(dataset: datasetID(d), asset: 0, verdict: .accept(records: 1_000)),
                                 by: "node", at: 1)
        }
        for o in 1..<max(1, ownersInFirst) {
            _ = try market.apply(.join(dataset: datasetID(0), asset: asset), by: account(o % accounts), at: 1)
            _ = try market.apply(.verifyAsset(dataset: datasetID(0), asset: o, verdict: .accept(records: 1_000)),
                                 by: "node", at: 1)
        }
        // Every account holds data tokens of its own dataset (account i ↔ dataset i mod datasets);
        // account 1 is the heavy consumer of the task benchmarks.
        for i in 0..<accounts {
            let d = i % datasets
            let amount = one * UInt256(i == 1 ? 10_000_000 as UInt64 : 10_000)
            if i != d { _ = try market.apply(.transfer(token: datasetID(d).token, to: account(i), amount: amount),
                                            by: account(d), at: 2) }
        }
    }

    /// One random operation: 60% swaps (both directions), 20% joins (left pending), 20% tasks (paid into escrow).
    func step() -> Bool {
        let r = random.next()
        let i = Int((r >> 8) % UInt64(accountCount))
        let d = datasetID(i % datasetCount)
        time += 1
        let tx: Transaction
        switch r % 10 {
        case 0, 1, 2:
            tx = .swap(dataset: d, side: .buyDataToken, amount: .exactIn(amountIn: one * UInt256((r >> 40) % 100 + 1),
                                                                         minimumOut: .zero), deadline: .max)
        case 3, 4, 5:
            tx = .swap(dataset: d, side: .sellDataToken, amount: .exactIn(amountIn: one * UInt256((r >> 40) % 1_000 + 1),
                                                                          minimumOut: .zero), deadline: .max)
        case 6, 7:
            tx = .join(dataset: d, asset: asset)
        default:
            tx = .submitTask(TaskOrder(dataset: d, complexity: TaskComplexity(rows: 1 + (r >> 40) % 1_000, operationsPerRow: 3),
                                       purpose: "statistics", maximumFee: .max, maximumDataTokens: .max, deadline: .max))
        }
        return (try? market.apply(tx, by: account(i), at: time)) != nil
    }
}

nonisolated(unsafe) private var bigWorld: MarketWorld?
nonisolated(unsafe) private var taskWorlds: [Int: MarketWorld] = [:]

private func taskWorld(owners: Int) throws -> MarketWorld {
    if let world = taskWorlds[owners] { return world }
    let world = try MarketWorld(datasets: 1, accounts: max(owners, 16), ownersInFirst: owners)
    taskWorlds[owners] = world
    return world
}

/// The trade sizes the AMM suite uses (0.5 to 1.5 tokens), as UInt256.
private let tradeSizes = BenchSupport.tradeSizes.map { UInt256($0) }

let benchmarks: @Sendable () -> Void = {
    let smoke = BenchSupport.smoke
    BenchSupport.configure(scalingFactor: .kilo, maxIterations: 300)

    Benchmark("Market random workload (60% swaps, 20% joins, 20% tasks), 1,000 datasets, 100,000 accounts") { benchmark in
        if bigWorld == nil {
            bigWorld = try? MarketWorld(datasets: smoke ? 10 : datasetCount, accounts: smoke ? 100 : accountCount,
                                        ownersInFirst: 1)
        }
        guard let world = bigWorld else { preconditionFailure("benchmark setup failed") }
        var accepted = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { if world.step() { accepted += 1 } }
        benchmark.stopMeasurement()
        blackHole(accepted)
    }

    // The yardstick for tasks: a bare swap on a Pair, alternating direction.
    Benchmark("Bare pool swap (quote + Pair.transferIn + Pair.swap)") { benchmark in
        guard var pair = try? Pair(address: "pool", token0: "token:A", token1: "token:B", blockTimestamp: 1),
              (try? pair.transferIn(amount0: one * 1_000_000, amount1: one * 10_000_000)) != nil,
              (try? pair.mint(to: "maker")) != nil
        else { preconditionFailure("benchmark setup failed") }
        var index = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            let amountIn = tradeSizes[index & 1023]
            let zeroForOne = index & 1 == 0
            index &+= 1
            let (reserveIn, reserveOut) = zeroForOne ? (pair.reserve0, pair.reserve1) : (pair.reserve1, pair.reserve0)
            guard let out = try? ConstantProduct.amountOut(amountIn: amountIn, reserveIn: reserveIn, reserveOut: reserveOut),
                  (try? pair.transferIn(amount0: zeroForOne ? amountIn : .zero, amount1: zeroForOne ? .zero : amountIn)) != nil,
                  let result = try? pair.swap(amount0Out: zeroForOne ? .zero : out, amount1Out: zeroForOne ? out : .zero,
                                              to: "trader")
            else { preconditionFailure("benchmark swap failed") }
            blackHole(result)
        }
    }

    // The same swap through the market (book checks and updates, events).
    Benchmark("Market swap transaction (apply .swap)") { benchmark in
        guard let world = try? taskWorld(owners: 10) else { preconditionFailure("benchmark setup failed") }
        var index = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            let side: SwapSide = index & 1 == 0 ? .buyDataToken : .sellDataToken
            let amount = tradeSizes[index & 1023] * UInt256(index & 1 == 0 ? 1 as UInt64 : 10)
            index &+= 1
            world.time += 1
            guard (try? world.market.apply(.swap(dataset: datasetID(0), side: side,
                                                 amount: .exactIn(amountIn: amount, minimumOut: .zero), deadline: .max),
                                           by: account(1), at: world.time)) != nil
            else { preconditionFailure("benchmark swap failed") }
        }
    }

    for owners in [10, 10_000] {
        Benchmark("Market submitTask, \(owners) owners in the dataset") { benchmark in
            guard let world = try? taskWorld(owners: owners) else { preconditionFailure("benchmark setup failed") }
            let order = TaskOrder(dataset: datasetID(0), complexity: TaskComplexity(rows: 5, operationsPerRow: 2),
                                  purpose: "statistics", maximumFee: .max, maximumDataTokens: .max, deadline: .max)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                world.time += 1
                guard let events = try? world.market.apply(.submitTask(order), by: account(1), at: world.time)
                else { preconditionFailure("benchmark task failed") }
                blackHole(events)
            }
        }
    }
}
