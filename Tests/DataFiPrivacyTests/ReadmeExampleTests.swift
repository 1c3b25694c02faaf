import Testing
import DataFiPrivacy

@Test func readmeExample() async throws {
    // Exact discrete noise from libsodium: a private count and mean under a per-dataset budget.
    let budget = try PrivacyBudget(epsilon: 1.0)
    let incomes = [3200.0, 4100, 2800, 5150, 3900]
    var rng = SecureBitSource()
    let count = try await budget.spend(epsilon: 0.5) {
        try PrivateQueries.count(incomes.count, epsilon: 0.5, using: &rng)
    }
    let mean = try await budget.spend(epsilon: 0.5) {
        try PrivateQueries.boundedMean(incomes, lower: 0, upper: 10_000, epsilon: 0.5, using: &rng)
    }
    print("count ≈ \(count), mean ≈ \(mean)")

    // DP-SGD accounting: q = 0.01, σ = 4, 10,000 steps, δ = 1e-5.
    let rdp = try RDPAccountant.epsilon(samplingRate: 0.01, noiseMultiplier: 4, steps: 10_000, delta: 1e-5)
    let pld = try PLDAccountant.epsilon(samplingRate: 0.01, noiseMultiplier: 4, steps: 10_000, delta: 1e-5)
    print("ε (RDP) = \(rdp), ε (PLD) = \(pld)")   // ≈ 1.035 and ≈ 0.947
    #expect(pld < rdp)
}
