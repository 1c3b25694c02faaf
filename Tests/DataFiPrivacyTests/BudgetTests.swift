import Foundation
import Testing
@testable import DataFiPrivacy

@Test func ledgerRefusesOverBudgetAndStaysUnchanged() throws {
    var ledger = try PrivacyLedger(epsilon: 1, delta: 1e-5)
    try ledger.charge(epsilon: 0.4)
    try ledger.charge(epsilon: 0.4, delta: 5e-6)
    let before = ledger
    #expect(throws: PrivacyError.self) { try ledger.charge(epsilon: 0.3) }
    #expect(throws: PrivacyError.self) { try ledger.charge(epsilon: 0.1, delta: 6e-6) }
    #expect(throws: PrivacyError.self) { try ledger.charge(epsilon: -1) }
    #expect(throws: PrivacyError.self) { try ledger.charge(epsilon: .nan) }
    #expect(ledger == before)
    try ledger.charge(epsilon: 0.2)   // exactly fills the budget
    #expect(ledger.releases == 3)
    #expect(ledger.remainingEpsilon < 1e-12)
}

@Test func budgetRunsNoReleaseWhenOverBudget() async throws {
    let budget = try PrivacyBudget(epsilon: 1)
    var rng = SplitMix64(seed: 1)
    let first = try await budget.spend(epsilon: 0.7) { 42 }
    #expect(first == 42)
    var ran = false
    do {
        _ = try await budget.spend(epsilon: 0.5) { ran = true; return try PrivateQueries.count(10, epsilon: 0.5, using: &rng) }
        Issue.record("expected a budget error")
    } catch let error as PrivacyError {
        guard case .budgetExceeded = error else { Issue.record("wrong error \(error)"); return }
    }
    #expect(!ran)
    #expect(abs(await budget.remainingEpsilon - 0.3) < 1e-12)
    // A release that fails is not charged.
    struct Boom: Error {}
    await #expect(throws: Boom.self) { try await budget.spend(epsilon: 0.1) { throw Boom() } }
    #expect(abs(await budget.remainingEpsilon - 0.3) < 1e-12)
}

@Test func concurrentChargesNeverOverspend() async throws {
    let budget = try PrivacyBudget(epsilon: 10)
    let successes = await withTaskGroup(of: Bool.self) { group in
        for _ in 0..<200 {
            group.addTask { (try? await budget.charge(epsilon: 0.1)) != nil }
        }
        var n = 0
        for await ok in group where ok { n += 1 }
        return n
    }
    #expect(successes == 100)
    #expect(await budget.ledger.releases == 100)
    #expect(await budget.ledger.spentEpsilon <= 10 * (1 + 1e-12))
}
