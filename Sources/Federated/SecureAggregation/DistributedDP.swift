import DataFiPrivacy
import Foundation

/// The distributed discrete Gaussian mechanism (Kairouz, Liu & Steinke, ICML 2021): every client
/// adds independent discrete Gaussian noise N_Z(0, σ_c²) to each coordinate of its quantized
/// vector (the Privacy module's exact sampler), so that the aggregate of m survivors carries the
/// sum of m such noises — close to N_Z(0, m·σ_c²) — and is differentially private.
///
/// Accounting (their Proposition 14, first bound): for L2 sensitivity Δ (integer units),
/// dimension d and m summands, the aggregate is (α, ε(α))-RDP with
///
///     ε(α) = α·Δ² / (2·m·σ_c²) + τ·d,   τ = 10 · Σ_{k=1}^{m−1} exp(−2π²·σ_c²·k/(k+1)),
///
/// converted to (ε, δ) with the bound of Canonne, Kamath & Steinke 2020 over the Privacy module's
/// default orders. Dropouts: only the m clients whose masked input reached the server contribute
/// noise, so a round is charged with its actual m (`DistributedDPAccountant.compose`). Noise is
/// calibrated (`calibrated`) for the worst case m = t, the threshold: a round with m ≥ t
/// survivors has at least the planned noise, and a round with fewer produces no aggregate. The
/// guarantee assumes the noise of the counted clients is honest; clients colluding with the
/// server remove their own noise from the count.
public struct DistributedDiscreteGaussian: Sendable, Hashable {
    /// σ_c²: the variance parameter of each client's noise, in squared integer units.
    public let perClientVariance: PrivacyRational
    /// Δ: the L2 sensitivity of one client's quantized vector to one record, in integer units.
    public let sensitivity: Double
    /// d: the vector dimension.
    public let dimension: Int

    /// The mechanism from its parameters.
    /// - Throws: `SecAggError.invalidPrivacyParameter` unless σ_c² ≥ 1/4 (σ_c ≥ ½, as the bound
    ///   requires) and below 2^52, Δ is positive and finite, and d ≥ 1.
    public init(perClientVariance: PrivacyRational, sensitivity: Double, dimension: Int) throws(SecAggError) {
        guard perClientVariance.doubleValue >= 0.25, perClientVariance.doubleValue < 0x1p52 else {
            throw .invalidPrivacyParameter("per-client variance \(perClientVariance.doubleValue) must be in [1/4, 2^52)")
        }
        guard sensitivity.isFinite, sensitivity > 0 else { throw .invalidPrivacyParameter("sensitivity \(sensitivity) must be positive") }
        guard dimension >= 1, dimension <= SecAggConfig.maxDimension else { throw .invalidDimension(dimension) }
        self.perClientVariance = perClientVariance
        self.sensitivity = sensitivity
        self.dimension = dimension
    }

    /// The smallest per-client variance (searched by bisection, then rounded up to a dyadic
    /// rational) such that one round with `minimumSurvivors` = t summands is (ε, δ)-DP.
    /// - Throws: `SecAggError.invalidPrivacyParameter` for ε ≤ 0, δ ∉ (0, 1), Δ ≤ 0, t < 1, or when
    ///   the required variance is 2^52 or more.
    public static func calibrated(epsilon: Double, delta: Double, sensitivity: Double, dimension: Int,
                                  minimumSurvivors t: Int) throws(SecAggError) -> DistributedDiscreteGaussian {
        guard epsilon.isFinite, epsilon > 0 else { throw .invalidPrivacyParameter("epsilon \(epsilon) must be positive") }
        guard delta.isFinite, delta > 0, delta < 1 else { throw .invalidPrivacyParameter("delta \(delta) must be in (0, 1)") }
        guard sensitivity.isFinite, sensitivity > 0 else { throw .invalidPrivacyParameter("sensitivity \(sensitivity) must be positive") }
        guard t >= 1, t <= SecAggConfig.maxClients else { throw .invalidPrivacyParameter("minimum survivors \(t) out of range") }
        guard dimension >= 1, dimension <= SecAggConfig.maxDimension else { throw .invalidDimension(dimension) }
        let orders = RDPAccountant.defaultOrders
        func eps(_ v: Double) -> Double {
            convert(orders: orders, rdp: rdpCurve(variance: v, sensitivity: sensitivity, dimension: dimension,
                                                  survivors: t, orders: orders), delta: delta).epsilon
        }
        var lo = log(0.25), hi = log(0x1p51)
        guard eps(exp(hi)) <= epsilon else {
            throw .invalidPrivacyParameter("(ε=\(epsilon), δ=\(delta)) needs a per-client variance of 2^51 or more")
        }
        if eps(exp(lo)) > epsilon {
            for _ in 0..<80 {
                let mid = (lo + hi) / 2
                if eps(exp(mid)) <= epsilon { hi = mid } else { lo = mid }
            }
        } else {
            hi = lo
        }
        let rational: PrivacyRational
        do { rational = try PrivacyRational.roundingUp(exp(hi)) } catch {
            throw .invalidPrivacyParameter("variance \(exp(hi)) is not representable")
        }
        return try DistributedDiscreteGaussian(perClientVariance: rational, sensitivity: sensitivity, dimension: dimension)
    }

    static func rdpCurve(variance v: Double, sensitivity: Double, dimension: Int, survivors m: Int, orders: [Double]) -> [Double] {
        var tau = 0.0
        if m >= 2 {
            for k in 1..<m {
                let term = exp(-2 * Double.pi * Double.pi * v * Double(k) / Double(k + 1))
                tau += term
                if term < 1e-300 { break }
            }
        }
        tau *= 10
        let base = sensitivity * sensitivity / (2 * Double(m) * v)
        return orders.map { $0 * base + tau * Double(dimension) }
    }

    /// The RDP ε(α) of one round with `survivors` summands at each order.
    public func rdp(survivors: Int, orders: [Double] = RDPAccountant.defaultOrders) -> [Double] {
        Self.rdpCurve(variance: perClientVariance.doubleValue, sensitivity: sensitivity, dimension: dimension,
                      survivors: Swift.max(1, survivors), orders: orders)
    }

    /// The (ε, δ) of one round with `survivors` summands.
    /// - Throws: `SecAggError.invalidPrivacyParameter` unless δ ∈ (0, 1) and survivors ≥ 1.
    public func epsilon(survivors: Int, delta: Double) throws(SecAggError) -> Double {
        var accountant = DistributedDPAccountant()
        try accountant.compose(self, survivors: survivors)
        return try accountant.epsilon(delta: delta).epsilon
    }

    /// Adds one noise sample per coordinate to a quantized vector, mod 2^bits.
    /// - Precondition: `vector.count == dimension`, 1 ≤ bits ≤ 62.
    public func addNoise<R: RandomNumberGenerator>(to vector: inout [UInt64], bits: Int, using rng: inout R) {
        precondition(vector.count == dimension && (1...62).contains(bits))
        let mask = (UInt64(1) << UInt64(bits)) - 1
        for i in vector.indices {
            // The parameters were checked at init, so the sampler cannot throw here.
            let x = (try? ExactSampler.discreteGaussian(sigmaSquared: perClientVariance, using: &rng)) ?? 0
            vector[i] = (vector[i] &+ UInt64(bitPattern: x)) & mask
        }
    }

    /// A per-client, per-coordinate noise bound B with P(|X| > B) ≤ `tailProbability` for
    /// X ~ N_Z(0, σ_c²), from the sub-Gaussian tail 2·exp(−B²/(2σ_c²)) (Canonne, Kamath & Steinke
    /// 2020). Passed to `Quantizer` as `noiseMargin`, the sum of n clients cannot wrap except with
    /// probability at most n·d·`tailProbability`.
    public func noiseMargin(tailProbability: Double) -> UInt64 {
        let p = Swift.min(Swift.max(tailProbability, 1e-300), 1)
        let b = (2 * perClientVariance.doubleValue * log(2 / p)).squareRoot()
        return UInt64(b.rounded(.up))
    }
}

/// Composes rounds of the distributed discrete Gaussian mechanism in Rényi DP and converts the
/// total to (ε, δ).
public struct DistributedDPAccountant: Sendable, Equatable {
    /// The Rényi orders tracked (the Privacy module's defaults).
    public let orders: [Double]
    /// The accumulated RDP at each order.
    public private(set) var rdp: [Double]
    /// The number of rounds composed.
    public private(set) var rounds = 0

    /// An empty accountant over the Privacy module's default orders.
    public init() {
        orders = RDPAccountant.defaultOrders
        rdp = [Double](repeating: 0, count: orders.count)
    }

    /// Adds one round in which `survivors` clients' noise reached the aggregate.
    /// - Throws: `SecAggError.invalidPrivacyParameter` when survivors < 1; the accountant is unchanged.
    public mutating func compose(_ mechanism: DistributedDiscreteGaussian, survivors: Int) throws(SecAggError) {
        guard survivors >= 1 else { throw .invalidPrivacyParameter("a round needs at least one survivor") }
        let step = mechanism.rdp(survivors: survivors, orders: orders)
        for i in rdp.indices { rdp[i] += step[i] }
        rounds += 1
    }

    /// The smallest ε over the orders for target δ, and the order achieving it.
    /// - Throws: `SecAggError.invalidPrivacyParameter` unless δ ∈ (0, 1).
    public func epsilon(delta: Double) throws(SecAggError) -> (epsilon: Double, order: Double) {
        guard delta.isFinite, delta > 0, delta < 1 else { throw .invalidPrivacyParameter("delta \(delta) must be in (0, 1)") }
        return convert(orders: orders, rdp: rdp, delta: delta)
    }
}

/// RDP to (ε, δ): ε = min over α of rdp(α) + log1p(−1/α) − log(δ·α)/(α − 1) (Canonne, Kamath &
/// Steinke 2020; the same conversion as `RDPAccountant.epsilon(delta:)`).
func convert(orders: [Double], rdp: [Double], delta: Double) -> (epsilon: Double, order: Double) {
    var best = Double.infinity, bestOrder = orders[0]
    for (a, r) in zip(orders, rdp) {
        let e: Double
        if r < 0 || delta * delta + expm1(-r) > 0 {
            e = 0
        } else if a > 1.01 {
            e = r + log1p(-1 / a) - log(delta * a) / (a - 1)
        } else {
            e = .infinity
        }
        if e < best {
            best = e
            bestOrder = a
        }
    }
    return (Swift.max(0, best), bestOrder)
}
