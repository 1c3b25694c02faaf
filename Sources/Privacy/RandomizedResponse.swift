import Foundation

/// Randomized response for local differential privacy: each person perturbs their own yes/no answer
/// before it leaves their device, so the collector never sees a true answer.
///
/// The true answer is reported with probability e^ε/(1+e^ε) and flipped otherwise (ε-local DP). The
/// choice is exact: propose "truth" or "flip" with a fair coin and accept a flip with an exact
/// Bernoulli(e^−ε), which gives P(truth) : P(flip) = 1 : e^−ε.
public struct RandomizedResponse: Sendable {
    /// The local privacy parameter ε.
    public let epsilon: Double
    let exactEpsilon: PrivacyRational

    /// - Throws: `PrivacyError.invalidEpsilon` unless ε is positive and finite.
    public init(epsilon: Double) throws(PrivacyError) {
        try checkEpsilon(epsilon)
        guard epsilon <= 64 else { throw .parameterOutOfRange(.randomizedResponseEpsilon, value: epsilon) }
        self.epsilon = epsilon
        // Rounding ε down only makes the response more private; the estimator uses the same value.
        self.exactEpsilon = try PrivacyRational.roundingDown(epsilon)
    }

    /// The probability that the true answer is reported, e^ε/(1+e^ε) for the exact ε used.
    public var truthProbability: Double {
        let e = exactEpsilon.doubleValue
        return 1 / (1 + exp(-e))
    }

    /// The perturbed answer to report instead of `truth`.
    public func respond<R: RandomNumberGenerator>(_ truth: Bool, using rng: inout R) -> Bool {
        while true {
            if rng.next() & 1 == 0 { return truth }
            if ExactSampler.bernoulliExp(exactEpsilon, using: &rng) { return !truth }
        }
    }

    /// The perturbed answer drawn with libsodium's CSPRNG.
    public func respond(_ truth: Bool) -> Bool {
        var rng = SecureBitSource()
        return respond(truth, using: &rng)
    }

    /// The unbiased estimate of the true population rate of "yes" from `yesCount` perturbed yes answers
    /// out of `total`: (ŷ − (1 − p)) / (2p − 1) with p the truth probability. It may fall outside [0, 1].
    /// - Throws: `PrivacyError.invalidTally` unless 0 ≤ yesCount ≤ total and total > 0.
    public func estimateRate(yesCount: Int, total: Int) throws(PrivacyError) -> Double {
        guard total > 0, yesCount >= 0, yesCount <= total else {
            throw .invalidTally(yes: yesCount, total: total)
        }
        let p = truthProbability
        return (Double(yesCount) / Double(total) - (1 - p)) / (2 * p - 1)
    }

    /// The standard deviation of `estimateRate` for a population of `total` answers at true rate `rate`.
    public func estimateStandardDeviation(rate: Double, total: Int) -> Double {
        let p = truthProbability
        let y = rate * p + (1 - rate) * (1 - p)
        return (y * (1 - y) / Double(max(total, 1))).squareRoot() / (2 * p - 1)
    }
}

/// A personal data wallet holding yes/no attributes on the owner's device. It answers a query about an
/// attribute only through randomized response and charges each answer to its own local ε budget.
public struct PersonalDataWallet: Sendable {
    /// The owner's attributes (never released directly).
    private var attributes: [String: Bool]
    /// The local budget ledger.
    public private(set) var ledger: PrivacyLedger

    /// A wallet with the given attributes and a total local budget ε.
    /// - Throws: `PrivacyError.invalidEpsilon` when the budget is not positive and finite.
    public init(attributes: [String: Bool], epsilonBudget: Double) throws(PrivacyError) {
        self.attributes = attributes
        self.ledger = try PrivacyLedger(epsilon: epsilonBudget, delta: 0)
    }

    /// A randomized-response answer about `attribute` at local privacy ε, charged to the budget.
    /// - Throws: `PrivacyError.unknownAttribute` for an unknown attribute, `.budgetExceeded` (nothing is
    ///   answered or charged) when ε would exceed the remaining budget.
    public mutating func answer<R: RandomNumberGenerator>(
        _ attribute: String, epsilon: Double, using rng: inout R
    ) throws(PrivacyError) -> Bool {
        guard let truth = attributes[attribute] else { throw .unknownAttribute }
        let rr = try RandomizedResponse(epsilon: epsilon)
        try ledger.charge(epsilon: epsilon, delta: 0)
        return rr.respond(truth, using: &rng)
    }
}
