import DataFiSupport
import DataFiWallet
import Foundation
import Testing

@Suite struct LocalPrivacyTests {
    @Test func budgetIsChargedPerAnswerAndRefusedWhenExhausted() throws {
        var wallet = try PersonalWallet(epsilonBudget: 2.5, now: 0)
        var rng = SplitMix64(seed: 7)
        let first = try wallet.answerYesNo(question: "owns-home", truth: true, epsilon: 1, at: 1, using: &rng)
        #expect(first.mechanism == .randomizedResponse)
        #expect([0, 1].contains(first.reported))
        _ = try wallet.answerCategory(question: "income-band", value: 3, categories: 5, epsilon: 1, at: 2, using: &rng)
        #expect(wallet.privacyLedger.spentEpsilon == 2)
        #expect(wallet.answers.count == 2)
        // 0.6 more would exceed 2.5: refused, nothing answered or charged.
        #expect(throws: WalletError.privacyBudgetExhausted(requested: 0.6, remaining: 0.5)) {
            try wallet.answerYesNo(question: "late-payment", truth: false, epsilon: 0.6, at: 3, using: &rng)
        }
        #expect(throws: WalletError.self) {
            try wallet.answerCategory(question: "late-payment", value: 0, categories: 3, epsilon: 0.6, at: 3, using: &rng)
        }
        #expect(wallet.privacyLedger.spentEpsilon == 2)
        #expect(wallet.answers.count == 2)
        // Exactly the remainder still fits.
        _ = try wallet.answerYesNo(question: "late-payment", truth: false, epsilon: 0.5, at: 4, using: &rng)
        #expect(wallet.privacyLedger.remainingEpsilon == 0)
        #expect(throws: WalletError.self) { try wallet.answerYesNo(question: "q", truth: true, epsilon: 0.01, at: 5) }
    }

    @Test func invalidAnswersAreTypedAndFree() throws {
        var wallet = try PersonalWallet(epsilonBudget: 5, now: 0)
        #expect(throws: WalletError.self) { try wallet.answerYesNo(question: "q", truth: true, epsilon: .nan, at: 0) }
        for epsilon in [0, -1, .infinity, 65] {
            #expect(throws: WalletError.invalidEpsilon(epsilon)) {
                try wallet.answerYesNo(question: "q", truth: true, epsilon: epsilon, at: 0)
            }
        }
        #expect(throws: WalletError.invalidCategory(value: 5, categories: 5)) {
            try wallet.answerCategory(question: "q", value: 5, categories: 5, epsilon: 1, at: 0)
        }
        #expect(throws: WalletError.invalidCategory(value: -1, categories: 5)) {
            try wallet.answerCategory(question: "q", value: -1, categories: 5, epsilon: 1, at: 0)
        }
        #expect(throws: WalletError.self) { try wallet.answerCategory(question: "q", value: 0, categories: 1, epsilon: 1, at: 0) }
        #expect(throws: WalletError.self) { try wallet.answerCategory(question: "q", value: 0, categories: 5000, epsilon: 1, at: 0) }
        #expect(throws: WalletError.invalidQuestion("")) { try wallet.answerYesNo(question: "", truth: true, epsilon: 1, at: 0) }
        #expect(wallet.privacyLedger.spentEpsilon == 0)
        #expect(wallet.answers.isEmpty)
        #expect(throws: WalletError.invalidEpsilon(0)) { try PersonalWallet(epsilonBudget: 0, now: 0) }
    }

    /// The k-ary response reports the truth with probability e^ε/(e^ε + k − 1) and every other
    /// category equally often; the estimator recovers the true histogram.
    @Test func localHistogramHasTheRightDistribution() throws {
        let k = 4
        let mechanism = try LocalHistogramResponse(epsilon: 1.0, categories: k)
        let p = exp(1.0) / (exp(1.0) + 3)
        #expect(abs(mechanism.truthProbability - p) < 1e-9)
        var rng = SplitMix64(seed: 2026)
        let n = 40_000
        var counts = [Int](repeating: 0, count: k)
        for _ in 0..<n { counts[try mechanism.respond(2, using: &rng)] += 1 }
        // Binomial standard deviation of the truth count is about 97; allow 5 of them.
        let sd = (Double(n) * p * (1 - p)).squareRoot()
        #expect(abs(Double(counts[2]) - Double(n) * p) < 5 * sd)
        let q = (1 - p) / 3
        for other in [0, 1, 3] {
            #expect(abs(Double(counts[other]) - Double(n) * q) < 5 * (Double(n) * q * (1 - q)).squareRoot())
        }
        // Population with true histogram 10%/20%/30%/40%: estimates within a few percent.
        var reports = [Int]()
        let truth = [4000, 8000, 12000, 16000]
        for (category, count) in truth.enumerated() {
            for _ in 0..<count { reports.append(try mechanism.respond(category, using: &rng)) }
        }
        let estimates = try mechanism.estimateCounts(reports)
        for (estimate, actual) in zip(estimates, truth) {
            #expect(abs(estimate - Double(actual)) < 0.05 * Double(reports.count))
        }
        #expect(abs(estimates.reduce(0, +) - Double(reports.count)) < 1e-6)
        #expect(throws: WalletError.invalidCategory(value: 4, categories: 4)) { try mechanism.estimateCounts([4]) }
    }
}
