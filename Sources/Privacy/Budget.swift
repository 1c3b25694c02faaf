import Foundation

/// A privacy budget filter for one dataset under basic composition: the spent (ε, δ) are the sums of the
/// charged releases, and a charge that would take either above the total is refused.
///
/// `charge` either records the whole charge or throws and leaves the ledger unchanged.
public struct PrivacyLedger: Sendable, Equatable {
    /// The total ε budget.
    public let totalEpsilon: Double
    /// The total δ budget (0 for pure ε-DP).
    public let totalDelta: Double
    /// The ε spent so far.
    public private(set) var spentEpsilon: Double = 0
    /// The δ spent so far.
    public private(set) var spentDelta: Double = 0
    /// The number of charged releases.
    public private(set) var releases: Int = 0

    /// Slack for floating-point sums: a charge fits when spent + cost ≤ total·(1 + 1e-12).
    static let tolerance = 1e-12

    /// A ledger with total budget (ε, δ).
    /// - Throws: `PrivacyError.invalidEpsilon` or `.invalidDelta` (δ must be in [0, 1)).
    public init(epsilon: Double, delta: Double = 0) throws(PrivacyError) {
        try checkEpsilon(epsilon)
        guard delta.isFinite, delta >= 0, delta < 1 else { throw .invalidDelta(delta) }
        totalEpsilon = epsilon
        totalDelta = delta
    }

    /// The ε left.
    public var remainingEpsilon: Double { max(0, totalEpsilon - spentEpsilon) }
    /// The δ left.
    public var remainingDelta: Double { max(0, totalDelta - spentDelta) }

    /// Whether a release costing (ε, δ) fits in the remaining budget.
    public func canCharge(epsilon: Double, delta: Double = 0) -> Bool {
        spentEpsilon + epsilon <= totalEpsilon * (1 + Self.tolerance)
            && spentDelta + delta <= totalDelta * (1 + Self.tolerance)
    }

    /// Records a release costing (ε, δ).
    /// - Throws: `PrivacyError.invalidEpsilon`/`.invalidDelta` for a bad cost, `.budgetExceeded` when it
    ///   does not fit; the ledger is unchanged on every throw.
    public mutating func charge(epsilon: Double, delta: Double = 0) throws(PrivacyError) {
        try checkEpsilon(epsilon)
        guard delta.isFinite, delta >= 0, delta < 1 else { throw .invalidDelta(delta) }
        guard canCharge(epsilon: epsilon, delta: delta) else {
            throw .budgetExceeded(requestedEpsilon: epsilon, requestedDelta: delta,
                                  remainingEpsilon: remainingEpsilon, remainingDelta: remainingDelta)
        }
        spentEpsilon += epsilon
        spentDelta += delta
        releases += 1
    }
}

/// A concurrency-safe budget filter for one dataset: wraps a `PrivacyLedger` in an actor so concurrent
/// releases are charged one at a time, and a release runs only if its charge fits.
public actor PrivacyBudget {
    /// The current ledger.
    public private(set) var ledger: PrivacyLedger

    /// A budget of (ε, δ). - Throws: as `PrivacyLedger.init`.
    public init(epsilon: Double, delta: Double = 0) throws(PrivacyError) {
        ledger = try PrivacyLedger(epsilon: epsilon, delta: delta)
    }

    /// Charges (ε, δ). - Throws: as `PrivacyLedger.charge`; nothing is charged on a throw.
    public func charge(epsilon: Double, delta: Double = 0) throws(PrivacyError) {
        try ledger.charge(epsilon: epsilon, delta: delta)
    }

    /// Runs `release` only if (ε, δ) fits, and charges it only if `release` returns. Refused or failed
    /// releases leave the budget unchanged and produce nothing.
    /// - Throws: `PrivacyError.budgetExceeded` when the cost does not fit, or the error of `release`.
    public func spend<T: Sendable>(
        epsilon: Double, delta: Double = 0, _ release: () throws -> T
    ) throws -> T {
        try checkEpsilon(epsilon)
        var next = ledger
        try next.charge(epsilon: epsilon, delta: delta)
        let value = try release()
        ledger = next
        return value
    }

    /// The ε left.
    public var remainingEpsilon: Double { ledger.remainingEpsilon }
    /// The δ left.
    public var remainingDelta: Double { ledger.remainingDelta }
}

/// Composition theorems for (ε, δ)-differential privacy.
public enum Composition {
    /// Basic composition: the sums of the ε's and δ's.
    public static func basic(_ releases: [(epsilon: Double, delta: Double)]) -> (epsilon: Double, delta: Double) {
        releases.reduce((0, 0)) { ($0.0 + $1.epsilon, $0.1 + $1.delta) }
    }

    /// Advanced composition (Dwork, Rothblum & Vadhan 2010): k releases that are each (ε, δ)-DP are
    /// (ε', kδ + δ')-DP with ε' = √(2k ln(1/δ'))·ε + k·ε·(e^ε − 1). Returns the smaller of this ε' and kε.
    /// - Throws: `PrivacyError` for invalid ε, δ or δ', or k < 1.
    public static func advanced(epsilon: Double, delta: Double, count k: Int, deltaPrime: Double)
        throws(PrivacyError) -> (epsilon: Double, delta: Double)
    {
        try checkEpsilon(epsilon)
        guard delta.isFinite, delta >= 0, delta < 1 else { throw .invalidDelta(delta) }
        try checkDelta(deltaPrime)
        guard k >= 1 else { throw .parameterOutOfRange(.compositionCount, value: Double(k)) }
        let kd = Double(k)
        let advanced = (2 * kd * log(1 / deltaPrime)).squareRoot() * epsilon + kd * epsilon * expm1(epsilon)
        return (min(advanced, kd * epsilon), min(1, kd * delta + deltaPrime))
    }
}

/// A Rényi-DP budget filter for Gaussian and Poisson-subsampled Gaussian releases (for example the steps
/// of private training): a release is admitted only if, after charging it, some order α still has
/// accumulated RDP at most ε − ln(1/δ)/(α − 1). Stopping when every order would exceed its share is a
/// valid filter for adaptively chosen releases (Feldman & Zrnic 2021; Lécuyer 2021, multiple orders),
/// and the admitted sequence is (ε, δ)-DP by the standard RDP conversion.
///
/// `charge` either records the release or throws and leaves the filter unchanged.
public struct RDPBudgetFilter: Sendable, Equatable {
    /// The target ε.
    public let epsilon: Double
    /// The target δ.
    public let delta: Double
    /// The accumulated RDP.
    public private(set) var accountant: RDPAccountant

    /// A filter for target (ε, δ) over `orders`.
    /// - Throws: `PrivacyError` for invalid ε, δ or orders.
    public init(epsilon: Double, delta: Double, orders: [Double] = RDPAccountant.defaultOrders) throws(PrivacyError) {
        try checkEpsilon(epsilon)
        try checkDelta(delta)
        self.epsilon = epsilon
        self.delta = delta
        self.accountant = try RDPAccountant(orders: orders)
    }

    /// Whether some order is still within its budget share for this accountant state.
    func admits(_ state: RDPAccountant) -> Bool {
        zip(state.orders, state.rdp).contains { alpha, r in r <= epsilon - log(1 / delta) / (alpha - 1) }
    }

    /// Charges `count` Poisson-subsampled Gaussian steps (q = 1 for the plain Gaussian mechanism).
    /// - Throws: `PrivacyError.budgetExceeded` when no order stays within budget (nothing is charged), or
    ///   the accountant's parameter errors.
    public mutating func charge(samplingRate q: Double, noiseMultiplier sigma: Double, count: Int = 1) throws(PrivacyError) {
        var next = accountant
        try next.composePoissonSubsampledGaussian(samplingRate: q, noiseMultiplier: sigma, count: count)
        guard admits(next) else {
            let requested = (try? next.epsilon(delta: delta).epsilon) ?? .infinity
            let spent = (try? accountant.epsilon(delta: delta).epsilon) ?? .infinity
            throw .budgetExceeded(requestedEpsilon: requested, requestedDelta: delta,
                                  remainingEpsilon: max(0, epsilon - spent), remainingDelta: delta)
        }
        accountant = next
    }
}
