import DataFiBigNum
import DataFiMarket
import DataFiSodium
import Testing

@Suite struct ComputeNodeTests {
    /// HEALTH with olu and oksana joined, chen holding data tokens.
    static func prepared() throws -> Market {
        var market = try Fixture.marketWithDataset()
        _ = try market.apply(.join(dataset: Fixture.dataset,
                                   asset: try Fixture.asset("a", urls: ["https://olu.example/1.csv", "ipfs://bafy/2"])),
                             by: "olu", at: 2)
        _ = try market.apply(.join(dataset: Fixture.dataset, asset: try Fixture.asset("b")), by: "oksana", at: 2)
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
        #expect(market.accessLog.isEmpty)
    }

    @Test func wrongKeyAndWrongOperatorAreRefused() throws {
        var market = try Self.prepared()
        _ = try market.apply(.submitTask(Fixture.order(rows: 2_000)), by: "chen", at: 4)
        let before = market
        let thief = ComputeNode(account: "node", key: try Fixture.nodeKey(9))
        #expect(throws: MarketError.wrongComputeKey) { try thief.execute(task: 1, in: &market, at: 5) }
        let impostor = ComputeNode(account: "mallory", key: try Fixture.nodeKey())
        #expect(throws: MarketError.notComputeOperator("mallory")) { try impostor.execute(task: 1, in: &market, at: 5) }
        expectRefused(&market, .recordAccess(task: 1), by: "chen", .notComputeOperator("chen"))
        #expect(market == before)
        // And a foreign key cannot open the stored ciphertext directly either.
        let sealed = try #require(market.assets(in: Fixture.dataset).first).asset.distribution[0].sealedContentUrl
        #expect(throws: SodiumError.authenticationFailed) { try SealedBox.open(sealed, with: try Fixture.nodeKey(9)) }
    }

    @Test func tamperedCiphertextIsATypedErrorAndLogsNothing() throws {
        var market = try Fixture.marketWithDataset()
        var asset = try Fixture.asset()
        asset.distribution[0].sealedContentUrl[60] ^= 1
        _ = try market.apply(.join(dataset: Fixture.dataset, asset: asset), by: "olu", at: 2)
        _ = try market.apply(.transfer(token: "HEALTH", to: "chen", amount: tokens(10_000)), by: "maya", at: 2)
        _ = try market.apply(.submitTask(Fixture.order(rows: 100)), by: "chen", at: 3)
        let before = market
        #expect(throws: MarketError.sealedURLUnreadable(dataset: Fixture.dataset, asset: 0, distribution: 0)) {
            try Fixture.node().execute(task: 1, in: &market, at: 4)
        }
        #expect(market == before)
    }

    @Test func executionOpensOnceAndLogsEveryAsset() throws {
        var market = try Self.prepared()
        _ = try market.apply(.submitTask(Fixture.order(rows: 2_000)), by: "chen", at: 4)
        // Joined after the task: not covered by it.
        _ = try market.apply(.join(dataset: Fixture.dataset, asset: try Fixture.asset("late")), by: "omar", at: 4)
        let node = try Fixture.node()
        let (opened, events) = try node.execute(task: 1, in: &market, at: 5)
        #expect(opened.map(\.owner) == ["olu", "oksana"])
        #expect(opened[0].contentUrls == ["https://olu.example/1.csv", "ipfs://bafy/2"])
        #expect(events.count == 2 && market.accessLog.count == 2)
        #expect(market.task(1)?.status == .executed)
        #expect(market.accessLog(forOwner: "omar").isEmpty)
        let record = try #require(market.accessLog(forOwner: "oksana").first)
        #expect(record == AccessRecord(sequence: 1, task: 1, consumer: "chen", owner: "oksana", dataset: Fixture.dataset,
                                       asset: 1, purpose: "average age", time: 5, node: "node"))
        let before = market
        #expect(throws: MarketError.taskAlreadyExecuted(1)) { try node.execute(task: 1, in: &market, at: 6) }
        #expect(market == before)
    }
}
