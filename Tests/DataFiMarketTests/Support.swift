import DataFiBigNum
import DataFiMarket
import DataFiSodium
import Testing

/// Whole tokens as raw units (18 decimals).
func tokens(_ whole: UInt64) -> UInt256 { UInt256(whole) * Market.unit }

enum Fixture {
    static let people: [AccountID] = ["maya", "olu", "oksana", "omar", "chen", "carla"]
    static let dataset: DatasetID = "HEALTH"

    static func nodeKey(_ byte: UInt8 = 7) throws -> Box.PrivateKey {
        try Box.PrivateKey(rawRepresentation: [UInt8](repeating: byte, count: 32))
    }

    static func node() throws -> ComputeNode { ComputeNode(account: "node", key: try nodeKey()) }

    static func genesis() throws -> Genesis {
        Genesis(totalSupply: tokens(1_000_000_000),
                allocations: people.map { .init(account: $0, amount: tokens(100_000)) },
                treasury: "treasury", computeOperator: "node", computeKey: try nodeKey().publicKey)
    }

    static func terms(_ id: DatasetID = dataset, rewardPerJoin: UInt64 = 1_000) -> DatasetTerms {
        DatasetTerms(id: id, title: "Community health survey", requirements: "Anonymised survey rows, CSV",
                     usageScenarios: ["aggregate statistics", "model training"],
                     dataTokenSupply: tokens(1_000_000), poolDataTokens: tokens(100_000), poolBaseTokens: tokens(10_000),
                     rewardReserve: tokens(30_000), rewardPerJoin: tokens(rewardPerJoin),
                     pricing: .perUnit(price: Market.unit / UInt256(100 as UInt64)))
    }

    static func metadata(_ name: String = "Survey 2024", records: UInt64 = 1_000,
                         urls: [String] = ["https://owner.example/data.csv"]) -> AssetMetadata {
        AssetMetadata(name: name, description: "Rows of an anonymised survey", creator: "Olu",
                      license: "https://creativecommons.org/licenses/by/4.0/", keywords: ["health", "survey"],
                      distribution: urls.map { DatasetDistribution(encodingFormat: "text/csv", contentUrl: $0) },
                      records: records)
    }

    static func asset(_ name: String = "Survey 2024", records: UInt64 = 1_000,
                      urls: [String] = ["https://owner.example/data.csv"]) throws -> SealedAsset {
        try metadata(name, records: records, urls: urls).sealed(to: try nodeKey().publicKey)
    }

    /// A market with the HEALTH dataset created by maya.
    static func marketWithDataset() throws -> Market {
        var market = try Market(genesis: genesis())
        _ = try market.apply(.createDataset(terms()), by: "maya", at: 1)
        return market
    }

    static func order(rows: UInt64 = 1_000, ops: UInt64 = 10, purpose: String = "average age",
                      maxFee: UInt256 = .max, maxData: UInt256 = .max, deadline: UInt64 = 1_000) -> TaskOrder {
        TaskOrder(dataset: dataset, complexity: TaskComplexity(rows: rows, operationsPerRow: ops), purpose: purpose,
                  maximumFee: maxFee, maximumDataTokens: maxData, deadline: deadline)
    }
}

/// Applies `tx` expecting `error`, and checks the market is unchanged.
func expectRefused(_ market: inout Market, _ tx: Transaction, by: AccountID, at: UInt64 = 10,
                   _ error: MarketError, sourceLocation: SourceLocation = #_sourceLocation) {
    let before = market
    #expect(throws: error, sourceLocation: sourceLocation) { try market.apply(tx, by: by, at: at) }
    #expect(market == before, sourceLocation: sourceLocation)
}

func expectBalanced(_ market: Market, sourceLocation: SourceLocation = #_sourceLocation) {
    for audit in market.supplyAudit() {
        #expect(audit.balanced, "\(audit)", sourceLocation: sourceLocation)
    }
    #expect(market.liquidityBalanced, sourceLocation: sourceLocation)
}

extension Market {
    /// Joins `asset` to `dataset` as `owner` and has the compute node ("node") accept it with its declared
    /// record count. Returns the asset's index.
    @discardableResult
    mutating func joinVerified(_ asset: SealedAsset, by owner: AccountID, in dataset: DatasetID = Fixture.dataset,
                               at time: UInt64 = 2) throws -> Int {
        let events = try apply(.join(dataset: dataset, asset: asset), by: owner, at: time)
        guard case .joined(_, _, let index, _, _)? = events.first else { throw MarketError.unknownAsset(dataset: dataset, asset: -1) }
        _ = try apply(.verifyAsset(dataset: dataset, asset: index, verdict: .accept(records: asset.records)), by: "node", at: time)
        return index
    }
}
