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
        guard !overflow else { throw .invalidInput("answer \(value) too large") }
        return sum
    }

    /// Releases a real-valued query answer: rounded to `grid`, plus discrete Laplace noise in grid units.
    public func release<R: RandomNumberGenerator>(_ value: Double, using rng: inout R) throws(PrivacyError) -> Double {
        let units = try grid.units(value)
        let scale = try conservativeScale(Double(grid.sensitivityUnits(sensitivity)), over: epsilon)
        let noise = try ExactSampler.discreteLaplace(scale: scale, using: &rng)
        let (sum, overflow) = units.addingReportingOverflow(noise)
        guard !overflow else { throw .invalidInput("answer \(value) too large") }
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
            guard hi.isFinite, hi < 1e300 else { throw .parameterOutOfRange("σ for ε=\(epsilon), δ=\(delta)") }
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
/// discrete Gaussian sampler on a grid; the discrete Gaussian with the same σ satisfies the same
/// (Δ²/2σ²)-zCDP bound as the continuous one (Canonne, Kamath & Steinke 2020, Theorem 4), and its
/// (ε, δ) curve is within a negligible distance of the continuous curve for σ of a few grid units or
/// more, which the grid choice guarantees (σ ≥ 2^10 grid units whenever σ ≥ Δ).
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
            let sigmaUnits = sigma * units / sensitivity
            let variance = sigmaUnits * sigmaUnits * (1 + 0x1p-40)
            if variance <= 0x1p50 {
                self.grid = grid
                self.gridVariance = try PrivacyRational.roundingUp(variance)
                return
            }
            bits -= 1
            guard bits >= -40 else { throw .parameterOutOfRange("σ/Δ = \(sigma / sensitivity) too large") }
        }
    }

    /// Releases a real-valued answer: rounded to `grid` plus discrete Gaussian noise in grid units.
    public func release<R: RandomNumberGenerator>(_ value: Double, using rng: inout R) throws(PrivacyError) -> Double {
        let units = try grid.units(value)
        let noise = try ExactSampler.discreteGaussian(sigmaSquared: gridVariance, using: &rng)
        let (sum, overflow) = units.addingReportingOverflow(noise)
        guard !overflow else { throw .invalidInput("answer \(value) too large") }
        return grid.value(sum)
    }

    /// Releases each coordinate of a vector answer (ℓ2-sensitivity Δ for the whole vector).
    public func release<R: RandomNumberGenerator>(_ values: [Double], using rng: inout R) throws(PrivacyError) -> [Double] {
        let plan = try DiscreteGaussianPlan(sigmaSquared: gridVariance)
        var out: [Double] = []
        out.reserveCapacity(values.count)
        for value in values {
            let units = try grid.units(value)
            let (sum, overflow) = units.addingReportingOverflow(plan.sample(&rng))
            guard !overflow else { throw .invalidInput("answer \(value) too large") }
            out.append(grid.value(sum))
        }
        return out
    }

    /// Releases an integer-valued answer with discrete Gaussian noise of σ·⌈Δ⌉/Δ.
    public func release<R: RandomNumberGenerator>(integer value: Int64, using rng: inout R) throws(PrivacyError) -> Int64 {
        let s = sigma * sensitivity.rounded(.up) / sensitivity
        let variance = try PrivacyRational.roundingUp(s * s * (1 + 0x1p-40))
        let noise = try ExactSampler.discreteGaussian(sigmaSquared: variance, using: &rng)
        let (sum, overflow) = value.addingReportingOverflow(noise)
        guard !overflow else { throw .invalidInput("answer \(value) too large") }
        return sum
    }
}

/// Discrete Gaussian noise vectors on a power-of-two grid, for callers that calibrate σ themselves
/// (for example DP-SGD with a noise multiplier and an RDP accountant).
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
            throw .parameterOutOfRange("standard deviation \(standardDeviation)")
        }
        let grid = try NoiseGrid(exponent: granularityExponent)
        let units = Double(sign: .plus, exponent: -granularityExponent, significand: standardDeviation)
        let variance = units * units * (1 + 0x1p-40)
        guard variance.isFinite, variance <= 0x1p50 else {
            throw .parameterOutOfRange("σ = \(standardDeviation) is more than 2^25 grid units of 2^\(granularityExponent)")
        }
        self.standardDeviation = standardDeviation
        self.grid = grid
        self.plan = try DiscreteGaussianPlan(sigmaSquared: PrivacyRational.roundingUp(variance))
    }

    /// `count` independent samples, as multiples of the grid spacing.
    public func sample<R: RandomNumberGenerator>(count: Int, using rng: inout R) -> [Double] {
        precondition(count >= 0, "count must not be negative")
        return (0..<count).map { _ in grid.value(plan.sample(&rng)) }
    }

    /// `count` independent samples in grid units (integers).
    public func sampleUnits<R: RandomNumberGenerator>(count: Int, using rng: inout R) -> [Int64] {
        precondition(count >= 0, "count must not be negative")
        return (0..<count).map { _ in plan.sample(&rng) }
    }

    /// `count` samples drawn from libsodium's CSPRNG.
    public func sample(count: Int) -> [Double] {
        var rng = SecureBitSource()
        return sample(count: count, using: &rng)
    }
}

/// The standard normal CDF Φ(x).
func normalCDF(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }
