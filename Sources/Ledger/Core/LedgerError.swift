/// Why the ledger refused an input or an operation. Refusals of an envelope leave the ledger unchanged.
public enum LedgerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Input larger than the limit (bytes).
    case tooLarge(limit: Int, actual: Int)
    /// The JSON is malformed at a byte offset.
    case malformedJSON(offset: Int, reason: String)
    /// An object repeats a key.
    case duplicateKey(String)
    /// A number is not a plain integer in canonical decimal (no sign, leading zero, fraction or exponent).
    case nonCanonicalNumber(String)
    /// The JSON nests deeper than the limit.
    case tooDeep(limit: Int)
    /// The input has fields this version does not know, or a form that does not re-encode to itself.
    case notCanonical(reason: String)
    /// A field is missing or has the wrong type or form.
    case invalidField(String)
    /// The binary encoding is truncated or carries an unknown version.
    case malformedEncoding(String)
    /// The envelope's signature does not verify under its signer's key.
    case badSignature
    /// The envelope names another ledger.
    case wrongOrigin(expected: String, actual: String)
    /// The envelope's nonce is not the signer's next one.
    case wrongNonce(expected: UInt64, actual: UInt64)
    /// The envelope's deadline is before the ledger's time.
    case expired(deadline: UInt64, now: UInt64)
    /// A leaf index at or beyond the tree size.
    case indexOutOfRange(index: UInt64, size: UInt64)
    /// A range whose start exceeds its end, or an end beyond the tree.
    case invalidRange(from: UInt64, to: UInt64)
    /// The store holds no node or leaf where one must be.
    case missing(String)
    /// The stored ledger is corrupt: the first bad entry, and what is wrong with it.
    case corrupt(entry: UInt64?, reason: String)
    /// The store failed (I/O, SQL), with the engine's message.
    case storage(String)
    /// A store already exists where a new one was to be created.
    case alreadyExists(String)
    /// A checkpoint or signed note is malformed.
    case malformedCheckpoint(String)
    /// The state machine's state could not be encoded or decoded.
    case state(String)
    /// Personal data beside an envelope is missing, unexpected, or does not open the transaction's commitment.
    case personalData(String)
    /// The account never signed an entry of this ledger: there is nothing about it to erase or export.
    case unknownSubject(String)
    /// The subject's personal data was already erased (at this ledger time) and nothing new is held.
    case alreadyErased(subject: String, time: UInt64)

    /// A stable short code for receipts and exit messages (`bad_signature`, `wrong_nonce`, …).
    public var code: String {
        switch self {
        case .tooLarge: "too_large"
        case .malformedJSON: "malformed_json"
        case .duplicateKey: "duplicate_key"
        case .nonCanonicalNumber: "non_canonical_number"
        case .tooDeep: "too_deep"
        case .notCanonical: "not_canonical"
        case .invalidField: "invalid_field"
        case .malformedEncoding: "malformed_encoding"
        case .badSignature: "bad_signature"
        case .wrongOrigin: "wrong_origin"
        case .wrongNonce: "wrong_nonce"
        case .expired: "expired"
        case .indexOutOfRange: "index_out_of_range"
        case .invalidRange: "invalid_range"
        case .missing: "missing"
        case .corrupt: "corrupt"
        case .storage: "storage"
        case .alreadyExists: "already_exists"
        case .malformedCheckpoint: "malformed_checkpoint"
        case .state: "state"
        case .personalData: "personal_data"
        case .unknownSubject: "unknown_subject"
        case .alreadyErased: "already_erased"
        }
    }

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .tooLarge(let limit, let actual): "input has \(actual) bytes, limit \(limit)"
        case .malformedJSON(let offset, let reason): "malformed JSON at byte \(offset): \(reason)"
        case .duplicateKey(let key): "duplicate key \"\(key)\""
        case .nonCanonicalNumber(let text): "number \(text) is not a canonical unsigned integer"
        case .tooDeep(let limit): "JSON nested deeper than \(limit)"
        case .notCanonical(let reason): "not canonical: \(reason)"
        case .invalidField(let why): "invalid field: \(why)"
        case .malformedEncoding(let why): "malformed encoding: \(why)"
        case .badSignature: "signature does not verify"
        case .wrongOrigin(let expected, let actual): "origin \"\(actual)\" is not this ledger's \"\(expected)\""
        case .wrongNonce(let expected, let actual): "nonce \(actual), expected \(expected)"
        case .expired(let deadline, let now): "deadline \(deadline) is before now (\(now))"
        case .indexOutOfRange(let index, let size): "index \(index) not below tree size \(size)"
        case .invalidRange(let from, let to): "invalid range \(from)..\(to)"
        case .missing(let what): "missing \(what)"
        case .corrupt(let entry, let reason):
            entry.map { "corrupt at entry \($0): \(reason)" } ?? "corrupt: \(reason)"
        case .storage(let message): "storage: \(message)"
        case .alreadyExists(let what): "\(what) already exists"
        case .malformedCheckpoint(let why): "malformed checkpoint: \(why)"
        case .state(let why): "state: \(why)"
        case .personalData(let why): "personal data: \(why)"
        case .unknownSubject(let account): "no entry of this ledger was signed by \(account)"
        case .alreadyErased(let subject, let time): "the personal data of \(subject) was already erased at \(time)"
        }
    }
}
