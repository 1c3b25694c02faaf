// Generated from README.md by scripts/readme-examples.py: edit the example in README.md, then run
// the script. The README's code runs as written, then the checks of its readme-test comment.

import DataFiPrivacy
import Testing

@Test func readmeExample() async throws {
    // A private count and mean under a per-dataset budget; noise is exact and drawn from libsodium.
    let budget = try PrivacyBudget(epsilon: 1.0)
    let incomes = [3200.0, 4100, 2800, 5150, 3900]
    let count = try await budget.spend(epsilon: 0.5) {
        try PrivateQueries.count(incomes.count, epsilon: 0.5)
    }
    let mean = try await budget.spend(epsilon: 0.5) {
        try PrivateQueries.boundedMean(incomes, lower: 0, upper: 10_000, epsilon: 0.5)
    }
    // The budget is spent: a third release throws PrivacyError and nothing is released.

    // DP-SGD accounting: q = 0.01, σ = 4, 10,000 steps, δ = 1e-5.
    let rdp = try RDPAccountant.epsilon(samplingRate: 0.01, noiseMultiplier: 4, steps: 10_000, delta: 1e-5)
    let pld = try PLDAccountant.epsilon(samplingRate: 0.01, noiseMultiplier: 4, steps: 10_000, delta: 1e-5)
    // ≈ 1.035 and ≈ 0.947

    // Discrete Gaussian noise for a gradient, on a grid of 2^-20.
    let noise = try DiscreteGaussianNoise(standardDeviation: 4.0, granularityExponent: -20)
    let gradientNoise = try noise.sample(count: 8)

    // Checks (from the readme-test comment under the example).
    #expect(abs(count - 5) < 100 && mean.isFinite)
    await #expect(throws: PrivacyError.self) {
        try await budget.spend(epsilon: 0.1) { try PrivateQueries.count(incomes.count, epsilon: 0.1) }
    }
    #expect(pld < rdp)
    #expect(gradientNoise.count == 8)
}
