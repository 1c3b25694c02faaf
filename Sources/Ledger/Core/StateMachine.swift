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
}

extension LedgerStateMachine {
    /// SHA-256 of ``snapshot()``.
    /// - Throws: as ``snapshot()``.
    public func stateHash() throws(LedgerError) -> LogHash { SHA256.hash(try snapshot()) }
}
