import Foundation

/// A Rényi-DP accountant for the Gaussian and the Poisson-subsampled Gaussian mechanism under the
/// add/remove-one relation.
///
/// The math is a port of Google's dp-accounting `rdp_privacy_accountant` (0.6.0): `_compute_log_a_int`,
/// `_compute_log_a_frac` (Mironov, Talwar & Zhang 2019, Sec. 3.3), the default orders, and the
/// conversion `compute_epsilon` with the improved bound of Canonne, Kamath & Steinke 2020 /
/// Asoodeh et al. 2020 (ε = rdp + log1p(−1/α) − log(δα)/(α − 1)).
public struct RDPAccountant: Sendable, Equatable {
    /// dp-accounting's default orders: 1.1…10.9 in steps of 0.1, 11…63, and 128, 256, 512, 1024.
    public static let defaultOrders: [Double] = {
        var orders: [Double] = (1..<100).map { (x: Int) -> Double in 1 + Double(x) / 10 }
        orders += (11..<64).map { (x: Int) -> Double in Double(x) }
        orders += [128, 256, 512, 1024]
        return orders
    }()

    /// The Rényi orders α tracked (each > 1).
    public let orders: [Double]
    /// The accumulated RDP ε(α) at each order (may be +∞).
    public private(set) var rdp: [Double]

    /// An empty accountant over `orders`.
    /// - Throws: `PrivacyError.parameterOutOfRange` when there are no orders or more than 10,000, or an order is not finite or not above 1.
    public init(orders: [Double] = RDPAccountant.defaultOrders) throws(PrivacyError) {
        guard (1...10_000).contains(orders.count) else {
            throw .parameterOutOfRange(.rdpOrderCount, value: Double(orders.count))
        }
        if let bad = orders.first(where: { !($0.isFinite && $0 > 1) }) {
            throw .parameterOutOfRange(.rdpOrder, value: bad)
        }
        self.orders = orders
        self.rdp = [Double](repeating: 0, count: orders.count)
    }

    /// Composes `count` runs of the Gaussian mechanism with noise multiplier σ/Δ = `noiseMultiplier`.
    /// - Throws: `PrivacyError.parameterOutOfRange` for a non-positive or non-finite multiplier or count < 0.
    public mutating func composeGaussian(noiseMultiplier: Double, count: Int = 1) throws(PrivacyError) {
        try composePoissonSubsampledGaussian(samplingRate: 1, noiseMultiplier: noiseMultiplier, count: count)
    }

    /// Composes `count` steps of the Poisson-subsampled Gaussian mechanism (sampling rate q, noise
    /// multiplier σ), as in DP-SGD.
    /// - Throws: `PrivacyError.invalidProbability` when q ∉ [0, 1], `.parameterOutOfRange` for a bad σ or
    ///   count. The accountant is unchanged on a throw.
    public mutating func composePoissonSubsampledGaussian(
        samplingRate q: Double, noiseMultiplier sigma: Double, count: Int = 1
    ) throws(PrivacyError) {
        let step = try Self.poissonSubsampledGaussianRDP(samplingRate: q, noiseMultiplier: sigma, orders: orders)
        guard count >= 0 else { throw .parameterOutOfRange(.compositionCount, value: Double(count)) }
        for i in rdp.indices { rdp[i] += Double(count) * step[i] }
    }

    /// The RDP of one step of the Poisson-subsampled Gaussian at each order.
    public static func poissonSubsampledGaussianRDP(
        samplingRate q: Double, noiseMultiplier sigma: Double, orders: [Double]
    ) throws(PrivacyError) -> [Double] {
        guard q.isFinite, q >= 0, q <= 1 else { throw .invalidProbability(q) }
        guard sigma.isFinite, sigma > 0 else { throw .parameterOutOfRange(.noiseMultiplier, value: sigma) }
        return orders.map { alpha in
            if q == 0 { return 0 }
            if q == 1 { return alpha / (2 * sigma * sigma) }
            return computeLogA(q: q, sigma: sigma, alpha: alpha) / (alpha - 1)
        }
    }

    /// The smallest ε over the orders for target δ, and the order achieving it.
    /// - Throws: `PrivacyError.invalidDelta` unless δ ∈ (0, 1).
    public func epsilon(delta: Double) throws(PrivacyError) -> (epsilon: Double, order: Double) {
        try checkDelta(delta)
        return Self.computeEpsilon(orders: orders, rdp: rdp, delta: delta)
    }

    /// ε for T steps of DP-SGD: Poisson sampling rate q, noise multiplier σ, target δ, default orders.
    /// - Throws: `PrivacyError` for invalid parameters.
    public static func epsilon(samplingRate q: Double, noiseMultiplier sigma: Double, steps: Int, delta: Double)
        throws(PrivacyError) -> Double
    {
        var accountant = try RDPAccountant()
        try accountant.composePoissonSubsampledGaussian(samplingRate: q, noiseMultiplier: sigma, count: steps)
        return try accountant.epsilon(delta: delta).epsilon
    }

    /// dp-accounting's `compute_epsilon`.
    static func computeEpsilon(orders: [Double], rdp: [Double], delta: Double) -> (epsilon: Double, order: Double) {
        var bestEps = Double.infinity, bestOrder = orders[0]
        for (a, r) in zip(orders, rdp) {
            let eps: Double
            if r < 0 {
                eps = 0
            } else if delta * delta + expm1(-r) > 0 {
                eps = 0
            } else if a > 1.01 {
                eps = r + log1p(-1 / a) - log(delta * a) / (a - 1)
            } else {
                eps = .infinity
            }
            if eps < bestEps {
                bestEps = eps
                bestOrder = a
            }
        }
        return (max(0, bestEps), bestOrder)
    }

    static func computeLogA(q: Double, sigma: Double, alpha: Double) -> Double {
        if alpha == alpha.rounded(), alpha < 1e9 {
            return computeLogAInt(q: q, sigma: sigma, alpha: Int(alpha))
        }
        return computeLogAFrac(q: q, sigma: sigma, alpha: alpha)
    }

    static func computeLogAInt(q: Double, sigma: Double, alpha: Int) -> Double {
        var logA = -Double.infinity
        let log1mq = log1p(-q), logq = log(q)
        let a = Double(alpha)
        for i in 0...alpha {
            let di = Double(i)
            let logCoef = logComb(a, di) + di * logq + (a - di) * log1mq
            let s = logCoef + (di * di - di) / (2 * sigma * sigma)
            logA = logAdd(logA, s)
        }
        return logA
    }

    static func computeLogAFrac(q: Double, sigma: Double, alpha: Double) -> Double {
        var logA0 = -Double.infinity, logA1 = -Double.infinity
        let z0 = sigma * sigma * log(1 / q - 1) + 0.5
        let log1mq = log1p(-q), logq = log(q)
        var lastS0 = -Double.infinity, lastS1 = -Double.infinity
        for i in 0..<1000 {
            let di = Double(i)
            let logCoef = logComb(alpha, di)
            let j = alpha - di
            let logT0 = logCoef + di * logq + j * log1mq
            let logT1 = logCoef + j * logq + di * log1mq
            let logE0 = log(0.5) + logErfc((di - z0) / (2.0.squareRoot() * sigma))
            let logE1 = log(0.5) + logErfc((z0 - j) / (2.0.squareRoot() * sigma))
            let logS0 = logT0 + (di * di - di) / (2 * sigma * sigma) + logE0
            let logS1 = logT1 + (j * j - j) / (2 * sigma * sigma) + logE1
            logA0 = logAdd(logA0, logS0)
            logA1 = logAdd(logA1, logS1)
            let total = logAdd(logA0, logA1)
            if logS0 < lastS0 && logS1 < lastS1 && max(logS0, logS1) < total - 30 { return total }
            lastS0 = logS0
            lastS1 = logS1
        }
        return .infinity   // did not converge: the order is excluded (ε = ∞), as in dp-accounting
    }
}

// MARK: Log-space helpers shared by the accountants

/// log(e^x + e^y).
@inline(__always)
func logAdd(_ x: Double, _ y: Double) -> Double {
    let a = min(x, y), b = max(x, y)
    if a == -.infinity { return b }
    return log1p(exp(a - b)) + b
}

/// log of the generalised binomial coefficient via log-gamma (for the arguments used here, where
/// every gamma argument is positive or the coefficient's sign does not matter for the RDP sums).
@inline(__always)
func logComb(_ n: Double, _ k: Double) -> Double {
    lgammaValue(n + 1) - lgammaValue(k + 1) - lgammaValue(n - k + 1)
}

/// log|Γ(x)| like scipy's `gammaln`.
@inline(__always)
func lgammaValue(_ x: Double) -> Double {
    #if canImport(Glibc)
    return Glibc.lgamma(x)
    #else
    return Foundation.lgamma(x)
    #endif
}

/// log(erfc(x)), accurate for large x.
func logErfc(_ x: Double) -> Double {
    let r = erfc(x)
    if r > 1e-300 { return log(r) }
    // Asymptotic expansion of log(erfc(x)) at infinity (dp-accounting's fallback).
    let x2 = x * x
    return -log(Double.pi) / 2 - log(x) - x2 - 0.5 / x2 + 0.625 / (x2 * x2)
        - 37.0 / 24.0 / (x2 * x2 * x2) + 353.0 / 64.0 / (x2 * x2 * x2 * x2)
}

/// log Φ(z) for the standard normal CDF, accurate in both tails.
func logNormalCDF(_ z: Double) -> Double {
    if z > -1 {
        return log1p(-0.5 * erfc(z / 2.0.squareRoot()))
    }
    return log(0.5) + logErfc(-z / 2.0.squareRoot())
}
