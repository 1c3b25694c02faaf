import DataFiCreditData
import DataFiLogisticRegression
import Foundation
import DataFiSupport

/// Discrimination and calibration measures of a binary classifier.
public struct BinaryMetrics: Sendable, Equatable, Codable {
    /// Area under the ROC curve (Mann–Whitney U / (n₁·n₀), ties counted half).
    public var auc: Double
    /// Kolmogorov–Smirnov statistic: max over thresholds of |TPR − FPR|.
    public var ks: Double
    /// Gini coefficient 2·AUC − 1.
    public var gini: Double
    /// Mean log loss (natural log), probabilities clipped to [ε, 1 − ε] with ε = 2⁻⁵².
    public var logLoss: Double
    /// Brier score: mean squared difference between probability and label.
    public var brier: Double

    /// All five measures for `probabilities` of label 1 against 0/1 `labels`.
    /// - Throws: `CreditError.emptyInput`, `.lengthMismatch`, `.nonFinite`, `.invalidLabel`, `.singleClass`,
    ///   `.probabilityOutOfRange`.
    public static func evaluate(probabilities: [Double], labels: [Double]) throws(CreditError) -> BinaryMetrics {
        for (i, p) in probabilities.enumerated() where p.isFinite && !(0...1).contains(p) {
            throw .probabilityOutOfRange(row: i)
        }
        let auc = try Metrics.auc(scores: probabilities, labels: labels)
        return BinaryMetrics(auc: auc, ks: try Metrics.ks(scores: probabilities, labels: labels), gini: 2 * auc - 1,
                             logLoss: try Metrics.logLoss(probabilities: probabilities, labels: labels),
                             brier: try Metrics.brier(probabilities: probabilities, labels: labels))
    }
}

/// Classifier metrics; a higher score means more likely label 1.
public enum Metrics {
    static func validate(_ scores: [Double], _ labels: [Double], needBothClasses: Bool) throws(CreditError) {
        guard !scores.isEmpty else { throw .emptyInput }
        guard scores.count == labels.count else {
            throw .lengthMismatch(what: "labels", expected: scores.count, actual: labels.count)
        }
        var positives = 0
        for i in 0..<scores.count {
            guard scores[i].isFinite else { throw .nonFinite(what: "scores", row: i) }
            guard labels[i] == 0 || labels[i] == 1 else { throw .invalidLabel(row: i) }
            if labels[i] == 1 { positives += 1 }
        }
        if needBothClasses && (positives == 0 || positives == scores.count) { throw .singleClass }
    }

    /// Exact AUC in O(n log n): the Mann–Whitney statistic from mid-ranks (tied scores count half).
    /// - Throws: `CreditError.emptyInput`, `.lengthMismatch`, `.nonFinite`, `.invalidLabel`, `.singleClass`.
    public static func auc(scores: [Double], labels: [Double]) throws(CreditError) -> Double {
        try validate(scores, labels, needBothClasses: true)
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var rankSum = 0.0, positives = 0.0
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            let midRank = Double(i + j + 2) / 2 // ranks are 1-based
            for k in i...j where labels[order[k]] == 1 {
                rankSum += midRank
                positives += 1
            }
            i = j + 1
        }
        let negatives = Double(scores.count) - positives
        return (rankSum - positives * (positives + 1) / 2) / (positives * negatives)
    }

    /// Kolmogorov–Smirnov statistic max |TPR − FPR| over thresholds between distinct scores.
    /// - Throws: like `auc`.
    public static func ks(scores: [Double], labels: [Double]) throws(CreditError) -> Double {
        try validate(scores, labels, needBothClasses: true)
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        let positives = labels.reduce(0, +), negatives = Double(labels.count) - positives
        var tp = 0.0, fp = 0.0, best = 0.0
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            for k in i...j { if labels[order[k]] == 1 { tp += 1 } else { fp += 1 } }
            best = max(best, abs(tp / positives - fp / negatives))
            i = j + 1
        }
        return best
    }

    /// Mean log loss; probabilities are clipped to [2⁻⁵², 1 − 2⁻⁵²].
    /// - Throws: `CreditError.emptyInput`, `.lengthMismatch`, `.nonFinite`, `.invalidLabel`.
    public static func logLoss(probabilities: [Double], labels: [Double]) throws(CreditError) -> Double {
        try validate(probabilities, labels, needBothClasses: false)
        let eps = Double.ulpOfOne
        var total = 0.0
        for (p, y) in zip(probabilities, labels) {
            let q = min(max(p, eps), 1 - eps)
            total -= y == 1 ? log(q) : log1p(-q)
        }
        return total / Double(labels.count)
    }

    /// Brier score: mean of (p − y)².
    /// - Throws: `CreditError.emptyInput`, `.lengthMismatch`, `.nonFinite`, `.invalidLabel`.
    public static func brier(probabilities: [Double], labels: [Double]) throws(CreditError) -> Double {
        try validate(probabilities, labels, needBothClasses: false)
        var total = 0.0
        for (p, y) in zip(probabilities, labels) { total += (p - y) * (p - y) }
        return total / Double(labels.count)
    }
}

/// k-fold cross-validation splits from a seeded generator.
public enum CrossValidation {
    /// Test-row indices of each of `k` folds (every row in exactly one fold, sorted within a fold).
    /// Stratified folds deal each class out separately so every fold keeps the class ratio.
    /// - Throws: `CreditError.outOfRange(.folds)` when `k < 2` or `k` exceeds the number of rows, `.classTooSmallForFolds`
    ///   (or, stratified, the size of the smaller class), `.invalidLabel`.
    public static func folds(labels: [Double], k: Int, stratified: Bool = true, seed: UInt64) throws(CreditError) -> [[Int]] {
        guard k >= 2, k <= labels.count else { throw .outOfRange(.folds) }
        var rng = SplitMix64(seed: seed)
        var groups: [[Int]]
        if stratified {
            for (i, y) in labels.enumerated() where y != 0 && y != 1 { throw .invalidLabel(row: i) }
            groups = [labels.indices.filter { labels[$0] == 0 }, labels.indices.filter { labels[$0] == 1 }]
            guard groups.allSatisfy({ $0.count >= k }) else {
                throw .classTooSmallForFolds(k: k)
            }
        } else {
            groups = [Array(labels.indices)]
        }
        var folds = [[Int]](repeating: [], count: k)
        var next = 0
        for var group in groups {
            group.shuffle(using: &rng)
            for index in group {
                folds[next].append(index)
                next = (next + 1) % k
            }
        }
        return folds.map { $0.sorted() }
    }

    /// Fits on k − 1 folds and evaluates on the held-out fold, for each fold.
    /// - Throws: the errors of `folds`, `LogisticRegression.fit` and `BinaryMetrics.evaluate`.
    public static func evaluate(_ x: Matrix, labels: [Double], k: Int, stratified: Bool = true, seed: UInt64,
                                options: LogisticRegressionOptions = .init()) throws(CreditError) -> [BinaryMetrics] {
        guard labels.count == x.rows else { throw .lengthMismatch(what: "labels", expected: x.rows, actual: labels.count) }
        let folds = try folds(labels: labels, k: k, stratified: stratified, seed: seed)
        var results: [BinaryMetrics] = []
        for test in folds {
            var inTest = [Bool](repeating: false, count: x.rows)
            for i in test { inTest[i] = true }
            let train = x.rows == 0 ? [] : (0..<x.rows).filter { !inTest[$0] }
            let model = try LogisticRegression.fit(x.selecting(rows: train), labels: train.map { labels[$0] },
                                                   options: options)
            let probabilities = try model.probabilities(x.selecting(rows: test))
            results.append(try BinaryMetrics.evaluate(probabilities: probabilities, labels: test.map { labels[$0] }))
        }
        return results
    }
}
