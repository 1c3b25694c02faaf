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

    // MARK: Personal data

    /// The personal data beside a `Transaction.joinCommitted(dataset:asset:)`: the sealed asset (sealed
    /// URLs and descriptive metadata) and the salt that opens the committed asset's commitment. Canonical
    /// JSON: `{"asset":{…SealedAsset…},"salt":hex}`.
    public struct PersonalAsset: Codable, Hashable, Sendable {
        /// The salt, 64 lowercase hex digits.
        public var salt: String
        /// The sealed asset.
        public var asset: SealedAsset

        /// Creates the pair.
        public init(salt: String, asset: SealedAsset) {
            self.salt = salt
            self.asset = asset
        }
    }

    /// The form of `transaction` a ledger logs, and the personal data to send beside it: a
    /// `Transaction.join(dataset:asset:)` becomes a `Transaction.joinCommitted(dataset:asset:)` under a
    /// fresh random salt; any other transaction is returned unchanged with no personal data.
    public static func committing(_ transaction: Transaction) -> (transaction: Transaction, personal: [UInt8]?) {
        guard case .join(let dataset, let sealed) = transaction else { return (transaction, nil) }
        let salt = SecureRandom.bytes(count: CommittedAsset.saltLength)
        let personal = PersonalAsset(salt: Hex.encode(salt), asset: sealed)
        // A SealedAsset of strings, lists and an integer always encodes.
        return (.joinCommitted(dataset: dataset, asset: CommittedAsset(committing: sealed, salt: salt)),
                try? CanonicalJSON.encode(personal))
    }

    /// Signs `transaction` for a ledger in its committed form (``committing(_:)``), with its personal data beside.
    /// - Throws: as `Envelope.sign(_:origin:nonce:deadline:with:)`.
    public static func sign(_ transaction: Transaction, origin: String, nonce: UInt64, deadline: UInt64,
                            with key: Signing.PrivateKey) throws(LedgerError) -> Envelope<Transaction> {
        let (logged, personal) = committing(transaction)
        let envelope = try Envelope.sign(logged, origin: origin, nonce: nonce, deadline: deadline, with: key)
        return try personal.map { (p) throws(LedgerError) in try envelope.attaching(personal: p) } ?? envelope
    }

    /// Decodes personal data strictly.
    /// - Throws: `LedgerError.personalData(_:)`.
    public static func personalAsset(_ data: [UInt8]) throws(LedgerError) -> (asset: SealedAsset, salt: [UInt8]) {
        let value: PersonalAsset
        do { value = try CanonicalJSON.decode(PersonalAsset.self, from: data).value } catch {
            throw .personalData("not a sealed asset and salt: \(error)")
        }
        guard let salt = try? Hex.decode(value.salt, length: CommittedAsset.saltLength),
              Hex.encode(salt) == value.salt else { throw .personalData("salt must be 64 lowercase hex digits") }
        return (value.asset, salt)
    }

    /// Personal data never enters the log in clear: a `Transaction.join(dataset:asset:)` is refused (sign
    /// its committed form, ``committing(_:)``); a `Transaction.joinCommitted(dataset:asset:)` needs its
    /// sealed asset and salt beside it, valid and opening the commitment; other transactions take none.
    public static func admit(_ transaction: Transaction, personal: [UInt8]?) -> LedgerError? {
        switch transaction {
        case .join:
            return .personalData("a join must be logged in its committed form (joinCommitted) with its sealed asset beside it")
        case .joinCommitted(_, let committed):
            guard let personal else { return .personalData("joinCommitted needs its sealed asset and salt beside it") }
            do {
                let (sealed, salt) = try personalAsset(personal)
                do { try sealed.validate() } catch { return .personalData("sealed asset: \(error)") }
                guard committed.isOpened(by: sealed, salt: salt) else {
                    return .personalData("the sealed asset and salt do not open the commitment")
                }
                return nil
            } catch {
                return error
            }
        default:
            return personal == nil ? nil : .personalData("only joinCommitted takes personal data")
        }
    }

    /// Attaches each record's sealed asset to the asset its join created: the asset of the signer in the
    /// join's dataset with the join's commitment (every such asset, should an owner reuse a salt).
    /// - Throws: `LedgerError.personalData(_:)` when a record fits no asset.
    public mutating func attach(_ records: [PersonalAttachment<Transaction>]) throws(LedgerError) {
        var located: [DatasetID: [String: [Int]]] = [:]
        for record in records {
            guard case .joinCommitted(let dataset, let committed) = record.transaction else {
                throw .personalData("entry \(record.index) is not a joinCommitted")
            }
            let (sealed, salt) = try Self.personalAsset(record.data)
            let owner = AccountID(publicKey: record.signer)
            let assets = market.assets(in: dataset)
            var indexes: [Int]
            // The asset a join just created is its dataset's last; otherwise index the dataset once.
            if let last = assets.last, last.owner == owner, last.asset == committed {
                indexes = [last.index]
            } else {
                if located[dataset] == nil {
                    located[dataset] = Dictionary(grouping: assets, by: \.asset.commitment).mapValues { $0.map(\.index) }
                }
                indexes = located[dataset]?[committed.commitment] ?? []
            }
            indexes = indexes.filter { market.asset($0, in: dataset)?.owner == owner }
            guard !indexes.isEmpty else { throw .personalData("entry \(record.index): no asset of \(owner) with this commitment") }
            for index in indexes {
                do { try market.attachSealedAsset(sealed, salt: salt, to: index, in: dataset) } catch {
                    throw .personalData("entry \(record.index): \(error)")
                }
            }
        }
    }

    /// Forgets the sealed assets of every asset `subject` joined; the snapshot is unchanged.
    public mutating func erase(subject: Signing.PublicKey) {
        _ = market.eraseSealedAssets(of: AccountID(publicKey: subject))
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
    /// The log entry that opened it (a `recordAccess` transaction), or that recorded its part in a federated
    /// task's aggregate (a `recordFederatedResult` transaction; the record is then marked `federated`).
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
    /// - Throws: `LedgerError.corrupt(entry:reason:)` and storage errors.
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
