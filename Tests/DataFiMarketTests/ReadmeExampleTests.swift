// Generated from README.md by scripts/readme-examples.py: edit the example in README.md, then run
// the script. The README's code runs as written, then the checks of its readme-test comment.

import DataFiBigNum
import DataFiMarket
import DataFiSecAgg
import DataFiSodium
import Testing

@Test func readmeExample() throws {
    let one = Market.unit                                   // 1 token = 10^18 raw units
    let nodeKey = Box.PrivateKey()                          // the compute node's X25519 key (kept off-ledger)
    var market = try Market(genesis: Genesis(
        totalSupply: one * 1_000_000, allocations: [.init(account: "maya", amount: one * 50_000),
                                                    .init(account: "chen", amount: one * 50_000)],
        treasury: "treasury", computeOperator: "node", computeKey: nodeKey.publicKey))

    // A maker creates a dataset: data token, reward reserve, pool seeded with 100,000 HEALTH + 10,000 ALITA.
    _ = try market.apply(.createDataset(DatasetTerms(
        id: "HEALTH", title: "Community health survey", requirements: "Anonymised rows, CSV",
        usageScenarios: ["statistics"], dataTokenSupply: one * 1_000_000, poolDataTokens: one * 100_000,
        poolBaseTokens: one * 10_000, rewardReserve: one * 10_000, rewardPerJoin: one * 100,
        pricing: .perUnit(price: one / 100))), by: "maya", at: 1)

    // An owner joins; the URL is sealed to the compute node before it leaves the owner.
    let asset = try AssetMetadata(
        name: "Survey 2024", description: "Anonymised survey", creator: "Olu", license: "CC-BY-4.0",
        keywords: ["health"], distribution: [.init(encodingFormat: "text/csv", contentUrl: "https://olu.example/a.csv")],
        records: 500).sealed(to: nodeKey.publicKey)
    _ = try market.apply(.join(dataset: "HEALTH", asset: asset), by: "olu", at: 2)

    // The compute node opens the asset once, counts its records and verifies it; the join reward is paid now.
    let node = ComputeNode(account: "node", key: nodeKey)
    _ = try node.verify(asset: 0, of: "HEALTH", in: &market, at: 2) { opened in .accept(records: 500) }

    // A consumer buys data tokens, then pays for a task: 500 rows × 4 ops × 0.01 ALITA = 20 ALITA.
    _ = try market.apply(.swap(dataset: "HEALTH", side: .buyDataToken,
                               amount: .exactIn(amountIn: one * 100, minimumOut: .zero), deadline: 10), by: "chen", at: 3)
    _ = try market.apply(.submitTask(TaskOrder(
        dataset: "HEALTH", complexity: TaskComplexity(rows: 500, operationsPerRow: 4), purpose: "mean age",
        maximumFee: one * 20, maximumDataTokens: one * 1_000, deadline: 10)), by: "chen", at: 4)

    // The compute node opens the URL for the paid task; the owner sees the access and claims the payment.
    let (opened, _) = try node.execute(task: 1, in: &market, at: 5)
    let uses = market.accessLog(forOwner: "olu")            // task, consumer, asset, purpose, time, node
    _ = try market.apply(.claim(dataset: "HEALTH"), by: "olu", at: 6)
    let balanced = market.supplyAudit().allSatisfy { $0.balanced }

    // Checks (from the readme-test comment under this part of the example).
    #expect(opened[0].contentUrls == ["https://olu.example/a.csv"])
    #expect(uses.map(\.purpose) == ["asset verification", "mean age"])
    #expect(balanced)

    // Continuing the example above: three validators get ALITA, olu describes a second asset.

    for validator in ["vera", "victor", "val"] as [AccountID] {
        _ = try market.apply(.transfer(token: "ALITA", to: validator, amount: one * 1_000), by: "treasury", at: 7)
    }
    let trips = try AssetMetadata(
        name: "Trips", description: "Commute trips", creator: "Olu", license: "ODbL-1.0", keywords: ["mobility"],
        distribution: [.init(encodingFormat: "text/csv", contentUrl: "https://olu.example/trips.csv")],
        records: 4_000).sealed(to: nodeKey.publicKey)

    // A dataset whose contributions three staked validators review.
    _ = try market.apply(.createDataset(DatasetTerms(
        id: "MOBILITY", title: "City mobility traces", requirements: "GPS trips, CSV", usageScenarios: ["transit planning"],
        dataTokenSupply: one * 1_000_000, poolDataTokens: one * 100_000, poolBaseTokens: one * 10_000,
        rewardReserve: one * 10_000, rewardPerJoin: one * 100, pricing: .perUnit(price: one / 100),
        description: "Anonymised commuter trips", keywords: ["mobility", "transit"], license: "ODbL-1.0",
        review: ReviewTerms(threshold: 5_000, reviewsRequired: 3, tolerance: 1_000, slashBasisPoints: 2_000,
                            reviewFee: one * 5, minimumStake: one * 100))), by: "maya", at: 7)
    for (validator, stake) in [("vera", 300 as UInt64), ("victor", 200), ("val", 100)] {
        _ = try market.apply(.stake(dataset: "MOBILITY", amount: one * UInt256(stake)), by: AccountID(validator), at: 7)
    }
    _ = try market.apply(.join(dataset: "MOBILITY", asset: trips), by: "olu", at: 8)
    _ = try node.verify(asset: 0, of: "MOBILITY", in: &market, at: 8) { _ in .accept(records: 3_600) }   // in review
    for (validator, score) in [("vera", 8_500 as UInt16), ("victor", 8_000), ("val", 2_000)] {
        _ = try market.apply(.reviewAsset(dataset: "MOBILITY", asset: 0, score: score), by: AccountID(validator), at: 9)
    }
    // Quality 80% (the stake-weighted median): olu holds 2,880 shares; val lost 20 ALITA of stake to the review pool.
    let hits = try market.searchDatasets("city transit", filters: SearchFilters(license: "ODbL-1.0"), limit: 5)

    // Checks (from the readme-test comment under this part of the example).
    #expect(market.position(of: "olu", in: "MOBILITY")?.shares == 2_880)
    #expect(market.stake(of: "val", in: "MOBILITY")?.amount == one * 80)
    #expect(hits.map(\.dataset) == ["MOBILITY"])
    #expect(market.supplyAudit().allSatisfy { $0.balanced })

    // Continuing the example above: a second owner joins HEALTH, and chen asks for the mean age, federated.

    let survey = try AssetMetadata(
        name: "Survey B", description: "Anonymised survey", creator: "Oksana", license: "CC-BY-4.0",
        keywords: ["health"], distribution: [.init(encodingFormat: "text/csv", contentUrl: "https://oksana.example/b.csv")],
        records: 500).sealed(to: nodeKey.publicKey)
    _ = try market.apply(.join(dataset: "HEALTH", asset: survey), by: "oksana", at: 10)
    _ = try node.verify(asset: 1, of: "HEALTH", in: &market, at: 10) { _ in .accept(records: 500) }
    let job = FederatedTaskJob(query: .mean(column: "age", lower: "0", upper: "120"), threshold: 2)
    _ = try market.apply(.submitTask(TaskOrder(
        dataset: "HEALTH", complexity: TaskComplexity(rows: 1_000, operationsPerRow: 2), purpose: "mean age, federated",
        maximumFee: one * 20, maximumDataTokens: one * 1_000, deadline: 20, federated: job)), by: "chen", at: 11)
    let task = UInt64(market.taskCount)

    // One round, one client per verified asset: each owner maps its own rows; only the sum is revealed.
    let plan = try FederatedAnalytics.plan(query: .mean(lower: 0, upper: 120), owners: 2, threshold: 2, session: task)
    let report = try SecAggSimulation.run(config: plan.config, inputs: [
        1: try FederatedAnalytics.ownerInput([34, 51, 29], plan: plan),     // olu's rows, on olu's side
        2: try FederatedAnalytics.ownerInput([62, 45], plan: plan),         // oksana's rows, on oksana's side
    ])
    let answer = try FederatedAnalytics.decode(sum: report.sum, plan: plan, survivors: report.survivors.count)
    _ = try market.apply(.recordFederatedResult(
        task: task, contributors: report.survivors.map { Int($0) - 1 },
        digest: FederatedTaskJob.aggregateDigest(task: task, values: report.sum)), by: "node", at: 12)
    let parts = market.accessLog(forOwner: "oksana").filter(\.federated)   // the part oksana's data took

    // Checks (from the readme-test comment under the example).
    #expect(abs(answer.value! - 44.2) < 0.01)
    #expect(parts.map(\.task) == [task])
    #expect(market.task(task)?.status == .executed)
    #expect(market.supplyAudit().allSatisfy { $0.balanced })
}
