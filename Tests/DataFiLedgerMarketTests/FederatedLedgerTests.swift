import DataFiBigNum
import DataFiLedger
import DataFiLedgerMarket
import DataFiMarket
import DataFiSodium
import Foundation
import Testing

@Suite struct FederatedLedgerTests {
    /// A central order's canonical JSON, the bytes its envelope signs, written out from the documented encoding
    /// (sorted keys, no whitespace, amounts as decimal strings): the optional `federated` field leaves it as it was.
    @Test func aCentralOrderSignsTheSameBytesAsBefore() throws {
        let order = TaskOrder(
            dataset: "HEALTH", complexity: TaskComplexity(rows: 500, operationsPerRow: 10),
            purpose: "average age", maximumFee: whole(20), maximumDataTokens: .max, deadline: 4_000_000_000)
        let expected =
            #"{"submitTask":{"_0":{"complexity":{"operationsPerRow":10,"rows":500},"dataset":"HEALTH","#
            + #""deadline":4000000000,"maximumDataTokens":"\#(UInt256.max)","maximumFee":"20000000000000000000","#
            + #""purpose":"average age"}}}"#
        #expect(String(decoding: try CanonicalJSON.encode(Transaction.submitTask(order)), as: UTF8.self) == expected)
        // A federated order and its result are canonical JSON too, and decode back to the same transactions.
        var federated = order
        federated.federated = FederatedTaskJob(
            query: .quantile(column: "age", q: "0.5", lower: "0", upper: "120", bins: 60),
            threshold: 2, privacy: FederatedTaskPrivacy(epsilon: "1.5", delta: "0.00001"))
        for tx in [
            Transaction.submitTask(federated),
            .recordFederatedResult(
                task: 1, contributors: [0, 1], digest: FederatedTaskJob.aggregateDigest(task: 1, values: [5])),
        ] {
            let bytes = try CanonicalJSON.encode(tx)
            #expect(try CanonicalJSON.decode(Transaction.self, from: bytes).value == tx)
        }
    }

    /// A log with a federated task (a refused central execution of it, its result) and a central task replays
    /// to the same market, from genesis and from its snapshots, and the owners' audits show the federated part.
    @Test func aLogWithFederatedTasksReplays() throws {
        var actors = Actors()
        let second = Signing.PrivateKey()
        let genesis = try Market(genesis: actors.genesis())
        var ledger = try MarketLedger.create(
            in: MemoryLedgerStore(), origin: "example.com/market",
            operatorKey: actors.operatorKey.publicKey,
            genesis: MarketMachine(market: genesis), snapshotInterval: 3)
        let job = FederatedTaskJob(
            query: .sum(column: "age", lower: "0", upper: "120"), threshold: 2,
            privacy: FederatedTaskPrivacy(epsilon: "1", delta: "0.00001"))
        let order = TaskOrder(
            dataset: "HEALTH", complexity: TaskComplexity(rows: 500, operationsPerRow: 10),
            purpose: "total age", maximumFee: .max, maximumDataTokens: .max, deadline: 4_000_000_000,
            federated: job)
        var central = order
        central.federated = nil
        let digest = FederatedTaskJob.aggregateDigest(task: 1, values: [12_345])
        let envelopes = [
            try actors.sign(.createDataset(actors.terms()), actors.maker),
            try actors.sign(.join(dataset: "HEALTH", asset: try actors.asset()), actors.owner),
            try actors.sign(.join(dataset: "HEALTH", asset: try actors.asset()), second),
            try actors.sign(.verifyAsset(dataset: "HEALTH", asset: 0, verdict: .accept(records: 500)), actors.node),
            try actors.sign(.verifyAsset(dataset: "HEALTH", asset: 1, verdict: .accept(records: 500)), actors.node),
            try actors.sign(
                .swap(
                    dataset: "HEALTH", side: .buyDataToken,
                    amount: .exactIn(amountIn: whole(100), minimumOut: .zero), deadline: 4_000_000_000),
                actors.consumer),
            try actors.sign(.submitTask(order), actors.consumer),
            try actors.sign(.recordAccess(task: 1, failed: []), actors.node),
            try actors.sign(.recordFederatedResult(task: 1, contributors: [1], digest: digest), actors.node),
            try actors.sign(.recordFederatedResult(task: 1, contributors: [0, 1], digest: digest), actors.node),
            try actors.sign(.submitTask(central), actors.consumer),
            try actors.sign(.recordAccess(task: 2, failed: []), actors.node),
        ]
        let results = try ledger.submit(envelopes, at: 1_000, threads: 2)
        let outcomes = results.map { result -> String in
            guard case .logged(_, _, let outcome) = result else { return "rejected" }
            if case .refused(let code) = outcome { return code }
            return "applied"
        }
        #expect(
            outcomes == Array(repeating: "applied", count: 7) + [
                "taskIsFederated", "tooFewContributors", "applied",
                "applied", "applied",
            ])
        let market = ledger.state.market
        #expect(market.task(1)?.federatedOutcome == FederatedTaskOutcome(contributors: [0, 1], digest: digest))
        #expect(String(decoding: market.canonicalSnapshot(), as: UTF8.self).contains(#""version":3"#))
        // The same log applied directly, reopened from the store (snapshot + replay), and verified entry by entry.
        var direct = genesis
        for i in 0..<UInt64(envelopes.count) {
            let e = try ledger.entry(i)
            _ = try? direct.apply(e.envelope.transaction, by: AccountID(publicKey: e.envelope.signer), at: 1_000)
        }
        #expect(direct.canonicalSnapshot() == market.canonicalSnapshot())
        let reopened = try MarketLedger(opening: ledger.store)
        #expect(reopened.state == ledger.state)
        #expect(try reopened.verify(threads: 2) == UInt64(envelopes.count))
        let checkpoint = try ledger.checkpoint()
        #expect(checkpoint.stateHash == SHA256.hash(market.canonicalSnapshot()))
        // The owner's audit: verification (opened), the federated part (not opened), the central task (opened).
        let audit = try ledger.accessAudit(owner: actors.account(actors.owner))
        #expect(audit.items.map(\.entryIndex) == [3, 9, 11])
        #expect(audit.items.map(\.record.federated) == [false, true, false])
        #expect(audit.verify())
    }

    @Test func federatedRefusalsHaveCaseNameCodes() {
        #expect(MarketMachine.code(of: .taskIsFederated(1)) == "taskIsFederated")
        #expect(MarketMachine.code(of: .invalidFederatedJob(.threshold(1))) == "invalidFederatedJob")
        #expect(
            MarketMachine.code(of: .tooFewContributors(task: 1, contributors: 1, threshold: 2)) == "tooFewContributors")
    }
}
