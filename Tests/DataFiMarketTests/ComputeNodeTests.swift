import DataFiBigNum
import DataFiMarket
import DataFiSodium
import Testing

@Suite struct ComputeNodeTests {
    /// HEALTH with olu and oksana joined, chen holding data tokens.
    static func prepared() throws -> Market {
        var market = try Fixture.marketWithDataset()
        try market.joinVerified(try Fixture.asset("a", urls: ["https://olu.example/1.csv", "ipfs://bafy/2"]), by: "olu")
        try market.joinVerified(try Fixture.asset("b"), by: "oksana")
        _ = try market.apply(.swap(dataset: Fixture.dataset, side: .buyDataToken,
                                   amount: .exactIn(amountIn: tokens(1_000), minimumOut: .zero), deadline: 10), by: "chen", at: 3)
        return market
    }

    @Test func unpaidTaskOpensNothing() throws {
        var market = try Self.prepared()
        let node = try Fixture.node()
        let before = market
        #expect(throws: MarketError.unknownTask(1)) { try node.execute(task: 1, in: &market, at: 5) }
        #expect(throws: MarketError.unknownTask(0)) { try node.execute(task: 0, in: &market, at: 5) }
        #expect(throws: MarketError.unknownTask(.max)) { try node.execute(task: .max, in: &market, at: 5) }
        #expect(market == before)
        #expect(market.accessLog.allSatisfy { $0.task == 0 && $0.purpose == Market.verificationPurpose })
    }

    @Test func wrongKeyAndWrongOperatorAreRefused() throws {
        var market = try Self.prepared()
        _ = try market.apply(.submitTask(Fixture.order(rows: 2_000)), by: "chen", at: 4)
        let before = market
        let thief = ComputeNode(account: "node", key: try Fixture.nodeKey(9))
        #expect(throws: MarketError.wrongComputeKey) { try thief.execute(task: 1, in: &market, at: 5) }
        let impostor = ComputeNode(account: "mallory", key: try Fixture.nodeKey())
        #expect(throws: MarketError.notComputeOperator("mallory")) { try impostor.execute(task: 1, in: &market, at: 5) }
        expectRefused(&market, .recordAccess(task: 1, failed: []), by: "chen", .notComputeOperator("chen"))
        #expect(market == before)
        // And a foreign key cannot open the stored ciphertext directly either.
        let sealed = try #require(market.sealedAsset(0, in: Fixture.dataset)).distribution[0].sealedContentUrl
        #expect(throws: SodiumError.authenticationFailed) { try SealedBox.open(sealed, with: try Fixture.nodeKey(9)) }
    }

    @Test func tamperedCiphertextIsRejectedAtVerification() throws {
        var market = try Fixture.marketWithDataset()
        var asset = try Fixture.asset()
        asset.distribution[0].sealedContentUrl[60] ^= 1
        _ = try market.apply(.join(dataset: Fixture.dataset, asset: asset), by: "olu", at: 2)
        var inspected = false
        let (verdict, events) = try Fixture.node().verify(asset: 0, of: Fixture.dataset, in: &market, at: 3) { _ in
            inspected = true
            return .accept(records: 1)
        }
        #expect(verdict == .reject(reason: .unreadable) && !inspected)
        #expect(events == [.assetRejected(dataset: Fixture.dataset, owner: "olu", asset: 0, reason: .unreadable)])
        #expect(market.asset(0, in: Fixture.dataset)?.status == .rejected(reason: .unreadable))
        // The held join reward went back to the reserve; nothing was paid.
        #expect(market.balance(of: "olu", in: "HEALTH") == .zero)
        #expect(market.dataset(Fixture.dataset)?.rewardReserve == tokens(30_000))
        expectBalanced(market)
    }

    @Test func verificationCountsRecordsAndOpensOnlyPendingAssets() throws {
        var market = try Fixture.marketWithDataset()
        _ = try market.apply(.join(dataset: Fixture.dataset, asset: try Fixture.asset(records: 5_000)), by: "olu", at: 2)
        let node = try Fixture.node()
        var seen: [String] = []
        let (verdict, _) = try node.verify(asset: 0, of: Fixture.dataset, in: &market, at: 3) { opened in
            seen = opened.contentUrls
            return .accept(records: 4_321)   // the node counted fewer records than declared
        }
        #expect(verdict == .accept(records: 4_321) && seen == ["https://owner.example/data.csv"])
        #expect(market.dataset(Fixture.dataset)?.verifiedRecords == 4_321)
        #expect(market.position(of: "olu", in: Fixture.dataset)?.shares == 4_321)
        #expect(market.balance(of: "olu", in: "HEALTH") == tokens(1_000))
        let before = market
        #expect(throws: MarketError.assetNotPending(dataset: Fixture.dataset, asset: 0)) {
            try node.verify(asset: 0, of: Fixture.dataset, in: &market, at: 4) { _ in
                Issue.record("a verified asset was opened again")
                return .accept(records: 1)
            }
        }
        #expect(throws: MarketError.unknownAsset(dataset: Fixture.dataset, asset: 1)) {
            try node.verify(asset: 1, of: Fixture.dataset, in: &market, at: 4) { _ in .accept(records: 1) }
        }
        let thief = ComputeNode(account: "node", key: try Fixture.nodeKey(9))
        #expect(throws: MarketError.wrongComputeKey) {
            try thief.verify(asset: 0, of: Fixture.dataset, in: &market, at: 4) { _ in .accept(records: 1) }
        }
        #expect(market == before)
    }

    @Test func anAssetThatFailsAtExecutionIsExcludedAndRefunded() throws {
        var market = try Fixture.marketWithDataset()
        var broken = try Fixture.asset("broken", records: 1_000)
        broken.distribution[0].sealedContentUrl[60] ^= 1
        // The node's verdict is a transaction of its own: here it accepted an asset whose URL does not open when
        // the task runs (as when an owner's file disappears after verification).
        try market.joinVerified(broken, by: "olu")
        try market.joinVerified(try Fixture.asset("good", records: 3_000, urls: ["https://oksana.example/a.csv"]), by: "oksana")
        _ = try market.apply(.transfer(token: "HEALTH", to: "chen", amount: tokens(10_000)), by: "maya", at: 2)
        _ = try market.apply(.submitTask(Fixture.order(rows: 4_000)), by: "chen", at: 3)
        let task = try #require(market.task(1))
        let chenBefore = market.balance(of: "chen", in: "HEALTH")
        let (opened, events) = try Fixture.node().execute(task: 1, in: &market, at: 4)
        #expect(opened.map(\.owner) == ["oksana"])
        // Oksana's 3,000 of 4,000 shares are paid; Olu's quarter returns to Chen.
        let paid = task.dataTokens * UInt256(3 as UInt64) / UInt256(4 as UInt64)
        #expect(events.last == .taskSettled(task: 1, dataset: Fixture.dataset, consumer: "chen", fee: task.fee, paid: paid,
                                            refunded: task.dataTokens - paid, excluded: [0]))
        #expect(market.balance(of: "chen", in: "HEALTH") == chenBefore + task.dataTokens - paid)
        #expect(market.pendingRewards(of: "olu", in: Fixture.dataset) == .zero)
        let oksana = market.pendingRewards(of: "oksana", in: Fixture.dataset)
        #expect(oksana <= paid && paid - oksana <= UInt256(1 as UInt64))
        #expect(market.accessLog(forOwner: "olu").map(\.task) == [0] && market.accessLog(forOwner: "oksana").map(\.task) == [0, 1])
        #expect(market.computeFees == task.fee && market.task(1)?.status == .executed)
        expectBalanced(market)
    }

    @Test func executionOpensOnceAndLogsEveryAsset() throws {
        var market = try Self.prepared()
        _ = try market.apply(.submitTask(Fixture.order(rows: 2_000)), by: "chen", at: 4)
        // Joined after the task and still pending: never opened.
        _ = try market.apply(.join(dataset: Fixture.dataset, asset: try Fixture.asset("late")), by: "omar", at: 4)
        let node = try Fixture.node()
        let (opened, events) = try node.execute(task: 1, in: &market, at: 5)
        #expect(opened.map(\.owner) == ["olu", "oksana"])
        #expect(opened[0].contentUrls == ["https://olu.example/1.csv", "ipfs://bafy/2"])
        #expect(events.count == 3 && market.accessLog.filter { $0.task == 1 }.count == 2)
        #expect(market.task(1)?.status == .executed)
        #expect(market.accessLog(forOwner: "omar").isEmpty)
        let record = try #require(market.accessLog(forOwner: "oksana").last)
        #expect(record == AccessRecord(sequence: 3, task: 1, consumer: "chen", owner: "oksana", dataset: Fixture.dataset,
                                       asset: 1, purpose: "average age", time: 5, node: "node"))
        let before = market
        #expect(throws: MarketError.taskAlreadyExecuted(1)) { try node.execute(task: 1, in: &market, at: 6) }
        #expect(market == before)
    }
}
