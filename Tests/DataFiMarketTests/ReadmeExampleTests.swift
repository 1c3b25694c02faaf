import DataFiBigNum
import DataFiMarket
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
    #expect(opened[0].contentUrls == ["https://olu.example/a.csv"])
    #expect(market.accessLog(forOwner: "olu").map(\.purpose) == ["mean age"])
    _ = try market.apply(.claim(dataset: "HEALTH"), by: "olu", at: 6)
    #expect(market.supplyAudit().allSatisfy { $0.balanced })
}
