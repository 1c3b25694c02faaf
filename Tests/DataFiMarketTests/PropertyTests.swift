import DataFiBigNum
import DataFiMarket
import DataFiSodium
import PropertyBased
import Testing

@Suite struct PropertyTests {
    static let actors: [AccountID] = Fixture.people + ["node", "treasury", "bad id"]
    static let datasetIDs: [DatasetID] = ["HEALTH", "FIN", "NOPE"]

    struct World {
        var market: Market
        let assets: [SealedAsset]
        let node: ComputeNode
    }

    static func world() throws -> World {
        var market = try Fixture.marketWithDataset()
        var fin = Fixture.terms("FIN")
        fin.pricing = .perUnitWithMinimum(price: UInt256(1_000_000 as UInt64), minimum: tokens(1))
        _ = try market.apply(.createDataset(fin), by: "carla", at: 1)
        let assets = try (0..<6).map { i in
            try Fixture.asset("asset \(i)", records: UInt64(1 + i * 700), urls: ["https://o\(i).example/d.csv"])
        }
        return World(market: market, assets: assets, node: try Fixture.node())
    }

    /// Decodes 64 random bits into one transaction (or a node execution, signalled by `execute`).
    static func operation(_ r: UInt64, in world: World) -> (tx: Transaction, by: AccountID, execute: UInt64?) {
        let actor = actors[Int((r >> 8) % UInt64(actors.count))]
        let dataset = datasetIDs[Int((r >> 12) % 3 == 2 && (r >> 14) % 4 != 0 ? 0 : (r >> 12) % 3)]
        let amount = UInt256((r >> 16) % 20_000) * UInt256(10_000_000_000_000_000 as UInt64)  // 0.01 steps, up to 200
        let big = UInt256((r >> 16) % 4_000) * Market.unit
        let deadline: UInt64 = (r >> 40) % 16 == 0 ? 0 : 1_000
        switch r % 11 {
        case 0:
            let token: TokenID = (r >> 20) & 1 == 0 ? "ALITA" : dataset.token
            let to = actors[Int((r >> 24) % UInt64(actors.count))]
            return (.transfer(token: token, to: to, amount: amount), actor, nil)
        case 1:
            return (.join(dataset: dataset, asset: world.assets[Int((r >> 20) % 6)]), actor, nil)
        case 2:
            return (.swap(dataset: dataset, side: .buyDataToken, amount: .exactIn(amountIn: big, minimumOut: .zero),
                          deadline: deadline), actor, nil)
        case 3:
            return (.swap(dataset: dataset, side: .sellDataToken, amount: .exactIn(amountIn: big, minimumOut: .zero),
                          deadline: deadline), actor, nil)
        case 4:
            let side: SwapSide = (r >> 20) & 1 == 0 ? .buyDataToken : .sellDataToken
            return (.swap(dataset: dataset, side: side, amount: .exactOut(amountOut: amount, maximumIn: .max),
                          deadline: deadline), actor, nil)
        case 5, 6:
            let rows = 1 + (r >> 20) % 3_000, ops = (r >> 32) % 50
            return (.submitTask(TaskOrder(dataset: dataset, complexity: TaskComplexity(rows: rows, operationsPerRow: ops),
                                          purpose: "study \(r % 7)", maximumFee: .max, maximumDataTokens: .max,
                                          deadline: deadline)), actor, nil)
        case 7:
            return (.claim(dataset: dataset), actor, nil)
        case 8:
            return (.addLiquidity(dataset: dataset, dataDesired: big, baseDesired: amount, dataMinimum: .zero,
                                  baseMinimum: .zero, deadline: deadline), actor, nil)
        case 9:
            let held = world.market.datasets[dataset]?.pool.liquidityBalance(of: actor.address) ?? .zero
            let share = (r >> 20) % 3 == 0 ? held : held / UInt256(1 + (r >> 22) % 4)
            return (.removeLiquidity(dataset: dataset, liquidity: share, dataMinimum: .zero, baseMinimum: .zero,
                                     deadline: deadline), actor, nil)
        default:
            if (r >> 31) % 4 == 0 { return (.withdrawComputeFees, (r >> 33) & 1 == 0 ? "node" : actor, nil) }
            let task = (r >> 20) % UInt64(world.market.taskCount + 2)
            return (.recordAccess(task: task), "node", (r >> 30) & 1 == 0 ? task : nil)
        }
    }

    @Test func everyTokenIsConservedAndFailuresChangeNothing() async throws {
        let base = try Self.world()
        await propertyCheck(count: 120, input: Gen.uint64().array(of: 1...50)) { script throws in
            var world = base
            var succeeded = 0
            for (step, r) in script.enumerated() {
                let (tx, by, execute) = Self.operation(r, in: world)
                let before = world.market
                let time = UInt64(10 + step)
                do {
                    if let id = execute {
                        let paid = before.task(id)?.status == .paid
                        let (opened, events) = try world.node.execute(task: id, in: &world.market, at: time)
                        #expect(paid)
                        #expect(opened.count == events.count)
                        #expect(opened.count == before.task(id)?.assetCount)
                    } else {
                        _ = try world.market.apply(tx, by: by, at: time)
                    }
                    succeeded += 1
                } catch {
                    #expect(world.market == before, "failed \(tx) by \(by) changed the state: \(error)")
                }
            }
            expectBalanced(world.market)
            // The access log lists every opening: one record per covered asset of every executed task.
            let executed = world.market.tasks.filter { $0.status == .executed }
            #expect(world.market.accessLog.count == executed.reduce(0) { $0 + $1.assetCount })
            for (index, record) in world.market.accessLog.enumerated() {
                #expect(record.sequence == index)
                #expect(world.market.task(record.task)?.status == .executed)
                #expect(world.market.accessLog(forOwner: record.owner).contains(record))
            }
            // Owner pools always cover what owners could claim.
            for ds in world.market.datasets.values {
                var pending = UInt256.zero
                for owner in Self.actors { pending += world.market.pendingRewards(of: owner, in: ds.id) }
                #expect(pending <= ds.ownerPool)
                #expect(ds.totalPaidIn == ds.totalClaimed + ds.ownerPool)
            }
        }
    }

    @Test func noURLOpensWithoutAPaidTask() async throws {
        var world = try Self.world()
        _ = try world.market.apply(.join(dataset: "HEALTH", asset: world.assets[1]), by: "olu", at: 2)
        await propertyCheck(count: 100, input: Gen.uint64()) { id throws in
            var market = world.market
            #expect(throws: MarketError.unknownTask(id)) { try world.node.execute(task: id, in: &market, at: 3) }
            #expect(market == world.market)
        }
        _ = try world.market.apply(.transfer(token: "HEALTH", to: "chen", amount: tokens(1_000)), by: "maya", at: 3)
        _ = try world.market.apply(.submitTask(Fixture.order(rows: 700)), by: "chen", at: 4)
        let (opened, _) = try world.node.execute(task: 1, in: &world.market, at: 5)
        #expect(opened.first?.contentUrls == ["https://o1.example/d.csv"])
    }

    @Test func ownerPayoutsAreProRata() async throws {
        let base = try Fixture.marketWithDataset()
        let gen = Gen.uint64(in: 1...5_000).array(of: 2...12)
        await propertyCheck(count: 60, input: gen, Gen.uint64(in: 1...1_000_000).array(of: 1...8)) { records, taskSizes throws in
            var market = base
            let owners = records.indices.map { AccountID("owner\($0)") }
            let total = records.reduce(0, +)
            for (owner, count) in zip(owners, records) {
                let asset = try Fixture.asset(records: count)
                _ = try market.apply(.join(dataset: Fixture.dataset, asset: asset), by: owner, at: 2)
            }
            _ = try market.apply(.transfer(token: "HEALTH", to: "chen", amount: tokens(800_000)), by: "maya", at: 2)
            var paid = UInt256.zero
            for (i, size) in taskSizes.enumerated() {
                let order = Fixture.order(rows: 1 + size % total, ops: 1 + size % 7)
                let events = try market.apply(.submitTask(order), by: "chen", at: 3 + UInt64(i))
                guard case .taskSubmitted(_, _, _, _, let dataTokens, _)? = events.first else { Issue.record(); return }
                paid += dataTokens
                // A swap between tasks moves the price.
                _ = try market.apply(.swap(dataset: Fixture.dataset, side: .buyDataToken,
                                           amount: .exactIn(amountIn: tokens(100), minimumOut: .zero), deadline: 99),
                                     by: "carla", at: 3 + UInt64(i))
            }
            var claimed = UInt256.zero
            for (owner, count) in zip(owners, records) {
                let before = market.balance(of: owner, in: Fixture.dataset.token)
                _ = try market.apply(.claim(dataset: Fixture.dataset), by: owner, at: 50)
                let got = market.balance(of: owner, in: Fixture.dataset.token) - before
                claimed += got
                let exact = paid * UInt256(count) / UInt256(total)   // floor of the exact pro-rata share
                #expect(got <= exact)
                #expect(exact - got <= UInt256(UInt64(taskSizes.count + 1)))
            }
            #expect(claimed <= paid)
            #expect(paid - claimed <= UInt256(UInt64(taskSizes.count + 2 * owners.count)))
            #expect(market.datasets[Fixture.dataset]?.ownerPool == paid - claimed)
            expectBalanced(market)
        }
    }

    @Test func payoutsStayCoveredWhenOwnersJoinBetweenTasks() throws {
        var market = try Fixture.marketWithDataset()
        _ = try market.apply(.transfer(token: "HEALTH", to: "chen", amount: tokens(500_000)), by: "maya", at: 1)
        var paid = UInt256.zero
        for i in 0..<20 {
            let asset = try Fixture.asset(records: UInt64(1 + (i * 37) % 11))
            _ = try market.apply(.join(dataset: Fixture.dataset, asset: asset), by: AccountID("o\(i % 7)"), at: 2)
            let events = try market.apply(.submitTask(Fixture.order(rows: 1, ops: 1 + UInt64(i))), by: "chen", at: 3)
            if case .taskSubmitted(_, _, _, _, let d, _)? = events.first { paid += d }
            if i % 3 == 0 { _ = try? market.apply(.claim(dataset: Fixture.dataset), by: AccountID("o\(i % 5)"), at: 4) }
        }
        var claimed = market.datasets[Fixture.dataset]?.totalClaimed ?? .zero
        for i in 0..<7 {
            let owner = AccountID("o\(i)")
            let pending = market.pendingRewards(of: owner, in: Fixture.dataset)
            if !pending.isZero {
                _ = try market.apply(.claim(dataset: Fixture.dataset), by: owner, at: 5)
                claimed += pending
            }
        }
        #expect(claimed <= paid && paid - claimed <= UInt256(20 + 2 * 20 as UInt64))
        expectBalanced(market)
    }
}
