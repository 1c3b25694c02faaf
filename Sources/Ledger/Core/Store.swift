import DataFiSodium

/// What a ledger records about itself when it is created.
public struct LedgerMetadata: Hashable, Sendable {
    /// The ledger's origin.
    public let origin: String
    /// The operator's Ed25519 public key (signs checkpoints).
    public let operatorKey: Signing.PublicKey
    /// A state snapshot is stored every this many entries (≥ 1).
    public let snapshotInterval: UInt64

    /// Creates metadata.
    public init(origin: String, operatorKey: Signing.PublicKey, snapshotInterval: UInt64) {
        self.origin = origin
        self.operatorKey = operatorKey
        self.snapshotInterval = snapshotInterval
    }
}

/// The ledger's state after some number of entries: the state machine's snapshot and the signers' next
/// nonces.
public struct LedgerSnapshot: Hashable, Sendable {
    /// Entries covered.
    public let size: UInt64
    /// The state machine's ``LedgerStateMachine/snapshot()`` bytes.
    public let state: [UInt8]
    /// The next nonce of every signer that has one, by raw public key.
    public let nonces: [[UInt8]: UInt64]

    /// Creates a snapshot.
    public init(size: UInt64, state: [UInt8], nonces: [[UInt8]: UInt64]) {
        self.size = size
        self.state = state
        self.nonces = nonces
    }

    /// The nonces as bytes: count (u32), then per signer, sorted by key, key (32) and next nonce (u64).
    public func encodedNonces() -> [UInt8] {
        var w = ByteWriter()
        w.u32(UInt32(nonces.count))
        for (key, value) in nonces.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            w.raw(key)
            w.u64(value)
        }
        return w.bytes
    }

    /// Decodes ``encodedNonces()``.
    /// - Throws: ``LedgerError/malformedEncoding(_:)``.
    public static func decodeNonces(_ bytes: [UInt8]) throws(LedgerError) -> [[UInt8]: UInt64] {
        var r = ByteReader(bytes)
        let count = Int(try r.u32("nonce count"))
        guard count <= r.remaining / 40 else { throw .malformedEncoding("nonce count") }
        var out: [[UInt8]: UInt64] = [:]
        for _ in 0..<count { out[Array(try r.take(32, "signer"))] = try r.u64("nonce") }
        guard r.remaining == 0, out.count == count else { throw .malformedEncoding("nonce table") }
        return out
    }
}

/// One batch appended atomically: entries with their leaf hashes, the Merkle nodes they complete, and
/// possibly snapshots taken inside the batch.
public struct LedgerBatch: Sendable {
    /// Index of the first entry.
    public let start: UInt64
    /// Leaf data of each entry, in order.
    public var leaves: [[UInt8]] = []
    /// Complete nodes of level ≥ 1 finished by the batch, as (level, index, hash). Level 0 (leaf hashes)
    /// are `leafHashes`.
    public var nodes: [(level: Int, index: UInt64, hash: LogHash)] = []
    /// The leaf hash of each entry.
    public var leafHashes: [LogHash] = []
    /// Snapshots taken at sizes inside the batch.
    public var snapshots: [LedgerSnapshot] = []
    /// Personal data of entries of the batch, for the side table.
    public var personal: [PersonalRecord] = []

    /// An empty batch starting at entry `start`.
    public init(start: UInt64) { self.start = start }
}

/// One row of the side table: the personal data of entry `index`, keyed by its data subject (the signer).
public struct PersonalRecord: Hashable, Sendable {
    /// The entry's index.
    public let index: UInt64
    /// The subject's raw Ed25519 public key.
    public let subject: [UInt8]
    /// The personal data (canonical JSON of an object).
    public let data: [UInt8]

    /// Creates a record.
    public init(index: UInt64, subject: [UInt8], data: [UInt8]) {
        self.index = index
        self.subject = subject
        self.data = data
    }
}

/// What remains of an erasure: who, when, and which entries' personal data were deleted.
public struct ErasureRecord: Hashable, Sendable {
    /// The subject's raw Ed25519 public key.
    public let subject: [UInt8]
    /// Ledger time of the erasure (seconds since 1970).
    public let time: UInt64
    /// The entries whose personal data was deleted, ascending.
    public let entries: [UInt64]

    /// Creates a record.
    public init(subject: [UInt8], time: UInt64, entries: [UInt64]) {
        self.subject = subject
        self.time = time
        self.entries = entries
    }
}

/// Durable storage of a ledger. `append` returns only when the batch is durable; a batch is all or nothing.
/// Implementations are single-writer; readers see only whole batches.
public protocol LedgerStore: AnyObject, MerkleNodeReader {
    /// The metadata written by ``create(metadata:genesis:)``, or `nil` for a store never created.
    func metadata() throws(LedgerError) -> LedgerMetadata?
    /// Creates the ledger: metadata and the genesis snapshot (size 0).
    /// - Throws: ``LedgerError/alreadyExists(_:)`` when it holds a ledger.
    func create(metadata: LedgerMetadata, genesis: LedgerSnapshot) throws(LedgerError)
    /// Number of durable entries.
    func size() throws(LedgerError) -> UInt64
    /// The leaf data of entry `index`.
    func leaf(_ index: UInt64) throws(LedgerError) -> [UInt8]
    /// Leaf data of entries `start ..< start + count` (a default reads them one by one).
    func leaves(from start: UInt64, count: UInt64) throws(LedgerError) -> [[UInt8]]
    /// Appends a batch durably (all or nothing).
    func append(_ batch: LedgerBatch) throws(LedgerError)
    /// The latest snapshot at a size ≤ `size`.
    func snapshot(atOrBelow size: UInt64) throws(LedgerError) -> LedgerSnapshot?
    /// Sizes of all stored snapshots, ascending.
    func snapshotSizes() throws(LedgerError) -> [UInt64]
    /// The side table's records, ascending by entry: all of them, or those of one subject.
    /// - Throws: ``LedgerError/corrupt(entry:reason:)`` for a record that cannot be read back; storage errors.
    func personalRecords(subject: [UInt8]?) throws(LedgerError) -> [PersonalRecord]
    /// Deletes every side-table record of `subject` (and any key protecting them) and records the erasure,
    /// all in one transaction. `entries` must be exactly the subject's records; otherwise nothing changes.
    /// - Throws: ``LedgerError/invalidField(_:)`` when `entries` differs from what is held; storage errors.
    func erase(subject: [UInt8], entries: [UInt64], at time: UInt64) throws(LedgerError)
    /// The latest erasure of `subject`, if any.
    func erasure(of subject: [UInt8]) throws(LedgerError) -> ErasureRecord?
    /// Runs `body` with a node reader that may be faster for many reads (one read transaction); the
    /// default passes the store itself.
    func withNodeReader<R>(_ body: (any MerkleNodeReader) throws(LedgerError) -> R) throws(LedgerError) -> R
}

extension LedgerStore {
    /// Passes the store itself.
    public func withNodeReader<R>(_ body: (any MerkleNodeReader) throws(LedgerError) -> R) throws(LedgerError) -> R {
        try body(self)
    }
}

/// An in-memory store for tests and short-lived ledgers. Not durable.
public final class MemoryLedgerStore: LedgerStore, @unchecked Sendable {
    private var meta: LedgerMetadata?
    private var leaves: [[UInt8]] = []
    private var nodes: [Int: [UInt64: LogHash]] = [:]
    private var snapshots: [UInt64: LedgerSnapshot] = [:]
    private var personal: [UInt64: PersonalRecord] = [:]
    private var erasures: [[UInt8]: ErasureRecord] = [:]

    /// An empty store.
    public init() {}

    /// The metadata, `nil` before ``create(metadata:genesis:)``.
    public func metadata() throws(LedgerError) -> LedgerMetadata? { meta }

    /// Creates the ledger. - Throws: ``LedgerError/alreadyExists(_:)``.
    public func create(metadata: LedgerMetadata, genesis: LedgerSnapshot) throws(LedgerError) {
        guard meta == nil else { throw .alreadyExists("ledger") }
        meta = metadata
        snapshots[0] = genesis
    }

    /// Number of entries.
    public func size() throws(LedgerError) -> UInt64 { UInt64(leaves.count) }

    /// Leaf data of entry `index`. - Throws: ``LedgerError/missing(_:)``.
    public func leaf(_ index: UInt64) throws(LedgerError) -> [UInt8] {
        guard index < UInt64(leaves.count) else { throw .missing("leaf \(index)") }
        return leaves[Int(index)]
    }

    /// A complete node's hash. - Throws: ``LedgerError/missing(_:)``.
    public func node(level: Int, index: UInt64) throws(LedgerError) -> LogHash {
        guard let hash = nodes[level]?[index] else { throw .missing("node \(level)/\(index)") }
        return hash
    }

    /// Appends a batch. - Throws: ``LedgerError/invalidRange(from:to:)`` when it does not start at the end.
    public func append(_ batch: LedgerBatch) throws(LedgerError) {
        guard batch.start == UInt64(leaves.count) else { throw .invalidRange(from: batch.start, to: UInt64(leaves.count)) }
        leaves += batch.leaves
        for (i, hash) in batch.leafHashes.enumerated() { nodes[0, default: [:]][batch.start + UInt64(i)] = hash }
        for node in batch.nodes { nodes[node.level, default: [:]][node.index] = node.hash }
        for snapshot in batch.snapshots { snapshots[snapshot.size] = snapshot }
        for record in batch.personal { personal[record.index] = record }
    }

    /// The side table's records, ascending by entry.
    public func personalRecords(subject: [UInt8]?) throws(LedgerError) -> [PersonalRecord] {
        personal.values.filter { subject == nil || $0.subject == subject }.sorted { $0.index < $1.index }
    }

    /// Deletes the subject's records and records the erasure. - Throws: ``LedgerError/invalidField(_:)``.
    public func erase(subject: [UInt8], entries: [UInt64], at time: UInt64) throws(LedgerError) {
        guard try personalRecords(subject: subject).map(\.index) == entries else {
            throw .invalidField("the subject's records changed")
        }
        for index in entries { personal[index] = nil }
        erasures[subject] = ErasureRecord(subject: subject, time: time, entries: entries)
    }

    /// The latest erasure of `subject`.
    public func erasure(of subject: [UInt8]) throws(LedgerError) -> ErasureRecord? { erasures[subject] }

    /// The latest snapshot at a size ≤ `size`.
    public func snapshot(atOrBelow size: UInt64) throws(LedgerError) -> LedgerSnapshot? {
        snapshots.keys.filter { $0 <= size }.max().flatMap { snapshots[$0] }
    }

    /// Sizes of the stored snapshots, ascending.
    public func snapshotSizes() throws(LedgerError) -> [UInt64] { snapshots.keys.sorted() }

    /// Test hook: replaces the stored data of entry `index` (to simulate corruption).
    public func corruptLeaf(_ index: UInt64, with data: [UInt8]) { leaves[Int(index)] = data }
}
