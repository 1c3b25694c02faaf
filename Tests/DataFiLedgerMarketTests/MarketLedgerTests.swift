import DataFiBigNum
import DataFiLedger
import DataFiLedgerMarket
import DataFiMarket
import DataFiSodium
import Foundation
import Testing

func whole(_ n: UInt64) -> UInt256 { UInt256(n) * Market.unit }

/// Keys of a small market whose accounts are Ed25519 keys.
struct Actors {
    let maker = Signing.PrivateKey(), owner = Signing.PrivateKey(), consumer = Signing.PrivateKey()
    let node = Signing.PrivateKey(), operatorKey = Signing.PrivateKey()
    let nodeBox = Box.PrivateKey()
    var nonces: [[UInt8]: UInt64] = [:]

    func account(_ key: Signing.PrivateKey) -> AccountID { AccountID(publicKey: key.publicKey) }

    func genesis() -> Genesis {
        Genesis(totalSupply: whole(1_000_000_000),
                allocations: [.init(account: account(maker), amount: whole(100_000)),
                              .init(account: account(consumer), amount: whole(100_000))],
                treasury: "treasury", computeOperator: account(node), computeKey: nodeBox.publicKey)
    }

    mutating func sign(_ tx: Transaction, _ key: Signing.PrivateKey, origin: String = "example.com/market")
        throws -> Envelope<Transaction>
    {
        let nonce = nonces[key.publicKey.rawRepresentation] ?? 0
        nonces[key.publicKey.rawRepresentation] = nonce + 1
        return try MarketMachine.sign(tx, origin: origin, nonce: nonce, deadline: 4_000_000_000, with: key)
    }

    func terms() -> DatasetTerms {
        DatasetTerms(id: "HEALTH", title: "Health survey", requirements: "CSV rows", usageScenarios: ["statistics"],
                     dataTokenSupply: whole(1_000_000), poolDataTokens: whole(100_000), poolBaseTokens: whole(10_000),
                     rewardReserve: whole(30_000), rewardPerJoin: whole(1_000),
                     pricing: .perUnit(price: Market.unit / UInt256(100 as UInt64)))
    }

    func asset() throws -> SealedAsset {
        try AssetMetadata(name: "Survey", description: "Rows", creator: "Olu", license: "CC-BY-4.0",
                          keywords: ["health"],
                          distribution: [DatasetDistribution(encodingFormat: "text/csv", contentUrl: "https://o.example/d.csv")],
                          records: 500).sealed(to: nodeBox.publicKey)
    }

    /// The sealed asset the history's join carried, read back from the side table.
    func assetOfHistory(_ ledger: MarketLedger<MemoryLedgerStore>) throws -> SealedAsset {
        let records = try ledger.personalRecords(of: owner.publicKey)
        return try MarketMachine.personalAsset(try #require(records.first).data).asset
    }

    /// A history that creates a dataset, joins, verifies the asset, pays a task, opens the data, and tries an
    /// overdraft.
    mutating func history() throws -> [Envelope<Transaction>] {
        [try sign(.createDataset(terms()), maker),
         try sign(.join(dataset: "HEALTH", asset: try asset()), owner),
         try sign(.verifyAsset(dataset: "HEALTH", asset: 0, verdict: .accept(records: 500)), node),
         try sign(.swap(dataset: "HEALTH", side: .buyDataToken, amount: .exactIn(amountIn: whole(100), minimumOut: .zero),
                        deadline: 4_000_000_000), consumer),
         try sign(.submitTask(TaskOrder(dataset: "HEALTH", complexity: TaskComplexity(rows: 500, operationsPerRow: 10),
                                        purpose: "average age", maximumFee: .max, maximumDataTokens: .max,
                                        deadline: 4_000_000_000)), consumer),
         try sign(.recordAccess(task: 1, failed: []), node),
         try sign(.transfer(token: "ALITA", to: "treasury", amount: whole(1_000_000)), owner),
         try sign(.transfer(token: "ALITA", to: account(owner), amount: whole(5)), consumer)]
    }
}

@Suite struct MarketLedgerTests {
    @Test func marketHistoryIsLoggedReplayedAndAudited() throws {
        var actors = Actors()
        let genesis = try Market(genesis: actors.genesis())
        var ledger = try MarketLedger.create(in: MemoryLedgerStore(), origin: "example.com/market",
                                             operatorKey: actors.operatorKey.publicKey,
                                             genesis: MarketMachine(market: genesis), snapshotInterval: 3)
        let results = try ledger.submit(try actors.history(), at: 1_000, threads: 2)
        #expect(results.count == 8)
        guard case .logged(6, _, .refused(let code)) = results[6] else { Issue.record("\(results[6])"); return }
        #expect(code == "insufficientBalance")
        for r in results.prefix(6) { if case .logged(_, _, .applied) = r {} else { Issue.record("\(r)") } }
        // The same history applied directly gives the same market.
        var direct = genesis
        for i in 0..<8 {
            let e = try ledger.entry(UInt64(i))
            _ = try? direct.apply(e.envelope.transaction, by: AccountID(publicKey: e.envelope.signer), at: 1_000)
        }
        // The direct market holds no sealed asset (the log has only the commitment): equal state, equal hash.
        #expect(direct.canonicalSnapshot() == ledger.state.market.canonicalSnapshot())
        #expect(ledger.state.market.sealedAsset(0, in: "HEALTH") == (try actors.assetOfHistory(ledger)))
        #expect(ledger.state.market.balance(of: actors.account(actors.owner), in: "ALITA") == whole(5))
        // Reopen from the store: snapshot + replay.
        let reopened = try MarketLedger(opening: ledger.store)
        #expect(reopened.state == ledger.state)
        #expect(try reopened.verify(threads: 2) == 8)
        // Audit: the owner's two accesses (the node's verification, then the task), proven against a signed
        // checkpoint.
        let audit = try ledger.accessAudit(owner: actors.account(actors.owner))
        #expect(audit.items.map(\.entryIndex) == [2, 5])
        #expect(audit.items.map(\.record.purpose) == ["asset verification", "average age"])
        #expect(audit.verify())
        let note = try ledger.signedCheckpoint(with: actors.operatorKey)
        let checkpoint = try Checkpoint.verify(note: note, publicKey: actors.operatorKey.publicKey)
        #expect(checkpoint == audit.checkpoint)
        #expect(checkpoint.stateHash == SHA256.hash(direct.canonicalSnapshot()))
        #expect(try ledger.accessAudit(owner: actors.account(actors.maker)).items.isEmpty)
        let history = try ledger.history(of: actors.account(actors.owner))
        #expect(history.map(\.index) == [1, 2, 5, 6, 7])
    }

    @Test func personalDataNeverEntersTheLogInClear() throws {
        var actors = Actors()
        var ledger = try MarketLedger.create(in: MemoryLedgerStore(), origin: "example.com/market",
                                             operatorKey: actors.operatorKey.publicKey,
                                             genesis: MarketMachine(market: try Market(genesis: actors.genesis())))
        _ = try ledger.submit([try actors.sign(.createDataset(actors.terms()), actors.maker)], at: 1_000)
        let asset = try actors.asset()
        // A join in clear is rejected before logging.
        let clear = try Envelope.sign(Transaction.join(dataset: "HEALTH", asset: asset), origin: "example.com/market",
                                      nonce: 0, deadline: 4_000_000_000, with: actors.owner)
        // A committed join without its sealed asset, with another asset, or with a bad salt is rejected too.
        let committed = try MarketMachine.sign(.join(dataset: "HEALTH", asset: asset), origin: "example.com/market",
                                               nonce: 0, deadline: 4_000_000_000, with: actors.owner)
        let bare = try Envelope<Transaction>(encoded: committed.encoded())
        let other = try bare.attaching(personal: try CanonicalJSON.encode(
            MarketMachine.PersonalAsset(salt: String(repeating: "ab", count: 32), asset: asset)))
        let transfer = try Envelope.sign(Transaction.transfer(token: "ALITA", to: "treasury", amount: whole(1)),
                                         origin: "example.com/market", nonce: 0, deadline: 4_000_000_000, with: actors.owner)
        let stray = try transfer.attaching(personal: committed.personal!)
        let before = ledger.size
        for envelope in [clear, bare, other, stray] {
            let results = try ledger.submit([envelope], at: 1_001)
            guard case .rejected(let error) = results[0] else { Issue.record("\(results[0])"); continue }
            #expect(error.code == "personal_data")
        }
        #expect(ledger.size == before)
        #expect(try ledger.personalRecords(of: actors.owner.publicKey).isEmpty)
        // The committed join is logged; its leaf holds neither the sealed URL nor the creator's name.
        let results = try ledger.submit([committed], at: 1_002)
        guard case .logged(let index, _, .applied) = results[0] else { Issue.record("\(results[0])"); return }
        let leaf = try ledger.store.leaf(index)
        #expect(!leaf.contains(subsequence: Array(Hex.encode(asset.distribution[0].sealedContentUrl).utf8)))
        #expect(!leaf.contains(subsequence: Array("\"Olu\"".utf8)))
        #expect(try ledger.personalRecords(of: actors.owner.publicKey).map(\.index) == [index])
        #expect(ledger.state.market.sealedAsset(0, in: "HEALTH") == asset)
    }

    @Test func errorCodesAreCaseNames() {
        #expect(MarketMachine.code(of: .zeroAmount) == "zeroAmount")
        #expect(MarketMachine.code(of: .unknownTask(3)) == "unknownTask")
        #expect(MarketMachine.code(of: .expired(deadline: 1, now: 2)) == "expired")
    }
}

extension Array where Element == UInt8 {
    func contains(subsequence needle: [UInt8]) -> Bool {
        guard needle.count <= count else { return false }
        return (0...(count - needle.count)).contains { self[$0] == needle[0] && self[$0..<$0 + needle.count].elementsEqual(needle) }
    }
}
