import DataFiBigNum
import DataFiMarket
import Foundation
import Testing

/// BM25 dataset search: the ranking against an independent BM25 (rank-bm25, see
/// Tests/Fixtures/MarketSearch/regenerate.sh), facets, tie-breaks, hostile queries, and the market's documents.
@Suite struct SearchTests {
    struct Fixture: Decodable {
        struct Filters: Decodable {
            var license: String?, keyword: String?, minimumRecords: UInt64?, maximumRecords: UInt64?
            var hasVerifiedAssets: Bool?
        }
        struct Hit: Decodable { var dataset: String, score: Double }
        struct Query: Decodable {
            var query: String, filters: Filters, limit: Int, expected: [Hit], positiveScores: [String: Double]
        }
        var documents: [SearchDocument]
        var queries: [Query]
    }

    static func fixture() throws -> Fixture {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/MarketSearch/bm25_expected.json")
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    static func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * max(1, abs(b)) }

    @Test func rankingEqualsAnIndependentBM25() throws {
        let fixture = try Self.fixture()
        #expect(fixture.documents.count == 166 && fixture.queries.count == 48)
        let search = DatasetSearch(documents: fixture.documents)
        var compared = 0, ties = 0
        for q in fixture.queries {
            // Every document's score, not only the returned ones.
            let scores = try search.scores(q.query)
            for (document, score) in zip(fixture.documents, scores) {
                let expected = q.positiveScores[document.dataset.rawValue] ?? 0
                #expect(Self.close(score, expected), "\(q.query): \(document.dataset) \(score) vs \(expected)")
            }
            let filters = SearchFilters(license: q.filters.license, minimumRecords: q.filters.minimumRecords,
                                        maximumRecords: q.filters.maximumRecords, keyword: q.filters.keyword,
                                        hasVerifiedAssets: q.filters.hasVerifiedAssets)
            let results = try search.search(q.query, filters: filters, limit: q.limit)
            #expect(results.map(\.dataset.rawValue) == q.expected.map(\.dataset), "\(q.query) \(q.filters)")
            #expect(results.map(\.rank) == Array(1...max(1, results.count)).prefix(results.count).map { $0 })
            for (result, hit) in zip(results, q.expected) { #expect(Self.close(result.score, hit.score)) }
            compared += results.count
            ties += zip(results, results.dropFirst()).filter { $0.score == $1.score }.count
        }
        #expect(compared > 300)
        #expect(ties > 0, "the fixture should exercise the symbol tie-break")
    }

    static func document(_ id: DatasetID, _ title: String, license: String = "CC0-1.0", keywords: [String] = [],
                         records: UInt64 = 0) -> SearchDocument {
        SearchDocument(dataset: id, title: title, description: "", keywords: keywords, usageScenarios: ["statistics"],
                       license: license, verifiedRecords: records, verifiedAssets: records > 0 ? 1 : 0)
    }

    @Test func facetsFilterWithoutChangingScores() throws {
        let docs = [
            Self.document("AA", "heart rate diary", license: "CC-BY-4.0", keywords: ["Health"], records: 500),
            Self.document("BB", "heart clinic visits", license: "CC0-1.0", keywords: ["health", "clinic"], records: 50_000),
            Self.document("CC", "city traffic counts", license: "CC-BY-4.0", keywords: ["mobility"]),
            Self.document("DD", "heart heart heart", license: "cc-by-4.0", keywords: ["health"], records: 5),
        ]
        let search = DatasetSearch(documents: docs)
        let all = try search.search("heart", limit: 10)
        #expect(Set(all.map(\.dataset)) == ["AA", "BB", "DD"])
        #expect(all.first?.dataset == "DD")
        let scores = Dictionary(uniqueKeysWithValues: all.map { ($0.dataset, $0.score) })
        let byLicence = try search.search("heart", filters: SearchFilters(license: "CC-BY-4.0"))
        #expect(byLicence.map(\.dataset) == ["DD", "AA"])
        #expect(byLicence.allSatisfy { $0.score == scores[$0.dataset] })
        #expect(try search.search("heart", filters: SearchFilters(keyword: "CLINIC")).map(\.dataset) == ["BB"])
        #expect(try search.search("heart", filters: SearchFilters(minimumRecords: 100, maximumRecords: 1_000)).map(\.dataset) == ["AA"])
        #expect(try search.search("heart traffic", filters: SearchFilters(hasVerifiedAssets: false)).map(\.dataset) == ["CC"])
        #expect(try search.search("heart", limit: 1).map(\.dataset) == ["DD"])
        #expect(try search.search("nothing matches").isEmpty)
    }

    @Test func equalScoresAreOrderedBySymbol() throws {
        let docs = ["ZED", "ABC", "MID"].map { Self.document(DatasetID($0), "same words here") }
        let results = try DatasetSearch(documents: docs).search("words")
        #expect(results.map(\.dataset) == ["ABC", "MID", "ZED"])
        #expect(Set(results.map(\.score)).count == 1)
    }

    @Test func hostileQueriesAreTypedErrors() throws {
        let search = DatasetSearch(documents: [Self.document("AA", "heart")])
        #expect(throws: SearchError.emptyQuery) { try search.search("  ?! ") }
        #expect(throws: SearchError.emptyQuery) { try search.search("") }
        #expect(throws: SearchError.queryTooLong(bytes: 1_001)) { try search.search(String(repeating: "a", count: 1_001)) }
        #expect(throws: SearchError.tooManyTerms(65)) { try search.search(Array(repeating: "a", count: 65).joined(separator: " ")) }
        #expect(throws: SearchError.invalidLimit(0)) { try search.search("heart", limit: 0) }
        #expect(throws: SearchError.invalidLimit(1_001)) { try search.search("heart", limit: 1_001) }
        #expect(throws: SearchError.emptyRecordRange(minimum: 5, maximum: 4)) {
            try search.search("heart", filters: SearchFilters(minimumRecords: 5, maximumRecords: 4))
        }
        #expect(try search.search("héart\u{0}\u{202E}💥 heart").map(\.dataset) == ["AA"])
        #expect(try DatasetSearch(documents: []).search("heart").isEmpty)
        #expect(DatasetSearch.words("Heart-rate, 2024 DIARY") == ["heart", "rate", "2024", "diary"])
    }

    @Test func marketSearchUsesPublicMetadataAndVerifiedAssets() throws {
        var market = try Market(genesis: DataFiMarketTests.Fixture.genesis())
        var health = DataFiMarketTests.Fixture.terms()
        health.description = "Daily anonymised heart rate diaries"
        health.keywords = ["health", "diary"]
        health.license = "CC-BY-4.0"
        _ = try market.apply(.createDataset(health), by: "maya", at: 1)
        var mobility = DataFiMarketTests.Fixture.terms("MOBILITY")
        mobility.title = "City mobility traces"
        mobility.license = "ODbL-1.0"
        _ = try market.apply(.createDataset(mobility), by: "carla", at: 1)
        try market.joinVerified(try DataFiMarketTests.Fixture.asset(records: 700), by: "olu")
        let results = try market.searchDatasets("heart diaries", limit: 5)
        #expect(results.map(\.dataset) == ["HEALTH"])
        #expect(results.first?.license == "CC-BY-4.0" && results.first?.verifiedRecords == 700)
        #expect(try market.searchDatasets("survey", filters: SearchFilters(hasVerifiedAssets: true)).map(\.dataset) == ["HEALTH"])
        #expect(try market.searchDatasets("mobility", filters: SearchFilters(license: "odbl-1.0")).map(\.dataset) == ["MOBILITY"])
    }
}
