import DataFiLedger
import DataFiLedgerClient
import DataFiLedgerMarket
import DataFiLedgerPostgres
import DataFiMarket
import DataFiSodium
import Foundation
import Logging
import PostgresNIO
import Testing

/// The server `scripts/postgres.sh` starts (CI exports it); without it these tests report themselves skipped.
let postgresURL = ProcessInfo.processInfo.environment["DATAFI_POSTGRES_URL"]

/// A new, empty database on the test server; returns its URL.
func freshPostgresDatabase() async throws -> String {
    let url = try #require(postgresURL)
    var parts = try #require(URLComponents(string: url))
    let name = "datafi_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    let configuration = PostgresClient.Configuration(host: parts.host ?? "127.0.0.1", port: parts.port ?? 5432,
                                                     username: parts.user ?? "postgres", password: parts.password,
                                                     database: String(parts.path.dropFirst()), tls: .disable)
    let client = PostgresClient(configuration: configuration)
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await client.run() }
        try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
        group.cancelAll()
    }
    parts.path = "/" + name
    return try #require(parts.string)
}

/// Runs blocking store calls on a thread of their own, off the cooperative pool.
func onThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread {
            do { continuation.resume(returning: try work()) } catch { continuation.resume(throwing: error) }
        }.start()
    }
}

@Suite(.serialized, .enabled(if: postgresURL != nil, "DATAFI_POSTGRES_URL is not set: start a server with scripts/postgres.sh"))
struct PostgresStoreTests {
    @Test func theStoreAgreesWithTheMemoryStoreAndRefusesALostRace() async throws {
        let url = try await freshPostgresDatabase()
        let operatorKey = Signing.PrivateKey(), alice = Signing.PrivateKey()
        let market = try Market(genesis: Genesis(
            totalSupply: Market.unit * 1_000_000, allocations: [.init(account: AccountID(publicKey: alice.publicKey), amount: Market.unit * 100)],
            treasury: "treasury", computeOperator: "node", computeKey: Box.PrivateKey().publicKey))
        let origin = "pg.example/ledger"
        let envelopes = try (0..<300).map { n in
            try Envelope.sign(Transaction.transfer(token: "ALITA", to: "bob", amount: .one), origin: origin, nonce: UInt64(n),
                              deadline: UInt64.max / 2, with: alice)
        }
        try await onThread {
            let store = try PostgresLedgerStore(url: url)
            var ledger = try MarketLedger.create(in: store, origin: origin, operatorKey: operatorKey.publicKey,
                                                 genesis: MarketMachine(market: market), snapshotInterval: 64)
            var memory = try MarketLedger.create(in: MemoryLedgerStore(), origin: origin, operatorKey: operatorKey.publicKey,
                                                 genesis: MarketMachine(market: market), snapshotInterval: 64)
            for k in stride(from: 0, to: 300, by: 100) {
                _ = try ledger.submit(Array(envelopes[k..<k + 100]), at: 1000)
                _ = try memory.submit(Array(envelopes[k..<k + 100]), at: 1000)
            }
            #expect(try ledger.checkpoint() == memory.checkpoint())
            #expect(try ledger.inclusionProof(index: 17, size: 250) == memory.inclusionProof(index: 17, size: 250))
            #expect(try ledger.consistencyProof(size1: 99, size2: 300) == memory.consistencyProof(size1: 99, size2: 300))

            // A second process's view: it reopens from the latest snapshot and verifies everything.
            let other = try MarketLedger<PostgresLedgerStore>(opening: try PostgresLedgerStore(url: url))
            #expect(try other.checkpoint() == ledger.checkpoint())
            #expect(try other.verify() == 300)

            // A writer whose batch does not start at the log's end is refused and writes nothing.
            var stale = other
            _ = try ledger.submit([try Envelope.sign(Transaction.transfer(token: "ALITA", to: "bob", amount: .one), origin: origin,
                                                     nonce: 300, deadline: UInt64.max / 2, with: alice)], at: 1000)
            #expect(throws: LedgerError.invalidRange(from: 300, to: 301)) {
                _ = try stale.submit([try Envelope.sign(Transaction.transfer(token: "ALITA", to: "carol", amount: .one),
                                                        origin: origin, nonce: 300, deadline: UInt64.max / 2, with: alice)], at: 1000)
            }
            #expect(try store.size() == 301 && stale.size == 300)
            #expect(try MarketLedger<PostgresLedgerStore>(opening: store).checkpoint() == ledger.checkpoint())
        }
    }

    /// The side table of personal data: sealed per subject, read back by any connection, erased in one
    /// transaction (records and key), refused and unchanged when the caller's view of it is stale.
    @Test func personalDataIsKeptPerSubjectAndErased() async throws {
        let url = try await freshPostgresDatabase()
        let alice = [UInt8](repeating: 0xA1, count: 32), bob = [UInt8](repeating: 0xB0, count: 32)
        try await onThread {
            let store = try PostgresLedgerStore(url: url)
            var batch = LedgerBatch(start: 0)
            for n in 0..<3 {
                let leaf = Array("entry \(n)".utf8)
                batch.leaves.append(leaf)
                batch.leafHashes.append(MerkleTree.leafHash(leaf))
            }
            batch.personal = [PersonalRecord(index: 0, subject: alice, data: Array(#"{"url":"a0"}"#.utf8)),
                              PersonalRecord(index: 1, subject: bob, data: Array(#"{"url":"b1"}"#.utf8)),
                              PersonalRecord(index: 2, subject: alice, data: Array(#"{"url":"a2"}"#.utf8))]
            try store.append(batch)
            let other = try PostgresLedgerStore(url: url)
            #expect(try other.personalRecords(subject: nil) == batch.personal)
            #expect(try other.personalRecords(subject: alice).map(\.index) == [0, 2])
            #expect(try other.erasure(of: alice) == nil)
            // A stale list of the subject's entries is refused and nothing changes.
            #expect(throws: LedgerError.self) { try store.erase(subject: alice, entries: [0], at: 50) }
            #expect(try other.personalRecords(subject: alice).count == 2)
            try store.erase(subject: alice, entries: [0, 2], at: 60)
            #expect(try other.personalRecords(subject: alice).isEmpty)
            #expect(try other.personalRecords(subject: nil).map(\.subject) == [bob])
            #expect(try other.erasure(of: alice) == ErasureRecord(subject: alice, time: 60, entries: [0, 2]))
            #expect(try other.size() == 3)
        }
    }

    @Test func twoNodesOnOneDatabaseKeepOneTotalOrder() async throws {
        let url = try await freshPostgresDatabase()
        let dir = try NodeProcess.temporaryDirectory()
        let first = try NodeProcess(directory: dir, store: url)
        defer { first.stop() }
        let second = try NodeProcess(directory: dir, store: url)
        defer { second.stop() }
        let clients = [try first.client(), try second.client()]
        let batches = try (0..<60).map { _ in try freshTransfers(10, origin: first.origin) }
        let queue = Batches(batches)
        // Six writers, alternating between the nodes, all at once.
        let receipts = try await withThrowingTaskGroup(of: [(UInt64, LogHash)].self) { group in
            for w in 0..<6 {
                group.addTask {
                    var mine: [(UInt64, LogHash)] = []
                    while let batch = queue.next() {
                        for case .logged(let index, let hash, _, _) in try await clients[w % 2].submit(batch) {
                            mine.append((index, hash))
                        }
                    }
                    return mine
                }
            }
            var all: [(UInt64, LogHash)] = []
            for try await part in group { all += part }
            return all
        }
        #expect(receipts.count == 600)
        #expect(Set(receipts.map(\.0)) == Set(0..<600), "every index exactly once")
        // Both nodes catch up and sign the same checkpoint.
        var checkpoints: [Checkpoint] = []
        for _ in 0..<100 {
            checkpoints = [try await clients[0].checkpoint(), try await clients[1].checkpoint()]
            if checkpoints.allSatisfy({ $0.size == 600 }) { break }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        #expect(checkpoints.count == 2 && checkpoints[0] == checkpoints[1] && checkpoints[0].size == 600)
        let expected = Dictionary(uniqueKeysWithValues: receipts)
        for client in clients {
            var from: UInt64 = 0
            while from < 600 {
                for entry in try await client.entries(from: from, count: 1000) { #expect(expected[entry.index] == entry.leafHash) }
                from += 1000
            }
        }
        _ = try await clients[1].proveInclusion(index: receipts[0].0, leafHash: receipts[0].1)
    }
}
