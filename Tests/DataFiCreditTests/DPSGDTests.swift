import Foundation
import Testing
@testable import DataFiCreditData
@testable import DataFiCreditMetrics
@testable import DataFiDPSGD
@testable import DataFiLogisticRegression
@testable import DataFiScorePlus
@testable import DataFiScorecard
import DataFiSupport

@Suite struct DPSGDTests {
    /// Held-out AUC of DP-SGD at several ε next to the non-private fit.
    static func sweep(_ x: Matrix, _ y: [Double], trainCount: Int, epsilons: [Double], options: (Double) -> DPSGDOptions)
        throws -> (nonPrivate: Double, rows: [(epsilon: Double, spent: Double, sigma: Double, auc: Double)]) {
        let train = Array(0..<trainCount), test = Array(trainCount..<x.rows)
        let xTrain = x.selecting(rows: train), yTrain = train.map { y[$0] }
        let xTest = x.selecting(rows: test), yTest = test.map { y[$0] }
        let exact = try LogisticRegression.fit(xTrain, labels: yTrain, options: .init(l2: 1e-3 * Double(trainCount)))
        let nonPrivate = try Metrics.auc(scores: try exact.probabilities(xTest), labels: yTest)
        var rows: [(Double, Double, Double, Double)] = []
        var rng = SplitMix64(seed: 2024)
        for epsilon in epsilons {
            let result = try PrivateLogisticRegression.fit(xTrain, labels: yTrain, options: options(epsilon), using: &rng)
            let auc = try Metrics.auc(scores: try result.regression.probabilities(xTest), labels: yTest)
            rows.append((epsilon, result.epsilon, result.noiseMultiplier, auc))
        }
        return (nonPrivate, rows)
    }

    @Test func germanCreditPrivacyUtility() throws {
        let (x, y, _) = try GermanCredit.design(standardize: true)
        let result = try DPSGDTests.sweep(x, y, trainCount: 700, epsilons: [0.5, 1, 2, 8]) {
            DPSGDOptions(epsilon: $0, delta: 1e-5, clipNorm: 1, batchSize: 100, epochs: 30, learningRate: 0.5)
        }
        print("German Credit DP-SGD (held-out AUC): non-private \(result.nonPrivate); \(result.rows)")
        for row in result.rows { #expect(row.spent <= row.epsilon * 1.001) }
        #expect(zip(result.rows, result.rows.dropFirst()).allSatisfy { $0.sigma > $1.sigma })
        let best = try #require(result.rows.last)
        #expect(best.auc > 0.7)
        #expect(best.auc <= result.nonPrivate + 0.05)
    }

    @Test func syntheticPrivacyUtility() throws {
        let data = try SyntheticCreditData.generate(rows: 20_000, features: 10, seed: 5, clusterEffect: 0, graphEffect: 0)
        let result = try DPSGDTests.sweep(data.x, data.labels, trainCount: 15_000, epsilons: [0.5, 1, 2, 8]) {
            DPSGDOptions(epsilon: $0, delta: 1e-6, clipNorm: 1, batchSize: 500, epochs: 5, learningRate: 0.5)
        }
        print("Synthetic DP-SGD (held-out AUC): non-private \(result.nonPrivate); \(result.rows)")
        for row in result.rows { #expect(row.spent <= row.epsilon * 1.001) }
        #expect(try #require(result.rows.last).auc > result.nonPrivate - 0.02)
    }

    @Test func badOptionsThrow() throws {
        let x = Matrix(unchecked: 4, 1, [0, 1, 2, 3])
        var rng = SplitMix64(seed: 1)
        #expect(throws: DPSGDError.credit(.outOfRange(.epsilon))) {
            try PrivateLogisticRegression.fit(x, labels: [0, 1, 0, 1], options: .init(epsilon: 0), using: &rng)
        }
        #expect(throws: DPSGDError.credit(.outOfRange(.batchSize))) {
            try PrivateLogisticRegression.fit(x, labels: [0, 1, 0, 1], options: .init(epsilon: 1), using: &rng)
        }
        #expect(throws: DPSGDError.credit(.invalidLabel(row: 2))) {
            try PrivateLogisticRegression.fit(x, labels: [0, 1, 3, 1], options: .init(epsilon: 1, batchSize: 2), using: &rng)
        }
        #expect(throws: DPSGDError.credit(.emptyInput)) {
            try PrivateLogisticRegression.fit(Matrix(unchecked: 0, 1, []), labels: [], options: .init(epsilon: 1), using: &rng)
        }
    }
}
