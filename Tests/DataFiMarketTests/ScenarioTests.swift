import DataFiAMM
import DataFiBigNum
import DataFiMarket
import DataFiSodium
import Testing

@Suite struct ScenarioTests {
    @Test func genesisMintsTheFixedSupply() throws {
        let market = try Market(genesis: Fixture.genesis())
        #expect(market.balance(of: "maya", in: "ALITA") == tokens(100_000))
        #expect(market.balance(of: "treasury", in: "ALITA") == tokens(1_000_000_000 - 600_000))
        expectBalanced(market)
    }

    @Test func genesisRefusesInconsistentConfigurations() throws {
        var g = try Fixture.genesis()
        g.allocations.append(.init(account: "whale", amount: tokens(1_000_000_000)))
        #expect(throws: MarketError.invalidGenesis(.allocationsExceedSupply)) { try Market(genesis: g) }
        g = try Fixture.genesis()
        g.computeKey = [1, 2, 3]
        #expect(throws: MarketError.invalidGenesis(.computeKey)) { try Market(genesis: g) }
        g = try Fixture.genesis()
        g.baseToken = "alita"
        #expect(throws: MarketError.invalidSymbol("alita")) { try Market(genesis: g) }
        g = try Fixture.genesis()
        g.totalSupply = .max
        #expect(throws: MarketError.self) { try Market(genesis: g) }
        g = try Fixture.genesis()
        g.treasury = "bad id with spaces"
        #expect(throws: MarketError.invalidAccount("bad id with spaces")) { try Market(genesis: g) }
    }

    @Test func fiveStepsEndToEnd() throws {
        // 1-2. The maker creates the dataset and seeds the pool.
        var market = try Fixture.marketWithDataset()
        let ds = try #require(market.datasets[Fixture.dataset])
        #expect(ds.reserves.data == tokens(100_000) && ds.reserves.base == tokens(10_000))
        #expect(market.balance(of: "maya", in: "HEALTH") == tokens(1_000_000 - 100_000 - 30_000))
        #expect(ds.pool.liquidityBalance(of: Address("maya")) > .zero)
        expectBalanced(market)

        // 3. Owners join; the compute node verifies each asset and the join reward is paid then.
        let node = try Fixture.node()
        for (index, (owner, records)) in [("olu", 1_000 as UInt64), ("oksana", 3_000)].enumerated() {
            let asset = try Fixture.asset("\(owner) survey", records: records, urls: ["https://\(owner).example/a.csv"])
            _ = try market.apply(.join(dataset: Fixture.dataset, asset: asset), by: AccountID(owner), at: 2)
            #expect(market.balance(of: AccountID(owner), in: "HEALTH") == .zero)
            #expect(market.asset(index, in: Fixture.dataset)?.status == .pending)
            _ = try node.verify(asset: index, of: Fixture.dataset, in: &market, at: 2) { _ in .accept(records: records) }
            #expect(market.balance(of: AccountID(owner), in: "HEALTH") == tokens(1_000))
        }
        #expect(market.datasets[Fixture.dataset]?.rewardReserve == tokens(28_000))

        // 4. A consumer buys data tokens; the price rises.
        let priceBefore = try #require(market.spotPrice(of: Fixture.dataset))
        _ = try market.apply(.swap(dataset: Fixture.dataset, side: .buyDataToken,
                                   amount: .exactIn(amountIn: tokens(2_000), minimumOut: tokens(1)), deadline: 10),
                             by: "chen", at: 3)
        let priceAfter = try #require(market.spotPrice(of: Fixture.dataset))
        #expect(priceAfter > priceBefore)
        let bought = market.balance(of: "chen", in: "HEALTH")
        #expect(bought > .zero)

        // ... and submits a task: fee = 4000 rows × 10 ops × 0.01 ALITA = 400 ALITA.
        let order = Fixture.order(rows: 4_000, ops: 10)
        let quote = try market.quoteTask(order)
        #expect(quote.fee == tokens(400))
        let (reserveData, reserveBase) = try #require(market.datasets[Fixture.dataset]).reserves
        #expect(quote.dataTokens == (try UInt256.mulDiv(tokens(400), reserveData, reserveBase, rounding: .up)))
        let events = try market.apply(.submitTask(order), by: "chen", at: 4)
        #expect(events == [.taskSubmitted(task: 1, dataset: Fixture.dataset, consumer: "chen", fee: quote.fee,
                                          dataTokens: quote.dataTokens, node: "node")])
        // The payment is held until the task runs.
        #expect(market.computeFees == .zero && market.dataset(Fixture.dataset)?.rewards.escrowedFees == tokens(400))
        expectRefused(&market, .withdrawComputeFees, by: "node", .nothingToClaim)
        #expect(market.balance(of: "chen", in: "HEALTH") == bought - quote.dataTokens)
        expectBalanced(market)

        // 5. The compute node opens the URLs for the paid task; the access log lists each opening.
        let (opened, accessEvents) = try node.execute(task: 1, in: &market, at: 5)
        #expect(opened.map(\.contentUrls) == [["https://olu.example/a.csv"], ["https://oksana.example/a.csv"]])
        #expect(accessEvents.count == 3)
        #expect(accessEvents.last == .taskSettled(task: 1, dataset: Fixture.dataset, consumer: "chen", fee: tokens(400),
                                                  paid: quote.dataTokens, refunded: .zero, excluded: []))
        #expect(market.computeFees == tokens(400))
        expectRefused(&market, .withdrawComputeFees, by: "chen", .notComputeOperator("chen"))
        _ = try market.apply(.withdrawComputeFees, by: "node", at: 5)
        #expect(market.balance(of: "node", in: "ALITA") == tokens(400) && market.computeFees == .zero)
        // Task 0 is the node's verification of the asset.
        #expect(market.accessLog(forOwner: "olu").map(\.task) == [0, 1])
        #expect(market.accessLog(forOwner: "olu").map(\.purpose) == [Market.verificationPurpose, "average age"])
        #expect(market.accessLog(forOwner: "olu").last?.consumer == "chen")
        #expect(market.accessLog(forOwner: "maya").isEmpty)

        // Owners are paid pro rata (1:3) and claim lazily.
        let olu = market.pendingRewards(of: "olu", in: Fixture.dataset)
        let oksana = market.pendingRewards(of: "oksana", in: Fixture.dataset)
        #expect(olu + oksana <= quote.dataTokens && quote.dataTokens - (olu + oksana) <= UInt256(2 as UInt64))
        #expect(oksana >= olu * UInt256(3 as UInt64) && oksana - olu * UInt256(3 as UInt64) <= UInt256(3 as UInt64))
        _ = try market.apply(.claim(dataset: Fixture.dataset), by: "olu", at: 6)
        #expect(market.balance(of: "olu", in: "HEALTH") == tokens(1_000) + olu)
        expectRefused(&market, .claim(dataset: Fixture.dataset), by: "olu", .nothingToClaim)

        // 6. An owner sells at the higher price; the maker removes liquidity with the fees.
        let sold = try market.apply(.swap(dataset: Fixture.dataset, side: .sellDataToken,
                                          amount: .exactIn(amountIn: tokens(500), minimumOut: .zero), deadline: 10),
                                    by: "olu", at: 7)
        guard case .swapped(_, _, _, _, let out, _, _) = sold.first else { Issue.record("no swap event"); return }
        #expect(out > tokens(50))   // 500 tokens at above the first price 0.1 ALITA, less fee
        let lp = try #require(market.datasets[Fixture.dataset]).pool.liquidityBalance(of: Address("maya"))
        let mayaBase = market.balance(of: "maya", in: "ALITA")
        _ = try market.apply(.removeLiquidity(dataset: Fixture.dataset, liquidity: lp, dataMinimum: .zero,
                                              baseMinimum: .zero, deadline: 10), by: "maya", at: 8)
        // The pool kept 0.3% of 2,000 ALITA bought in: the maker gets back more ALITA than deposited.
        #expect(market.balance(of: "maya", in: "ALITA") > mayaBase + tokens(10_000))
        expectBalanced(market)
    }

    @Test func exactOutputBuyAndSlippageBounds() throws {
        var market = try Fixture.marketWithDataset()
        let want = tokens(1_000)
        _ = try market.apply(.swap(dataset: Fixture.dataset, side: .buyDataToken,
                                   amount: .exactOut(amountOut: want, maximumIn: tokens(200)), deadline: 5), by: "chen", at: 1)
        #expect(market.balance(of: "chen", in: "HEALTH") == want)
        let reserves = try #require(market.datasets[Fixture.dataset]).reserves
        expectRefused(&market, .swap(dataset: Fixture.dataset, side: .buyDataToken,
                                     amount: .exactOut(amountOut: want, maximumIn: tokens(1)), deadline: 50),
                      by: "chen", .excessiveInput(maximum: tokens(1), actual: try ConstantProduct.amountIn(
                          amountOut: want, reserveIn: reserves.base, reserveOut: reserves.data)))
        let quoteOut = try ConstantProduct.amountOut(amountIn: tokens(10), reserveIn: reserves.base, reserveOut: reserves.data)
        expectRefused(&market, .swap(dataset: Fixture.dataset, side: .buyDataToken,
                                     amount: .exactIn(amountIn: tokens(10), minimumOut: tokens(1_000_000)), deadline: 50),
                      by: "chen", .slippage(minimum: tokens(1_000_000), actual: quoteOut))
        expectRefused(&market, .swap(dataset: Fixture.dataset, side: .buyDataToken,
                                     amount: .exactIn(amountIn: tokens(10), minimumOut: .zero), deadline: 9),
                      by: "chen", at: 10, .expired(deadline: 9, now: 10))
        expectRefused(&market, .swap(dataset: Fixture.dataset, side: .buyDataToken,
                                     amount: .exactIn(amountIn: tokens(100_001), minimumOut: .zero), deadline: 50),
                      by: "chen", .insufficientBalance(token: "ALITA", account: "chen", needed: tokens(100_001),
                                                       available: market.balance(of: "chen", in: "ALITA")))
        expectRefused(&market, .swap(dataset: "NOPE", side: .buyDataToken,
                                     amount: .exactIn(amountIn: tokens(1), minimumOut: .zero), deadline: 50),
                      by: "chen", .unknownDataset("NOPE"))
        expectRefused(&market, .swap(dataset: Fixture.dataset, side: .sellDataToken,
                                     amount: .exactIn(amountIn: .zero, minimumOut: .zero), deadline: 50),
                      by: "chen", .zeroAmount)
        expectRefused(&market, .swap(dataset: Fixture.dataset, side: .buyDataToken,
                                     amount: .exactOut(amountOut: reserves.data, maximumIn: .max), deadline: 50),
                      by: "chen", .pool(.insufficientLiquidity))
        expectBalanced(market)
    }

    @Test func datasetCreationIsValidated() throws {
        var market = try Market(genesis: Fixture.genesis())
        var t = Fixture.terms()
        t.id = "ALITA"
        expectRefused(&market, .createDataset(t), by: "maya", .symbolTaken("ALITA"))
        t = Fixture.terms(); t.id = "h"
        expectRefused(&market, .createDataset(t), by: "maya", .invalidSymbol("h"))
        t = Fixture.terms(); t.rewardReserve = tokens(950_000)
        expectRefused(&market, .createDataset(t), by: "maya",
                      .invalidTerms(.depositsExceedSupply))
        t = Fixture.terms(); t.poolBaseTokens = tokens(100_001)
        expectRefused(&market, .createDataset(t), by: "maya",
                      .insufficientBalance(token: "ALITA", account: "maya", needed: tokens(100_001), available: tokens(100_000)))
        t = Fixture.terms(); t.poolBaseTokens = UInt256(1 as UInt64); t.poolDataTokens = UInt256(1 as UInt64)
        expectRefused(&market, .createDataset(t), by: "maya", .pool(.mathUnderflow))
        t = Fixture.terms(); t.pricing = .perUnit(price: .zero)
        expectRefused(&market, .createDataset(t), by: "maya", .invalidTerms(.computePrice))
        t = Fixture.terms(); t.usageScenarios = []
        expectRefused(&market, .createDataset(t), by: "maya", .invalidTerms(.usageScenarios))
        t = Fixture.terms(); t.title = String(repeating: "x", count: 201)
        expectRefused(&market, .createDataset(t), by: "maya", .invalidTerms(.title))
        t = Fixture.terms(); t.dataTokenSupply = .max
        expectRefused(&market, .createDataset(t), by: "maya", .invalidTerms(.dataTokenSupply))
        _ = try market.apply(.createDataset(Fixture.terms()), by: "maya", at: 1)
        expectRefused(&market, .createDataset(Fixture.terms()), by: "olu", .symbolTaken("HEALTH"))
        expectBalanced(market)
    }

    @Test func rewardReserveRunsOutAndCanBeTopped() throws {
        var market = try Market(genesis: Fixture.genesis())
        var t = Fixture.terms(rewardPerJoin: 20_000)
        t.rewardReserve = tokens(30_000)
        _ = try market.apply(.createDataset(t), by: "maya", at: 1)
        try market.joinVerified(try Fixture.asset(), by: "olu")
        let asset = try Fixture.asset("second")
        expectRefused(&market, .join(dataset: Fixture.dataset, asset: asset), by: "omar",
                      .rewardReserveExhausted(dataset: Fixture.dataset, reserve: tokens(10_000), needed: tokens(20_000)))
        _ = try market.apply(.fundRewards(dataset: Fixture.dataset, amount: tokens(10_000)), by: "maya", at: 3)
        try market.joinVerified(asset, by: "omar", at: 4)
        #expect(market.balance(of: "omar", in: "HEALTH") == tokens(20_000))
        #expect(market.datasets[Fixture.dataset]?.rewardReserve == .zero)
        expectBalanced(market)
    }

    @Test func tasksAreRefusedBeforeAnythingMoves() throws {
        var market = try Fixture.marketWithDataset()
        expectRefused(&market, .submitTask(Fixture.order()), by: "chen", .noOwners(Fixture.dataset))
        // A pending asset is nobody to pay yet.
        _ = try market.apply(.join(dataset: Fixture.dataset, asset: try Fixture.asset(records: 500)), by: "olu", at: 2)
        expectRefused(&market, .submitTask(Fixture.order()), by: "chen", .noOwners(Fixture.dataset))
        _ = try market.apply(.verifyAsset(dataset: Fixture.dataset, asset: 0, verdict: .accept(records: 500)), by: "node", at: 2)
        // No data tokens yet.
        let quote = try market.quoteTask(Fixture.order(rows: 500))
        expectRefused(&market, .submitTask(Fixture.order(rows: 500)), by: "chen",
                      .insufficientBalance(token: "HEALTH", account: "chen", needed: quote.dataTokens, available: .zero))
        // Not enough ALITA: "olu" holds data tokens; spend its ALITA first.
        _ = try market.apply(.transfer(token: "ALITA", to: "maya", amount: tokens(100_000)), by: "olu", at: 3)
        expectRefused(&market, .submitTask(Fixture.order(rows: 500)), by: "olu",
                      .insufficientBalance(token: "ALITA", account: "olu", needed: quote.fee, available: .zero))
        expectRefused(&market, .submitTask(Fixture.order(rows: 501)), by: "chen",
                      .invalidComplexity(.rows(verifiedRecords: 500)))
        expectRefused(&market, .submitTask(Fixture.order(rows: 10, ops: 0)), by: "chen",
                      .invalidComplexity(.operationsPerRow))
        expectRefused(&market, .submitTask(Fixture.order(purpose: "")), by: "chen", .invalidPurpose)
        expectRefused(&market, .submitTask(Fixture.order(purpose: "a\u{0}b")), by: "chen", .invalidPurpose)
        expectRefused(&market, .submitTask(Fixture.order(rows: 500, maxFee: tokens(1))), by: "chen",
                      .excessiveInput(maximum: tokens(1), actual: quote.fee))
        expectRefused(&market, .submitTask(Fixture.order(rows: 500, maxData: .one)), by: "chen",
                      .excessiveInput(maximum: .one, actual: quote.dataTokens))
        expectRefused(&market, .submitTask(Fixture.order(deadline: 1)), by: "chen", at: 2, .expired(deadline: 1, now: 2))
        expectRefused(&market, .submitTask(Fixture.order()), by: "not valid!", .invalidAccount("not valid!"))
        expectBalanced(market)
    }

    @Test func transfersAndLiquidity() throws {
        var market = try Fixture.marketWithDataset()
        expectRefused(&market, .transfer(token: "NOPE", to: "olu", amount: .one), by: "maya", .unknownToken("NOPE"))
        expectRefused(&market, .transfer(token: "ALITA", to: "pool:HEALTH", amount: .one), by: "maya",
                      .invalidAccount("pool:HEALTH"))
        expectRefused(&market, .transfer(token: "ALITA", to: "olu", amount: .zero), by: "maya", .zeroAmount)
        _ = try market.apply(.transfer(token: "HEALTH", to: "olu", amount: tokens(5_000)), by: "maya", at: 2)
        _ = try market.apply(.transfer(token: "HEALTH", to: "olu", amount: tokens(5_000)), by: "olu", at: 2)
        #expect(market.balance(of: "olu", in: "HEALTH") == tokens(5_000))
        let events = try market.apply(.addLiquidity(dataset: Fixture.dataset, dataDesired: tokens(5_000),
                                                    baseDesired: tokens(10_000), dataMinimum: .zero, baseMinimum: .zero,
                                                    deadline: 99), by: "olu", at: 3)
        #expect(events.count == 1)
        guard case .liquidityAdded(_, _, let data, let base, let liquidity) = events[0] else { Issue.record(); return }
        #expect(data == tokens(5_000) && base == tokens(500))
        expectRefused(&market, .removeLiquidity(dataset: Fixture.dataset, liquidity: liquidity + .one, dataMinimum: .zero,
                                                baseMinimum: .zero, deadline: 99), by: "olu", .pool(.mathUnderflow))
        let before = market
        #expect(throws: MarketError.self) {
            try market.apply(.removeLiquidity(dataset: Fixture.dataset, liquidity: liquidity, dataMinimum: tokens(6_000),
                                              baseMinimum: .zero, deadline: 99), by: "olu", at: 4)
        }
        #expect(market == before)
        _ = try market.apply(.removeLiquidity(dataset: Fixture.dataset, liquidity: liquidity, dataMinimum: .zero,
                                              baseMinimum: .zero, deadline: 99), by: "olu", at: 4)
        expectBalanced(market)
    }
}
