import DataFiBigNum
import DataFiLedger
import DataFiLedgerMarket
import DataFiLedgerSQLite
import DataFiMarket
import DataFiSodium
import Foundation
import Testing

/// A market ledger on SQLite with two owners who joined, verified assets and one executed task.
struct ErasureWorld {
    static let origin = "example.com/erasure"
    let path = temporaryPath("erasure.sqlite")
    let maker = Signing.PrivateKey(), olu = Signing.PrivateKey(), ada = Signing.PrivateKey()
    let consumer = Signing.PrivateKey(), node = Signing.PrivateKey(), operatorKey = Signing.PrivateKey()
    let nodeBox = Box.PrivateKey()
    var nonces: [[UInt8]: UInt64] = [:]
    var ledger: MarketLedger<SQLiteLedgerStore>
    var joins: [UInt64] = []

    static func whole(_ n: UInt64) -> UInt256 { UInt256(n) * Market.unit }
    func account(_ key: Signing.PrivateKey) -> AccountID { AccountID(publicKey: key.publicKey) }

    init() throws {
        let genesis = Genesis(totalSupply: Self.whole(1_000_000_000),
                              allocations: [.init(account: AccountID(publicKey: maker.publicKey), amount: Self.whole(100_000)),
                                            .init(account: AccountID(publicKey: consumer.publicKey), amount: Self.whole(100_000))],
                              treasury: "treasury", computeOperator: AccountID(publicKey: node.publicKey),
                              computeKey: nodeBox.publicKey)
        ledger = try MarketLedger.create(in: try SQLiteLedgerStore(path: path, create: true), origin: Self.origin,
                                         operatorKey: operatorKey.publicKey,
                                         genesis: MarketMachine(market: try Market(genesis: genesis)), snapshotInterval: 3)
        let terms = DatasetTerms(id: "HEALTH", title: "Health survey", requirements: "CSV rows", usageScenarios: ["statistics"],
                                 dataTokenSupply: Self.whole(1_000_000), poolDataTokens: Self.whole(100_000),
                                 poolBaseTokens: Self.whole(10_000), rewardReserve: Self.whole(30_000),
                                 rewardPerJoin: Self.whole(1_000), pricing: .perUnit(price: Market.unit / UInt256(100 as UInt64)))
        try submit(.createDataset(terms), maker)
        joins.append(try submit(.join(dataset: "HEALTH", asset: try asset("Olu Adeyemi", "https://olu.example/diary.csv")), olu))
        joins.append(try submit(.join(dataset: "HEALTH", asset: try asset("Ada Obi", "https://ada.example/d.csv")), ada))
        try submit(.verifyAsset(dataset: "HEALTH", asset: 0, verdict: .accept(records: 500)), node)
        try submit(.verifyAsset(dataset: "HEALTH", asset: 1, verdict: .accept(records: 500)), node)
        try submit(.swap(dataset: "HEALTH", side: .buyDataToken, amount: .exactIn(amountIn: Self.whole(3_000), minimumOut: .zero),
                         deadline: 4_000_000_000), consumer)
        try submit(task(), consumer)
        try submit(.recordAccess(task: 1, failed: []), node)
    }

    func asset(_ creator: String, _ url: String) throws -> SealedAsset {
        try AssetMetadata(name: "Diary of \(creator)", description: "Daily rows", creator: creator, license: "CC-BY-4.0",
                          keywords: ["health"], distribution: [DatasetDistribution(encodingFormat: "text/csv", contentUrl: url)],
                          records: 500).sealed(to: nodeBox.publicKey)
    }

    func task() -> Transaction {
        .submitTask(TaskOrder(dataset: "HEALTH", complexity: TaskComplexity(rows: 1_000, operationsPerRow: 10),
                              purpose: "average age", maximumFee: .max, maximumDataTokens: .max, deadline: 4_000_000_000))
    }

    /// Signs and logs `tx`; returns its index and requires it applied.
    @discardableResult
    mutating func submit(_ tx: Transaction, _ key: Signing.PrivateKey, at time: UInt64 = 1_000) throws -> UInt64 {
        let nonce = nonces[key.publicKey.rawRepresentation] ?? 0
        nonces[key.publicKey.rawRepresentation] = nonce + 1
        let envelope = try MarketMachine.sign(tx, origin: Self.origin, nonce: nonce, deadline: 4_000_000_000, with: key)
        let result = try ledger.submit([envelope], at: time)[0]
        guard case .logged(let index, _, .applied) = result else { throw LedgerError.state("not applied: \(result)") }
        return index
    }

    /// Balances of every account, every token.
    func balances(_ market: Market) -> [String] {
        market.tokens.keys.sorted().flatMap { token in market.holders(of: token).map { "\(token) \($0.account) \($0.amount)" } }
    }
}

@Suite struct ErasureTests {
    @Test func erasureLeavesAVerifiableLog() throws {
        var world = try ErasureWorld()
        let oluKey = world.olu.publicKey
        // Before: a signed checkpoint, proofs of every entry against it, the balances.
        let note = try world.ledger.signedCheckpoint(with: world.operatorKey)
        let checkpoint = try Checkpoint.verify(note: note, publicKey: world.operatorKey.publicKey)
        let proofs = try (0..<checkpoint.size).map { try world.ledger.inclusionProof(index: $0, size: checkpoint.size) }
        let leafHashes = try (0..<checkpoint.size).map { try world.ledger.store.node(level: 0, index: $0) }
        let balances = world.balances(world.ledger.state.market)
        #expect(try world.ledger.personalRecords(of: oluKey).map(\.index) == [world.joins[0]])
        #expect(world.ledger.state.market.sealedAsset(0, in: "HEALTH") != nil)
        // The file never held the personal data in clear: the side table is encrypted, the log committed.
        let raw = world.ledger.store.rawFileBytes()
        #expect(!raw.isEmpty && !raw.contains(subsequence: Array("Olu Adeyemi".utf8)))

        let stored = try #require(try world.ledger.store.rawPersonal(world.joins[0]))
        #expect(raw.contains(subsequence: stored.key) && raw.contains(subsequence: stored.ciphertext))

        let receipt = try world.ledger.erase(subject: oluKey, at: 2_000)
        // Crypto-shredding: the key and the ciphertext are gone from the file and its WAL.
        let shredded = world.ledger.store.rawFileBytes()
        #expect(!shredded.contains(subsequence: stored.key) && !shredded.contains(subsequence: stored.ciphertext))
        #expect(try world.ledger.store.rawPersonal(world.joins[0]) == nil)
        #expect(receipt.entries == [world.joins[0]])
        #expect(try world.ledger.personalRecords(of: oluKey).isEmpty)
        #expect(try world.ledger.erasure(of: oluKey) == ErasureRecord(subject: oluKey.rawRepresentation, time: 2_000,
                                                                       entries: [world.joins[0]]))
        #expect(world.ledger.state.market.sealedAsset(0, in: "HEALTH") == nil)
        #expect(world.ledger.state.market.sealedAsset(1, in: "HEALTH") != nil)
        // The same checkpoint (root and state hash), the same signed note, every old proof still verifies.
        #expect(try world.ledger.checkpoint() == checkpoint)
        #expect(try world.ledger.signedCheckpoint(with: world.operatorKey) == note)
        for i in 0..<Int(checkpoint.size) {
            #expect(try world.ledger.store.node(level: 0, index: UInt64(i)) == leafHashes[i])
            #expect(MerkleTree.verifyInclusion(index: UInt64(i), size: checkpoint.size, leafHash: leafHashes[i],
                                               proof: proofs[i], root: checkpoint.root))
        }
        #expect(try world.ledger.verify(threads: 2) == checkpoint.size)

        // Reopened from the file: replay gives the same balances and state hash, without Olu's sealed asset.
        let reopened = try MarketLedger(opening: try SQLiteLedgerStore(path: world.path, create: false))
        #expect(try reopened.verify(threads: 2) == checkpoint.size)
        #expect(world.balances(reopened.state.market) == balances)
        #expect(try reopened.checkpoint() == checkpoint)
        #expect(reopened.state == world.ledger.state)
        #expect(reopened.state.market.sealedAsset(0, in: "HEALTH") == nil)

        // The log grows on; the pre-erasure checkpoint is consistent with the new tree.
        let task = try world.submit(world.task(), world.consumer, at: 3_000)
        let grown = try world.ledger.checkpoint()
        #expect(MerkleTree.verifyConsistency(size1: checkpoint.size, size2: grown.size, root1: checkpoint.root, root2: grown.root,
                                             proof: try world.ledger.consistencyProof(size1: checkpoint.size, size2: grown.size)))
        #expect(MerkleTree.verifyInclusion(index: world.joins[0], size: grown.size, leafHash: leafHashes[Int(world.joins[0])],
                                           proof: try world.ledger.inclusionProof(index: world.joins[0]), root: grown.root))
        #expect(task == checkpoint.size)
        #expect(try world.ledger.verify() == grown.size)
    }

    @Test func theComputeNodeCannotOpenAnErasedAsset() throws {
        var world = try ErasureWorld()
        try world.submit(world.task(), world.consumer, at: 1_100)
        _ = try world.ledger.erase(subject: world.olu.publicKey, at: 1_200)
        let node = ComputeNode(account: world.account(world.node), key: world.nodeBox)
        var market = world.ledger.state.market
        let (opened, events) = try node.execute(task: 2, in: &market, at: 1_300)
        #expect(opened.map(\.owner) == [world.account(world.ada)])
        #expect(opened.first?.contentUrls == ["https://ada.example/d.csv"])
        var excluded: [Int] = []
        for case .taskSettled(_, _, _, _, _, _, let list) in events { excluded = list }
        #expect(excluded == [0])
        // The ledger logs the node's execution: Olu's asset excluded, its share refunded, the log whole.
        try world.submit(.recordAccess(task: 2, failed: excluded), world.node, at: 1_300)
        #expect(world.ledger.state.market.canonicalSnapshot() == market.canonicalSnapshot())
        #expect(try world.ledger.accessAudit(owner: world.account(world.olu)).items.map(\.record.task) == [0, 1])
        #expect(try world.ledger.verify() == world.ledger.size)
    }

    @Test func refusedErasuresChangeNothing() throws {
        var world = try ErasureWorld()
        let store = world.ledger.store
        func state() throws -> [String] {
            let records = try store.personalRecords(subject: nil).map { "\($0.index)" }
            let erasures = try [world.olu, world.ada, world.maker].map { try store.erasure(of: $0.publicKey.rawRepresentation)?.time ?? 0 }
            return records + erasures.map(String.init) + [Hex.encode(try world.ledger.root())]
        }
        let before = try state()
        // Unknown subject: never signed an entry.
        let stranger = Signing.PrivateKey().publicKey
        #expect(throws: LedgerError.unknownSubject(Hex.encode(stranger.rawRepresentation))) {
            try world.ledger.erase(subject: stranger, at: 2_000)
        }
        // A subject with nothing held: an empty receipt, nothing recorded.
        #expect(try world.ledger.erase(subject: world.maker.publicKey, at: 2_000).entries.isEmpty)
        #expect(try state() == before)
        // Erasing twice: the second is refused with the first's time.
        _ = try world.ledger.erase(subject: world.olu.publicKey, at: 2_000)
        let after = try state()
        #expect(throws: LedgerError.alreadyErased(subject: Hex.encode(world.olu.publicKey.rawRepresentation), time: 2_000)) {
            try world.ledger.erase(subject: world.olu.publicKey, at: 2_001)
        }
        #expect(try state() == after)
        // The store refuses an erasure whose entry list is not what it holds.
        #expect(throws: LedgerError.self) {
            try store.erase(subject: world.ada.publicKey.rawRepresentation, entries: [0], at: 2_002)
        }
        #expect(try state() == after)
        // A subject who joins again after an erasure can be erased again.
        try world.submit(.join(dataset: "HEALTH", asset: try world.asset("Olu Adeyemi", "https://olu.example/new.csv")),
                         world.olu, at: 2_100)
        #expect(try world.ledger.erase(subject: world.olu.publicKey, at: 2_200).entries == [world.ledger.size - 1])
    }

    @Test func aCorruptSideTableIsReportedWithItsEntry() throws {
        var world = try ErasureWorld()
        let adaJoin = world.joins[1]
        var bytes = try #require(try world.ledger.store.personalRecords(subject: nil).last).data
        bytes[0] ^= 1
        try world.ledger.store.overwritePersonal(adaJoin, with: bytes)
        #expect(throws: LedgerError.self) { try world.ledger.verify() }
        do {
            _ = try MarketLedger(opening: try SQLiteLedgerStore(path: world.path, create: false))
            Issue.record("a corrupt side table opened")
        } catch {
            guard case .corrupt(let entry, _) = error else { Issue.record("\(error)"); return }
            #expect(entry == adaJoin)
        }
        // Erasing the corrupt subject is refused; nothing is deleted or recorded.
        #expect(throws: LedgerError.self) { try world.ledger.erase(subject: world.ada.publicKey, at: 2_000) }
        #expect(try world.ledger.store.erasure(of: world.ada.publicKey.rawRepresentation) == nil)
        // Another subject's erasure is unaffected.
        #expect(try world.ledger.erase(subject: world.olu.publicKey, at: 2_000).entries == [world.joins[0]])
    }
}

extension Array where Element == UInt8 {
    func contains(subsequence needle: [UInt8]) -> Bool {
        guard needle.count <= count else { return false }
        return (0...(count - needle.count)).contains { self[$0] == needle[0] && self[$0..<$0 + needle.count].elementsEqual(needle) }
    }
}
