import DataFiLedger
import DataFiMarket
import DataFiSodium

/// The market as a ledger state machine: the signer's account is the hex of its Ed25519 key
/// (`AccountID.init(publicKey:)`), refusals are logged with the `MarketError` case name as code.
public struct MarketMachine: LedgerStateMachine, Equatable {
    /// The market's transactions; new cases need no ledger change (the ledger signs their canonical JSON).
    public typealias Transaction = DataFiMarket.Transaction

    /// The market.
    public private(set) var market: Market

    /// Wraps a market (usually `Market.init(genesis:)`).
    public init(market: Market) { self.market = market }

    /// Applies `transaction` as the account of `signer`; a `MarketError` becomes a refusal with its code.
    public mutating func apply(_ transaction: Transaction, signer: Signing.PublicKey, time: UInt64) -> LedgerOutcome {
        do {
            _ = try market.apply(transaction, by: AccountID(publicKey: signer), at: time)
            return .applied
        } catch {
            return .refused(code: Self.code(of: error))
        }
    }

    /// Applies and returns the market's events (for audits); `nil` when refused.
    public mutating func applyReturningEvents(_ transaction: Transaction, signer: Signing.PublicKey,
                                              time: UInt64) -> [MarketEvent]? {
        try? market.apply(transaction, by: AccountID(publicKey: signer), at: time)
    }

    /// The market's canonical snapshot (`Market.canonicalSnapshot()`).
    public func snapshot() throws(LedgerError) -> [UInt8] { market.canonicalSnapshot() }

    /// Restores the market from its canonical snapshot.
    /// - Throws: `LedgerError.state(_:)`.
    public init(snapshot: [UInt8]) throws(LedgerError) {
        do { market = try Market(canonicalSnapshot: snapshot) } catch { throw .state("\(error)") }
    }

    /// The short code of a market error: its case name (`insufficientBalance`, `expired`, …).
    public static func code(of error: MarketError) -> String {
        if let label = Mirror(reflecting: error).children.first?.label { return label }
        switch error {
        case .zeroAmount: return "zeroAmount"
        case .invalidPurpose: return "invalidPurpose"
        case .wrongComputeKey: return "wrongComputeKey"
        case .nothingToClaim: return "nothingToClaim"
        case .arithmeticOverflow: return "arithmeticOverflow"
        default: return "marketError"
        }
    }
}

/// A ledger of market transactions over any store.
public typealias MarketLedger<Store: LedgerStore> = Ledger<MarketMachine, Store>

/// One opening of an owner's asset, found in the log, with its proof.
public struct AccessAuditItem: Sendable {
    /// The log entry (a `recordAccess` transaction) that opened it.
    public let entryIndex: UInt64
    /// The access record.
    public let record: AccessRecord
    /// The entry's leaf hash.
    public let leafHash: LogHash
    /// Inclusion proof of the entry in the tree of the checkpoint's size.
    public let proof: [LogHash]
}

/// An owner's audit: every access to their assets, each with an inclusion proof against one checkpoint.
public struct AccessAudit: Sendable {
    /// The checkpoint the proofs are against.
    public let checkpoint: Checkpoint
    /// The accesses, in log order.
    public let items: [AccessAuditItem]

    /// Whether every item's proof verifies against the checkpoint's root.
    public func verify() -> Bool {
        items.allSatisfy {
            MerkleTree.verifyInclusion(index: $0.entryIndex, size: checkpoint.size, leafHash: $0.leafHash,
                                       proof: $0.proof, root: checkpoint.root)
        }
    }
}

extension Ledger where Machine == MarketMachine {
    /// Replays the log from genesis and calls `body` with each entry, its index and the events it produced.
    /// - Throws: ``LedgerError/corrupt(entry:reason:)`` and storage errors.
    public func replayEvents(_ body: (UInt64, LogEntry<Transaction>, [MarketEvent]) throws(LedgerError) -> Void)
        throws(LedgerError)
    {
        guard let genesis = try store.snapshot(atOrBelow: 0), genesis.size == 0 else {
            throw .corrupt(entry: nil, reason: "no genesis snapshot")
        }
        var machine = try MarketMachine(snapshot: genesis.state)
        var start: UInt64 = 0
        while start < size {
            let count = min(size - start, 4096)
            for (offset, data) in try store.leaves(from: start, count: count).enumerated() {
                let index = start + UInt64(offset)
                let entry: LogEntry<Transaction>
                do { entry = try LogEntry(encoded: data) } catch { throw .corrupt(entry: index, reason: "\(error)") }
                let events = machine.applyReturningEvents(entry.envelope.transaction, signer: entry.envelope.signer,
                                                          time: entry.time)
                guard (events != nil) == (entry.outcome == .applied) else {
                    throw .corrupt(entry: index, reason: "replayed outcome differs from the logged one")
                }
                try body(index, entry, events ?? [])
            }
            start += count
        }
    }

    /// Every access to `owner`'s assets, each with an inclusion proof against the current checkpoint.
    /// - Throws: as ``replayEvents(_:)``.
    public func accessAudit(owner: AccountID) throws(LedgerError) -> AccessAudit {
        let checkpoint = try self.checkpoint()
        var items: [AccessAuditItem] = []
        try replayEvents { (index, _, events) throws(LedgerError) in
            for case .accessed(let record) in events where record.owner == owner {
                items.append(AccessAuditItem(entryIndex: index, record: record,
                                             leafHash: try store.node(level: 0, index: index),
                                             proof: try inclusionProof(index: index, size: checkpoint.size)))
            }
        }
        return AccessAudit(checkpoint: checkpoint, items: items)
    }

    /// The entries that concern `account`: signed by it, or naming it in their transaction or events.
    /// - Throws: as ``replayEvents(_:)``.
    public func history(of account: AccountID) throws(LedgerError) -> [(index: UInt64, entry: LogEntry<Transaction>)] {
        var out: [(index: UInt64, entry: LogEntry<Transaction>)] = []
        let quoted = Array("\"\(account.rawValue)\"".utf8)
        try replayEvents { (index, entry, events) throws(LedgerError) in
            let mentioned = AccountID(publicKey: entry.envelope.signer) == account
                || entry.envelope.transactionBytes.contains(subsequence: quoted)
                || ((try? CanonicalJSON.encode(events))?.contains(subsequence: quoted) ?? false)
            if mentioned { out.append((index, entry)) }
        }
        return out
    }
}

extension Array where Element == UInt8 {
    /// Whether `needle` occurs in the array.
    func contains(subsequence needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= count else { return needle.isEmpty }
        for i in 0...(count - needle.count) where self[i] == needle[0] && Array(self[i..<i + needle.count]) == needle {
            return true
        }
        return false
    }
}
