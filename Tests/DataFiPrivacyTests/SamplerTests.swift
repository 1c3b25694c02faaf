import Foundation
import PropertyBased
import Testing
@testable import DataFiPrivacy

@Test func bernoulliRationalMatchesProbability() throws {
    var rng = SplitMix64(seed: 1)
    for (n, d) in [(UInt64(1), UInt64(3)), (7, 10), (0, 5), (5, 5), (123_456_789, 1 << 40)] {
        let trials = 20_000
        var hits = 0
        for _ in 0..<trials where try ExactSampler.bernoulli(numerator: n, denominator: d, using: &rng) { hits += 1 }
        let p = Double(n) / Double(d)
        let (stat, _) = chiSquare(observed: [hits, trials - hits], probabilities: [p, 1 - p])
        if p == 0 || p == 1 { #expect(hits == Int(p) * trials) } else { #expect(stat < chiSquareCritical(1), "p=\(p)") }
    }
}

@Test func bernoulliRejectsBadProbabilities() {
    var rng = SplitMix64(seed: 2)
    #expect(throws: PrivacyError.self) { try ExactSampler.bernoulli(numerator: 3, denominator: 2, using: &rng) }
    #expect(throws: PrivacyError.self) { try ExactSampler.bernoulli(numerator: 0, denominator: 0, using: &rng) }
    #expect(throws: PrivacyError.self) { try PrivacyRational(1, 0) }
}

@Test func bernoulliExpMatchesExpMinusGamma() throws {
    var rng = SplitMix64(seed: 3)
    for (n, d) in [(UInt64(1), UInt64(2)), (1, 1), (5, 2), (37, 10), (0, 1)] {
        let gamma = try PrivacyRational(n, d)
        let trials = 30_000
        var hits = 0
        for _ in 0..<trials where ExactSampler.bernoulliExp(gamma, using: &rng) { hits += 1 }
        let p = exp(-gamma.doubleValue)
        let (stat, _) = chiSquare(observed: [hits, trials - hits], probabilities: [p, 1 - p])
        if n == 0 { #expect(hits == trials) } else { #expect(stat < chiSquareCritical(1), "γ=\(gamma): \(hits)") }
    }
}

/// Chi-square of integer samples against a probability mass on [-K, K] (tails lumped into the ends).
func integerChiSquare(_ samples: [Int64], range k: Int, pmf: (Int) -> Double) -> (Double, Int) {
    var observed = [Int](repeating: 0, count: 2 * k + 1)
    for s in samples { observed[Int(min(max(s, Int64(-k)), Int64(k))) + k] += 1 }
    var total = 0.0
    for y in -20 * k...20 * k { total += pmf(y) }
    var probs = [Double](repeating: 0, count: 2 * k + 1)
    for y in -20 * k...20 * k { probs[min(max(y, -k), k) + k] += pmf(y) / total }
    return chiSquare(observed: observed, probabilities: probs)
}

@Test(arguments: [(UInt64(1), UInt64(1)), (3, 1), (5, 2), (1, 3), (20, 1)])
func discreteLaplaceMatchesExactPMF(t: UInt64, s: UInt64) throws {
    var rng = SplitMix64(seed: 4 &+ t &* 31 &+ s)
    let scale = try PrivacyRational(t, s)
    let samples = try (0..<30_000).map { _ in try ExactSampler.discreteLaplace(scale: scale, using: &rng) }
    let b = scale.doubleValue
    let k = max(4, Int(6 * b))
    let (stat, df) = integerChiSquare(samples, range: k) { exp(-Double(abs($0)) / b) }
    #expect(stat < chiSquareCritical(df), "scale \(scale): χ²=\(stat), df=\(df)")
    // Mean 0, variance 2p/(1-p)² with p = e^{-1/b}.
    let mean = Double(samples.reduce(0, +)) / Double(samples.count)
    let variance = samples.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(samples.count)
    let p = exp(-1 / b)
    let expectedVariance = 2 * p / ((1 - p) * (1 - p))
    #expect(abs(mean) < 5 * (expectedVariance / Double(samples.count)).squareRoot())
    #expect(abs(variance - expectedVariance) < 0.05 * expectedVariance)
}

// (2^33 + 1) / 2^25 ≈ 256 exercises the 128-bit path (2·n·d·t² ≈ 2^68).
@Test(arguments: [(UInt64(1), UInt64(1)), (9, 4), (25, 1), (1, 10), (300, 1), (UInt64(1 << 33) + 1, UInt64(1 << 25))])
func discreteGaussianMatchesExactPMF(n: UInt64, d: UInt64) throws {
    var rng = SplitMix64(seed: 5 &+ n &* 17 &+ d)
    let sigma2 = try PrivacyRational(n, d)
    let samples = try (0..<30_000).map { _ in try ExactSampler.discreteGaussian(sigmaSquared: sigma2, using: &rng) }
    let s2 = sigma2.doubleValue
    let k = max(3, Int(4 * s2.squareRoot()))
    let pmf: (Int) -> Double = { exp(-Double($0 * $0) / (2 * s2)) }
    let (stat, df) = integerChiSquare(samples, range: k, pmf: pmf)
    #expect(stat < chiSquareCritical(df), "σ²=\(sigma2): χ²=\(stat), df=\(df)")
    var z = 0.0, m2 = 0.0, m4 = 0.0
    for y in -2000...2000 { z += pmf(y); m2 += Double(y * y) * pmf(y); m4 += pow(Double(y), 4) * pmf(y) }
    let expectedVariance = m2 / z
    // Standard error of the sample second moment: √((E[Y⁴] − E[Y²]²) / n).
    let standardError = ((m4 / z - expectedVariance * expectedVariance) / Double(samples.count)).squareRoot()
    let mean = Double(samples.reduce(0, +)) / Double(samples.count)
    let variance = samples.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(samples.count)
    #expect(abs(mean) < 5 * (expectedVariance / Double(samples.count)).squareRoot())
    #expect(abs(variance - expectedVariance) < 5 * standardError)
}

@Test func discreteGaussianLargeSigmaMoments() throws {
    var rng = SplitMix64(seed: 6)
    let noise = try DiscreteGaussianNoise(standardDeviation: 3.0, granularityExponent: -10)
    let samples = try noise.sample(count: 20_000, using: &rng)
    let mean = samples.reduce(0, +) / Double(samples.count)
    let variance = samples.reduce(0.0) { $0 + $1 * $1 } / Double(samples.count)
    #expect(abs(mean) < 5 * 3 / Double(samples.count).squareRoot())
    #expect(abs(variance - 9) < 0.05 * 9)
    for s in samples { #expect(s * 1024 == (s * 1024).rounded()) }   // on the grid
}

@Test func samplersAreReproducibleFromSeed() throws {
    var a = SplitMix64(seed: 99), b = SplitMix64(seed: 99)
    let x = try (0..<100).map { _ in try ExactSampler.discreteGaussian(sigmaSquared: PrivacyRational(10, 1), using: &a) }
    let y = try (0..<100).map { _ in try ExactSampler.discreteGaussian(sigmaSquared: PrivacyRational(10, 1), using: &b) }
    #expect(x == y)
}

@Test func samplerParameterLimits() throws {
    var rng = SplitMix64(seed: 7)
    #expect(throws: PrivacyError.self) { try ExactSampler.discreteLaplace(scale: PrivacyRational(0, 1), using: &rng) }
    #expect(throws: PrivacyError.self) { try ExactSampler.discreteLaplace(scale: PrivacyRational(1 << 53, 1), using: &rng) }
    #expect(throws: PrivacyError.self) { try ExactSampler.discreteGaussian(sigmaSquared: PrivacyRational(0, 1), using: &rng) }
    #expect(throws: PrivacyError.self) { try ExactSampler.discreteGaussian(sigmaSquared: PrivacyRational(1 << 52, 1), using: &rng) }
    #expect(throws: PrivacyError.self) { try DiscreteGaussianNoise(standardDeviation: .nan) }
    #expect(throws: PrivacyError.self) { try DiscreteGaussianNoise(standardDeviation: -1) }
    #expect(throws: PrivacyError.self) { try DiscreteGaussianNoise(standardDeviation: 1e9, granularityExponent: -20) }
    // Extreme but valid parameters still sample.
    _ = try ExactSampler.discreteGaussian(sigmaSquared: PrivacyRational((1 << 52) - 1, 1), using: &rng)
    _ = try ExactSampler.discreteGaussian(sigmaSquared: PrivacyRational(1, 1 << 52), using: &rng)
    _ = try ExactSampler.discreteLaplace(scale: PrivacyRational(1 << 52, 1), using: &rng)
    _ = try ExactSampler.discreteLaplace(scale: PrivacyRational(1, 1 << 52), using: &rng)
}

@Test func rationalRoundingIsConservative() async {
    await propertyCheck(count: 200, input: Gen.uint64(in: 1...(1 << 52))) { raw in
        let value = Double(raw) / Double(1 << 30)
        let up = try PrivacyRational.roundingUp(value)
        let down = try PrivacyRational.roundingDown(value)
        // Exact comparison: n / d ≥ value ⇔ n ≥ value·d (value·d is exact for d a power of two).
        #expect(Double(up.numerator) >= value * Double(up.denominator))
        #expect(Double(down.numerator) <= value * Double(down.denominator))
        #expect(up.doubleValue - down.doubleValue <= max(1e-9 * value, 1e-11))
    }
}

@Test func integerSquareRootIsExact() async {
    await propertyCheck(count: 300, input: Gen.uint64()) { n in
        let r = integerSquareRoot(n)
        #expect(r.multipliedFullWidth(by: r).high == 0 && r * r <= n)
        let r1 = r + 1
        let (sq, overflow) = r1.multipliedReportingOverflow(by: r1)
        #expect(overflow || sq > n)
    }
}
