import DataFiPrivacy
import DataFiSupport
import Foundation
import PropertyBased
import Testing
@testable import DataFiSecAgg

@Suite struct QuantizerTests {
    @Test func roundTripIsWithinHalfAStep() async {
        await propertyCheck(count: 100, input: Gen.int(in: 8...62), Gen.int(in: 1...1000), Gen.uint64(in: 0...UInt64.max)) { bits, clipTenths, seed in
            var rng = SplitMix64(seed: seed)
            let clip = Double(clipTenths) / 10
            let scale = Double(1 << min(bits - 2, 20)) / clip / 4
            guard let q = try? Quantizer(bits: bits, clip: clip, scale: scale, clients: 1) else { return }
            let xs = (0..<20).map { _ in (rng.nextUnit() * 3 - 1.5) * clip }
            let back = q.decode(try q.quantize(xs))
            for (x, y) in zip(xs, back) {
                let clipped = min(max(x, -clip), clip)
                #expect(abs(clipped - y) <= 0.5 / scale + 1e-12)
            }
        }
    }

    @Test func sumsDecodeExactlyWithinTheOverflowBound() async {
        // Up to 53 bits, so the clip bound m is exact as a Double.
        await propertyCheck(count: 60, input: Gen.int(in: 2...20), Gen.int(in: 4...53), Gen.uint64(in: 0...UInt64.max)) { n, bits, seed in
            var rng = SplitMix64(seed: seed)
            // The largest magnitude the bound allows for n clients: n · m < 2^(bits−1).
            let m = ((UInt64(1) << UInt64(bits - 1)) - 1) / UInt64(n)
            guard m >= 1 else { return }
            let q = try Quantizer(bits: bits, clip: Double(m), scale: 1, clients: n)
            #expect(q.maxMagnitude == m)
            var total: Int64 = 0
            var acc: UInt64 = 0
            for _ in 0..<n {
                // Extreme values included: all clients at +m or −m is the worst case.
                let x = rng.next() & 1 == 0 ? (rng.next() & 1 == 0 ? Int64(m) : -Int64(m)) : Int64(rng.next(upperBound: m + 1)) - Int64(m / 2)
                total += x
                acc = (acc &+ q.element(x)) & ((UInt64(1) << UInt64(bits)) - 1)
            }
            #expect(q.signed(acc) == total)
        }
    }

    @Test func overflowBoundIsEnforced() throws {
        // 4 clients × 2^13 = 2^15 does not fit in 2^(16−1); 4 × (2^13 − 1) does.
        #expect(throws: SecAggError.overflowRisk(clients: 4, magnitude: 8192, bits: 16)) {
            try Quantizer(bits: 16, clip: 8192, scale: 1, clients: 4)
        }
        _ = try Quantizer(bits: 16, clip: 8191, scale: 1, clients: 4)
        #expect(throws: SecAggError.overflowRisk(clients: 4, magnitude: 8192, bits: 16)) {
            try Quantizer(bits: 16, clip: 8000, scale: 1, clients: 4, noiseMargin: 192)
        }
        // Past the bound the signed reading really does wrap: 4 × 2^13 reads as −2^15.
        let q = try Quantizer(bits: 16, clip: 8191, scale: 1, clients: 4)
        #expect(q.signed((4 * 8192) & 0xFFFF) == -32768)
        #expect(throws: SecAggError.invalidQuantization(clip: -1, scale: 1)) { try Quantizer(bits: 16, clip: -1, scale: 1, clients: 1) }
        #expect(throws: SecAggError.invalidQuantization(clip: 1, scale: .infinity)) { try Quantizer(bits: 16, clip: 1, scale: .infinity, clients: 1) }
        #expect(throws: SecAggError.invalidBitWidth(63)) { try Quantizer(bits: 63, clip: 1, scale: 1, clients: 1) }
        #expect(throws: SecAggError.nonFiniteValue(index: 1)) { try q.quantize([1, .infinity]) }
    }
}

@Suite struct DistributedDPTests {
    @Test func aggregateNoiseHasTheDocumentedVariance() throws {
        // 5 clients each add N_Z(0, 16) to 3,000 coordinates of a zero vector; the securely
        // aggregated noise has variance 5 · 16 = 80 (the discrete Gaussian's variance equals σ² to
        // within 10^-300 at σ² = 16). Standard error of the sample variance: 80·√(2/2999) ≈ 2.07.
        let d = 3000, n = 5
        let mechanism = try DistributedDiscreteGaussian(perClientVariance: PrivacyRational(16, 1), sensitivity: 1, dimension: d)
        let config = try SecAggConfig(session: 11, threshold: 3, dimension: d, bits: 32)
        var rng = SplitMix64(seed: 2024)
        var inputs: [ClientID: [UInt64]] = [:]
        for id in 1...UInt32(n) {
            var v = [UInt64](repeating: 0, count: d)
            mechanism.addNoise(to: &v, bits: 32, using: &rng)
            inputs[id] = v
        }
        let report = try SecAggSimulation.run(config: config, inputs: inputs)
        #expect(report.sumMatchesPlaintext)
        let q = try Quantizer(bits: 32, clip: 1, scale: 1, clients: n, noiseMargin: 1000)
        let noise = report.sum.map { Double(q.signed($0)) }
        let mean = noise.reduce(0, +) / Double(d)
        let variance = noise.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(d - 1)
        #expect(abs(mean) < 4 * (80.0 / Double(d)).squareRoot())
        #expect(abs(variance - 80) < 5 * 2.07, "variance \(variance)")
    }

    @Test func accountantMatchesTheGaussianAccountantWhenTauVanishes() throws {
        // σ_c² = 100: τ ≈ 10·Σ exp(−2π²·100·k/(k+1)) underflows to 0, so the bound is the Gaussian
        // mechanism's α·Δ²/(2·m·σ_c²) with noise multiplier √(m·σ_c²)/Δ.
        let mechanism = try DistributedDiscreteGaussian(perClientVariance: PrivacyRational(100, 1), sensitivity: 10, dimension: 4)
        var ours = DistributedDPAccountant()
        try ours.compose(mechanism, survivors: 10)
        try ours.compose(mechanism, survivors: 10)
        var reference = try RDPAccountant()
        try reference.composeGaussian(noiseMultiplier: (10.0 * 100).squareRoot() / 10, count: 2)
        let a = try ours.epsilon(delta: 1e-5), b = try reference.epsilon(delta: 1e-5)
        #expect(abs(a.epsilon - b.epsilon) < 1e-9)
        #expect(ours.rounds == 2)
    }

    @Test func calibrationMeetsTheTargetTightlyAndDropoutsCostPrivacy() throws {
        let m = try DistributedDiscreteGaussian.calibrated(epsilon: 1, delta: 1e-5, sensitivity: 1, dimension: 1, minimumSurvivors: 10)
        let atThreshold = try m.epsilon(survivors: 10, delta: 1e-5)
        #expect(atThreshold <= 1)
        #expect(atThreshold > 0.99)
        let smaller = try DistributedDiscreteGaussian(perClientVariance: PrivacyRational.roundingUp(m.perClientVariance.doubleValue * 0.9),
                                                      sensitivity: 1, dimension: 1)
        #expect(try smaller.epsilon(survivors: 10, delta: 1e-5) > 1)
        // More survivors means more noise and less ε; fewer than planned means more.
        #expect(try m.epsilon(survivors: 20, delta: 1e-5) < atThreshold)
        #expect(try m.epsilon(survivors: 5, delta: 1e-5) > atThreshold)
        // The τ term: tiny variances pay a visible price per dimension.
        let tiny = try DistributedDiscreteGaussian(perClientVariance: PrivacyRational(1, 4), sensitivity: 1, dimension: 100)
        let tau = tiny.rdp(survivors: 10, orders: [2])[0] - 2.0 / (2 * 10 * 0.25)
        #expect(tau > 1e-3)
        #expect(throws: SecAggError.self) { try DistributedDiscreteGaussian.calibrated(epsilon: 0, delta: 1e-5, sensitivity: 1, dimension: 1, minimumSurvivors: 2) }
        #expect(throws: SecAggError.self) { try DistributedDiscreteGaussian(perClientVariance: PrivacyRational(1, 8), sensitivity: 1, dimension: 1) }
    }

    @Test func noiseMarginBoundsTheTail() throws {
        let m = try DistributedDiscreteGaussian(perClientVariance: PrivacyRational(25, 1), sensitivity: 1, dimension: 1)
        let b = m.noiseMargin(tailProbability: 1e-6)
        #expect(b == UInt64((2 * 25 * log(2e6)).squareRoot().rounded(.up)))
        var rng = SplitMix64(seed: 5)
        var v = [UInt64](repeating: 0, count: 1)
        var exceed = 0
        for _ in 0..<20_000 {
            v[0] = 0
            let single = try DistributedDiscreteGaussian(perClientVariance: PrivacyRational(25, 1), sensitivity: 1, dimension: 1)
            single.addNoise(to: &v, bits: 62, using: &rng)
            let x = Int64(bitPattern: v[0] << 2) >> 2
            if x.magnitude > b { exceed += 1 }
        }
        #expect(exceed == 0)
    }
}

@Suite struct FederatedAnalyticsTests {
    let shards: [[Double]] = [[1, 2, 3], [4, 5], [6, 7, 8, 9], [10]]

    @Test func exactAnswersWithoutNoise() throws {
        let all = shards.flatMap { $0 }
        #expect(try FederatedAnalytics.run(shards: shards, query: .count).value == 10)
        let sum = try FederatedAnalytics.run(shards: shards, query: .sum(lower: 0, upper: 16)).value!
        #expect(abs(sum - all.reduce(0, +)) < 1e-9)
        let mean = try FederatedAnalytics.run(shards: shards, query: .mean(lower: 0, upper: 16)).value!
        #expect(abs(mean - 5.5) < 1e-9)
        let hist = try FederatedAnalytics.run(shards: shards, query: .histogram(lower: 0, upper: 10, bins: 5)).histogram!
        #expect(hist == [1, 2, 2, 2, 3])
        let median = try FederatedAnalytics.run(shards: shards, query: .quantile(0.5, lower: 0, upper: 10, bins: 10)).value!
        #expect(median >= 5 && median <= 6)
        // Clamping: values above the upper bound count as the bound.
        let clamped = try FederatedAnalytics.run(shards: shards, query: .sum(lower: 0, upper: 5)).value!
        #expect(abs(clamped - (1 + 2 + 3 + 4 + 5 + 5 * 5)) < 1e-9)
    }

    @Test func dropoutsRemoveOwnersAndTooManyDropoutsReleaseNothing() throws {
        let r = try FederatedAnalytics.run(shards: shards, query: .count, threshold: 3, dropout: 0.25, seed: 1)
        #expect(r.survivors == 3)
        #expect([7.0, 8, 9, 6].contains(r.value!))   // the survivors' records: 10 minus one owner's
        #expect(throws: SecAggError.tooFewSurvivors(phase: .maskedInput, survivors: 2, threshold: 3)) {
            try FederatedAnalytics.run(shards: shards, query: .count, threshold: 3, dropout: 0.5, seed: 1)
        }
    }

    @Test func distributedDPReportsPrivacyAndStaysNearTheTruth() throws {
        let owners = (0..<6).map { o in (0..<50).map { Double(($0 * 7 + o) % 20) } }
        let r = try FederatedAnalytics.run(shards: owners, query: .count, privacy: (epsilon: 1, delta: 1e-6))
        #expect(r.epsilon! <= 1)
        let sd = (r.perOwnerVariance! * 6).squareRoot()
        #expect(abs(r.value! - 300) < 8 * sd)
        let dropped = try FederatedAnalytics.run(shards: owners, query: .count, privacy: (epsilon: 1, delta: 1e-6), dropout: 0.34, seed: 2)
        #expect(dropped.survivors == 4)
        #expect(dropped.epsilon! <= 1 && dropped.epsilon! > r.epsilon!)
    }

    @Test func distributedDPMeanIsUsefulWithManyRecords() throws {
        let owners = (0..<6).map { o in (0..<500).map { Double(($0 * 7 + o) % 20) } }
        let truth = owners.flatMap { $0 }.reduce(0, +) / 3000
        let r = try FederatedAnalytics.run(shards: owners, query: .mean(lower: 0, upper: 20), privacy: (epsilon: 1, delta: 1e-6))
        #expect(abs(r.value! - truth) < 0.5, "mean \(r.value!) vs \(truth)")
        #expect(r.epsilon! <= 1)
    }

    @Test func hostileQueriesAreRefused() throws {
        #expect(throws: SecAggError.nonFiniteValue(index: 1)) { try FederatedAnalytics.localVector([1, .nan], query: .count) }
        #expect(throws: SecAggError.invalidDimension(0)) {
            try FederatedAnalytics.run(shards: shards, query: .histogram(lower: 0, upper: 1, bins: 0))
        }
        #expect(throws: SecAggError.invalidQuantization(clip: 2, scale: 1)) {
            try FederatedAnalytics.run(shards: shards, query: .sum(lower: 2, upper: 1))
        }
        #expect(throws: SecAggError.invalidClientID(1)) { try FederatedAnalytics.run(shards: [[1]], query: .count) }
        #expect(throws: SecAggError.invalidPrivacyParameter("quantile 2.0 must be in [0, 1]")) {
            try FederatedAnalytics.run(shards: shards, query: .quantile(2, lower: 0, upper: 1, bins: 4))
        }
    }
}
