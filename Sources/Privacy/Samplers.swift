/// Exact samplers for differential-privacy noise (Canonne, Kamath & Steinke 2020, Algorithms 1–3).
///
/// Every sampler uses only integer arithmetic on the bits drawn from the generator: there is no
/// floating-point sampling anywhere on the path (Mironov 2012). Uniform integers come from
/// `RandomNumberGenerator.next(upperBound:)`, which is unbiased.
///
/// Arithmetic is in `UInt128`. The parameter limits of the public entry points (numerators at most
/// 2^52, denominators at most 2^52, discrete Gaussian variances below 2^52) keep every intermediate
/// value in range, except in events whose probability is below e^-(2^10) (about 2^-1477); those events are resolved
/// by rejection and documented at the point where they occur.
public enum ExactSampler {
    static let parameterLimit: UInt64 = 1 << 52
    static let varianceLimit: UInt64 = 1 << 52

    // MARK: Bernoulli

    /// Returns true with probability `numerator / denominator` exactly (uniform integer comparison).
    ///
    /// - Throws: `PrivacyError.invalidProbability` unless `0 < denominator` and `numerator ≤ denominator`.
    public static func bernoulli<R: RandomNumberGenerator>(
        numerator: UInt64, denominator: UInt64, using rng: inout R
    ) throws(PrivacyError) -> Bool {
        guard denominator > 0, numerator <= denominator else {
            throw .invalidProbability(Double(numerator) / Double(denominator))
        }
        return bernoulliUnchecked(numerator, denominator, &rng)
    }

    /// Returns true with probability `p` exactly, for a rational `p ≤ 1`.
    public static func bernoulli<R: RandomNumberGenerator>(
        _ p: PrivacyRational, using rng: inout R
    ) throws(PrivacyError) -> Bool {
        try bernoulli(numerator: p.numerator, denominator: p.denominator, using: &rng)
    }

    /// Returns true with probability exp(−γ) exactly, for a rational γ ≥ 0 (any size).
    public static func bernoulliExp<R: RandomNumberGenerator>(
        _ gamma: PrivacyRational, using rng: inout R
    ) -> Bool {
        bernoulliExpUnchecked(UInt128(gamma.numerator), UInt128(gamma.denominator), &rng)
    }

    @inline(__always)
    static func bernoulliUnchecked<T: FixedWidthInteger & UnsignedInteger, R: RandomNumberGenerator>(
        _ n: T, _ d: T, _ rng: inout R
    ) -> Bool {
        if n == 0 { return false }
        if n >= d { return true }
        return rng.next(upperBound: d) < n
    }

    /// Bernoulli(exp(−n/d)) for n/d ∈ [0, 1] (CKS20 Algorithm 1, first part).
    @inline(__always)
    static func bernoulliExpFraction<T: FixedWidthInteger & UnsignedInteger, R: RandomNumberGenerator>(
        _ n: T, _ d: T, _ rng: inout R
    ) -> Bool {
        if n == 0 { return true }
        var k: T = 1
        while true {
            // d·k overflows only after more than 2^11 consecutive successes (probability below 1/(2^11)!).
            let (dk, overflow) = d.multipliedReportingOverflow(by: k)
            if overflow { break }
            if !bernoulliUnchecked(n, dk, &rng) { break }
            k += 1
        }
        return k & 1 == 1
    }

    /// Bernoulli(exp(−1)).
    @inline(__always)
    static func bernoulliExpMinusOne<R: RandomNumberGenerator>(_ rng: inout R) -> Bool {
        // Algorithm 1 with γ = 1: the trial at k = 1 (probability γ/1 = 1) always succeeds, so start at k = 2.
        var k: UInt64 = 2
        while rng.next(upperBound: k) == 0 { k += 1 }
        return k & 1 == 1
    }

    /// Bernoulli(exp(−n/d)) for any n/d ≥ 0 (CKS20 Algorithm 1).
    @inline(__always)
    static func bernoulliExpGeneric<T: FixedWidthInteger & UnsignedInteger, R: RandomNumberGenerator>(
        _ n: T, _ d: T, _ rng: inout R
    ) -> Bool {
        var (whole, remainder) = n.quotientAndRemainder(dividingBy: d)
        while whole > 0 {
            if !bernoulliExpMinusOne(&rng) { return false }
            whole -= 1
        }
        return bernoulliExpFraction(remainder, d, &rng)
    }

    /// Bernoulli(exp(−n/d)) for any n/d ≥ 0, in 64-bit arithmetic when both fit.
    @inline(__always)
    static func bernoulliExpUnchecked<R: RandomNumberGenerator>(_ n: UInt128, _ d: UInt128, _ rng: inout R) -> Bool {
        if n <= UInt128(UInt64.max) && d <= UInt128(UInt32.max) {
            return bernoulliExpGeneric(UInt64(n), UInt64(d), &rng)
        }
        return bernoulliExpGeneric(n, d, &rng)
    }

    // MARK: Discrete Laplace

    /// One sample of the discrete Laplace distribution with scale `scale` (CKS20 Algorithm 2):
    /// P[X = x] ∝ exp(−|x| / scale) on the integers.
    ///
    /// - Throws: `PrivacyError.parameterOutOfRange` when the scale is zero or its numerator or
    ///   denominator exceeds 2^52.
    public static func discreteLaplace<R: RandomNumberGenerator>(
        scale: PrivacyRational, using rng: inout R
    ) throws(PrivacyError) -> Int64 {
        guard scale.numerator > 0 else { throw .parameterOutOfRange(.laplaceScale, value: scale.doubleValue) }
        guard scale.numerator <= parameterLimit, scale.denominator <= parameterLimit else {
            throw .parameterOutOfRange(.laplaceScale, value: scale.doubleValue)
        }
        return discreteLaplaceUnchecked(t: scale.numerator, s: scale.denominator, &rng)
    }

    /// Discrete Laplace with scale t/s, t, s ≥ 1 (t, s ≤ 2^52).
    @inline(__always)
    static func discreteLaplaceUnchecked<R: RandomNumberGenerator>(t: UInt64, s: UInt64, _ rng: inout R) -> Int64 {
        while true {
            let u = t == 1 ? 0 : rng.next(upperBound: t)
            if !bernoulliExpFraction(u, t, &rng) { continue }
            var v: UInt64 = 0
            while bernoulliExpMinusOne(&rng) { v += 1 }
            // x = u + t·v ≥ 2^64 needs v ≥ 2^12 (t ≤ 2^52), probability e^-(2^12): resolved by rejection.
            let (tv, o1) = t.multipliedReportingOverflow(by: v)
            let (x, o2) = tv.addingReportingOverflow(u)
            if o1 || o2 { continue }
            let y = s == 1 ? x : x / s
            let negative = rng.next() & 1 == 1
            if negative && y == 0 { continue }
            // |y| ≥ 2^62 needs x ≥ 2^62, probability below e^-(2^10) for every scale t ≤ 2^52.
            guard y < (1 << 62) else { continue }
            return negative ? -Int64(y) : Int64(y)
        }
    }

    // MARK: Discrete Gaussian

    /// One sample of the discrete Gaussian distribution with variance parameter `sigmaSquared`
    /// (CKS20 Algorithm 3): P[X = x] ∝ exp(−x² / (2σ²)) on the integers.
    ///
    /// - Throws: `PrivacyError.parameterOutOfRange` when σ² is zero, not below 2^52, or has a numerator or
    ///   denominator above 2^52.
    public static func discreteGaussian<R: RandomNumberGenerator>(
        sigmaSquared: PrivacyRational, using rng: inout R
    ) throws(PrivacyError) -> Int64 {
        let plan = try DiscreteGaussianPlan(sigmaSquared: sigmaSquared)
        return plan.sample(&rng)
    }
}

/// Precomputed integers for sampling a discrete Gaussian of a fixed σ² = n/d.
struct DiscreteGaussianPlan: Sendable {
    let n: UInt128
    let d: UInt128
    let t: UInt64
    let denominator: UInt128  // 2·n·d·t²
    let denominator64: UInt64?  // the same when below 2^32 (so d·k stays in 64 bits)

    init(sigmaSquared: PrivacyRational) throws(PrivacyError) {
        guard sigmaSquared.numerator > 0 else { throw .parameterOutOfRange(.gaussianVariance, value: sigmaSquared.doubleValue) }
        guard sigmaSquared.numerator <= ExactSampler.parameterLimit,
              sigmaSquared.denominator <= ExactSampler.parameterLimit,
              sigmaSquared.numerator / sigmaSquared.denominator < ExactSampler.varianceLimit else {
            throw .parameterOutOfRange(.gaussianVariance, value: sigmaSquared.doubleValue)
        }
        n = UInt128(sigmaSquared.numerator)
        d = UInt128(sigmaSquared.denominator)
        // t = ⌊σ⌋ + 1, with ⌊σ⌋ = ⌊√⌊n/d⌋⌋ exactly.
        t = integerSquareRoot(sigmaSquared.numerator / sigmaSquared.denominator) + 1
        let tt = UInt128(t) * UInt128(t)
        denominator = 2 * n * d * tt   // σ ≥ 1: t² ≤ 4n/d, so ≤ 8n² ≤ 2^107; σ < 1: t = 1, so ≤ 2nd ≤ 2^105
        denominator64 = denominator <= UInt128(UInt32.max) ? UInt64(denominator) : nil
    }

    @inline(__always)
    func sample<R: RandomNumberGenerator>(_ rng: inout R) -> Int64 {
        let dt = d * UInt128(t)
        while true {
            let y = ExactSampler.discreteLaplaceUnchecked(t: t, s: 1, &rng)
            // γ = (|y|·d·t − n)² / (2·n·d·t²)
            let magnitude = UInt128(y.magnitude)
            let (ydt, o1) = magnitude.multipliedReportingOverflow(by: dt)
            // Overflow here or below means |y·d·t − n| ≥ 2^64, so γ ≥ 2^128 / 2^107 = 2^21 and acceptance
            // has probability below e^-(2^21): rejecting is exact up to that event.
            if o1 { continue }
            let a = ydt >= n ? ydt - n : n - ydt
            let (a2, o2) = a.multipliedReportingOverflow(by: a)
            if o2 { continue }
            if let small = denominator64, a2 <= UInt128(UInt64.max) {
                if ExactSampler.bernoulliExpGeneric(UInt64(a2), small, &rng) { return y }
            } else if ExactSampler.bernoulliExpGeneric(a2, denominator, &rng) {
                return y
            }
        }
    }
}
