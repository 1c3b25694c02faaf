import DataFiSodium
import DataFiZK
import Dispatch
import Foundation

/// What the ledger did with one submitted envelope.
public enum SubmitResult: Equatable, Sendable {
    /// Logged at `index` with leaf hash `leafHash`: applied, or refused by the state machine (the nonce is
    /// consumed, the state unchanged).
    case logged(index: UInt64, leafHash: LogHash, outcome: LedgerOutcome)
    /// Refused before logging (bad signature, wrong origin or nonce, expired): nothing logged or changed.
    case rejected(LedgerError)
}

/// A signed, ordered, provable log of the transactions of a deterministic state machine, over a
/// ``LedgerStore``.
///
/// ``submit(_:at:threads:)`` checks envelopes (signatures in parallel), applies them in order to the state
/// machine, and appends them as one durable batch; it returns only after the store made the batch durable,
/// and changes nothing in memory if the store fails. Every entry is an RFC 9162 leaf; inclusion and
/// consistency proofs read O(log n) nodes. A snapshot of the state is stored every
/// ``LedgerMetadata/snapshotInterval`` entries, so opening replays at most that many entries.
public struct Ledger<Machine: LedgerStateMachine, Store: LedgerStore> {
    /// The transaction type of the state machine.
    public typealias Transaction = Machine.Transaction

    /// The store.
    public let store: Store
    /// Origin, operator key and snapshot interval.
    public let metadata: LedgerMetadata
    /// The state after every logged entry.
    public private(set) var state: Machine
    /// Next nonce of every signer that has logged an envelope, by raw public key.
    public private(set) var nonces: [[UInt8]: UInt64]
    /// The tree's right edge.
    public private(set) var frontier: MerkleFrontier

    /// Number of logged entries.
    public var size: UInt64 { frontier.size }
    /// The ledger's origin.
    public var origin: String { metadata.origin }

    /// Creates a new ledger in an empty store.
    /// - Throws: ``LedgerError/invalidField(_:)`` for an invalid origin or a zero interval;
    ///   ``LedgerError/alreadyExists(_:)`` when the store holds a ledger; storage errors.
    public static func create(in store: Store, origin: String, operatorKey: Signing.PublicKey, genesis: Machine,
                              snapshotInterval: UInt64 = 10_000) throws(LedgerError) -> Ledger {
        guard Envelope<Transaction>.isValidOrigin(origin) else { throw .invalidField("origin") }
        guard snapshotInterval >= 1 else { throw .invalidField("snapshot interval must be at least 1") }
        let metadata = LedgerMetadata(origin: origin, operatorKey: operatorKey, snapshotInterval: snapshotInterval)
        try store.create(metadata: metadata, genesis: LedgerSnapshot(size: 0, state: try genesis.snapshot(), nonces: [:]))
        return try Ledger(opening: store)
    }

    /// Opens a ledger: restores the latest snapshot and replays the entries after it (signatures are not
    /// re-checked here; ``verify(threads:)`` does).
    /// - Throws: ``LedgerError/missing(_:)`` for a store without a ledger; ``LedgerError/corrupt(entry:reason:)``
    ///   when an entry does not decode or replays to another outcome; storage errors.
    public init(opening store: Store) throws(LedgerError) {
        guard let metadata = try store.metadata() else { throw .missing("ledger (not created)") }
        let size = try store.size()
        guard let snapshot = try store.snapshot(atOrBelow: size) else { throw .corrupt(entry: nil, reason: "no snapshot") }
        self.store = store
        self.metadata = metadata
        do {
            state = try Machine(snapshot: snapshot.state)
        } catch {
            throw .corrupt(entry: snapshot.size == 0 ? nil : snapshot.size - 1, reason: "snapshot: \(error)")
        }
        nonces = snapshot.nonces
        frontier = try MerkleFrontier(size: size, reader: store)
        var index = snapshot.size
        while index < size {
            let count = min(size - index, 4096)
            for (offset, data) in try store.leaves(from: index, count: count).enumerated() {
                try Self.replay(data, index: index + UInt64(offset), state: &state, nonces: &nonces)
            }
            index += count
        }
        let records = try store.personalRecords(subject: nil)
        if !records.isEmpty { try state.attach(try Self.attachments(records, store: store, size: size)) }
    }

    /// Checks side-table records against their entries (subject, outcome, commitment) and pairs them.
    /// - Throws: ``LedgerError/corrupt(entry:reason:)`` naming the first record that does not fit.
    static func attachments(_ records: [PersonalRecord], store: Store,
                            size: UInt64) throws(LedgerError) -> [PersonalAttachment<Transaction>] {
        var out: [PersonalAttachment<Transaction>] = []
        out.reserveCapacity(records.count)
        for record in records {
            guard record.index < size else { throw .corrupt(entry: record.index, reason: "personal data of a missing entry") }
            let entry: LogEntry<Transaction>
            do { entry = try LogEntry(encoded: try store.leaf(record.index)) } catch {
                throw .corrupt(entry: record.index, reason: "entry: \(error)")
            }
            guard entry.envelope.signer.rawRepresentation == record.subject, entry.outcome == .applied else {
                throw .corrupt(entry: record.index, reason: "personal data filed under another subject or a refused entry")
            }
            if let problem = Machine.admit(entry.envelope.transaction, personal: record.data) {
                throw .corrupt(entry: record.index, reason: "side table: \(problem)")
            }
            out.append(PersonalAttachment(index: record.index, transaction: entry.envelope.transaction,
                                          signer: entry.envelope.signer, data: record.data))
        }
        return out
    }

    /// Applies one stored entry during replay, checking its nonce and recorded outcome.
    static func replay(_ data: [UInt8], index: UInt64, state: inout Machine,
                       nonces: inout [[UInt8]: UInt64]) throws(LedgerError) {
        let entry: LogEntry<Transaction>
        do { entry = try LogEntry(encoded: data) } catch { throw .corrupt(entry: index, reason: "entry: \(error)") }
        try replay(entry, index: index, state: &state, nonces: &nonces)
    }

    static func replay(_ entry: LogEntry<Transaction>, index: UInt64, state: inout Machine,
                       nonces: inout [[UInt8]: UInt64]) throws(LedgerError) {
        let key = entry.envelope.signer.rawRepresentation
        let expected = nonces[key] ?? 0
        guard entry.envelope.nonce == expected else {
            throw .corrupt(entry: index, reason: "nonce \(entry.envelope.nonce), expected \(expected)")
        }
        let outcome = state.apply(entry.envelope.transaction, signer: entry.envelope.signer, time: entry.time)
        guard outcome == entry.outcome else {
            throw .corrupt(entry: index, reason: "replayed outcome \(outcome) differs from the logged \(entry.outcome)")
        }
        nonces[key] = expected + 1
    }

    /// Checks, applies and durably logs `envelopes` as one batch at ledger time `time` (seconds since 1970).
    ///
    /// Signatures are verified in batches of 64 (`Ed25519BatchVerification`, the same verdicts as one by
    /// one) on `threads` threads before the sequential apply. An envelope with a bad
    /// signature, another origin, a passed deadline or a nonce that is not its signer's next one is rejected
    /// (nothing logged); one the state machine refuses is logged with its code. Returns one result per
    /// envelope, in order, after the batch is durable.
    /// - Throws: storage errors; then nothing was logged and the ledger is unchanged.
    public mutating func submit(_ envelopes: [Envelope<Transaction>], at time: UInt64,
                                threads: Int = 1) throws(LedgerError) -> [SubmitResult] {
        let origin = metadata.origin
        // A chunk's signatures are checked as one batch (`Ed25519BatchVerification`: exactly the
        // verdicts of checking each alone).
        let check: @Sendable (ArraySlice<Envelope<Transaction>>) -> [LedgerError?] = { chunk in
            var problems: [LedgerError?] = chunk.map { envelope in
                guard envelope.origin == origin else { return .wrongOrigin(expected: origin, actual: envelope.origin) }
                guard envelope.deadline >= time else { return .expired(deadline: envelope.deadline, now: time) }
                return nil
            }
            let signed = problems.indices.filter { problems[$0] == nil }
            let items = signed.map { i in
                let envelope = chunk[chunk.startIndex + i]
                return Ed25519BatchVerification.Item(
                    publicKey: envelope.signer, message: envelope.signingBytes, signature: envelope.signature)
            }
            for (i, valid) in zip(signed, Ed25519BatchVerification.verify(items)) {
                let envelope = chunk[chunk.startIndex + i]
                problems[i] = valid ? Machine.admit(envelope.transaction, personal: envelope.personal) : .badSignature
            }
            return problems
        }
        var workingState = state, workingNonces = nonces, workingFrontier = frontier
        var batch = LedgerBatch(start: frontier.size)
        batch.leaves.reserveCapacity(envelopes.count)
        batch.leafHashes.reserveCapacity(envelopes.count)
        var results: [SubmitResult] = []
        results.reserveCapacity(envelopes.count)
        let interval = metadata.snapshotInterval
        try Self.pipelined(envelopes, threads: threads, check: check) { (envelope, problem) throws(LedgerError) in
            if let problem {
                results.append(.rejected(problem))
                return
            }
            let key = envelope.signer.rawRepresentation
            let expected = workingNonces[key] ?? 0
            guard envelope.nonce == expected else {
                results.append(.rejected(.wrongNonce(expected: expected, actual: envelope.nonce)))
                return
            }
            let outcome = workingState.apply(envelope.transaction, signer: envelope.signer, time: time)
            workingNonces[key] = expected + 1
            let data = LogEntry(envelope: envelope, outcome: outcome, time: time).encoded()
            let hash = MerkleTree.leafHash(data)
            let index = workingFrontier.size
            for node in workingFrontier.append(hash) where node.level > 0 { batch.nodes.append(node) }
            batch.leaves.append(data)
            batch.leafHashes.append(hash)
            // Personal data of a refused transaction is not kept: nothing in the state refers to it.
            if let personal = envelope.personal, outcome == .applied {
                try workingState.attach([PersonalAttachment(index: index, transaction: envelope.transaction,
                                                            signer: envelope.signer, data: personal)])
                batch.personal.append(PersonalRecord(index: index, subject: key, data: personal))
            }
            results.append(.logged(index: index, leafHash: hash, outcome: outcome))
            if workingFrontier.size % interval == 0 {
                batch.snapshots.append(LedgerSnapshot(size: workingFrontier.size, state: try workingState.snapshot(),
                                                      nonces: workingNonces))
            }
        }
        if !batch.leaves.isEmpty { try store.append(batch) }
        state = workingState
        nonces = workingNonces
        frontier = workingFrontier
        return results
    }

    /// Runs `check` on every chunk of 64 envelopes on `threads` worker threads, in order, while the calling
    /// thread hands each envelope and its check result to `consume` in order as soon as its chunk is done: the
    /// sequential apply overlaps the parallel signature checks. With one thread, chunk by chunk on this one.
    static func pipelined(_ envelopes: [Envelope<Transaction>], threads: Int,
                          check: @escaping @Sendable (ArraySlice<Envelope<Transaction>>) -> [LedgerError?],
                          consume: (Envelope<Transaction>, LedgerError?) throws(LedgerError) -> Void) throws(LedgerError) {
        let n = envelopes.count
        let chunk = 64, chunks = (n + chunk - 1) / chunk
        guard threads > 1, n >= chunk else {
            for c in 0..<chunks {
                let range = c * chunk..<min(n, (c + 1) * chunk)
                for (envelope, problem) in zip(envelopes[range], check(envelopes[range])) {
                    try consume(envelope, problem)
                }
            }
            return
        }
        let checked = UnsafeMutableBufferPointer<LedgerError?>.allocate(capacity: n)
        checked.initialize(repeating: nil)
        let shared = UncheckedBox(checked)
        let ready = (0..<chunks).map { _ in DispatchSemaphore(value: 0) }
        let counter = ChunkCounter()
        let group = DispatchGroup()
        for _ in 0..<threads {
            DispatchQueue.global().async(group: group) {
                while let c = counter.take(below: chunks) {
                    let range = c * chunk..<min(n, (c + 1) * chunk)
                    for (i, problem) in zip(range, check(envelopes[range])) { shared.value[i] = problem }
                    ready[c].signal()
                }
            }
        }
        defer {
            counter.stop()
            group.wait()
            checked.deinitialize()
            checked.deallocate()
        }
        for c in 0..<chunks {
            ready[c].wait()
            for i in c * chunk..<min(n, (c + 1) * chunk) { try consume(envelopes[i], checked[i]) }
        }
    }

    /// Maps `items` on up to `threads` threads (contiguous chunks), preserving order.
    static func parallelMap<T, R>(_ items: [T], threads: Int, _ body: (T) -> R) -> [R] {
        let t = max(1, min(threads, items.count / 16))
        if t == 1 { return items.map(body) }
        let n = items.count
        var out = [R?](repeating: nil, count: n)
        out.withUnsafeMutableBufferPointer { buffer in
            let base = SendablePointer(buffer.baseAddress!)
            items.withUnsafeBufferPointer { input in
                let source = SendableConstPointer(input.baseAddress!)
                withoutActuallyEscaping(body) { body in
                    let box = UncheckedBox(body)
                    DispatchQueue.concurrentPerform(iterations: t) { k in
                        let lo = n * k / t, hi = n * (k + 1) / t
                        for i in lo..<hi { (base.pointer + i).pointee = box.value((source.pointer + i).pointee) }
                    }
                }
            }
        }
        return out.map { $0! }
    }

    // MARK: Reading

    /// The entry at `index`.
    /// - Throws: ``LedgerError/indexOutOfRange(index:size:)``; ``LedgerError/corrupt(entry:reason:)`` when it
    ///   does not decode; storage errors.
    public func entry(_ index: UInt64) throws(LedgerError) -> LogEntry<Transaction> {
        guard index < size else { throw .indexOutOfRange(index: index, size: size) }
        do { return try LogEntry(encoded: try store.leaf(index)) } catch {
            throw .corrupt(entry: index, reason: "\(error)")
        }
    }

    /// The root of the first `size` entries (default: all).
    /// - Throws: ``LedgerError/invalidRange(from:to:)`` beyond the log; storage errors.
    public func root(size: UInt64? = nil) throws(LedgerError) -> LogHash {
        let n = size ?? self.size
        guard n <= self.size else { throw .invalidRange(from: n, to: self.size) }
        return n == self.size ? frontier.root : try store.withNodeReader { (r) throws(LedgerError) in try r.root(size: n) }
    }

    /// The inclusion proof of entry `index` in the tree of `size` entries (default: all).
    /// - Throws: ``LedgerError/indexOutOfRange(index:size:)``, ``LedgerError/invalidRange(from:to:)``.
    public func inclusionProof(index: UInt64, size: UInt64? = nil) throws(LedgerError) -> [LogHash] {
        let n = size ?? self.size
        guard n <= self.size else { throw .invalidRange(from: n, to: self.size) }
        return try store.withNodeReader { (r) throws(LedgerError) in try r.inclusionProof(index: index, size: n) }
    }

    /// The consistency proof between the trees of `size1` and `size2` entries.
    /// - Throws: ``LedgerError/invalidRange(from:to:)`` unless `size1 ≤ size2 ≤ size`.
    public func consistencyProof(size1: UInt64, size2: UInt64) throws(LedgerError) -> [LogHash] {
        guard size1 <= size2, size2 <= size else { throw .invalidRange(from: size1, to: size2) }
        return try store.withNodeReader { (r) throws(LedgerError) in try r.consistencyProof(size1: size1, size2: size2) }
    }

    /// The current checkpoint (unsigned).
    /// - Throws: ``LedgerError/state(_:)`` when the state cannot be encoded.
    public func checkpoint() throws(LedgerError) -> Checkpoint {
        Checkpoint(origin: origin, size: size, root: frontier.root, stateHash: try state.stateHash())
    }

    /// The current checkpoint signed by the operator's key.
    /// - Throws: ``LedgerError/invalidField(_:)`` when `key` is not the ledger's operator key.
    public func signedCheckpoint(with key: Signing.PrivateKey) throws(LedgerError) -> String {
        guard key.publicKey == metadata.operatorKey else { throw .invalidField("not the operator's key") }
        return try checkpoint().signed(with: key)
    }

    // MARK: Verification

    /// Recomputes everything from the stored entries: every leaf hash and node hash, every signature, the
    /// replay from genesis with its outcomes and nonces, every stored snapshot, and the opened state.
    /// - Returns: the number of entries verified.
    /// - Throws: ``LedgerError/corrupt(entry:reason:)`` naming the first bad entry (for a node, the last
    ///   entry under it); storage errors.
    public func verify(threads: Int = 1) throws(LedgerError) -> UInt64 {
        let size = try store.size()
        guard size == self.size else { throw .corrupt(entry: nil, reason: "store size changed while open") }
        let snapshotSizes = try store.snapshotSizes()
        var snapshotCursor = 0
        guard let genesis = try store.snapshot(atOrBelow: 0), genesis.size == 0 else {
            throw .corrupt(entry: nil, reason: "no genesis snapshot")
        }
        var replayState: Machine
        do { replayState = try Machine(snapshot: genesis.state) } catch {
            throw .corrupt(entry: nil, reason: "genesis snapshot: \(error)")
        }
        var replayNonces: [[UInt8]: UInt64] = [:]
        var rebuilt = MerkleFrontier()
        let origin = metadata.origin
        var start: UInt64 = 0
        func checkSnapshot(at n: UInt64) throws(LedgerError) {
            while snapshotCursor < snapshotSizes.count && snapshotSizes[snapshotCursor] < n { snapshotCursor += 1 }
            guard snapshotCursor < snapshotSizes.count, snapshotSizes[snapshotCursor] == n, n > 0 else { return }
            guard let stored = try store.snapshot(atOrBelow: n), stored.size == n else { return }
            guard stored.state == (try replayState.snapshot()), stored.nonces == replayNonces else {
                throw .corrupt(entry: n - 1, reason: "stored snapshot at size \(n) differs from the replayed state")
            }
        }
        while start < size {
            let count = min(size - start, 4096)
            let datas: [[UInt8]]
            do { datas = try store.leaves(from: start, count: count) } catch {
                // Find the first unreadable entry of the chunk.
                for i in start..<start + count {
                    do { _ = try store.leaf(i) } catch { throw .corrupt(entry: i, reason: "unreadable: \(error)") }
                }
                throw .corrupt(entry: start, reason: "unreadable: \(error)")
            }
            let checked = Self.parallelMap(Array(datas.enumerated()), threads: threads) {
                pair -> Result<LogEntry<Transaction>, LedgerError> in
                let (offset, data) = pair
                let index = start + UInt64(offset)
                do {
                    let entry = try LogEntry<Transaction>(encoded: data)
                    guard entry.envelope.origin == origin else {
                        return .failure(.corrupt(entry: index, reason: "origin \(entry.envelope.origin)"))
                    }
                    guard entry.envelope.isSignatureValid else {
                        return .failure(.corrupt(entry: index, reason: "signature does not verify"))
                    }
                    return .success(entry)
                } catch {
                    return .failure(.corrupt(entry: index, reason: "entry: \(error)"))
                }
            }
            for (offset, result) in checked.enumerated() {
                let index = start + UInt64(offset)
                let hash = MerkleTree.leafHash(datas[offset])
                let stored: LogHash
                do { stored = try store.node(level: 0, index: index) } catch {
                    throw .corrupt(entry: index, reason: "leaf hash unreadable: \(error)")
                }
                guard stored == hash else { throw .corrupt(entry: index, reason: "leaf hash differs from the data") }
                for node in rebuilt.append(hash) where node.level > 0 {
                    let storedNode: LogHash
                    do { storedNode = try store.node(level: node.level, index: node.index) } catch {
                        throw .corrupt(entry: index, reason: "node \(node.level)/\(node.index) unreadable: \(error)")
                    }
                    guard storedNode == node.hash else {
                        throw .corrupt(entry: index, reason: "node \(node.level)/\(node.index) differs")
                    }
                }
                let entry: LogEntry<Transaction>
                switch result {
                case .success(let e): entry = e
                case .failure(let error): throw error
                }
                try Self.replay(entry, index: index, state: &replayState, nonces: &replayNonces)
                try checkSnapshot(at: index + 1)
            }
            start += count
        }
        guard rebuilt.root == frontier.root else { throw .corrupt(entry: nil, reason: "root differs from the opened tree") }
        _ = try Self.attachments(try store.personalRecords(subject: nil), store: store, size: size)
        guard (try replayState.snapshot()) == (try state.snapshot()), replayNonces == nonces else {
            throw .corrupt(entry: nil, reason: "replayed state differs from the opened state")
        }
        return size
    }
}

// MARK: Erasure

/// The outcome of ``Ledger/erase(subject:at:)``.
public struct ErasureReceipt: Hashable, Sendable {
    /// The subject.
    public let subject: Signing.PublicKey
    /// The entries whose personal data was deleted, ascending; empty when nothing was held (then nothing
    /// changed and nothing was recorded).
    public let entries: [UInt64]
}

extension Ledger {
    /// The personal data the side table holds about `subject`, ascending by entry.
    /// - Throws: ``LedgerError/corrupt(entry:reason:)`` for an unreadable record; storage errors.
    public func personalRecords(of subject: Signing.PublicKey) throws(LedgerError) -> [PersonalRecord] {
        try store.personalRecords(subject: subject.rawRepresentation)
    }

    /// The latest erasure of `subject`, if any.
    public func erasure(of subject: Signing.PublicKey) throws(LedgerError) -> ErasureRecord? {
        try store.erasure(of: subject.rawRepresentation)
    }

    /// Erases `subject`'s personal data (crypto-shredding in stores that encrypt it): deletes its side-table
    /// records in one store transaction and forgets them in the state. The log, its proofs and checkpoints,
    /// and the state's snapshot and hash are unchanged, so ``verify(threads:)`` still passes.
    ///
    /// Refusals change nothing. A subject that signed entries but has no personal data held gets a receipt
    /// with no entries (nothing changes, nothing is recorded).
    /// - Throws: ``LedgerError/unknownSubject(_:)`` when the subject never signed an entry;
    ///   ``LedgerError/alreadyErased(subject:time:)`` when its data was erased and nothing new is held;
    ///   ``LedgerError/corrupt(entry:reason:)`` when one of its records does not fit its entry; storage errors.
    public mutating func erase(subject: Signing.PublicKey, at time: UInt64) throws(LedgerError) -> ErasureReceipt {
        let key = subject.rawRepresentation
        guard nonces[key] != nil else { throw .unknownSubject(Hex.encode(key)) }
        let records = try store.personalRecords(subject: key)
        _ = try Self.attachments(records, store: store, size: size)
        if records.isEmpty {
            if let previous = try store.erasure(of: key) {
                throw .alreadyErased(subject: Hex.encode(key), time: previous.time)
            }
            return ErasureReceipt(subject: subject, entries: [])
        }
        let entries = records.map(\.index)
        try store.erase(subject: key, entries: entries, at: time)
        state.erase(subject: subject)
        return ErasureReceipt(subject: subject, entries: entries)
    }
}

extension LedgerStore {
    /// Leaf data of entries `from ..< from + count`; stores may read them in one query.
    public func leaves(from start: UInt64, count: UInt64) throws(LedgerError) -> [[UInt8]] {
        var out: [[UInt8]] = []
        for i in start..<start + count { out.append(try leaf(i)) }
        return out
    }
}

struct SendablePointer<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
    init(_ pointer: UnsafeMutablePointer<T>) { self.pointer = pointer }
}

struct SendableConstPointer<T>: @unchecked Sendable {
    let pointer: UnsafePointer<T>
    init(_ pointer: UnsafePointer<T>) { self.pointer = pointer }
}

struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// Hands out chunk numbers 0, 1, 2, … to worker threads.
final class ChunkCounter: @unchecked Sendable {
    private var next = 0
    private var stopped = false
    private let lock = NSLock()

    func take(below limit: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped, next < limit else { return nil }
        next += 1
        return next - 1
    }

    func stop() {
        lock.lock()
        stopped = true
        lock.unlock()
    }
}
