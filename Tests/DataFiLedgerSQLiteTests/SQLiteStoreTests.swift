import DataFiBigNum
import DataFiLedger
import DataFiLedgerMarket
import DataFiLedgerSQLite
import DataFiMarket
import DataFiSodium
import Foundation
import Testing

func temporaryPath(_ name: String) -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("datafi-ledger-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.appendingPathComponent(name).path
}

func marketGenesis(_ holders: [Signing.PrivateKey]) throws -> MarketMachine {
    let one = Market.unit
    let genesis = Genesis(totalSupply: one * UInt256(1_000_000_000 as UInt64),
                          allocations: holders.map { .init(account: AccountID(publicKey: $0.publicKey), amount: one * UInt256(1000 as UInt64)) },
                          treasury: "treasury", computeOperator: "node", computeKey: Box.PrivateKey().publicKey)
    return MarketMachine(market: try Market(genesis: genesis))
}

@Suite struct SQLiteStoreTests {
    @Test func appendReopenProveAndVerify() throws {
        let path = temporaryPath("ledger.sqlite")
        let keys = (0..<3).map { _ in Signing.PrivateKey() }
        let operatorKey = Signing.PrivateKey()
        var ledger = try MarketLedger.create(in: try SQLiteLedgerStore(path: path, create: true), origin: "example.com/l",
                                             operatorKey: operatorKey.publicKey, genesis: try marketGenesis(keys),
                                             snapshotInterval: 10)
        var nonces = [UInt64](repeating: 0, count: 3)
        for round in 0..<9 {
            let batch = try (0..<3).map { i -> Envelope<Transaction> in
                defer { nonces[i] += 1 }
                let amount = round == 4 && i == 0 ? Market.unit * UInt256(1_000_000 as UInt64) : UInt256(UInt64(round + 1))
                return try Envelope.sign(.transfer(token: "ALITA", to: AccountID(publicKey: keys[(i + 1) % 3].publicKey),
                                                   amount: amount),
                                         origin: "example.com/l", nonce: nonces[i], deadline: 10_000, with: keys[i])
            }
            _ = try ledger.submit(batch, at: UInt64(100 + round), threads: 2)
        }
        #expect(ledger.size == 27)
        #expect(throws: LedgerError.alreadyExists(path)) { try SQLiteLedgerStore(path: path, create: true) }
        let store = try SQLiteLedgerStore(path: path, create: false)
        #expect(try store.snapshotSizes() == [0, 10, 20])
        let reopened = try MarketLedger(opening: store)
        #expect(reopened.state == ledger.state && reopened.frontier == ledger.frontier && reopened.nonces == ledger.nonces)
        #expect(try reopened.verify(threads: 2) == 27)
        let root = try reopened.root()
        for i in 0..<27 {
            let proof = try reopened.inclusionProof(index: UInt64(i))
            #expect(MerkleTree.verifyInclusion(index: UInt64(i), size: 27, leafHash: try store.node(level: 0, index: UInt64(i)),
                                               proof: proof, root: root))
        }
        for m in 1...27 {
            #expect(MerkleTree.verifyConsistency(size1: UInt64(m), size2: 27, root1: try reopened.root(size: UInt64(m)),
                                                 root2: root, proof: try reopened.consistencyProof(size1: UInt64(m), size2: 27)))
        }
        // A changed byte is reported with its entry, and the ledger does not open as whole.
        var data = try store.leaf(13)
        data[20] ^= 0x01
        try store.overwriteLeaf(13, with: data)
        #expect(throws: LedgerError.corrupt(entry: 13, reason: "leaf hash differs from the data")) { try reopened.verify() }
    }

    @Test func openingRefusesMissingAndForeignFiles() throws {
        let path = temporaryPath("none.sqlite")
        #expect(throws: LedgerError.missing(path)) { try SQLiteLedgerStore(path: path, create: false) }
        try Data("this is not a database, just some text that is long enough".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: LedgerError.self) {
            _ = try MarketLedger(opening: try SQLiteLedgerStore(path: path, create: false))
        }
        // A created store without a ledger is reported as such.
        let empty = temporaryPath("empty.sqlite")
        #expect(throws: LedgerError.missing("ledger (not created)")) {
            _ = try MarketLedger(opening: try SQLiteLedgerStore(path: empty, create: true))
        }
    }
}

@Suite struct SQLiteCorruptionTests {
    /// A byte changed in the database file itself (inside entry 77's stored signature) is found by `verify`
    /// and reported with the entry's index.
    @Test func changedByteInTheFileIsReportedWithItsEntry() throws {
        let path = temporaryPath("corrupt.sqlite")
        let keys = (0..<4).map { _ in Signing.PrivateKey() }
        var target: [UInt8] = []
        do {
            var ledger = try MarketLedger.create(in: try SQLiteLedgerStore(path: path, create: true), origin: "example.com/c",
                                                 operatorKey: keys[0].publicKey, genesis: try marketGenesis(keys),
                                                 snapshotInterval: 50)
            let envelopes = try (0..<200).map { k in
                try Envelope.sign(Transaction.transfer(token: "ALITA", to: "treasury", amount: .one), origin: "example.com/c",
                                  nonce: UInt64(k / 4), deadline: 10_000, with: keys[k % 4])
            }
            _ = try ledger.submit(envelopes, at: 10, threads: 2)
            target = try LogEntry<Transaction>(encoded: try ledger.store.leaf(77)).envelope.signature
        }
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        guard let at = (0...(bytes.count - 64)).first(where: { bytes[$0] == target[0] && Array(bytes[$0..<$0 + 64]) == target })
        else { Issue.record("signature not found in the file (still in the WAL?)"); return }
        bytes[at + 10] ^= 0x40
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let reopened = try MarketLedger(opening: try SQLiteLedgerStore(path: path, create: false))
        #expect(throws: LedgerError.corrupt(entry: 77, reason: "leaf hash differs from the data")) { try reopened.verify() }
    }
}
