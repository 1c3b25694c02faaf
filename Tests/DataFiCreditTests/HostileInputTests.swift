import Foundation
import Testing
@testable import DataFiCreditData
@testable import DataFiCreditMetrics
@testable import DataFiDPSGD
@testable import DataFiLogisticRegression
@testable import DataFiScorePlus
@testable import DataFiScorecard
import DataFiSupport

// Tables and stored models built to break the encoder and the scoring path: each must throw, never trap.

@Suite struct HostileInputTests {
    /// 40 rows: a categorical column `cat` (levels A, B) and a numeric column literally named `cat=B`.
    static func collidingTable() throws -> DataTable {
        var csv = "cat,cat=B,bad\n"
        for i in 0..<40 { csv += "\(i % 2 == 0 ? "A" : "B"),\(Double(i % 7) - 3),\(i % 3 == 0 ? 1 : 0)\n" }
        return try DataTable(csv: csv)
    }

    static func model() throws -> (CreditScoreModel, DataTable) {
        var csv = "x,city,bad\n"
        for i in 0..<60 { csv += "\(Double(i % 11) / 2),\(["Oslo", "Rome", "Lima"][i % 3]),\(i % 4 == 0 || i % 5 == 0 ? 1 : 0)\n" }
        let table = try DataTable(csv: csv)
        let model = try CreditScoreModel.train(table, target: TargetSpec(column: "bad", positive: "1"), options: .init(l2: 1))
        return (model, table)
    }

    @Test func levelSpellingAnotherColumnIsADuplicateColumn() throws {
        let table = try Self.collidingTable()
        #expect(throws: CreditError.duplicateColumn("cat=B")) {
            try CreditScoreModel.train(table, target: TargetSpec(column: "bad", positive: "1"), options: .init(l2: 1))
        }
        #expect(throws: CreditError.duplicateColumn("cat=B")) {
            try FeatureEncoder.fit(table, featureColumns: ["cat", "cat=B"])
        }
    }

    @Test func decodedModelWithRepeatedNamesIsRejected() throws {
        let (model, table) = try Self.model()
        var twice = model
        twice.encoder = FeatureEncoder(features: [model.encoder.features[0], model.encoder.features[0]])
        twice.regression.coefficients = [1, 1]
        #expect(throws: CreditError.inconsistentModel(.repeatedEncodedNames)) { try twice.scores(table) }
        // Reading the coefficients by name does not trap either.
        #expect(twice.namedCoefficients == ["x": 1])
    }

    @Test func decodedModelWithBadScalingOrVersionIsRejected() throws {
        let (model, table) = try Self.model()
        for (base, odds, pdo) in [(600.0, 0.0, 20.0), (600, -1, 20), (600, 50, 0), (600, 50, -20), (.infinity, 50, 20)] {
            var bad = model
            bad.scaling = ScoreScaling(unchecked: base, odds, pdo)
            #expect(throws: CreditError.self) { try bad.scores(table) }
        }
        var future = model
        future.version = 2
        #expect(throws: CreditError.inconsistentModel(.unsupportedVersion(2))) { try future.probabilities(table) }
        // The same through JSON, as a tampered file would arrive.
        var json = try #require(JSONSerialization.jsonObject(with: JSONEncoder().encode(model)) as? [String: Any])
        json["scaling"] = ["base": 600, "baseOdds": 0, "pdo": 20]
        let decoded = try JSONDecoder().decode(CreditScoreModel.self, from: JSONSerialization.data(withJSONObject: json))
        #expect(throws: CreditError.self) { try decoded.scores(table) }
    }

    @Test func overflowingLogOddsAreReportedNotReturned() throws {
        let (model, table) = try Self.model()
        var huge = model
        huge.regression.coefficients = huge.regression.coefficients.map { _ in 1e308 }
        do {
            _ = try huge.scores(table)
            Issue.record("overflowing log-odds were returned")
        } catch {
            guard case .nonFinite(let what, _) = error else { Issue.record("unexpected error \(error)"); return }
            #expect(what == "log-odds")
        }
    }

    @Test func overflowingScorePointsAreReportedNotReturned() throws {
        // Finite log-odds (up to about 7e307) times the points factor (pdo / ln 2 ≈ 28.9) overflow.
        let (model, table) = try Self.model()
        var steep = model
        steep.regression.coefficients = steep.regression.coefficients.map { _ in 1e307 }
        #expect(try steep.logOdds(table).allSatisfy(\.isFinite))
        do {
            _ = try steep.scores(table)
            Issue.record("overflowing points were returned")
        } catch {
            guard case .nonFinite(let what, _) = error else { Issue.record("unexpected error \(error)"); return }
            #expect(what == "score points")
        }
    }

    @Test func scorecardPointsThatSumPastTheLargestDoubleThrow() throws {
        var csv = "a,b,bad\n"
        for i in 0..<80 { csv += "\(i % 4),\(["x", "y"][i % 2]),\(i % 3 == 0 || i % 4 == 0 ? 1 : 0)\n" }
        let table = try DataTable(csv: csv)
        var card = try Scorecard.fit(table, target: TargetSpec(column: "bad", positive: "1"), variables: ["a", "b"], l2: 1)
        card.points = card.points.map { $0.map { _ in 1e308 } }
        #expect(throws: CreditError.nonFinite(what: "score points", row: 0)) { try card.score(table) }
    }

    @Test func privateTrainingWithADivergingLearningRateThrows() throws {
        var rng = SplitMix64(seed: 1)
        let (x, labels) = try SyntheticCreditData.uniformDesign(rows: 500, features: 3, seed: 1)
        for rate in [1e100, 1.7e308] {
            let options = DPSGDOptions(epsilon: 1, batchSize: 50, epochs: 2, learningRate: rate)
            #expect(throws: DPSGDError.diverged(learningRate: rate)) {
                try PrivateLogisticRegression.fit(x, labels: labels, options: options, using: &rng)
            }
        }
        let refused: [(DPSGDOptions, CreditParameter)] = [
            (DPSGDOptions(epsilon: .nan), .epsilon), (DPSGDOptions(epsilon: 1, delta: .nan), .delta),
            (DPSGDOptions(epsilon: 1, batchSize: 0), .batchSize), (DPSGDOptions(epsilon: 1, batchSize: 501), .batchSize),
            (DPSGDOptions(epsilon: 1, epochs: 0), .epochs), (DPSGDOptions(epsilon: 1, clipNorm: .infinity), .clipNorm),
            (DPSGDOptions(epsilon: 1, learningRate: -1), .learningRate), (DPSGDOptions(epsilon: 1, l2: .nan), .l2),
        ]
        for (options, parameter) in refused {
            #expect(throws: DPSGDError.credit(.outOfRange(parameter))) {
                try PrivateLogisticRegression.fit(x, labels: labels, options: options, using: &rng)
            }
        }
        do {
            _ = try PrivateLogisticRegression.fit(x, labels: labels, options: DPSGDOptions(epsilon: 1, granularityExponent: Int.min),
                                                  using: &rng)
            Issue.record("an impossible noise grid was accepted")
        } catch {
            guard case .noise = error else { Issue.record("expected a noise error, got \(error)"); return }
        }
    }

    @Test func degenerateTablesThrow() throws {
        #expect(throws: CreditError.self) { try DataTable(csv: "") }
        #expect(throws: CreditError.self) { try DataTable(csv: "\u{FEFF}") }
        #expect(throws: CreditError.emptyInput) { try DataTable(csv: "x,bad\n") }
        #expect(throws: CreditError.self) { try DataTable(csv: "x,bad\r1,0\r") }
        // BOM and CRLF are accepted.
        let crlf = try DataTable(csv: "\u{FEFF}x,bad\r\n1,0\r\n2,1\r\n")
        #expect(crlf.columnNames == ["x", "bad"] && crlf.rowCount == 2)
        let target = TargetSpec(column: "bad", positive: "1")
        let same = try DataTable(csv: "x,bad\n1,1\n2,1\n3,1\n")
        #expect(throws: CreditError.self) { try CreditScoreModel.train(same, target: target) }
        for cell in ["nan", "inf", "-inf", "1e309"] {
            let table = try DataTable(csv: "x,bad\n1,0\n\(cell),1\n2,1\n")
            #expect(throws: CreditError.self) { try CreditScoreModel.train(table, target: target, options: .init(l2: 1)) }
        }
        let long = try DataTable(csv: "x,bad\n" + String(repeating: "9", count: 400) + ",1\n1,0\n")
        #expect(throws: CreditError.self) { try CreditScoreModel.train(long, target: target, options: .init(l2: 1)) }
    }
}
