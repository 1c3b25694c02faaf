import Testing
import DataFiPrivacy

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
    print("count ≈ \(count), mean ≈ \(mean)")
    // The budget is spent: a third release is refused and nothing is released.
    await #expect(throws: PrivacyError.self) {
        try await budget.spend(epsilon: 0.1) { try PrivateQueries.count(incomes.count, epsilon: 0.1) }
    }

    // DP-SGD accounting: q = 0.01, σ = 4, 10,000 steps, δ = 1e-5.
    let rdp = try RDPAccountant.epsilon(samplingRate: 0.01, noiseMultiplier: 4, steps: 10_000, delta: 1e-5)
    let pld = try PLDAccountant.epsilon(samplingRate: 0.01, noiseMultiplier: 4, steps: 10_000, delta: 1e-5)
    print("ε (RDP) = \(rdp), ε (PLD) = \(pld)")   // ≈ 1.035 and ≈ 0.947
    #expect(pld < rdp)

    // Discrete Gaussian noise for a gradient, on a grid of 2^-20.
    let noise = try DiscreteGaussianNoise(standardDeviation: 4.0, granularityExponent: -20)
    #expect(try noise.sample(count: 8).count == 8)
}
