import BenchSupport
import Benchmark
import DataFiPrivacy
import DataFiSodium
import Foundation

let benchmarks: @Sendable () -> Void = {
    BenchSupport.configure()

    // Each iteration draws 1,000 samples (scalingFactor .kilo): throughput is samples per second.
    let perSample = Benchmark.Configuration(scalingFactor: .kilo)

    func samplerBenchmarks<G: RandomNumberGenerator>(_ label: String, _ makeRNG: @escaping @Sendable () -> G) {
        Benchmark("Bernoulli(1/3) [\(label)]", configuration: perSample) { benchmark in
            var rng = makeRNG()
            for _ in benchmark.scaledIterations {
                blackHole(try ExactSampler.bernoulli(numerator: 1, denominator: 3, using: &rng))
            }
        }
        Benchmark("Bernoulli(exp(-1/2)) [\(label)]", configuration: perSample) { benchmark in
            var rng = makeRNG()
            let gamma = try PrivacyRational(1, 2)
            for _ in benchmark.scaledIterations { blackHole(ExactSampler.bernoulliExp(gamma, using: &rng)) }
        }
        for scale: UInt64 in [1, 100] {
            Benchmark("Discrete Laplace scale \(scale) [\(label)]", configuration: perSample) { benchmark in
                var rng = makeRNG()
                let b = try PrivacyRational(scale, 1)
                for _ in benchmark.scaledIterations { blackHole(try ExactSampler.discreteLaplace(scale: b, using: &rng)) }
            }
        }
        for sigma: UInt64 in [1, 100] {
            Benchmark("Discrete Gaussian sigma \(sigma) [\(label)]", configuration: perSample) { benchmark in
                var rng = makeRNG()
                let s2 = try PrivacyRational(sigma * sigma, 1)
                for _ in benchmark.scaledIterations {
                    blackHole(try ExactSampler.discreteGaussian(sigmaSquared: s2, using: &rng))
                }
            }
        }
    }
    samplerBenchmarks("libsodium, buffered") { SecureBitSource() }
    samplerBenchmarks("SplitMix64") { SplitMix64(seed: 42) }

    Benchmark("Gaussian noise vector (sigma 1, grid 2^-16) [libsodium, buffered]", configuration: perSample) { benchmark in
        let noise = try DiscreteGaussianNoise(standardDeviation: 1, granularityExponent: -16)
        var rng = SecureBitSource()
        benchmark.startMeasurement()
        blackHole(try noise.sample(count: benchmark.scaledIterations.count, using: &rng))
    }

    Benchmark("RDP accountant, 10000 steps (q=0.01, sigma=4)",
              configuration: .init(maxDuration: BenchSupport.smoke ? .milliseconds(1) : .seconds(3), maxIterations: BenchSupport.smoke ? 1 : 50)) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try RDPAccountant.epsilon(samplingRate: 0.01, noiseMultiplier: 4, steps: 10_000, delta: 1e-5))
        }
    }
    Benchmark("PLD accountant, 10000 steps (q=0.01, sigma=4)",
              configuration: .init(maxDuration: BenchSupport.smoke ? .milliseconds(1) : .seconds(3), maxIterations: BenchSupport.smoke ? 1 : 50)) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try PLDAccountant.epsilon(samplingRate: 0.01, noiseMultiplier: 4, steps: 10_000, delta: 1e-5))
        }
    }
}
