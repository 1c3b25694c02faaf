import Foundation

/// The Laplace mechanism, ε-differential privacy for a query of ℓ1-sensitivity Δ, realised with the
/// exact discrete Laplace sampler (never floating-point Laplace noise).
///
/// Integer queries get discrete Laplace noise of scale ⌈Δ⌉/ε. Real-valued queries are rounded to a
/// `NoiseGrid` of spacing in (Δ/2048, Δ/1024] and get discrete Laplace noise of scale ⌈Δ/g⌉/ε grid units.
public struct LaplaceMechanism: Sendable {
    /// The ℓ1-sensitivity of the query.
    public let sensitivity: Double
    /// The privacy parameter ε.
    public let epsilon: Double
    /// The grid used for real-valued releases.
    public let grid: NoiseGrid

    /// - Throws: `PrivacyError.invalidSensitivity` or `.invalidEpsilon` when not positive and finite.
    public init(sensitivity: Double, epsilon: Double) throws(PrivacyError) {
        try checkSensitivity(sensitivity)
        try checkEpsilon(epsilon)
        self.sensitivity = sensitivity
        self.epsilon = epsilon
        self.grid = try NoiseGrid.relative(to: sensitivity)
    }

    /// The exact scale (in units of 1) used for integer releases: ⌈Δ⌉ / ε, rounded up.
    public func integerScale() throws(PrivacyError) -> PrivacyRational {
        try conservativeScale(sensitivity.rounded(.up), over: epsilon)
    }

    /// Releases an integer-valued query answer plus discrete Laplace noise.
    public func release<R: RandomNumberGenerator>(integer value: Int64, using rng: inout R) throws(PrivacyError) -> Int64 {
        let noise = try ExactSampler.discreteLaplace(scale: integerScale(), using: &rng)
        let (sum, overflow) = value.addingReportingOverflow(noise)
        guard !overflow else { throw .answerOverflow(value: Double(value)) }
        return sum
    }

    /// Releases a real-valued query answer: rounded to `grid`, plus discrete Laplace noise in grid units.
    public func release<R: RandomNumberGenerator>(_ value: Double, using rng: inout R) throws(PrivacyError) -> Double {
        let units = try grid.units(value)
        let scale = try conservativeScale(Double(grid.sensitivityUnits(sensitivity)), over: epsilon)
        let noise = try ExactSampler.discreteLaplace(scale: scale, using: &rng)
        let (sum, overflow) = units.addingReportingOverflow(noise)
        guard !overflow else { throw .answerOverflow(value: Double(value)) }
        return grid.value(sum)
    }

    /// Releases a real-valued answer with noise from libsodium's CSPRNG.
    public func release(_ value: Double) throws(PrivacyError) -> Double {
        var rng = SecureBitSource()
        return try release(value, using: &rng)
    }
}

/// The analytic Gaussian mechanism (Balle & Wang 2018): the smallest σ with
/// Φ(Δ/(2σ) − εσ/Δ) − e^ε Φ(−Δ/(2σ) − εσ/Δ) ≤ δ, found by bisection and rounded up.
public enum AnalyticGaussian {
    /// The δ of the Gaussian mechanism with noise σ, sensitivity Δ, at ε (Balle & Wang 2018, Theorem 8).
    public static func delta(sigma: Double, epsilon: Double, sensitivity: Double = 1) -> Double {
        let a = sensitivity / (2 * sigma), b = epsilon * sigma / sensitivity
        return normalCDF(a - b) - exp(epsilon) * normalCDF(-a - b)
    }

    /// The smallest σ (to relative precision 1e-12, rounded up) whose Gaussian mechanism is (ε, δ)-DP.
    /// - Throws: `PrivacyError` when ε, δ or Δ is invalid.
    public static func sigma(epsilon: Double, delta: Double, sensitivity: Double = 1) throws(PrivacyError) -> Double {
        try checkEpsilon(epsilon)
        try checkDelta(delta)
        try checkSensitivity(sensitivity)
        var hi = sensitivity
        while self.delta(sigma: hi, epsilon: epsilon, sensitivity: sensitivity) > delta {
            hi *= 2
            guard hi.isFinite, hi < 1e300 else { throw .noCalibration(epsilon: epsilon, delta: delta) }
        }
        var lo = hi / 2
        while lo > 1e-300 && self.delta(sigma: lo, epsilon: epsilon, sensitivity: sensitivity) <= delta { lo /= 2 }
        for _ in 0..<200 where (hi - lo) > hi * 1e-13 {
            let mid = (lo + hi) / 2
            if self.delta(sigma: mid, epsilon: epsilon, sensitivity: sensitivity) <= delta { hi = mid } else { lo = mid }
        }
        return hi
    }

    /// The classic bound σ = Δ·√(2 ln(1.25/δ))/ε (Dwork & Roth 2014, Theorem A.1; valid for ε < 1).
    public static func classicSigma(epsilon: Double, delta: Double, sensitivity: Double = 1) throws(PrivacyError) -> Double {
        try checkEpsilon(epsilon)
        try checkDelta(delta)
        try checkSensitivity(sensitivity)
        return sensitivity * (2 * log(1.25 / delta)).squareRoot() / epsilon
    }
}

/// The Gaussian mechanism, (ε, δ)-differential privacy for a query of ℓ2-sensitivity Δ.
///
/// σ comes from the analytic Gaussian mechanism (Balle & Wang 2018). Noise is drawn with the exact
/// discrete Gaussian sampler on a grid. Because the released noise is discrete, the σ in grid units is
/// then checked against a rigorous upper bound on the discrete Gaussian's own δ (Canonne, Kamath &
/// Steinke 2020, Theorem 7; see `DiscreteGaussianPrivacy`) and raised in steps of 2^-10 until the bound
/// is at most δ; for σ of many grid units the change is negligible.
public struct GaussianMechanism: Sendable {
    /// The ℓ2-sensitivity of the query.
    public let sensitivity: Double
    /// The privacy parameter ε.
    public let epsilon: Double
    /// The privacy parameter δ.
    public let delta: Double
    /// The noise standard deviation for sensitivity Δ (analytic calibration).
    public let sigma: Double
    /// The grid used for real-valued releases.
    public let grid: NoiseGrid
    let gridVariance: PrivacyRational

    /// - Throws: `PrivacyError` when Δ, ε or δ is invalid, or the noise does not fit the exact sampler.
    public init(sensitivity: Double, epsilon: Double, delta: Double) throws(PrivacyError) {
        let sigma = try AnalyticGaussian.sigma(epsilon: epsilon, delta: delta, sensitivity: sensitivity)
        try self.init(sensitivity: sensitivity, epsilon: epsilon, delta: delta, sigma: sigma)
    }

    init(sensitivity: Double, epsilon: Double, delta: Double, sigma: Double) throws(PrivacyError) {
        self.sensitivity = sensitivity
        self.epsilon = epsilon
        self.delta = delta
        self.sigma = sigma
        var bits = 10
        while true {
            let grid = try NoiseGrid.relative(to: sensitivity, bits: bits)
            let units = try Double(grid.sensitivityUnits(sensitivity))
            let sigmaUnits = try DiscreteGaussianPrivacy.calibrate(
                sigma: sigma * units / sensitivity, epsilon: epsilon, delta: delta, sensitivity: UInt64(units))
            let variance = sigmaUnits * sigmaUnits * (1 + 0x1p-40)
            if variance <= 0x1p50 {
                self.grid = grid
                self.gridVariance = try PrivacyRational.roundingUp(variance)
                return
            }
            bits -= 1
            guard bits >= -40 else { throw .parameterOutOfRange(.noiseScale, value: sigma / sensitivity) }
        }
    }

    /// Releases a real-valued answer: rounded to `grid` plus discrete Gaussian noise in grid units.
    public func release<R: RandomNumberGenerator>(_ value: Double, using rng: inout R) throws(PrivacyError) -> Double {
        let units = try grid.units(value)
        let noise = try ExactSampler.discreteGaussian(sigmaSquared: gridVariance, using: &rng)
        let (sum, overflow) = units.addingReportingOverflow(noise)
        guard !overflow else { throw .answerOverflow(value: Double(value)) }
        return grid.value(sum)
    }

    /// Releases each coordinate of a vector answer whose ℓ2-sensitivity (whole vector) is Δ.
    ///
    /// Rounding each coordinate to the grid moves it by less than one grid unit relative to a neighbour's,
    /// so the rounded vectors' ℓ2 distance is at most Δ/g + √d grid units; σ is calibrated (analytic
    /// Gaussian) for that inflated sensitivity. The (ε, δ) statement for the vector uses the continuous
    /// bound; the multivariate discrete Gaussian matches it up to terms exponentially small in σ² (Canonne,
    /// Kamath & Steinke 2020, Section 6), and σ here is at least 2^10 grid units whenever σ ≥ Δ.
    /// - Throws: `PrivacyError.nonFiniteValue`, `.answerOverflow`, or `.valueCount` past 10^8 values.
    public func release<R: RandomNumberGenerator>(_ values: [Double], using rng: inout R) throws(PrivacyError) -> [Double] {
        guard values.count <= 100_000_000 else { throw .valueCount(values.count, allowed: 0...100_000_000) }
        if values.count <= 1 {
            return try values.map { (v: Double) throws(PrivacyError) -> Double in try release(v, using: &rng) }
        }
        let scaled = Double(sign: .plus, exponent: -grid.exponent, significand: sensitivity)
        let units = scaled + Double(values.count).squareRoot()
        let sigmaUnits = try AnalyticGaussian.sigma(epsilon: epsilon, delta: delta, sensitivity: units)
        let variance = sigmaUnits * sigmaUnits * (1 + 0x1p-40)
        guard variance <= 0x1p50 else { throw .parameterOutOfRange(.noiseScale, value: sigmaUnits) }
        let plan = try DiscreteGaussianPlan(sigmaSquared: PrivacyRational.roundingUp(variance))
        var out: [Double] = []
        out.reserveCapacity(values.count)
        for value in values {
            let u = try grid.units(value)
            let (sum, overflow) = u.addingReportingOverflow(plan.sample(&rng))
            guard !overflow else { throw .answerOverflow(value: Double(value)) }
            out.append(grid.value(sum))
        }
        return out
    }

    /// Releases an integer-valued answer with discrete Gaussian noise of σ·⌈Δ⌉/Δ (raised if needed so the
    /// discrete mechanism's own (ε, δ) bound holds).
    /// - Throws: `PrivacyError.parameterOutOfRange` when ⌈Δ⌉ is 2^64 or more or σ does not fit the sampler,
    ///   `.answerOverflow` when the noisy answer overflows.
    public func release<R: RandomNumberGenerator>(integer value: Int64, using rng: inout R) throws(PrivacyError) -> Int64 {
        let units = sensitivity.rounded(.up)
        guard let integerUnits = UInt64(exactly: units) else {
            throw .parameterOutOfRange(.integerSensitivity, value: sensitivity)
        }
        let s = try DiscreteGaussianPrivacy.calibrate(
            sigma: sigma * units / sensitivity, epsilon: epsilon, delta: delta, sensitivity: integerUnits)
        let variance = try PrivacyRational.roundingUp(s * s * (1 + 0x1p-40))
        let noise = try ExactSampler.discreteGaussian(sigmaSquared: variance, using: &rng)
        let (sum, overflow) = value.addingReportingOverflow(noise)
        guard !overflow else { throw .answerOverflow(value: Double(value)) }
        return sum
    }
}

/// Discrete Gaussian noise vectors on a power-of-two grid, for callers that calibrate σ themselves
/// (for example DP-SGD with a noise multiplier and an RDP accountant).
///
/// Choose the grid so that σ is many grid units (the default 2^-20 gives 2^20 units per unit of σ):
/// then the discrete noise's privacy matches the continuous Gaussian's that the accountants assume, up to
/// terms exponentially small in σ² (Canonne, Kamath & Steinke 2020). Values the noise is added to should be
/// rounded to the same grid, which adds at most √d grid units to their ℓ2 sensitivity.
public struct DiscreteGaussianNoise: Sendable {
    /// The standard deviation σ in real units.
    public let standardDeviation: Double
    /// The grid of the samples.
    public let grid: NoiseGrid
    let plan: DiscreteGaussianPlan

    /// Noise with standard deviation `standardDeviation` on a grid of spacing 2^`granularityExponent`.
    /// - Throws: `PrivacyError.parameterOutOfRange` when σ is not positive and finite, or σ in grid units
    ///   exceeds 2^25 (σ² above 2^50).
    public init(standardDeviation: Double, granularityExponent: Int = -20) throws(PrivacyError) {
        guard standardDeviation.isFinite, standardDeviation > 0 else {
            throw .parameterOutOfRange(.standardDeviation, value: standardDeviation)
        }
        let grid = try NoiseGrid(exponent: granularityExponent)
        let units = Double(sign: .plus, exponent: -granularityExponent, significand: standardDeviation)
        let variance = units * units * (1 + 0x1p-40)
        guard variance.isFinite, variance <= 0x1p50 else {
            throw .parameterOutOfRange(.noiseScale, value: units)
        }
        self.standardDeviation = standardDeviation
        self.grid = grid
        self.plan = try DiscreteGaussianPlan(sigmaSquared: PrivacyRational.roundingUp(variance))
    }

    /// `count` independent samples, as multiples of the grid spacing.
    /// - Throws: `PrivacyError.negativeCount` when `count < 0`.
    public func sample<R: RandomNumberGenerator>(count: Int, using rng: inout R) throws(PrivacyError) -> [Double] {
        guard count >= 0 else { throw .negativeCount(count) }
        return (0..<count).map { _ in grid.value(plan.sample(&rng)) }
    }

    /// `count` independent samples in grid units (integers).
    /// - Throws: `PrivacyError.negativeCount` when `count < 0`.
    public func sampleUnits<R: RandomNumberGenerator>(count: Int, using rng: inout R) throws(PrivacyError) -> [Int64] {
        guard count >= 0 else { throw .negativeCount(count) }
        return (0..<count).map { _ in plan.sample(&rng) }
    }

    /// `count` samples drawn from libsodium's CSPRNG.
    /// - Throws: `PrivacyError.negativeCount` when `count < 0`.
    public func sample(count: Int) throws(PrivacyError) -> [Double] {
        var rng = SecureBitSource()
        return try sample(count: count, using: &rng)
    }
}

/// The standard normal CDF Φ(x).
func normalCDF(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }

/// The (ε, δ) guarantee of the discrete Gaussian mechanism itself (integer sensitivity, integer noise).
public enum DiscreteGaussianPrivacy {
    /// A rigorous upper bound on the δ at ε of x + N_Z(0, σ²) for integer sensitivity Δ.
    ///
    /// Canonne, Kamath & Steinke 2020, Theorem 7: δ = P[Y > a] − e^ε·P[Y > b] with Y ~ N_Z(0, σ²),
    /// a = εσ²/Δ − Δ/2, b = εσ²/Δ + Δ/2. With f(y) = e^{−y²/2σ²}: Σ_{y ≥ m} f(y) lies between
    /// ∫_m^∞ f and ∫_{m−1}^∞ f for m ≥ 1, and by Poisson summation the normaliser Σ_y f(y) is
    /// σ√(2π)·θ with 1 ≤ θ ≤ 1 + 2e^{−2π²σ²}/(1 − e^{−2π²σ²}). Combining the bounds in the
    /// unfavourable direction gives the value returned.
    public static func deltaUpperBound(sigma: Double, epsilon: Double, sensitivity: UInt64) -> Double {
        let delta = Double(sensitivity)
        let a = epsilon * sigma * sigma / delta - delta / 2
        let b = epsilon * sigma * sigma / delta + delta / 2
        let ma = a.rounded(.down) + 1, mb = b.rounded(.down) + 1
        // Upper bound on P[Y > a] (θ ≥ 1); 1 when the tail starts at or below the mode.
        let upperTail = ma >= 1 ? normalCDF(-(ma - 1) / sigma) : 1
        let q = exp(-2 * Double.pi * Double.pi * sigma * sigma)
        let thetaHigh = 1 + 2 * q / (1 - q)
        // Lower bound on P[Y > b].
        let lowerTail = mb >= 1 ? normalCDF(-mb / sigma) / thetaHigh : 0
        return min(1, max(0, upperTail - exp(epsilon) * lowerTail))
    }

    /// The smallest σ' ≥ σ on the ladder σ·(1 + 2^-10)^k whose `deltaUpperBound` is at most δ.
    /// - Throws: `PrivacyError.noCalibration` when no σ' within a factor 2^4 of σ qualifies.
    public static func calibrate(sigma: Double, epsilon: Double, delta: Double, sensitivity: UInt64) throws(PrivacyError) -> Double {
        var s = sigma
        for _ in 0..<3000 {
            if deltaUpperBound(sigma: s, epsilon: epsilon, sensitivity: sensitivity) <= delta { return s }
            s *= 1 + 0x1p-10
            if s > sigma * 16 { break }
        }
        throw .noCalibration(epsilon: epsilon, delta: delta)
    }
}
