import Foundation
import PropertyBased
import Testing
@testable import DataFiCreditData
@testable import DataFiCreditMetrics
@testable import DataFiDPSGD
@testable import DataFiLogisticRegression
@testable import DataFiScorePlus
@testable import DataFiScorecard
import DataFiSupport

/// O(n²) AUC: fraction of (positive, negative) pairs ordered correctly, ties half.
func bruteForceAUC(_ s: [Double], _ y: [Double]) -> Double {
    var wins = 0.0, pairs = 0.0
    for i in s.indices where y[i] == 1 {
        for j in s.indices where y[j] == 0 {
            pairs += 1
            wins += s[i] > s[j] ? 1 : (s[i] == s[j] ? 0.5 : 0)
        }
    }
    return wins / pairs
}

/// KS over every threshold "score ≥ t".
func bruteForceKS(_ s: [Double], _ y: [Double]) -> Double {
    let pos = y.reduce(0, +), neg = Double(y.count) - pos
    var best = 0.0
    for t in Set(s) {
        var tp = 0.0, fp = 0.0
        for i in s.indices where s[i] >= t { if y[i] == 1 { tp += 1 } else { fp += 1 } }
        best = max(best, abs(tp / pos - fp / neg))
    }
    return best
}

@Suite struct MetricsTests {
    @Test func matchesScikitLearnOnGermanCredit() throws {
        let (x, y, _) = try GermanCredit.design()
        let mle = try GermanCredit.reference().object("mle")
        let model = try LogisticRegression.fit(x, labels: y)
        let metrics = try BinaryMetrics.evaluate(probabilities: try model.probabilities(x), labels: y)
        #expect(abs(metrics.auc - (try mle.double("auc"))) < 1e-12)
        #expect(abs(metrics.logLoss - (try mle.double("logLoss"))) < 1e-9)
        #expect(abs(metrics.brier - (try mle.double("brier"))) < 1e-9)
        #expect(abs(metrics.gini - (2 * metrics.auc - 1)) < 1e-15)
    }

    @Test func aucAndKSAgreeWithBruteForce() async {
        // Scores from a small range so ties are frequent.
        await propertyCheck(count: 200, input: Gen.int(in: 0...5).array(of: 2...60), Gen.bool.array(of: 2...60)) { scores, flags throws in
            let n = min(scores.count, flags.count)
            let s = scores.prefix(n).map(Double.init)
            var y = flags.prefix(n).map { $0 ? 1.0 : 0.0 }
            y[0] = 1
            y[n - 1] = 0
            #expect(abs(try Metrics.auc(scores: s, labels: y) - bruteForceAUC(s, y)) < 1e-12)
            #expect(abs(try Metrics.ks(scores: s, labels: y) - bruteForceKS(s, y)) < 1e-12)
        }
    }

    @Test func handComputedCases() throws {
        #expect(try Metrics.auc(scores: [0.1, 0.4, 0.35, 0.8], labels: [0, 0, 1, 1]) == 0.75)
        #expect(try Metrics.auc(scores: [1, 1, 1, 1], labels: [0, 1, 0, 1]) == 0.5)
        #expect(try Metrics.ks(scores: [0.1, 0.4, 0.35, 0.8], labels: [0, 0, 1, 1]) == 0.5)
        #expect(abs(try Metrics.logLoss(probabilities: [0.9, 0.2], labels: [1, 0]) - (-(log(0.9) + log(0.8)) / 2)) < 1e-15)
        #expect(abs(try Metrics.brier(probabilities: [0.9, 0.2], labels: [1, 0]) - (0.01 + 0.04) / 2) < 1e-15)
        // Probability 0 for a positive is clipped, not infinite.
        #expect(try Metrics.logLoss(probabilities: [0], labels: [1]).isFinite)
    }

    @Test func badInputsThrow() {
        #expect(throws: CreditError.emptyInput) { try Metrics.auc(scores: [], labels: []) }
        #expect(throws: CreditError.singleClass) { try Metrics.auc(scores: [1, 2], labels: [1, 1]) }
        #expect(throws: CreditError.lengthMismatch(what: "labels", expected: 2, actual: 1)) { try Metrics.ks(scores: [1, 2], labels: [1]) }
        #expect(throws: CreditError.nonFinite(what: "scores", row: 1)) { try Metrics.auc(scores: [1, .nan], labels: [1, 0]) }
        #expect(throws: CreditError.invalidLabel(row: 0)) { try Metrics.brier(probabilities: [0.5], labels: [0.5]) }
        #expect(throws: CreditError.probabilityOutOfRange(row: 0)) {
            try BinaryMetrics.evaluate(probabilities: [1.5, 0.2], labels: [1, 0])
        }
    }
}

@Suite struct CrossValidationTests {
    @Test func foldsPartitionTheRowsAndKeepTheClassRatio() async {
        await propertyCheck(count: 100, input: Gen.uint64(), Gen.int(in: 2...10)) { seed, k throws in
            var rng = SplitMix64(seed: seed)
            let labels = (0..<200).map { _ in rng.nextUnit() < 0.3 ? 1.0 : 0.0 }
            let positives = Int(labels.reduce(0, +))
            guard positives >= k, 200 - positives >= k else { return }
            let folds = try CrossValidation.folds(labels: labels, k: k, stratified: true, seed: seed)
            #expect(folds.flatMap { $0 }.sorted() == Array(0..<200))
            for fold in folds {
                let p = fold.filter { labels[$0] == 1 }.count
                #expect(abs(p - positives / k) <= 1)
            }
            #expect(try CrossValidation.folds(labels: labels, k: k, stratified: true, seed: seed) == folds)
            let plain = try CrossValidation.folds(labels: labels, k: k, stratified: false, seed: seed)
            #expect(plain.flatMap { $0 }.sorted() == Array(0..<200))
            #expect(plain.allSatisfy { abs($0.count - 200 / k) <= 1 })
        }
    }

    @Test func fiveFoldOnGermanCredit() throws {
        let (x, y, _) = try GermanCredit.design(standardize: true)
        let results = try CrossValidation.evaluate(x, labels: y, k: 5, seed: 42, options: .init(l2: 1))
        #expect(results.count == 5)
        let meanAUC = results.map(\.auc).reduce(0, +) / 5
        #expect(meanAUC > 0.72 && meanAUC < 0.83)
        #expect(throws: CreditError.outOfRange(.folds)) {
            try CrossValidation.folds(labels: [0, 1], k: 1, seed: 1)
        }
    }
}
