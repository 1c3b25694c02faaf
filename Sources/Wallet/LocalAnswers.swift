import DataFiPrivacy
import Foundation

/// k-ary randomized response (generalized randomized response) for local histograms: a person
/// reports their category `v` of `k` truthfully with probability e^ε/(e^ε + k − 1) and each other
/// category with probability 1/(e^ε + k − 1), which is ε-local differential privacy.
///
/// Sampling is exact: propose a uniform category; accept it at once if it is the true one, else with
/// an exact Bernoulli(e^−ε) (`ExactSampler.bernoulliExp(_:using:)`); repeat until accepted. The
/// accepted category is the true one with weight 1 and any other with weight e^−ε, as required.
/// ε is rounded down to a rational first (more private, never less); the estimator uses the same ε.
public struct LocalHistogramResponse: Sendable {
    /// The local privacy parameter ε (after rounding down to the exact rational used).
    public let epsilon: Double
    /// The number of categories k.
    public let categories: Int
    let exactEpsilon: PrivacyRational

    /// The allowed numbers of categories.
    public static let categoryRange = 2...1024

    /// - Throws: `WalletError.invalidEpsilon` unless 0 < ε ≤ 64; `.invalidCategory` unless k is in 2...1024.
    public init(epsilon: Double, categories: Int) throws(WalletError) {
        guard epsilon.isFinite, epsilon > 0, epsilon <= 64 else { throw .invalidEpsilon(epsilon) }
        guard Self.categoryRange.contains(categories) else { throw .invalidCategory(value: 0, categories: categories) }
        guard let exact = try? PrivacyRational.roundingDown(epsilon) else { throw .invalidEpsilon(epsilon) }
        exactEpsilon = exact
        self.epsilon = exact.doubleValue
        self.categories = categories
    }

    /// The probability of reporting the true category.
    public var truthProbability: Double {
        let e = exp(exactEpsilon.doubleValue)
        return e / (e + Double(categories - 1))
    }

    /// The perturbed category to report instead of `value`.
    /// - Throws: `WalletError.invalidCategory` unless `value` is in 0..<categories.
    public func respond<R: RandomNumberGenerator>(_ value: Int, using rng: inout R) throws(WalletError) -> Int {
        guard value >= 0, value < categories else { throw .invalidCategory(value: value, categories: categories) }
        while true {
            let candidate = Int(UInt64.random(in: 0..<UInt64(categories), using: &rng))
            if candidate == value || ExactSampler.bernoulliExp(exactEpsilon, using: &rng) { return candidate }
        }
    }

    /// Unbiased estimates of the true count of each category from the reported categories:
    /// (c_v − N·q)/(p − q) with p the truth probability and q = (1 − p)/(k − 1). Estimates may be negative.
    /// - Throws: `WalletError.invalidCategory` for a report outside 0..<categories.
    public func estimateCounts(_ reports: [Int]) throws(WalletError) -> [Double] {
        var counts = [Double](repeating: 0, count: categories)
        for report in reports {
            guard report >= 0, report < categories else { throw .invalidCategory(value: report, categories: categories) }
            counts[report] += 1
        }
        let p = truthProbability
        let q = (1 - p) / Double(categories - 1)
        let n = Double(reports.count)
        return counts.map { ($0 - n * q) / (p - q) }
    }
}

/// One survey answer given from the wallet: only the perturbed value leaves it, and its ε was
/// charged to the wallet's budget.
public struct SurveyAnswer: Sendable, Equatable, Codable {
    /// The mechanism that perturbed the answer.
    public enum Mechanism: String, Sendable, Codable {
        /// Binary randomized response (`RandomizedResponse`): reported 0 (no) or 1 (yes).
        case randomizedResponse = "randomized_response"
        /// k-ary randomized response (``LocalHistogramResponse``): reported a category.
        case localHistogram = "local_histogram"
    }

    /// The survey question's id.
    public let question: String
    /// How the answer was perturbed.
    public let mechanism: Mechanism
    /// The number of categories (2 for yes/no).
    public let categories: Int
    /// The reported (perturbed) value: 0/1 for yes/no, a category otherwise.
    public let reported: Int
    /// The ε charged.
    public let epsilon: Double
    /// When answered, Unix seconds.
    public let time: Int64
}
