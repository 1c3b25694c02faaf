import DataFiSodium

/// What a state machine did with a correctly signed transaction.
public enum LedgerOutcome: Hashable, Sendable {
    /// Applied: the state changed.
    case applied
    /// Refused by the state machine with a short stable error code (`insufficientBalance`…); the state is
    /// unchanged, the entry is still logged and consumes the signer's nonce.
    case refused(code: String)

    /// The refusal code, or `nil` when applied.
    public var errorCode: String? {
        if case .refused(let code) = self { return code }
        return nil
    }
}

/// A deterministic state machine the ledger orders: the same transactions applied in the same order at the
/// same times give the same state on every replica (the CometBFT application model).
///
/// The market conforms to it in the binding module `DataFiLedgerMarket`, consent in `DataFiLedgerConsent`;
/// fee settlements can conform later without changing the ledger.
public protocol LedgerStateMachine: Sendable {
    /// The transaction type; its canonical JSON (``CanonicalJSON``) is what signers sign.
    associatedtype Transaction: Codable & Sendable

    /// Applies `transaction` signed by `signer` at `time` (seconds since 1970). Must be deterministic and
    /// leave the state unchanged when it returns ``LedgerOutcome/refused(code:)``.
    mutating func apply(_ transaction: Transaction, signer: Signing.PublicKey, time: UInt64) -> LedgerOutcome

    /// The canonical encoding of the whole state: equal states give equal bytes. Its SHA-256 is the state
    /// hash that checkpoints carry.
    /// - Throws: ``LedgerError/state(_:)`` when the state cannot be encoded.
    func snapshot() throws(LedgerError) -> [UInt8]

    /// Restores a state from ``snapshot()`` bytes.
    /// - Throws: ``LedgerError/state(_:)`` when the bytes are not a valid snapshot.
    init(snapshot: [UInt8]) throws(LedgerError)

    /// Checks the personal data that travels beside `transaction` (``Envelope/personal``) before anything is
    /// logged: `nil` when the pair is admissible. Must be deterministic; runs on the verifying threads. The
    /// default admits only transactions without personal data.
    static func admit(_ transaction: Transaction, personal: [UInt8]?) -> LedgerError?

    /// Takes in the personal data of applied, logged transactions (just applied, or read back from the side
    /// table when the ledger opens). It must not change ``snapshot()``: personal data lives beside the state.
    /// - Throws: ``LedgerError/personalData(_:)`` when a record does not fit the state.
    mutating func attach(_ records: [PersonalAttachment<Transaction>]) throws(LedgerError)

    /// Forgets every personal datum of `subject`. Must not change ``snapshot()``.
    mutating func erase(subject: Signing.PublicKey)
}

/// Personal data of one applied entry, handed to ``LedgerStateMachine/attach(_:)``.
public struct PersonalAttachment<Transaction: Sendable>: Sendable {
    /// The entry's index.
    public let index: UInt64
    /// The entry's transaction (which commits to the data).
    public let transaction: Transaction
    /// The signer: the data subject.
    public let signer: Signing.PublicKey
    /// The personal data (canonical JSON of an object).
    public let data: [UInt8]

    /// Creates an attachment.
    public init(index: UInt64, transaction: Transaction, signer: Signing.PublicKey, data: [UInt8]) {
        self.index = index
        self.transaction = transaction
        self.signer = signer
        self.data = data
    }
}

extension LedgerStateMachine {
    /// Admits only transactions without personal data.
    public static func admit(_ transaction: Transaction, personal: [UInt8]?) -> LedgerError? {
        personal == nil ? nil : .personalData("this ledger takes no personal data")
    }

    /// Refuses any record (nothing is ever admitted by the default ``admit(_:personal:)``).
    public mutating func attach(_ records: [PersonalAttachment<Transaction>]) throws(LedgerError) {
        if !records.isEmpty { throw .personalData("this ledger takes no personal data") }
    }

    /// Nothing to forget.
    public mutating func erase(subject: Signing.PublicKey) {}
}

extension LedgerStateMachine {
    /// SHA-256 of ``snapshot()``.
    /// - Throws: as ``snapshot()``.
    public func stateHash() throws(LedgerError) -> LogHash { SHA256.hash(try snapshot()) }
}
