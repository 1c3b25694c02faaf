import Foundation
import PropertyBased
import Testing
@testable import DataFiPrivacy

@Test func parametersAreValidated() {
    for bad in [0.0, -1, .infinity, -.infinity, .nan] {
        #expect(throws: PrivacyError.self) {
            try LaplaceMechanism(sensitivity: 1, epsilon: bad)
        }
        #expect(throws: PrivacyError.self) { try LaplaceMechanism(sensitivity: bad, epsilon: 1) }
        #expect(throws: PrivacyError.self) { try GaussianMechanism(sensitivity: bad, epsilon: 1, delta: 1e-5) }
        #expect(throws: PrivacyError.self) { try GaussianMechanism(sensitivity: 1, epsilon: bad, delta: 1e-5) }
        #expect(throws: PrivacyError.self) { try RandomizedResponse(epsilon: bad) }
        #expect(throws: PrivacyError.self) { try PrivacyBudget(epsilon: bad) }
    }
    for badDelta in [0.0, 1, -0.1, 2, .nan, .infinity] {
        #expect(throws: PrivacyError.self) { try GaussianMechanism(sensitivity: 1, epsilon: 1, delta: badDelta) }
        #expect(throws: PrivacyError.self) { try AnalyticGaussian.sigma(epsilon: 1, delta: badDelta) }
    }
    var rng = SplitMix64(seed: 1)
    #expect(throws: PrivacyError.invalidBounds(lower: 5, upper: 1)) {
        try PrivateQueries.boundedSum([1, 2], lower: 5, upper: 1, epsilon: 1, using: &rng)
    }
    #expect(throws: PrivacyError.self) { try PrivateQueries.boundedMean([1], lower: 1, upper: 1, epsilon: 1, using: &rng) }
    #expect(throws: PrivacyError.self) { try PrivateQueries.quantile([1], quantile: 0.5, lower: .nan, upper: 1, epsilon: 1, using: &rng) }
    #expect(throws: PrivacyError.self) { try PrivateQueries.quantile([1], quantile: 1.5, lower: 0, upper: 1, epsilon: 1, using: &rng) }
    #expect(throws: PrivacyError.self) { try PrivateQueries.histogram([1], lower: 0, upper: 1, bins: 0, epsilon: 1, using: &rng) }
    #expect(throws: PrivacyError.self) { try PrivateQueries.boundedSum([.nan], lower: 0, upper: 1, epsilon: 1, using: &rng) }
    #expect(throws: PrivacyError.self) { try PrivateQueries.count(-1, epsilon: 1, using: &rng) }
    #expect(throws: PrivacyError.self) { try PrivateQueries.reportNoisyMax(scores: [], epsilon: 1, using: &rng) }
}

@Test func analyticGaussianSigmaIsTight() throws {
    // Balle & Wang 2018: the calibrated σ meets δ and is below the classic bound.
    for (eps, delta) in [(0.5, 1e-5), (1.0, 1e-5), (2.0, 1e-6), (0.1, 1e-3)] {
        let sigma = try AnalyticGaussian.sigma(epsilon: eps, delta: delta)
        #expect(AnalyticGaussian.delta(sigma: sigma, epsilon: eps) <= delta)
        #expect(AnalyticGaussian.delta(sigma: sigma * 0.999, epsilon: eps) > delta)
        if eps < 1 { #expect(sigma < (try AnalyticGaussian.classicSigma(epsilon: eps, delta: delta))) }
    }
    // dp-accounting's GaussianPrivacyLoss agrees: σ for (ε=1, δ=1e-5) is about 3.73.
    #expect(abs(try AnalyticGaussian.sigma(epsilon: 1, delta: 1e-5) - 3.730) < 0.01)
}

@Test func laplaceMechanismNoiseHasTheRightScale() throws {
    var rng = SplitMix64(seed: 11)
    let m = try LaplaceMechanism(sensitivity: 2, epsilon: 0.5)   // scale 4
    let samples = try (0..<20_000).map { _ in try m.release(10.0, using: &rng) - 10 }
    let meanAbs = samples.reduce(0) { $0 + abs($1) } / Double(samples.count)
    #expect(abs(meanAbs - 4) < 0.15)   // E|Laplace(b)| = b
    let integers = try (0..<20_000).map { _ in try m.release(integer: 0, using: &rng) }
    let variance = integers.reduce(0.0) { $0 + Double($1 * $1) } / Double(integers.count)
    let p = exp(-0.25)
    #expect(abs(variance - 2 * p / ((1 - p) * (1 - p))) < 2)
}

@Test func gaussianMechanismNoiseHasTheRightScale() throws {
    var rng = SplitMix64(seed: 12)
    let m = try GaussianMechanism(sensitivity: 1, epsilon: 1, delta: 1e-5)
    // Scalar releases: noise standard deviation ≈ σ (the grid and the discrete check change it by < 1%).
    let scalars = try (0..<20_000).map { _ in try m.release(3.0, using: &rng) }
    let scalarVariance = scalars.reduce(0.0) { $0 + ($1 - 3) * ($1 - 3) } / Double(scalars.count)
    #expect(abs(scalarVariance.squareRoot() - m.sigma) < 0.03 * m.sigma)
    // One vector release of 20,000 coordinates: the grid adds √d units to the ℓ2 sensitivity.
    let noisy = try m.release([Double](repeating: 3, count: 20_000), using: &rng)
    let variance = noisy.reduce(0.0) { $0 + ($1 - 3) * ($1 - 3) } / Double(noisy.count)
    let g = m.grid.granularity
    let expected = try AnalyticGaussian.sigma(epsilon: 1, delta: 1e-5, sensitivity: 1 + 20_000.0.squareRoot() * g)
    #expect(expected > m.sigma)
    #expect(abs(variance.squareRoot() - expected) < 0.03 * expected)
    for v in noisy { #expect((v / g).rounded() == v / g) }
}

@Test func gridRoundingCommutesWithIntegerShifts() async {
    await propertyCheck(count: 300, input: Gen.int(in: -1_000_000...1_000_000), Gen.int(in: -50...50)) { raw, shift in
        let grid = try NoiseGrid(exponent: -3)
        let x = Double(raw) / 1000
        let shifted = x + Double(shift) * grid.granularity
        #expect(try grid.units(shifted) - grid.units(x) == Int64(shift))
        #expect(abs(grid.value(try grid.units(x)) - x) <= grid.granularity / 2)
    }
}

@Test func queriesAreAccurateAtHighEpsilon() throws {
    var rng = SplitMix64(seed: 13)
    let values = (0..<1000).map { Double($0 % 100) }   // mean 49.5, sum 49500, median ~49.5
    let count = try PrivateQueries.count(values.count, epsilon: 10, using: &rng)
    #expect(abs(count - 1000) <= 3)
    let sum = try PrivateQueries.boundedSum(values, lower: 0, upper: 100, epsilon: 10, using: &rng)
    #expect(abs(sum - 49_500) < 200)
    let mean = try PrivateQueries.boundedMean(values, lower: 0, upper: 100, epsilon: 10, using: &rng)
    #expect(abs(mean - 49.5) < 1)
    let median = try PrivateQueries.quantile(values, quantile: 0.5, lower: 0, upper: 100, epsilon: 10, using: &rng)
    #expect(median >= 45 && median <= 55)
    let p90 = try PrivateQueries.quantile(values, quantile: 0.9, lower: 0, upper: 100, epsilon: 10, using: &rng)
    #expect(p90 >= 85 && p90 <= 95)
    let hist = try PrivateQueries.histogram(values, lower: 0, upper: 100, bins: 10, epsilon: 10, using: &rng)
    #expect(hist.count == 10)
    for h in hist { #expect(abs(h - 100) <= 5) }
}

@Test func clampingIsExplicit() throws {
    var rng = SplitMix64(seed: 14)
    // A huge outlier cannot move a clamped sum by more than the upper bound.
    let sum = try PrivateQueries.boundedSum([1, 1, 1e300], lower: 0, upper: 10, epsilon: 50, using: &rng)
    #expect(abs(sum - 12) < 1)
    let mean = try PrivateQueries.boundedMean([-1e300, 5], lower: 0, upper: 10, epsilon: 50, using: &rng)
    #expect(mean >= 0 && mean <= 10)
}

@Test func reportNoisyMaxPrefersTheMaximum() throws {
    var rng = SplitMix64(seed: 15)
    var wins = [0, 0, 0]
    for _ in 0..<2000 { wins[try PrivateQueries.reportNoisyMax(scores: [10, 20, 12], epsilon: 1, using: &rng)] += 1 }
    // Exact exponential mechanism: P ∝ exp(score/2) → P(1) = 1/(1 + e^-5 + e^-4) ≈ 0.976.
    let p1 = 1 / (1 + exp(-5.0) + exp(-4.0))
    #expect(abs(Double(wins[1]) / 2000 - p1) < 0.02)
}

@Test func exponentialSamplerMatchesItsDistribution() throws {
    var rng = SplitMix64(seed: 16)
    let scores: [Int64] = [0, 1, 2, 3, 4]
    var counts = [Int](repeating: 0, count: 5)
    for _ in 0..<20_000 { counts[try PrivateQueries.reportNoisyMax(scores: scores, epsilon: 1, monotonic: true, using: &rng)] += 1 }
    let weights = scores.map { exp(Double($0)) }
    let total = weights.reduce(0, +)
    let (stat, df) = chiSquare(observed: counts, probabilities: weights.map { $0 / total })
    #expect(stat < chiSquareCritical(df))
}

@Test func randomizedResponseEstimatorIsUnbiased() throws {
    var rng = SplitMix64(seed: 17)
    let rr = try RandomizedResponse(epsilon: 1)
    #expect(abs(rr.truthProbability - exp(1) / (1 + exp(1))) < 1e-9)
    let n = 40_000
    var yes = 0
    for i in 0..<n where rr.respond(i % 10 < 3, using: &rng) { yes += 1 }   // true rate 0.3
    let estimate = try rr.estimateRate(yesCount: yes, total: n)
    #expect(abs(estimate - 0.3) < 4 * rr.estimateStandardDeviation(rate: 0.3, total: n))
    #expect(throws: PrivacyError.self) { try rr.estimateRate(yesCount: 5, total: 4) }
    #expect(throws: PrivacyError.self) { try rr.estimateRate(yesCount: 0, total: 0) }
}

@Test func walletChargesItsLocalBudget() throws {
    var rng = SplitMix64(seed: 18)
    var wallet = try PersonalDataWallet(attributes: ["owns_home": true], epsilonBudget: 1)
    _ = try wallet.answer("owns_home", epsilon: 0.6, using: &rng)
    #expect(throws: PrivacyError.self) { try wallet.answer("owns_home", epsilon: 0.6, using: &rng) }
    #expect(throws: PrivacyError.self) { try wallet.answer("unknown", epsilon: 0.1, using: &rng) }
    #expect(wallet.ledger.releases == 1)
    #expect(abs(wallet.ledger.remainingEpsilon - 0.4) < 1e-12)
}

@Test func compositionTheorems() throws {
    let basic = Composition.basic([(0.5, 1e-6), (0.25, 0), (1, 1e-5)])
    #expect(basic.epsilon == 1.75 && abs(basic.delta - 1.1e-5) < 1e-18)
    let adv = try Composition.advanced(epsilon: 0.01, delta: 0, count: 10_000, deltaPrime: 1e-5)
    // √(2·10⁴·ln 10⁵)·0.01 + 10⁴·0.01·(e^0.01 − 1) ≈ 4.799 + 1.005
    #expect(abs(adv.epsilon - ((2 * 10_000 * log(1e5)).squareRoot() * 0.01 + 100 * expm1(0.01))) < 1e-9)
    #expect(adv.epsilon < 100)
    #expect(throws: PrivacyError.self) { try Composition.advanced(epsilon: 1, delta: 0, count: 0, deltaPrime: 1e-5) }
    #expect(throws: PrivacyError.self) { try Composition.advanced(epsilon: 1, delta: 0, count: 3, deltaPrime: 0) }
}

@Test func discreteGaussianDeltaBoundTracksTheContinuousCurve() throws {
    // For many grid units the discrete bound is within a few percent of the analytic (continuous) δ.
    for (eps, delta) in [(1.0, 1e-5), (0.5, 1e-6), (2.0, 1e-3)] {
        let sigma = try AnalyticGaussian.sigma(epsilon: eps, delta: delta, sensitivity: 1024)
        let bound = DiscreteGaussianPrivacy.deltaUpperBound(sigma: sigma, epsilon: eps, sensitivity: 1024)
        #expect(abs(bound - delta) < 0.05 * delta, "ε=\(eps): \(bound) vs \(delta)")
        let calibrated = try DiscreteGaussianPrivacy.calibrate(sigma: sigma, epsilon: eps, delta: delta, sensitivity: 1024)
        #expect(calibrated >= sigma && calibrated < sigma * 1.01)
        #expect(DiscreteGaussianPrivacy.deltaUpperBound(sigma: calibrated, epsilon: eps, sensitivity: 1024) <= delta)
    }
    // With sensitivity 1 and small σ the discreteness matters and calibration raises σ when needed.
    let small = try AnalyticGaussian.sigma(epsilon: 1, delta: 1e-5)
    let raised = try DiscreteGaussianPrivacy.calibrate(sigma: small, epsilon: 1, delta: 1e-5, sensitivity: 1)
    #expect(DiscreteGaussianPrivacy.deltaUpperBound(sigma: raised, epsilon: 1, sensitivity: 1) <= 1e-5)
    // More noise never hurts.
    #expect(DiscreteGaussianPrivacy.deltaUpperBound(sigma: 10, epsilon: 1, sensitivity: 1)
            < DiscreteGaussianPrivacy.deltaUpperBound(sigma: 3, epsilon: 1, sensitivity: 1))
}
