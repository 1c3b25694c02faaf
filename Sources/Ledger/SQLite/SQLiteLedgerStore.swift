import DataFiLedger
import DataFiSodium
import Foundation
import GRDB

/// The embedded ledger store: one SQLite file (WAL, `synchronous=FULL`) through GRDB.
///
/// Each ``append(_:)`` is one SQL transaction: leaves, leaf and node hashes and snapshots of a batch are
/// committed together and fsynced before it returns, so an acknowledged entry survives a crash and a
/// half-written batch never appears. Tables: `meta(key, value)`, `leaves(idx, data)`,
/// `nodes(level, idx, hash)` (level 0 = leaf hashes), `snapshots(size, state, nonces)`, and the side table
/// of personal data: `personal(idx, subject, data)`, `subject_keys(subject, key)`, `erasures(subject, time,
/// entries)`.
///
/// Personal data is encrypted under a random key per subject (XChaCha20-Poly1305, the subject's key and the
/// entry index authenticated as associated data), so a record moved, altered or filed under another
/// subject fails to open and is reported as corruption. ``erase(subject:entries:at:)`` deletes the
/// subject's records and key in one transaction (crypto-shredding: a copy of the file taken earlier
/// holds only ciphertext once its key is gone from every copy); `secure_delete` overwrites the freed pages
/// and the WAL is truncated afterwards, so the plaintext key does not linger in the file.
public final class SQLiteLedgerStore: LedgerStore, @unchecked Sendable {
    /// The database file.
    public let path: String
    private let queue: DatabaseQueue
    private let cache = UpperNodeCache()

    /// Opens (`create == false`) or creates (`create == true`) the store at `path`.
    /// - Throws: `LedgerError.alreadyExists(_:)` when creating over an existing file;
    ///   `LedgerError.missing(_:)` when opening a file that does not exist; `LedgerError.storage(_:)`
    ///   when SQLite fails (not a database, unreadable, locked).
    public init(path: String, create: Bool) throws(LedgerError) {
        let exists = FileManager.default.fileExists(atPath: path)
        if create && exists { throw .alreadyExists(path) }
        if !create && !exists { throw .missing(path) }
        self.path = path
        var config = Configuration()
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA secure_delete = ON")
        }
        config.busyMode = .timeout(5)
        do {
            queue = try DatabaseQueue(path: path, configuration: config)
            try queue.write { db in
                try db.execute(sql: """
                    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
                    CREATE TABLE IF NOT EXISTS leaves (idx INTEGER PRIMARY KEY, data BLOB NOT NULL);
                    CREATE TABLE IF NOT EXISTS nodes (level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL,
                                                      PRIMARY KEY (level, idx)) WITHOUT ROWID;
                    CREATE TABLE IF NOT EXISTS snapshots (size INTEGER PRIMARY KEY, state BLOB NOT NULL,
                                                          nonces BLOB NOT NULL);
                    CREATE TABLE IF NOT EXISTS personal (idx INTEGER PRIMARY KEY, subject BLOB NOT NULL, data BLOB NOT NULL);
                    CREATE INDEX IF NOT EXISTS personal_subject ON personal (subject, idx);
                    CREATE TABLE IF NOT EXISTS subject_keys (subject BLOB PRIMARY KEY, key BLOB NOT NULL);
                    CREATE TABLE IF NOT EXISTS erasures (subject BLOB PRIMARY KEY, time INTEGER NOT NULL,
                                                         entries BLOB NOT NULL);
                    """)
            }
        } catch {
            throw .storage("\(error)")
        }
    }

    private func read<T>(_ body: (Database) throws -> T) throws(LedgerError) -> T {
        do { return try queue.read(body) } catch let error as LedgerError { throw error } catch {
            throw .storage("\(error)")
        }
    }

    private func write<T>(_ body: (Database) throws -> T) throws(LedgerError) -> T {
        do { return try queue.write(body) } catch let error as LedgerError { throw error } catch {
            throw .storage("\(error)")
        }
    }

    /// A free-form metadata value (tools keep e.g. the operator key's location here).
    /// - Throws: `LedgerError.storage(_:)`.
    public func value(forKey key: String) throws(LedgerError) -> [UInt8]? {
        try read { db in try Data.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key]).map { Array($0) } }
    }

    /// Sets a free-form metadata value (keys starting with `ledger.` are reserved).
    /// - Throws: `LedgerError.storage(_:)`.
    public func setValue(_ value: [UInt8], forKey key: String) throws(LedgerError) {
        precondition(!key.hasPrefix("ledger."), "reserved key")
        try write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", arguments: [key, Data(value)])
        }
    }

    /// The ledger's metadata, `nil` before ``create(metadata:genesis:)``.
    /// - Throws: `LedgerError.corrupt(entry:reason:)` for unreadable metadata; `LedgerError.storage(_:)`.
    public func metadata() throws(LedgerError) -> LedgerMetadata? {
        let rows: [String: Data] = try read { db in
            Dictionary(try Row.fetchAll(db, sql: "SELECT key, value FROM meta WHERE key LIKE 'ledger.%'")
                .map { ($0["key"] as String, $0["value"] as Data) }, uniquingKeysWith: { a, _ in a })
        }
        guard let origin = rows["ledger.origin"] else { return nil }
        guard let originText = String(data: origin, encoding: .utf8), let keyBytes = rows["ledger.operatorKey"],
              let key = try? Signing.PublicKey(rawRepresentation: keyBytes),
              let intervalData = rows["ledger.snapshotInterval"], intervalData.count == 8 else {
            throw .corrupt(entry: nil, reason: "ledger metadata")
        }
        let interval = intervalData.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard interval >= 1 else { throw .corrupt(entry: nil, reason: "snapshot interval") }
        return LedgerMetadata(origin: originText, operatorKey: key, snapshotInterval: interval)
    }

    /// Writes the metadata and the genesis snapshot in one transaction.
    /// - Throws: `LedgerError.alreadyExists(_:)`; `LedgerError.storage(_:)`.
    public func create(metadata: LedgerMetadata, genesis: LedgerSnapshot) throws(LedgerError) {
        try write { db in
            guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM meta WHERE key = 'ledger.origin'") == 0 else {
                throw LedgerError.alreadyExists("ledger")
            }
            let interval = (0..<8).map { UInt8(truncatingIfNeeded: metadata.snapshotInterval >> UInt64(56 - 8 * $0)) }
            for (key, value) in [("ledger.origin", Data(metadata.origin.utf8)),
                                 ("ledger.operatorKey", Data(metadata.operatorKey.rawRepresentation)),
                                 ("ledger.snapshotInterval", Data(interval))] {
                try db.execute(sql: "INSERT INTO meta (key, value) VALUES (?, ?)", arguments: [key, value])
            }
            try Self.insert(genesis, db)
        }
    }

    private static func insert(_ snapshot: LedgerSnapshot, _ db: Database) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO snapshots (size, state, nonces) VALUES (?, ?, ?)",
                       arguments: [Int64(snapshot.size), Data(snapshot.state), Data(snapshot.encodedNonces())])
    }

    /// Number of durable entries. - Throws: `LedgerError.storage(_:)`.
    public func size() throws(LedgerError) -> UInt64 {
        UInt64(try read { db in try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(idx) + 1, 0) FROM leaves") ?? 0 })
    }

    /// Leaf data of entry `index`. - Throws: `LedgerError.missing(_:)`, `LedgerError.storage(_:)`.
    public func leaf(_ index: UInt64) throws(LedgerError) -> [UInt8] {
        guard let data = try read({ db in
            try Data.fetchOne(db, sql: "SELECT data FROM leaves WHERE idx = ?", arguments: [Int64(bitPattern: index)])
        }) else { throw .missing("leaf \(index)") }
        return Array(data)
    }

    /// Leaf data of a range of entries in one query. - Throws: `LedgerError.missing(_:)`, `LedgerError.storage(_:)`.
    public func leaves(from start: UInt64, count: UInt64) throws(LedgerError) -> [[UInt8]] {
        let rows = try read { db in
            try Row.fetchAll(db, sql: "SELECT idx, data FROM leaves WHERE idx >= ? AND idx < ? ORDER BY idx",
                             arguments: [Int64(bitPattern: start), Int64(bitPattern: start &+ count)])
        }
        guard rows.count == Int(count) else { throw .missing("leaves \(start)..<\(start + count)") }
        var out: [[UInt8]] = []
        out.reserveCapacity(rows.count)
        for (offset, row) in rows.enumerated() {
            guard (row["idx"] as Int64) == Int64(start) + Int64(offset), let data = row["data"] as Data? else {
                throw .missing("leaf \(start + UInt64(offset))")
            }
            out.append(Array(data))
        }
        return out
    }

    /// A complete node's hash. - Throws: `LedgerError.missing(_:)`, `LedgerError.storage(_:)`.
    public func node(level: Int, index: UInt64) throws(LedgerError) -> LogHash {
        try withNodeReader { (reader) throws(LedgerError) in try reader.node(level: level, index: index) }
    }

    /// Reads nodes inside one read transaction with a cached statement.
    public func withNodeReader<R>(_ body: (any MerkleNodeReader) throws(LedgerError) -> R) throws(LedgerError) -> R {
        try read { db in
            let reader = Reader(statement: try db.cachedStatement(sql: "SELECT hash FROM nodes WHERE level = ? AND idx = ?"),
                                cache: cache)
            do { return try body(reader) } catch { throw error }
        }
    }

    private struct Reader: MerkleNodeReader {
        let statement: Statement
        let cache: UpperNodeCache
        func node(level: Int, index: UInt64) throws(LedgerError) -> LogHash {
            if let hash = cache.hash(level: level, index: index) { return hash }
            let data: Data?
            do { data = try Data.fetchOne(statement, arguments: [level, Int64(bitPattern: index)]) } catch {
                throw .storage("\(error)")
            }
            guard let data, data.count == MerkleTree.hashLength else { throw .missing("node \(level)/\(index)") }
            let hash = Array(data)
            cache.insert(hash, level: level, index: index)
            return hash
        }
    }

    /// Appends a batch in one SQL transaction, durable when this returns.
    /// - Throws: `LedgerError.invalidRange(from:to:)` when it does not start at the end; `LedgerError.storage(_:)`.
    public func append(_ batch: LedgerBatch) throws(LedgerError) {
        try write { db in
            let size = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(idx) + 1, 0) FROM leaves") ?? 0
            guard UInt64(size) == batch.start else {
                throw LedgerError.invalidRange(from: batch.start, to: UInt64(size))
            }
            let leaf = try db.cachedStatement(sql: "INSERT INTO leaves (idx, data) VALUES (?, ?)")
            let node = try db.cachedStatement(sql: "INSERT INTO nodes (level, idx, hash) VALUES (?, ?, ?)")
            for (offset, data) in batch.leaves.enumerated() {
                let index = Int64(batch.start) + Int64(offset)
                try leaf.execute(arguments: [index, Data(data)])
                try node.execute(arguments: [0, index, Data(batch.leafHashes[offset])])
            }
            for n in batch.nodes { try node.execute(arguments: [n.level, Int64(n.index), Data(n.hash)]) }
            for snapshot in batch.snapshots { try Self.insert(snapshot, db) }
            for record in batch.personal {
                let key = try Self.subjectKey(record.subject, db, create: true)!
                let sealed = SecretBox.seal(record.data, using: key,
                                            authenticating: Self.associatedData(record.subject, record.index))
                try db.execute(sql: "INSERT INTO personal (idx, subject, data) VALUES (?, ?, ?)",
                               arguments: [Int64(record.index), Data(record.subject), Data(sealed)])
            }
        }
    }

    /// Associated data of a personal record: a domain, the subject's key and the entry index.
    private static func associatedData(_ subject: [UInt8], _ index: UInt64) -> [UInt8] {
        Array("DataFi ledger personal v1\n".utf8) + subject + (0..<8).map { UInt8(truncatingIfNeeded: index >> UInt64(56 - 8 * $0)) }
    }

    /// The subject's key; a fresh random one is stored when `create` and none exists.
    private static func subjectKey(_ subject: [UInt8], _ db: Database, create: Bool) throws -> SecretBox.Key? {
        if let data = try Data.fetchOne(db, sql: "SELECT key FROM subject_keys WHERE subject = ?", arguments: [Data(subject)]) {
            do { return try SecretBox.Key(rawRepresentation: Array(data)) } catch {
                throw LedgerError.corrupt(entry: nil, reason: "personal data key of \(Hex.encode(subject))")
            }
        }
        guard create else { return nil }
        let key = SecretBox.Key()
        try db.execute(sql: "INSERT INTO subject_keys (subject, key) VALUES (?, ?)",
                       arguments: [Data(subject), Data(key.rawRepresentation.withUnsafeBytes { Array($0) })])
        return key
    }

    /// The side table's records, decrypted, ascending by entry.
    /// - Throws: `LedgerError.corrupt(entry:reason:)` for a record without a key or that does not open;
    ///   `LedgerError.storage(_:)`.
    public func personalRecords(subject: [UInt8]?) throws(LedgerError) -> [PersonalRecord] {
        try read { db in
            let rows = try subject.map {
                try Row.fetchAll(db, sql: "SELECT idx, subject, data FROM personal WHERE subject = ? ORDER BY idx",
                                 arguments: [Data($0)])
            } ?? Row.fetchAll(db, sql: "SELECT idx, subject, data FROM personal ORDER BY idx")
            var keys: [[UInt8]: SecretBox.Key] = [:]
            return try rows.map { row in
                let index = UInt64(bitPattern: row["idx"] as Int64)
                let owner = Array(row["subject"] as Data)
                guard let key = try keys[owner] ?? Self.subjectKey(owner, db, create: false) else {
                    throw LedgerError.corrupt(entry: index, reason: "personal data without its subject's key")
                }
                keys[owner] = key
                guard let data = try? SecretBox.open(Array(row["data"] as Data), using: key,
                                                     authenticating: Self.associatedData(owner, index)) else {
                    throw LedgerError.corrupt(entry: index, reason: "personal data does not decrypt")
                }
                return PersonalRecord(index: index, subject: owner, data: data)
            }
        }
    }

    /// Deletes the subject's records and key and records the erasure, in one transaction; then truncates the
    /// WAL so the deleted pages leave the file.
    /// - Throws: `LedgerError.invalidField(_:)` when `entries` is not exactly what is held; `LedgerError.storage(_:)`.
    public func erase(subject: [UInt8], entries: [UInt64], at time: UInt64) throws(LedgerError) {
        try write { db in
            let held = try Int64.fetchAll(db, sql: "SELECT idx FROM personal WHERE subject = ? ORDER BY idx",
                                          arguments: [Data(subject)]).map { UInt64(bitPattern: $0) }
            guard held == entries else { throw LedgerError.invalidField("the subject's records changed") }
            try db.execute(sql: "DELETE FROM personal WHERE subject = ?", arguments: [Data(subject)])
            try db.execute(sql: "DELETE FROM subject_keys WHERE subject = ?", arguments: [Data(subject)])
            var list = ByteList()
            for index in entries { list.append(index) }
            try db.execute(sql: "INSERT OR REPLACE INTO erasures (subject, time, entries) VALUES (?, ?, ?)",
                           arguments: [Data(subject), Int64(bitPattern: time), Data(list.bytes)])
        }
        do { try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") } } catch {
            // The erasure is committed; a busy reader only delays the truncation to the next checkpoint.
        }
    }

    /// The latest erasure of `subject`. - Throws: `LedgerError.corrupt(entry:reason:)`, `LedgerError.storage(_:)`.
    public func erasure(of subject: [UInt8]) throws(LedgerError) -> ErasureRecord? {
        guard let row = try read({ db in
            try Row.fetchOne(db, sql: "SELECT time, entries FROM erasures WHERE subject = ?", arguments: [Data(subject)])
        }) else { return nil }
        let bytes = Array(row["entries"] as Data)
        guard bytes.count % 8 == 0 else { throw .corrupt(entry: nil, reason: "erasure record of \(Hex.encode(subject))") }
        let entries = stride(from: 0, to: bytes.count, by: 8).map { bytes[$0..<$0 + 8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
        return ErasureRecord(subject: subject, time: UInt64(bitPattern: row["time"] as Int64), entries: entries)
    }

    /// Test hook: overwrites the stored (encrypted) side-table data of one entry.
    public func overwritePersonal(_ index: UInt64, with data: [UInt8]) throws(LedgerError) {
        try write { db in
            try db.execute(sql: "UPDATE personal SET data = ? WHERE idx = ?", arguments: [Data(data), Int64(index)])
        }
    }

    /// Test hook: the stored key and ciphertext of entry `index`'s personal data, as they sit in the file.
    public func rawPersonal(_ index: UInt64) throws(LedgerError) -> (key: [UInt8], ciphertext: [UInt8])? {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT k.key AS key, p.data AS data FROM personal p JOIN subject_keys k ON k.subject = p.subject
                WHERE p.idx = ?
                """, arguments: [Int64(index)]) else { return nil }
            return (Array(row["key"] as Data), Array(row["data"] as Data))
        }
    }

    /// Test hook: the raw bytes of the database file and its WAL, to check that no plaintext remains.
    public func rawFileBytes() -> [UInt8] {
        ["", "-wal"].flatMap { (try? Array(Data(contentsOf: URL(fileURLWithPath: path + $0)))) ?? [] }
    }

    /// The latest snapshot at a size ≤ `size`. - Throws: `LedgerError.storage(_:)`, `LedgerError.malformedEncoding(_:)`.
    public func snapshot(atOrBelow size: UInt64) throws(LedgerError) -> LedgerSnapshot? {
        guard let row = try read({ db in
            try Row.fetchOne(db, sql: "SELECT size, state, nonces FROM snapshots WHERE size <= ? ORDER BY size DESC LIMIT 1",
                             arguments: [Int64(bitPattern: size)])
        }) else { return nil }
        let nonces = try LedgerSnapshot.decodeNonces(Array(row["nonces"] as Data))
        return LedgerSnapshot(size: UInt64(row["size"] as Int64), state: Array(row["state"] as Data), nonces: nonces)
    }

    /// Sizes of the stored snapshots, ascending. - Throws: `LedgerError.storage(_:)`.
    public func snapshotSizes() throws(LedgerError) -> [UInt64] {
        try read { db in try Int64.fetchAll(db, sql: "SELECT size FROM snapshots ORDER BY size") }.map { UInt64($0) }
    }

    /// Test hook: overwrites the stored data of one entry, as a bad disk or an attacker would.
    public func overwriteLeaf(_ index: UInt64, with data: [UInt8]) throws(LedgerError) {
        try write { db in
            try db.execute(sql: "UPDATE leaves SET data = ? WHERE idx = ?", arguments: [Data(data), Int64(index)])
        }
    }
}

/// Big-endian u64 list.
struct ByteList {
    var bytes: [UInt8] = []
    mutating func append(_ v: UInt64) { for s in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: v >> UInt64(s))) } }
}

/// Hashes of complete subtrees of level ≥ ``minimumLevel`` read so far. A complete node never changes
/// once written, so serving it from memory is exact; the cache keeps at most ``capacity`` nodes (about
/// 2 MiB), enough for every node of level ≥ 6 of a 4·10^6-entry log, and stops growing when full.
final class UpperNodeCache: @unchecked Sendable {
    static let minimumLevel = 6
    static let capacity = 1 << 16
    private var nodes: [UInt64: LogHash] = [:]
    private let lock = NSLock()

    private static func key(_ level: Int, _ index: UInt64) -> UInt64? {
        guard level >= minimumLevel, level < 64, index < (UInt64(1) << 56) else { return nil }
        return UInt64(level) << 56 | index
    }

    func hash(level: Int, index: UInt64) -> LogHash? {
        guard let key = Self.key(level, index) else { return nil }
        lock.lock()
        defer { lock.unlock() }
        return nodes[key]
    }

    func insert(_ hash: LogHash, level: Int, index: UInt64) {
        guard let key = Self.key(level, index) else { return }
        lock.lock()
        defer { lock.unlock() }
        if nodes.count < Self.capacity { nodes[key] = hash }
    }
}
