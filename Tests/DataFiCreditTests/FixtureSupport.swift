import Foundation
import Testing
@testable import DataFiCreditData
@testable import DataFiCreditMetrics
@testable import DataFiDPSGD
@testable import DataFiLogisticRegression
@testable import DataFiScorePlus
@testable import DataFiScorecard

/// Loads the German Credit fixture and the reference values from the committed peer script.
enum GermanCredit {
    static func url(_ name: String, _ ext: String) throws -> URL {
        try #require(Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Fixtures"))
    }

    static func table() throws -> DataTable {
        try DataTable(csv: String(contentsOf: try url("germancredit", "csv"), encoding: .utf8))
    }

    static func reference() throws -> [String: Any] {
        let data = try Data(contentsOf: try url("german_reference", "json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// Design matrix, labels and encoder with the fixture's encoding.
    static func design(standardize: Bool = false) throws -> (Matrix, [Double], FeatureEncoder) {
        let table = try table()
        let features = table.columnNames.filter { $0 != "creditability" }
        let encoder = try FeatureEncoder.fit(table, featureColumns: features, standardize: standardize)
        let target = try TargetSpec.resolve(table, column: "creditability", positive: "bad")
        return (try encoder.transform(table), try target.labels(table), encoder)
    }
}

/// `|a − b| ≤ tolerance · max(|b|, floor)` for every pair.
func expectClose(_ a: [Double], _ b: [Double], relative tolerance: Double, floor: Double = 1e-3,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a.count == b.count, sourceLocation: sourceLocation)
    for (x, y) in zip(a, b) {
        #expect(abs(x - y) <= tolerance * max(abs(y), floor), "\(x) vs \(y)", sourceLocation: sourceLocation)
    }
}

extension Dictionary where Key == String, Value == Any {
    func doubles(_ key: String) throws -> [Double] { try #require(self[key] as? [Double]) }
    func double(_ key: String) throws -> Double { try #require(self[key] as? Double) }
    func object(_ key: String) throws -> [String: Any] { try #require(self[key] as? [String: Any]) }
}
