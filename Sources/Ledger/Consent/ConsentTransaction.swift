import DataFiLedger
import DataFiSodium
import DataFiWallet

/// A consent transaction: the canonical encoding of a wallet's signed grant or revocation, carried as is.
///
/// Canonical JSON: `{"grant":HEX}` or `{"revocation":HEX}`, lowercase hex of `ConsentGrant.bytes` or
/// `ConsentRevocation.bytes`. The record is parsed and its own signature checked when the ledger applies
/// the transaction, so a malformed or tampered record is logged as a refusal, not silently dropped.
public enum ConsentTransaction: Codable, Sendable, Equatable {
    /// Record a grant (its canonical encoding).
    case grant([UInt8])
    /// Record a revocation (its canonical encoding).
    case revocation([UInt8])

    /// Largest record accepted, in bytes (a grant with the longest subject and purpose is under 700).
    public static var maxRecordBytes: Int { 2048 }

    /// Records `grant`.
    public static func record(_ grant: ConsentGrant) -> ConsentTransaction { .grant(grant.bytes) }
    /// Records `revocation`.
    public static func record(_ revocation: ConsentRevocation) -> ConsentTransaction { .revocation(revocation.bytes) }

    private enum Key: String, CodingKey { case grant, revocation }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        guard container.allKeys.count == 1, let key = container.allKeys.first else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription:
                "expected exactly one of \"grant\" and \"revocation\""))
        }
        let text = try container.decode(String.self, forKey: key)
        guard text.utf8.count <= 2 * Self.maxRecordBytes, let bytes = try? Hex.decode(text) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: container,
                                                   debugDescription: "hex of at most \(Self.maxRecordBytes) bytes expected")
        }
        self = key == .grant ? .grant(bytes) : .revocation(bytes)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        switch self {
        case .grant(let bytes): try container.encode(Hex.encode(bytes), forKey: .grant)
        case .revocation(let bytes): try container.encode(Hex.encode(bytes), forKey: .revocation)
        }
    }
}

/// Why the consent state machine refused a transaction. The ledger logs the refusal with ``code`` and
/// leaves the state unchanged.
public enum ConsentLedgerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The grant or revocation does not decode (truncated, wrong domain, bad text, …); the wallet's reason.
    case malformedRecord(WalletError)
    /// The record's own Ed25519 signature does not verify under its grantor's key.
    case badRecordSignature
    /// The envelope is signed by another key than the record's grantor.
    case signerIsNotGrantor
    /// A grant with this id is already recorded.
    case duplicateGrant(id: String)
    /// The grant had expired at the ledger time it was submitted.
    case expiredAtRecording(id: String, expires: Int64, now: UInt64)
    /// No recorded grant has this id.
    case unknownGrant(id: String)
    /// The revocation's grantor is not the recorded grant's grantor.
    case foreignGrant(id: String)
    /// The grant is already revoked.
    case alreadyRevoked(id: String)
    /// The revocation takes effect before the grant was issued.
    case revocationBeforeIssue(id: String)

    /// The case name, logged as the refusal code (`duplicateGrant`, `signerIsNotGrantor`, …).
    public var code: String {
        switch self {
        case .malformedRecord: "malformedRecord"
        case .badRecordSignature: "badRecordSignature"
        case .signerIsNotGrantor: "signerIsNotGrantor"
        case .duplicateGrant: "duplicateGrant"
        case .expiredAtRecording: "expiredAtRecording"
        case .unknownGrant: "unknownGrant"
        case .foreignGrant: "foreignGrant"
        case .alreadyRevoked: "alreadyRevoked"
        case .revocationBeforeIssue: "revocationBeforeIssue"
        }
    }

    public var description: String {
        switch self {
        case .malformedRecord(let error): "malformed consent record: \(error)"
        case .badRecordSignature: "the consent record's signature does not verify"
        case .signerIsNotGrantor: "the envelope is not signed by the grantor"
        case .duplicateGrant(let id): "consent grant \(id) is already recorded"
        case .expiredAtRecording(let id, let expires, let now): "consent grant \(id) expired at \(expires) (ledger time \(now))"
        case .unknownGrant(let id): "no recorded consent grant \(id)"
        case .foreignGrant(let id): "consent grant \(id) belongs to another person"
        case .alreadyRevoked(let id): "consent grant \(id) is already revoked"
        case .revocationBeforeIssue(let id): "revocation of \(id) takes effect before the grant was issued"
        }
    }
}
