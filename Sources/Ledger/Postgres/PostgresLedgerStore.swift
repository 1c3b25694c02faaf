import DataFiLedger
import DataFiSodium
import Dispatch
import Foundation
import Logging
import NIOCore
import PostgresNIO

/// The ledger store in PostgreSQL, shared by several node processes (postgres-nio).
///
/// Tables (created or migrated on open, under an advisory lock): `datafi_ledger_meta(key, value)`,
/// `datafi_ledger_leaves(idx, data)`, `datafi_ledger_nodes(level, idx, hash)`,
/// `datafi_ledger_snapshots(size, state, nonces)` and `datafi_ledger_sequencer(id, size)`, one row; the
/// side table of personal data, as in the SQLite store: `datafi_ledger_personal(idx, subject, data)`
/// (XChaCha20-Poly1305 under a random key per subject), `datafi_ledger_subject_keys(subject, key)` and
/// `datafi_ledger_erasures(subject, time, entries)`.
/// ``append(_:)`` runs in one transaction that locks the sequencer row (`FOR UPDATE`) and refuses a
/// batch that does not start at the shared log's end, so two writers never write one index twice; the
/// writer that lost catches up (``size()`` tells how far) and retries.
///
/// The methods block the calling thread until PostgreSQL answers: call them from threads of your own
/// (the node does), never from Swift's cooperative pool.
public final class PostgresLedgerStore: LedgerStore, @unchecked Sendable {
    /// The schema version this type writes.
    public static let schemaVersion = 1

    let client: PostgresClient
    private let runner: Task<Void, Never>
    private let logger: Logger

    /// Connects to `url` (`postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE`, no TLS: loopback or a
    /// trusted network) and creates or migrates the schema.
    /// - Throws: `LedgerError/invalidField(_:)` for a malformed URL; `LedgerError/storage(_:)`.
    public init(url: String, logger: Logger = Logger(label: "datafi.ledger.postgres")) throws(LedgerError) {
        guard let parts = URLComponents(string: url), ["postgresql", "postgres"].contains(parts.scheme ?? ""),
              let host = parts.host, !host.isEmpty, let user = parts.user, !user.isEmpty else {
            throw .invalidField("expected postgresql://USER@HOST:PORT/DATABASE")
        }
        let database = parts.path.hasPrefix("/") ? String(parts.path.dropFirst()) : parts.path
        var configuration = PostgresClient.Configuration(host: host, port: parts.port ?? 5432, username: user,
                                                         password: parts.password, database: database.isEmpty ? nil : database,
                                                         tls: .disable)
        configuration.options.maximumConnections = 8
        let client = PostgresClient(configuration: configuration)
        self.client = client
        self.logger = logger
        runner = Task.detached { await client.run() }
        try migrate()
    }

    deinit { runner.cancel() }

    /// Runs `body` on the pool and waits for it (see the type's note on threads).
    private func blocking<T: Sendable>(_ body: @escaping @Sendable (PostgresClient, Logger) async throws -> T) throws(LedgerError) -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        let client = self.client, logger = self.logger
        Task.detached {
            do { box.result = .success(try await body(client, logger)) } catch { box.result = .failure(error) }
            done.signal()
        }
        done.wait()
        switch box.result! {
        case .success(let value): return value
        case .failure(let error as LedgerError): throw error
        case .failure(let error as PostgresTransactionError):
            // A refusal raised inside a transaction (rolled back) is the refusal itself.
            if let refusal = error.closureError as? LedgerError, error.rollbackError == nil { throw refusal }
            throw .storage(String(reflecting: error))
        case .failure(let error): throw .storage(String(reflecting: error))
        }
    }

    private func migrate() throws(LedgerError) {
        try blocking { client, logger in
            try await client.withTransaction(logger: logger) { db in
                // One migrator at a time: concurrent CREATE TABLE IF NOT EXISTS can collide.
                try await db.query("SELECT pg_advisory_xact_lock(7243901)", logger: logger)
                for statement: PostgresQuery in [
                    "CREATE TABLE IF NOT EXISTS datafi_ledger_meta (key TEXT PRIMARY KEY, value BYTEA NOT NULL)",
                    "CREATE TABLE IF NOT EXISTS datafi_ledger_leaves (idx BIGINT PRIMARY KEY, data BYTEA NOT NULL)",
                    """
                    CREATE TABLE IF NOT EXISTS datafi_ledger_nodes (level INTEGER NOT NULL, idx BIGINT NOT NULL,
                        hash BYTEA NOT NULL, PRIMARY KEY (level, idx))
                    """,
                    """
                    CREATE TABLE IF NOT EXISTS datafi_ledger_snapshots (size BIGINT PRIMARY KEY, state BYTEA NOT NULL,
                        nonces BYTEA NOT NULL)
                    """,
                    """
                    CREATE TABLE IF NOT EXISTS datafi_ledger_sequencer (id INTEGER PRIMARY KEY CHECK (id = 1),
                        size BIGINT NOT NULL)
                    """,
                    "INSERT INTO datafi_ledger_sequencer (id, size) VALUES (1, 0) ON CONFLICT (id) DO NOTHING",
                    """
                    CREATE TABLE IF NOT EXISTS datafi_ledger_personal (idx BIGINT PRIMARY KEY, subject BYTEA NOT NULL,
                        data BYTEA NOT NULL)
                    """,
                    "CREATE INDEX IF NOT EXISTS datafi_ledger_personal_subject ON datafi_ledger_personal (subject, idx)",
                    "CREATE TABLE IF NOT EXISTS datafi_ledger_subject_keys (subject BYTEA PRIMARY KEY, key BYTEA NOT NULL)",
                    """
                    CREATE TABLE IF NOT EXISTS datafi_ledger_erasures (subject BYTEA PRIMARY KEY, time BIGINT NOT NULL,
                        entries BYTEA NOT NULL)
                    """,
                ] {
                    try await db.query(statement, logger: logger)
                }
                var version = 0
                for try await (value) in try await db.query(
                    "SELECT value FROM datafi_ledger_meta WHERE key = 'schema.version'", logger: logger).decode(ByteBuffer.self) {
                    version = Int(String(buffer: value)) ?? -1
                }
                guard version <= Self.schemaVersion, version >= 0 else {
                    throw LedgerError.storage("database schema version \(version) is newer than this build's \(Self.schemaVersion)")
                }
                if version < Self.schemaVersion {
                    let text = ByteBuffer(string: String(Self.schemaVersion))
                    try await db.query("""
                        INSERT INTO datafi_ledger_meta (key, value) VALUES ('schema.version', \(text))
                        ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value
                        """, logger: logger)
                }
            }
        }
    }

    // MARK: LedgerStore

    /// The ledger's metadata, `nil` before ``create(metadata:genesis:)``.
    public func metadata() throws(LedgerError) -> LedgerMetadata? {
        let rows: [String: [UInt8]] = try blocking { client, logger in
            var out: [String: [UInt8]] = [:]
            for try await (key, value) in try await client.query(
                "SELECT key, value FROM datafi_ledger_meta WHERE key LIKE 'ledger.%'", logger: logger).decode((String, ByteBuffer).self) {
                out[key] = Array(buffer: value)
            }
            return out
        }
        guard let origin = rows["ledger.origin"] else { return nil }
        guard let originText = String(bytes: origin, encoding: .utf8), let keyBytes = rows["ledger.operatorKey"],
              let key = try? Signing.PublicKey(rawRepresentation: keyBytes),
              let intervalData = rows["ledger.snapshotInterval"], intervalData.count == 8 else {
            throw .corrupt(entry: nil, reason: "ledger metadata")
        }
        let interval = intervalData.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard interval >= 1 else { throw .corrupt(entry: nil, reason: "snapshot interval") }
        return LedgerMetadata(origin: originText, operatorKey: key, snapshotInterval: interval)
    }

    /// Writes the metadata and the genesis snapshot in one transaction.
    /// - Throws: `LedgerError/alreadyExists(_:)` when the database holds a ledger; `LedgerError/storage(_:)`.
    public func create(metadata: LedgerMetadata, genesis: LedgerSnapshot) throws(LedgerError) {
        let interval = (0..<8).map { UInt8(truncatingIfNeeded: metadata.snapshotInterval >> UInt64(56 - 8 * $0)) }
        let origin = ByteBuffer(bytes: Array(metadata.origin.utf8)), key = ByteBuffer(bytes: metadata.operatorKey.rawRepresentation)
        let intervalBytes = ByteBuffer(bytes: interval)
        let size = Int64(genesis.size), state = ByteBuffer(bytes: genesis.state), nonces = ByteBuffer(bytes: genesis.encodedNonces())
        try blocking { client, logger in
            try await client.withTransaction(logger: logger) { db in
                try await db.query("SELECT size FROM datafi_ledger_sequencer WHERE id = 1 FOR UPDATE", logger: logger)
                var exists = false
                for try await _ in try await db.query(
                    "SELECT 1 FROM datafi_ledger_meta WHERE key = 'ledger.origin'", logger: logger) { exists = true }
                if exists { throw LedgerError.alreadyExists("ledger") }
                try await db.query("""
                    INSERT INTO datafi_ledger_meta (key, value) VALUES ('ledger.origin', \(origin)),
                        ('ledger.operatorKey', \(key)), ('ledger.snapshotInterval', \(intervalBytes))
                    """, logger: logger)
                try await db.query("""
                    INSERT INTO datafi_ledger_snapshots (size, state, nonces) VALUES (\(size), \(state), \(nonces))
                    ON CONFLICT (size) DO NOTHING
                    """, logger: logger)
            }
        }
    }

    /// Number of durable entries in the shared log.
    public func size() throws(LedgerError) -> UInt64 {
        try blocking { client, logger in
            for try await size in try await client.query("SELECT size FROM datafi_ledger_sequencer WHERE id = 1", logger: logger)
                .decode(Int64.self) { return UInt64(size) }
            throw LedgerError.corrupt(entry: nil, reason: "no sequencer row")
        }
    }

    /// Leaf data of entry `index`.
    public func leaf(_ index: UInt64) throws(LedgerError) -> [UInt8] {
        try leaves(from: index, count: 1)[0]
    }

    /// Leaf data of a range of entries in one query.
    public func leaves(from start: UInt64, count: UInt64) throws(LedgerError) -> [[UInt8]] {
        guard count > 0 else { return [] }
        let lo = Int64(bitPattern: start), hi = Int64(bitPattern: start &+ count)
        let rows: [(Int64, [UInt8])] = try blocking { client, logger in
            var out: [(Int64, [UInt8])] = []
            for try await (idx, data) in try await client.query(
                "SELECT idx, data FROM datafi_ledger_leaves WHERE idx >= \(lo) AND idx < \(hi) ORDER BY idx", logger: logger)
                .decode((Int64, ByteBuffer).self) { out.append((idx, Array(buffer: data))) }
            return out
        }
        guard rows.count == Int(count) else { throw .missing("leaves \(start)..<\(start + count)") }
        for (offset, row) in rows.enumerated() where row.0 != lo + Int64(offset) { throw .missing("leaf \(start + UInt64(offset))") }
        return rows.map(\.1)
    }

    /// A complete node's hash.
    public func node(level: Int, index: UInt64) throws(LedgerError) -> LogHash {
        let l = Int32(level), i = Int64(bitPattern: index)
        let hash: [UInt8]? = try blocking { client, logger in
            for try await data in try await client.query(
                "SELECT hash FROM datafi_ledger_nodes WHERE level = \(l) AND idx = \(i)", logger: logger).decode(ByteBuffer.self) {
                return Array(buffer: data)
            }
            return nil
        }
        guard let hash, hash.count == MerkleTree.hashLength else { throw .missing("node \(level)/\(index)") }
        return hash
    }

    /// Appends a batch in one transaction that holds the sequencer row.
    /// - Throws: `LedgerError/invalidRange(from:to:)` when another writer appended first (the batch does not
    ///   start at the log's end; nothing was written); `LedgerError/storage(_:)`.
    public func append(_ batch: LedgerBatch) throws(LedgerError) {
        let start = Int64(batch.start), count = Int64(batch.leaves.count)
        let indexes = (0..<count).map { start + $0 }
        let leaves = batch.leaves.map { ByteBuffer(bytes: $0) }
        let nodeLevels = [Int32](repeating: 0, count: batch.leafHashes.count) + batch.nodes.map { Int32($0.level) }
        let nodeIndexes = indexes + batch.nodes.map { Int64($0.index) }
        let nodeHashes = (batch.leafHashes + batch.nodes.map(\.hash)).map { ByteBuffer(bytes: $0) }
        let snapshots = batch.snapshots.map { (Int64($0.size), ByteBuffer(bytes: $0.state), ByteBuffer(bytes: $0.encodedNonces())) }
        let personal = batch.personal
        try blocking { client, logger in
            try await client.withTransaction(logger: logger) { db in
                var current: Int64 = -1
                for try await size in try await db.query(
                    "SELECT size FROM datafi_ledger_sequencer WHERE id = 1 FOR UPDATE", logger: logger).decode(Int64.self) {
                    current = size
                }
                guard current == start else { throw LedgerError.invalidRange(from: UInt64(start), to: UInt64(max(0, current))) }
                try await db.query("""
                    INSERT INTO datafi_ledger_leaves (idx, data) SELECT * FROM unnest(\(indexes)::BIGINT[], \(leaves)::BYTEA[])
                    """, logger: logger)
                try await db.query("""
                    INSERT INTO datafi_ledger_nodes (level, idx, hash)
                    SELECT * FROM unnest(\(nodeLevels)::INTEGER[], \(nodeIndexes)::BIGINT[], \(nodeHashes)::BYTEA[])
                    """, logger: logger)
                for (size, state, nonces) in snapshots {
                    try await db.query("""
                        INSERT INTO datafi_ledger_snapshots (size, state, nonces) VALUES (\(size), \(state), \(nonces))
                        ON CONFLICT (size) DO NOTHING
                        """, logger: logger)
                }
                for record in personal {
                    let key = try await Self.subjectKey(record.subject, db, logger, create: true)!
                    let sealed = SecretBox.seal(record.data, using: key,
                                                authenticating: Self.associatedData(record.subject, record.index))
                    let idx = Int64(record.index), subject = ByteBuffer(bytes: record.subject)
                    let data = ByteBuffer(bytes: sealed)
                    try await db.query("""
                        INSERT INTO datafi_ledger_personal (idx, subject, data) VALUES (\(idx), \(subject), \(data))
                        """, logger: logger)
                }
                try await db.query("UPDATE datafi_ledger_sequencer SET size = \(start + count) WHERE id = 1", logger: logger)
            }
        }
    }

    /// The latest snapshot at a size ≤ `size`.
    public func snapshot(atOrBelow size: UInt64) throws(LedgerError) -> LedgerSnapshot? {
        let limit = Int64(bitPattern: min(size, UInt64(Int64.max)))
        let row: (Int64, [UInt8], [UInt8])? = try blocking { client, logger in
            for try await (size, state, nonces) in try await client.query("""
                SELECT size, state, nonces FROM datafi_ledger_snapshots WHERE size <= \(limit) ORDER BY size DESC LIMIT 1
                """, logger: logger).decode((Int64, ByteBuffer, ByteBuffer).self) {
                return (size, Array(buffer: state), Array(buffer: nonces))
            }
            return nil
        }
        guard let row else { return nil }
        return LedgerSnapshot(size: UInt64(row.0), state: row.1, nonces: try LedgerSnapshot.decodeNonces(row.2))
    }

    /// Sizes of the stored snapshots, ascending.
    public func snapshotSizes() throws(LedgerError) -> [UInt64] {
        try blocking { client, logger in
            var out: [UInt64] = []
            for try await size in try await client.query("SELECT size FROM datafi_ledger_snapshots ORDER BY size", logger: logger)
                .decode(Int64.self) { out.append(UInt64(size)) }
            return out
        }
    }

    /// Associated data of a personal record: a domain, the subject's key and the entry index (as in the
    /// SQLite store).
    private static func associatedData(_ subject: [UInt8], _ index: UInt64) -> [UInt8] {
        Array("DataFi ledger personal v1\n".utf8) + subject + (0..<8).map { UInt8(truncatingIfNeeded: index >> UInt64(56 - 8 * $0)) }
    }

    /// The subject's key; a fresh random one is stored when `create` and none exists. Called inside a
    /// transaction that holds the sequencer row, so two writers never create two keys for one subject.
    private static func subjectKey(_ subject: [UInt8], _ db: PostgresConnection, _ logger: Logger,
                                   create: Bool) async throws -> SecretBox.Key? {
        let subjectBuffer = ByteBuffer(bytes: subject)
        for try await data in try await db.query(
            "SELECT key FROM datafi_ledger_subject_keys WHERE subject = \(subjectBuffer)", logger: logger).decode(ByteBuffer.self) {
            do { return try SecretBox.Key(rawRepresentation: Array(buffer: data)) } catch {
                throw LedgerError.corrupt(entry: nil, reason: "personal data key of \(Hex.encode(subject))")
            }
        }
        guard create else { return nil }
        let key = SecretBox.Key()
        let keyBuffer = ByteBuffer(bytes: key.rawRepresentation.withUnsafeBytes { Array($0) })
        try await db.query("INSERT INTO datafi_ledger_subject_keys (subject, key) VALUES (\(subjectBuffer), \(keyBuffer))",
                           logger: logger)
        return key
    }

    /// The side table's records, decrypted, ascending by entry: all of them, or those of one subject.
    /// - Throws: `LedgerError.corrupt(entry:reason:)` for a record without a key or that does not open;
    ///   `LedgerError.storage(_:)`.
    public func personalRecords(subject: [UInt8]?) throws(LedgerError) -> [PersonalRecord] {
        try blocking { client, logger in
            try await client.withConnection { db in
                var rows: [(Int64, [UInt8], [UInt8])] = []
                if let subject {
                    let subjectBuffer = ByteBuffer(bytes: subject)
                    for try await (idx, owner, data) in try await db.query("""
                        SELECT idx, subject, data FROM datafi_ledger_personal WHERE subject = \(subjectBuffer) ORDER BY idx
                        """, logger: logger).decode((Int64, ByteBuffer, ByteBuffer).self) {
                        rows.append((idx, Array(buffer: owner), Array(buffer: data)))
                    }
                } else {
                    for try await (idx, owner, data) in try await db.query(
                        "SELECT idx, subject, data FROM datafi_ledger_personal ORDER BY idx", logger: logger)
                        .decode((Int64, ByteBuffer, ByteBuffer).self) {
                        rows.append((idx, Array(buffer: owner), Array(buffer: data)))
                    }
                }
                var keys: [[UInt8]: SecretBox.Key] = [:]
                var out: [PersonalRecord] = []
                for (idx, owner, data) in rows {
                    let index = UInt64(bitPattern: idx)
                    var known = keys[owner]
                    if known == nil { known = try await Self.subjectKey(owner, db, logger, create: false) }
                    guard let key = known else {
                        throw LedgerError.corrupt(entry: index, reason: "personal data without its subject's key")
                    }
                    keys[owner] = key
                    guard let plain = try? SecretBox.open(data, using: key,
                                                          authenticating: Self.associatedData(owner, index)) else {
                        throw LedgerError.corrupt(entry: index, reason: "personal data does not decrypt")
                    }
                    out.append(PersonalRecord(index: index, subject: owner, data: plain))
                }
                return out
            }
        }
    }

    /// Deletes the subject's records and key and records the erasure, in one transaction.
    /// - Throws: `LedgerError.invalidField(_:)` when `entries` is not exactly what is held;
    ///   `LedgerError.storage(_:)`.
    public func erase(subject: [UInt8], entries: [UInt64], at time: UInt64) throws(LedgerError) {
        let subjectBuffer = ByteBuffer(bytes: subject)
        let list = ByteBuffer(bytes: entries.flatMap { v in (0..<8).map { UInt8(truncatingIfNeeded: v >> UInt64(56 - 8 * $0)) } })
        let when = Int64(bitPattern: time)
        try blocking { client, logger in
            try await client.withTransaction(logger: logger) { db in
                var held: [UInt64] = []
                for try await idx in try await db.query("""
                    SELECT idx FROM datafi_ledger_personal WHERE subject = \(subjectBuffer) ORDER BY idx FOR UPDATE
                    """, logger: logger).decode(Int64.self) { held.append(UInt64(bitPattern: idx)) }
                guard held == entries else { throw LedgerError.invalidField("the subject's records changed") }
                try await db.query("DELETE FROM datafi_ledger_personal WHERE subject = \(subjectBuffer)", logger: logger)
                try await db.query("DELETE FROM datafi_ledger_subject_keys WHERE subject = \(subjectBuffer)", logger: logger)
                try await db.query("""
                    INSERT INTO datafi_ledger_erasures (subject, time, entries) VALUES (\(subjectBuffer), \(when), \(list))
                    ON CONFLICT (subject) DO UPDATE SET time = EXCLUDED.time, entries = EXCLUDED.entries
                    """, logger: logger)
            }
        }
    }

    /// The latest erasure of `subject`.
    /// - Throws: `LedgerError.corrupt(entry:reason:)`, `LedgerError.storage(_:)`.
    public func erasure(of subject: [UInt8]) throws(LedgerError) -> ErasureRecord? {
        let subjectBuffer = ByteBuffer(bytes: subject)
        let row: (Int64, [UInt8])? = try blocking { client, logger in
            for try await (time, entries) in try await client.query(
                "SELECT time, entries FROM datafi_ledger_erasures WHERE subject = \(subjectBuffer)", logger: logger)
                .decode((Int64, ByteBuffer).self) { return (time, Array(buffer: entries)) }
            return nil
        }
        guard let row else { return nil }
        guard row.1.count % 8 == 0 else { throw .corrupt(entry: nil, reason: "erasure record of \(Hex.encode(subject))") }
        let entries = stride(from: 0, to: row.1.count, by: 8).map { row.1[$0..<$0 + 8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
        return ErasureRecord(subject: subject, time: UInt64(bitPattern: row.0), entries: entries)
    }

    /// Test and tooling hook: deletes every ledger table (the next open creates them again).
    public func dropEverything() throws(LedgerError) {
        _ = try blocking { client, logger in
            try await client.query("""
                DROP TABLE IF EXISTS datafi_ledger_meta, datafi_ledger_leaves, datafi_ledger_nodes, datafi_ledger_snapshots,
                    datafi_ledger_sequencer, datafi_ledger_personal, datafi_ledger_subject_keys, datafi_ledger_erasures
                """, logger: logger)
        }
    }
}

private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
}
