import Foundation
import Testing
@testable import DataFiPrivacy

// Bounds, values and parameters at the edges of Double: each call must either answer or throw.

@Test func histogramBoundsWiderThanTheLargestDoubleDoNotTrap() throws {
    // upper − lower overflows to +∞; the extremes still land in the first and last bins.
    var rng = SplitMix64(seed: 7)
    let values = [-1e308, -1e308, 0, 1.7e308, 1.7e308, 1.7e308]
    let counts = try PrivateQueries.histogram(values, lower: -1e308, upper: 1.7e308, bins: 4, epsilon: 60, using: &rng)
    // At ε = 60 the discrete Laplace noise is 0 except with probability about 2e^-60.
    #expect(counts == [2, 1, 0, 3])
}

@Test func histogramOfSubnormalBoundsDoesNotTrap() throws {
    var rng = SplitMix64(seed: 8)
    let counts = try PrivateQueries.histogram([0, 0, 5e-324, -1, 1], lower: 0, upper: 5e-324, bins: 10,
                                              epsilon: 60, using: &rng)
    #expect(counts.count == 10)
    #expect(counts.reduce(0, +) == 5)
}

@Test func histogramBinsMatchAnObviousImplementationOnOrdinaryBounds() throws {
    // The halved arithmetic must not move any value to another bin.
    var source = SplitMix64(seed: 9)
    let values = (0..<2000).map { _ in Double(source.next() % 2001) / 10 - 50 }  // includes exact bin edges
    var rng = SplitMix64(seed: 10)
    let counts = try PrivateQueries.histogram(values, lower: -40, upper: 40, bins: 16, epsilon: 60, using: &rng)
    var expected = [Int64](repeating: 0, count: 16)
    for v in values { expected[min(max(Int(((min(max(v, -40), 40) + 40) / 5).rounded(.down)), 0), 15)] += 1 }
    #expect(counts == expected)
}

@Test func boundedQueriesWithBoundsWiderThanTheLargestDoubleThrow() {
    var rng = SplitMix64(seed: 11)
    #expect(throws: PrivacyError.self) {
        try PrivateQueries.boundedSum([1], lower: -1e308, upper: 1.7e308, epsilon: 1, using: &rng)
    }
    #expect(throws: PrivacyError.self) {
        try PrivateQueries.boundedMean([1], lower: -1e308, upper: 1.7e308, epsilon: 1, using: &rng)
    }
    #expect(throws: PrivacyError.self) {
        try PrivateQueries.quantile([1], quantile: 0.5, lower: -1e308, upper: 1.7e308, epsilon: 1, using: &rng)
    }
}

@Test func accountantsRejectOrSurviveExtremeParameters() throws {
    #expect(throws: PrivacyError.self) {
        try PLDAccountant.epsilon(samplingRate: 1, noiseMultiplier: 1e-3, steps: 10, delta: 1e-5)
    }
    #expect(throws: PrivacyError.self) {
        try PLDAccountant.epsilon(samplingRate: 0.5, noiseMultiplier: 1, steps: Int.max, delta: 1e-5)
    }
    #expect(throws: PrivacyError.self) {
        try RDPAccountant.epsilon(samplingRate: 0.5, noiseMultiplier: .nan, steps: 10, delta: 1e-5)
    }
    #expect(throws: PrivacyError.self) {
        try RDPAccountant.epsilon(samplingRate: 0.5, noiseMultiplier: 1, steps: -1, delta: 1e-5)
    }
    // Extreme but valid: an answer, never a trap.
    #expect(try RDPAccountant.epsilon(samplingRate: 1, noiseMultiplier: 1e-300, steps: 100_000_000, delta: 1e-5) == .infinity)
    #expect(try RDPAccountant.epsilon(samplingRate: 0.5, noiseMultiplier: 1e300, steps: 100_000_000, delta: 1e-300) >= 0)
    #expect(try PLDAccountant.epsilon(samplingRate: 0.5, noiseMultiplier: 1e300, steps: 1000, delta: 1e-5) >= 0)
}

@Test func integerGaussianReleaseWithSensitivityBeyondUInt64Throws() throws {
    // ⌈Δ⌉ used to be converted to UInt64 unchecked.
    var rng = SplitMix64(seed: 12)
    for sensitivity in [0x1p64, 1e20] {
        let mechanism = try GaussianMechanism(sensitivity: sensitivity, epsilon: 1, delta: 1e-5)
        #expect(throws: PrivacyError.self) { try mechanism.release(integer: 0, using: &rng) }
    }
    let laplace = try LaplaceMechanism(sensitivity: 1e300, epsilon: 1e-300)
    #expect(throws: PrivacyError.self) { try laplace.release(integer: 0, using: &rng) }
    #expect(throws: PrivacyError.self) { try laplace.release(1e308, using: &rng) }
}

@Test func extremeRDPOrdersGiveAnAnswer() throws {
    for order in [1e300, 1e9 + 0.5, 1.0000000001, 1e19] {
        var accountant = try RDPAccountant(orders: [order])
        try accountant.composePoissonSubsampledGaussian(samplingRate: 0.5, noiseMultiplier: 0.7, count: 10)
        #expect(try accountant.epsilon(delta: 1e-5).epsilon >= 0)
    }
    for bad in [[Double](), [1], [.nan], [.infinity], [0.5]] {
        #expect(throws: PrivacyError.self) { try RDPAccountant(orders: bad) }
    }
}

@Test func negativeSampleCountsAreErrorsNotTraps() throws {
    let noise = try DiscreteGaussianNoise(standardDeviation: 1, granularityExponent: -8)
    var rng = SplitMix64(seed: 1)
    #expect(throws: PrivacyError.negativeCount(-1)) { try noise.sample(count: -1, using: &rng) }
    #expect(throws: PrivacyError.negativeCount(-5)) { try noise.sampleUnits(count: -5, using: &rng) }
    #expect(throws: PrivacyError.negativeCount(Int.min)) { try noise.sample(count: Int.min) }
    #expect(try noise.sample(count: 0, using: &rng).isEmpty)
}

@Test func outOfRangeParametersNameTheParameterInTheirType() throws {
    var rng = SplitMix64(seed: 12)
    var rdp = try RDPAccountant()
    #expect(throws: PrivacyError.parameterOutOfRange(.noiseMultiplier, value: -1)) {
        try rdp.composeGaussian(noiseMultiplier: -1)
    }
    #expect(throws: PrivacyError.parameterOutOfRange(.compositionCount, value: -3)) {
        try rdp.composeGaussian(noiseMultiplier: 1, count: -3)
    }
    #expect(throws: PrivacyError.parameterOutOfRange(.rdpOrder, value: 0.5)) { try RDPAccountant(orders: [2, 0.5]) }
    #expect(throws: PrivacyError.parameterOutOfRange(.rdpOrderCount, value: 0)) { try RDPAccountant(orders: []) }
    var pld = try PLDAccountant()
    #expect(throws: PrivacyError.parameterOutOfRange(.compositionCount, value: 0)) {
        try pld.composeGaussian(noiseMultiplier: 1, count: 0)
    }
    #expect(throws: PrivacyError.parameterOutOfRange(.bins, value: 0)) {
        try PrivateQueries.histogram([1], lower: 0, upper: 1, bins: 0, epsilon: 1, using: &rng)
    }
    #expect(throws: PrivacyError.notANumber(index: 1)) {
        try PrivateQueries.boundedSum([1, .nan], lower: 0, upper: 1, epsilon: 1, using: &rng)
    }
    #expect(throws: PrivacyError.nonFiniteValue(.infinity)) { try NoiseGrid(exponent: 0).units(.infinity) }
    #expect(throws: PrivacyError.valueCount(0, allowed: 1...10_000_000)) { try PrivateQueries.reportNoisyMax(scores: [], epsilon: 1, using: &rng) }
    #expect(throws: PrivacyError.negativeCount(-1)) { try PrivateQueries.count(-1, epsilon: 1, using: &rng) }
    let rr = try RandomizedResponse(epsilon: 1)
    #expect(throws: PrivacyError.invalidTally(yes: 5, total: 4)) { try rr.estimateRate(yesCount: 5, total: 4) }
    // Every parameter's message names it and its range.
    for parameter in PrivacyParameter.allCases {
        let text = PrivacyError.parameterOutOfRange(parameter, value: 2).description
        #expect(text.contains(parameter.name) && text.contains(parameter.allowed))
    }
}
