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

    /// HEALTH (the node's verification alone decides) and FIN (two staked reviews settle a contribution).
    static let review = ReviewTerms(threshold: 5_000, reviewsRequired: 2, tolerance: 1_500, slashBasisPoints: 2_000,
                                    reviewFee: tokens(3), minimumStake: tokens(10))

    static func world() throws -> World {
        var market = try Fixture.marketWithDataset()
        var fin = Fixture.terms("FIN")
        fin.pricing = .perUnitWithMinimum(price: UInt256(1_000_000 as UInt64), minimum: tokens(1))
        fin.review = review
        _ = try market.apply(.createDataset(fin), by: "carla", at: 1)
        var assets = try (0..<6).map { i in
            try Fixture.asset("asset \(i)", records: UInt64(1 + i * 700), urls: ["https://o\(i).example/d.csv"])
        }
        // One asset whose sealed URL never opens.
        var broken = try Fixture.asset("broken", records: 900)
        broken.distribution[0].sealedContentUrl[60] ^= 1
        assets.append(broken)
        // HEALTH: two verified assets, one verified asset that fails at execution, one pending.
        try market.joinVerified(assets[1], by: "olu")
        try market.joinVerified(assets[2], by: "oksana")
        try market.joinVerified(broken, by: "omar")
        _ = try market.apply(.join(dataset: "HEALTH", asset: assets[3]), by: "chen", at: 2)
        // FIN: two contributions in review, three staked validators, a funded review pool.
        for (index, owner) in ["maya", "olu", "oksana", "maya"].enumerated() {
            _ = try market.apply(.join(dataset: "FIN", asset: assets[2 + index]), by: AccountID(owner), at: 2)
            _ = try market.apply(.verifyAsset(dataset: "FIN", asset: index, verdict: .accept(records: 500)), by: "node", at: 2)
        }
        for validator in ["chen", "carla", "omar"] as [AccountID] {
            _ = try market.apply(.stake(dataset: "FIN", amount: tokens(50)), by: validator, at: 2)
        }
        _ = try market.apply(.fundReviewPool(dataset: "FIN", amount: tokens(20)), by: "treasury", at: 2)
        // Consumers hold data tokens of both datasets.
        for consumer in ["chen", "carla", "omar", "olu"] as [AccountID] {
            _ = try market.apply(.transfer(token: "HEALTH", to: consumer, amount: tokens(20_000)), by: "maya", at: 2)
            _ = try market.apply(.transfer(token: "FIN", to: consumer, amount: tokens(20_000)), by: "carla", at: 2)
        }
        // Paid tasks: some soon past their deadline (cancellable), some long-running (executable).
        for (i, consumer) in (["chen", "carla", "omar", "olu"] as [AccountID]).enumerated() {
            _ = try market.apply(.submitTask(Fixture.order(rows: 100, ops: 3, deadline: i % 2 == 0 ? 12 + UInt64(i) : 1_000)),
                                 by: consumer, at: 2)
        }
        // Federated tasks on HEALTH (three verified assets): one soon past its deadline, one long-running.
        for (consumer, deadline) in [("carla", 14), ("chen", 1_000)] as [(AccountID, UInt64)] {
            var order = Fixture.order(rows: 100, ops: 3, deadline: deadline)
            order.federated = FederatedTaskJob(query: .mean(column: "age", lower: "0", upper: "120"), threshold: 2)
            _ = try market.apply(.submitTask(order), by: consumer, at: 2)
        }
        return World(market: market, assets: assets, node: try Fixture.node())
    }

    enum Step {
        case apply(Transaction, by: AccountID)
        case execute(UInt64)
        case verify(DatasetID, Int, AssetVerdict)
    }

    /// Decodes 64 random bits into one step: a transaction, or a compute-node operation.
    static func operation(_ r: UInt64, in world: World) -> Step {
        let actor = actors[Int((r >> 8) % UInt64(actors.count))]
        let dataset = datasetIDs[Int((r >> 12) % 3 == 2 && (r >> 14) % 4 != 0 ? 0 : (r >> 12) % 3)]
        let amount = UInt256((r >> 16) % 20_000) * UInt256(10_000_000_000_000_000 as UInt64)  // 0.01 steps, up to 200
        let big = UInt256((r >> 16) % 4_000) * Market.unit
        let deadline: UInt64 = (r >> 40) % 16 == 0 ? 0 : (r >> 44) % 2 == 0 ? 1_000 : 10 + (r >> 45) % 30
        let assets = world.market.assets(in: dataset)
        // An asset index: mostly an existing one, sometimes one past the end.
        let assetIndex = Int((r >> 24) % UInt64(assets.count + 1))
        // A task id: mostly one of the latest, sometimes any (0 and one past the end included).
        let count = UInt64(world.market.taskCount)
        let task = (r >> 18) & 1 == 0 ? (r >> 20) % (count + 2) : count - min(count, (r >> 20) % 3)
        switch r % 20 {
        case 0:
            let token: TokenID = (r >> 20) & 1 == 0 ? "ALITA" : dataset.token
            let to = actors[Int((r >> 24) % UInt64(actors.count))]
            return .apply(.transfer(token: token, to: to, amount: amount), by: actor)
        case 1:
            return .apply(.join(dataset: dataset, asset: world.assets[Int((r >> 20) % 7)]), by: actor)
        case 2:
            return .apply(.swap(dataset: dataset, side: .buyDataToken, amount: .exactIn(amountIn: big, minimumOut: .zero),
                                deadline: deadline), by: actor)
        case 3:
            return .apply(.swap(dataset: dataset, side: .sellDataToken, amount: .exactIn(amountIn: big, minimumOut: .zero),
                                deadline: deadline), by: actor)
        case 4:
            let side: SwapSide = (r >> 20) & 1 == 0 ? .buyDataToken : .sellDataToken
            return .apply(.swap(dataset: dataset, side: side, amount: .exactOut(amountOut: amount, maximumIn: .max),
                                deadline: deadline), by: actor)
        case 5, 6:
            let rows = 1 + (r >> 20) % 1_500, ops = (r >> 32) % 50
            var order = TaskOrder(dataset: dataset, complexity: TaskComplexity(rows: rows, operationsPerRow: ops),
                                  purpose: "study \(r % 7)", maximumFee: .max, maximumDataTokens: .max, deadline: deadline)
            // A third of the orders run federated, with a threshold of 1...4 (1 and sometimes 4 are refused).
            if (r >> 52) % 3 == 0 {
                let queries: [FederatedTaskQuery] = [.count, .sum(column: "age", lower: "0", upper: "120"),
                                                 .histogram(column: "age", lower: "0", upper: "120", bins: 12),
                                                 .mean(column: "age", lower: "9", upper: "1.5")]
                order.federated = FederatedTaskJob(query: queries[Int((r >> 54) % 4)], threshold: Int(1 + (r >> 56) % 4))
            }
            return .apply(.submitTask(order), by: actor)
        case 7:
            // Mostly an owner of HEALTH's verified assets.
            let owner: AccountID = (r >> 20) % 4 == 0 ? actor : ["olu", "oksana", "omar"][Int((r >> 22) % 3)]
            return .apply(.claim(dataset: dataset), by: owner)
        case 8:
            return .apply(.addLiquidity(dataset: dataset, dataDesired: big, baseDesired: amount, dataMinimum: .zero,
                                        baseMinimum: .zero, deadline: deadline), by: actor)
        case 9:
            let held = world.market.datasets[dataset]?.pool.liquidityBalance(of: actor.address) ?? .zero
            let share = (r >> 20) % 3 == 0 ? held : held / UInt256(1 + (r >> 22) % 4)
            return .apply(.removeLiquidity(dataset: dataset, liquidity: share, dataMinimum: .zero, baseMinimum: .zero,
                                           deadline: deadline), by: actor)
        case 10:
            if (r >> 31) % 8 == 0 { return .apply(.withdrawComputeFees, by: (r >> 33) & 1 == 0 ? "node" : actor) }
            if (r >> 31) % 8 < 3 {
                // A federated result, mostly for a paid federated task, by the node, with a well-formed digest
                // and contributors drawn from its dataset's verified assets (each kept with probability 3/4);
                // sometimes any task, any signer, any assets, or a list not ascending.
                let open = world.market.tasks.filter { $0.federated != nil && $0.status == .paid }.map(\.id)
                let id = (r >> 18) % 4 != 0 && !open.isEmpty ? open[Int((r >> 20) % UInt64(open.count))] : task
                let pool = world.market.task(id).map { world.market.assets(in: $0.dataset) } ?? assets
                let verified = pool.filter { if case .verified = $0.status { true } else { false } }.map(\.index)
                let contributors = (r >> 32) % 6 == 0
                    ? pool.indices.filter { (r >> (34 + $0 % 20)) & 1 == 1 }
                    : verified.filter { (r >> (34 + 2 * ($0 % 10))) & 3 != 0 }
                let digest = (r >> 57) % 8 == 0 ? "not a digest" : FederatedTaskJob.aggregateDigest(task: id, values: [r])
                return .apply(.recordFederatedResult(task: id, contributors: (r >> 59) % 6 == 0 ? contributors.reversed()
                                                         : contributors, digest: digest),
                              by: (r >> 61) % 6 == 0 ? actor : "node")
            }
            if (r >> 30) & 1 == 0 { return .execute(task) }
            // A direct execution record with a random failed list (sometimes not ascending or not verified).
            let failed = assets.indices.filter { (r >> (34 + $0 % 24)) & 1 == 1 }
            return .apply(.recordAccess(task: task, failed: (r >> 58) & 3 == 0 ? failed.reversed() : failed), by: "node")
        case 11:
            let verdict: AssetVerdict = switch (r >> 32) % 5 {
            case 0: .reject(reason: .unreadable)
            case 1: .reject(reason: .requirementsNotMet)
            case 2: .reject(reason: .lowQuality)
            default: .accept(records: (r >> 36) % 4_000)
            }
            if (r >> 60) % 3 == 0 { return .verify(dataset, assetIndex, verdict) }
            return .apply(.verifyAsset(dataset: dataset, asset: assetIndex, verdict: verdict), by: (r >> 62) == 0 ? actor : "node")
        case 16, 17, 18 where (r >> 50) % 3 != 0:
            // A review by one of the staked validators of FIN.
            let validator: AccountID = ["chen", "carla", "omar"][Int((r >> 52) % 3)]
            let index = Int((r >> 24) % UInt64(world.market.assets(in: "FIN").count + 1))
            return .apply(.reviewAsset(dataset: "FIN", asset: index, score: UInt16((r >> 32) % 10_200)), by: validator)
        case 12:
            let owner = assetIndex < assets.count && (r >> 32) % 4 != 0 ? assets[assetIndex].owner : actor
            return .apply(.withdrawAsset(dataset: dataset, asset: assetIndex), by: owner)
        case 13:
            let consumer = world.market.task(task).map { (r >> 32) % 4 != 0 ? $0.consumer : actor } ?? actor
            return .apply(.cancelTask(task: task), by: consumer)
        case 14:
            return .apply(.stake(dataset: dataset, amount: big), by: actor)
        case 15:
            let staked = world.market.stake(of: actor, in: dataset)?.amount ?? .zero
            return .apply(.unstake(dataset: dataset, amount: (r >> 20) % 3 == 0 ? staked : amount), by: actor)
        case 16, 17, 18:
            let score = UInt16((r >> 32) % 10_200)
            return .apply(.reviewAsset(dataset: dataset, asset: assetIndex, score: score), by: actor)
        default:
            return .apply(.fundReviewPool(dataset: dataset, amount: amount), by: actor)
        }
    }

    /// Everything the market's tables must agree on after any sequence of transactions.
    static func checkInvariants(_ market: Market) {
        expectBalanced(market)
        for ds in market.datasets.values {
            let assets = market.assets(in: ds.id)
            // Owner pools always cover what owners could claim.
            var pending = UInt256.zero
            for owner in Self.actors { pending += market.pendingRewards(of: owner, in: ds.id) }
            #expect(pending <= ds.ownerPool)
            #expect(ds.totalPaidIn == ds.totalClaimed + ds.ownerPool)
            // Shares, records and held rewards are the sums over the assets in each status.
            let verified = assets.filter { if case .verified = $0.status { true } else { false } }
            #expect(ds.totalShares == verified.reduce(0) { $0 + $1.shares })
            #expect(ds.verifiedRecords == verified.reduce(0) { total, asset in
                guard case .verified(let records, _) = asset.status else { return total }
                return total + records
            })
            #expect(ds.rewards.verifiedAssets == verified.count)
            var positionShares: UInt64 = 0
            for owner in Set(assets.map(\.owner)) { positionShares += market.position(of: owner, in: ds.id)?.shares ?? 0 }
            #expect(positionShares == ds.totalShares)
            #expect(ds.rewards.heldJoinRewards == assets.reduce(UInt256.zero) { $0 + $1.heldReward })
            for asset in assets where !asset.heldReward.isZero {
                #expect(asset.status == .pending || { if case .inReview = asset.status { true } else { false } }())
            }
            // Escrow holds exactly the payments of tasks neither executed nor cancelled.
            let open = market.tasks.filter { $0.dataset == ds.id && $0.status == .paid }
            #expect(ds.rewards.escrowedFees == open.reduce(UInt256.zero) { $0 + $1.fee })
            #expect(ds.rewards.escrowedDataTokens == open.reduce(UInt256.zero) { $0 + $1.dataTokens })
            // Stakes: the dataset's total, and each lock is one unsettled review.
            var staked = UInt256.zero
            for validator in Self.actors {
                let stake = market.stake(of: validator, in: ds.id)
                staked += stake?.amount ?? .zero
                let locks = assets.filter { asset in
                    if case .inReview = asset.status { asset.reviews.contains { $0.validator == validator } } else { false }
                }.count
                #expect((stake?.openReviews ?? 0) == locks)
            }
            #expect(ds.validation.totalStaked == staked)
        }
        for (index, record) in market.accessLog.enumerated() {
            #expect(record.sequence == index)
            if record.task == 0 {
                #expect(record.purpose == Market.verificationPurpose && record.consumer == "node")
                #expect(!record.federated)
            } else {
                let task = market.task(record.task)
                #expect(task?.status == .executed)
                // A federated task's assets are never opened; its entries are exactly its contributors.
                #expect(record.federated == (task?.federated != nil))
                if record.federated { #expect(task?.federatedOutcome?.contributors.contains(record.asset) == true) }
            }
            #expect(market.accessLog(forOwner: record.owner).contains(record))
        }
        for task in market.tasks {
            // A federated task has an outcome exactly when it was executed, with at least its threshold of
            // contributors, each with one federated access entry.
            if let job = task.federated {
                #expect((task.federatedOutcome != nil) == (task.status == .executed))
                if let outcome = task.federatedOutcome {
                    #expect(outcome.contributors.count >= job.threshold)
                    #expect(outcome.contributors == market.accessLog.filter { $0.task == task.id }.map(\.asset))
                }
            } else {
                #expect(task.federatedOutcome == nil)
            }
        }
    }

    @Test func everyTokenIsConservedAndFailuresChangeNothing() async throws {
        let base = try Self.world()
        // How often each path of the trust rules succeeded over all scripts.
        var seen: [String: Int] = [:]
        await propertyCheck(count: 120, input: Gen.uint64().array(of: 1...60)) { script throws in
            var world = base
            for (step, r) in script.enumerated() {
                let op = Self.operation(r, in: world)
                let before = world.market
                let time = UInt64(10 + step)
                do {
                    var events: [MarketEvent]
                    switch op {
                    case .apply(let tx, let by):
                        events = try world.market.apply(tx, by: by, at: time)
                    case .execute(let id):
                        let (opened, executed) = try world.node.execute(task: id, in: &world.market, at: time)
                        #expect(before.task(id)?.status == .paid)
                        #expect(before.task(id)?.federated == nil, "the node opened a federated task's assets")
                        #expect(opened.count == executed.count - 1)
                        events = executed
                    case .verify(let dataset, let index, let verdict):
                        events = try world.node.verify(asset: index, of: dataset, in: &world.market, at: time) { _ in verdict }.events
                        #expect(before.asset(index, in: dataset)?.status == .pending)
                    }
                    for event in events { seen[Self.kind(event), default: 0] += 1 }
                    // A rejected, withdrawn or pending asset is never opened: every access was to an asset
                    // verified before the step.
                    for case .accessed(let record) in events {
                        if record.task == 0 {
                            // The node's verification opens only a pending asset.
                            #expect(before.asset(record.asset, in: record.dataset)?.status == .pending)
                            continue
                        }
                        guard case .verified? = before.asset(record.asset, in: record.dataset)?.status else {
                            Issue.record("opened \(record.dataset)/\(record.asset), which was not verified")
                            continue
                        }
                    }
                } catch {
                    #expect(world.market == before, "failed \(op) changed the state: \(error)")
                }
            }
            Self.checkInvariants(world.market)
        }
        print("trust paths exercised:", seen.sorted { $0.key < $1.key })
        for kind in ["assetVerified", "assetRejected", "assetWithdrawn", "taskSettled", "taskExcluded", "taskCancelled",
                     "federatedResultRecorded",
                     "staked", "unstaked", "reviewSettled", "validatorSlashed", "validatorRewarded", "claimed"] {
            #expect(seen[kind, default: 0] > 0, "no successful \(kind) in any script")
        }
    }

    /// A name for an event's case (and "taskExcluded" for a settlement that excluded assets).
    static func kind(_ event: MarketEvent) -> String {
        if case .taskSettled(_, _, _, _, _, _, let excluded) = event, !excluded.isEmpty { return "taskExcluded" }
        return String(String(describing: event).prefix { $0 != "(" })
    }

    @Test func noURLOpensWithoutAPaidTask() async throws {
        var world = try Self.world()
        try world.market.joinVerified(world.assets[1], by: "olu")
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
                try market.joinVerified(try Fixture.asset(records: count), by: owner)
            }
            _ = try market.apply(.transfer(token: "HEALTH", to: "chen", amount: tokens(800_000)), by: "maya", at: 2)
            var paid = UInt256.zero
            for (i, size) in taskSizes.enumerated() {
                let order = Fixture.order(rows: 1 + size % total, ops: 1 + size % 7)
                let events = try market.apply(.submitTask(order), by: "chen", at: 3 + UInt64(i))
                guard case .taskSubmitted(let id, _, _, _, let dataTokens, _)? = events.first else { Issue.record(); return }
                // Executed with every asset opened: the whole payment goes to the owners.
                let settled = try market.apply(.recordAccess(task: id, failed: []), by: "node", at: 3 + UInt64(i))
                #expect(settled.last == .taskSettled(task: id, dataset: Fixture.dataset, consumer: "chen",
                                                     fee: try #require(market.task(id)).fee, paid: dataTokens,
                                                     refunded: .zero, excluded: []))
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
            try market.joinVerified(asset, by: AccountID("o\(i % 7)"))
            let events = try market.apply(.submitTask(Fixture.order(rows: 1, ops: 1 + UInt64(i))), by: "chen", at: 3)
            if case .taskSubmitted(let id, _, _, _, let d, _)? = events.first {
                _ = try market.apply(.recordAccess(task: id, failed: []), by: "node", at: 3)
                paid += d
            }
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
