import DataFiPrivacy
import DataFiSupport

/// Why a wallet operation was refused. Every mutating operation that throws leaves the wallet unchanged.
public enum WalletError: Error, Equatable, Sendable, CustomStringConvertible {
    // MARK: File
    /// The bytes do not start with the wallet file's magic ("DFWALLET").
    case notAWalletFile
    /// The file's format version or key-derivation algorithm byte is not one this code reads.
    case unsupportedFormat(version: UInt8, algorithm: UInt8)
    /// The file is shorter than its fixed header and authentication overhead.
    case truncatedFile(minimum: Int, actual: Int)
    /// The file is larger than ``WalletFile/maxFileBytes``.
    case fileTooLarge(limit: Int, actual: Int)
    /// The Argon2id cost in the header is outside what a wallet accepts (guards against a file
    /// that asks for terabytes of memory).
    case keyDerivationCostOutOfRange(operations: UInt64, memoryBytes: UInt64)
    /// Decryption failed: the passphrase is wrong, or the file was modified (the two cannot be told
    /// apart, by design of authenticated encryption).
    case wrongPassphraseOrTampered
    /// The authenticated contents could not be decoded (a file written by an incompatible version).
    case unreadableContents
    /// The passphrase is empty.
    case emptyPassphrase
    /// The passphrase is longer than the key derivation accepts.
    case passphraseTooLong(Int)
    /// Reading or writing the wallet file failed; nothing was changed.
    case file(AtomicFileError)
    /// A wallet file already exists at the path given for a new wallet.
    case alreadyExists(path: String)
    /// No wallet file at the path.
    case notFound(path: String)

    // MARK: Records
    /// A record type must be 1...64 characters of letters, digits, '.', '_' or '-'.
    case invalidRecordType(String)
    /// A record's document is not a JSON object or array.
    case documentNotJSON
    /// A record's document is larger than ``PersonalWallet/maxDocumentBytes``.
    case documentTooLarge(limit: Int, actual: Int)
    /// The wallet holds ``PersonalWallet/maxRecords`` records already.
    case tooManyRecords(limit: Int)

    // MARK: Consent
    /// A consent's subject or purpose is empty, longer than 256 bytes of UTF-8, or has control characters.
    case invalidConsentText(String)
    /// A consent's expiry is not after its issue time.
    case expiryNotAfterIssue(issued: Int64, expires: Int64)
    /// No grant with this id is in the wallet.
    case unknownConsent(id: String)
    /// The grant was revoked already.
    case alreadyRevoked(id: String)
    /// A revocation time earlier than the grant's issue time.
    case revocationBeforeIssue(id: String)
    /// No grant names this requester or dataset for this purpose.
    case noConsent(subject: String, purpose: String)
    /// The matching grant has expired.
    case consentExpired(id: String, expired: Int64)
    /// The matching grant was revoked.
    case consentRevoked(id: String, revoked: Int64)
    /// The matching grant starts later than the time asked about.
    case consentNotYetValid(id: String, issued: Int64)

    // MARK: Canonical encodings
    /// An encoded consent record ended early.
    case truncatedEncoding(what: String)
    /// An encoded consent record has bytes after its end.
    case trailingBytes(what: String)
    /// An encoded consent record does not start with its domain label.
    case wrongDomain(what: String)
    /// A text field of an encoded record is not UTF-8.
    case invalidUTF8(what: String)
    /// A key field is not a valid Ed25519 public key.
    case invalidPublicKey(what: String)
    /// A subject kind byte other than 1 (dataset) or 2 (requester).
    case unknownSubjectKind(UInt8)
    /// A signature does not verify under the key the record names.
    case badSignature(what: String)
    /// The record was signed by another person's key.
    case foreignRecord(what: String)

    // MARK: Local differential privacy
    /// ε must be positive, finite and at most 64.
    case invalidEpsilon(Double)
    /// The answer would spend more ε than the wallet has left; nothing was answered or charged.
    case privacyBudgetExhausted(requested: Double, remaining: Double)
    /// A category answer outside 0..<categories, or a category count outside 2...1024.
    case invalidCategory(value: Int, categories: Int)
    /// A survey question id must be 1...128 bytes without control characters.
    case invalidQuestion(String)

    // MARK: Credentials
    /// The credential was not issued to this wallet's key.
    case credentialForAnotherHolder
    /// The credential's signature or opening is not valid (see the credential error).
    case invalidCredential(CredentialError)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .notAWalletFile: "not a DataFi wallet file"
        case .unsupportedFormat(let v, let a): "unsupported wallet format (version \(v), key derivation \(a))"
        case .truncatedFile(let minimum, let actual): "wallet file truncated: at least \(minimum) bytes expected, got \(actual)"
        case .fileTooLarge(let limit, let actual): "wallet file of \(actual) bytes exceeds \(limit)"
        case .keyDerivationCostOutOfRange(let ops, let mem):
            "wallet asks for an Argon2id cost out of range (t=\(ops), m=\(mem) bytes)"
        case .wrongPassphraseOrTampered: "wrong passphrase, or the wallet file was modified"
        case .unreadableContents: "wallet contents cannot be decoded"
        case .emptyPassphrase: "the passphrase is empty"
        case .passphraseTooLong(let n): "passphrase of \(n) bytes is too long"
        case .file(let error): error.description
        case .alreadyExists(let path): "\(path) exists; refusing to replace a wallet"
        case .notFound(let path): "no wallet at \(path)"
        case .invalidRecordType(let t): "invalid record type \"\(t)\" (1-64 of A-Z a-z 0-9 . _ -)"
        case .documentNotJSON: "the record's document is not a JSON object or array"
        case .documentTooLarge(let limit, let actual): "document of \(actual) bytes exceeds \(limit)"
        case .tooManyRecords(let limit): "the wallet already holds \(limit) records"
        case .invalidConsentText(let what): "invalid consent \(what): 1-256 bytes of text without control characters"
        case .expiryNotAfterIssue(let issued, let expires): "expiry \(expires) is not after issue time \(issued)"
        case .unknownConsent(let id): "no consent grant \(id)"
        case .alreadyRevoked(let id): "consent \(id) is already revoked"
        case .revocationBeforeIssue(let id): "revocation time is before consent \(id) was issued"
        case .noConsent(let subject, let purpose): "no consent for \(subject) to use data for \(purpose)"
        case .consentExpired(let id, let at): "consent \(id) expired at \(at)"
        case .consentRevoked(let id, let at): "consent \(id) was revoked at \(at)"
        case .consentNotYetValid(let id, let issued): "consent \(id) starts at \(issued)"
        case .truncatedEncoding(let what): "\(what): encoding ends early"
        case .trailingBytes(let what): "\(what): bytes after the end of the encoding"
        case .wrongDomain(let what): "\(what): wrong domain label"
        case .invalidUTF8(let what): "\(what): text is not UTF-8"
        case .invalidPublicKey(let what): "\(what): not a valid Ed25519 public key"
        case .unknownSubjectKind(let k): "unknown consent subject kind \(k)"
        case .badSignature(let what): "\(what): signature does not verify"
        case .foreignRecord(let what): "\(what): signed by another person's key"
        case .invalidEpsilon(let e): "ε must be positive, finite and at most 64, got \(e)"
        case .privacyBudgetExhausted(let requested, let remaining):
            "privacy budget exhausted: ε=\(requested) requested, \(remaining) left"
        case .invalidCategory(let v, let k): "category \(v) of \(k) is out of range (2-1024 categories)"
        case .invalidQuestion(let q): "invalid question id \"\(q)\" (1-128 bytes, no control characters)"
        case .credentialForAnotherHolder: "the credential was issued to another key"
        case .invalidCredential(let error): "invalid credential: \(error)"
        }
    }
}

/// Why a CreditMe credential or presentation was refused.
///
/// Decoding errors (``isMalformed``) mean the bytes are not a credential or proof at all; the others
/// are verdicts on a well-formed input (it does not verify).
public enum CredentialError: Error, Equatable, Sendable, CustomStringConvertible {
    // MARK: Malformed
    /// The encoding ended early.
    case truncated(what: String)
    /// Bytes follow the end of the encoding.
    case trailingBytes(what: String)
    /// The encoding does not start with its domain label.
    case wrongDomain(what: String)
    /// A key is not a valid Ed25519 public key.
    case invalidPublicKey(what: String)
    /// A commitment or proof field is not canonical.
    case invalidProofEncoding(String)
    /// The model id is empty, longer than 128 bytes, not UTF-8 or has control characters.
    case invalidModelID
    /// The verifier challenge is not 16...64 bytes.
    case invalidChallengeLength(Int)
    /// A statement names neither a lower nor an upper bound, or bounds with lower > upper.
    case invalidStatement
    /// The credential declares a score width other than 32 bits.
    case unsupportedScoreWidth(Int)

    // MARK: Refused by the prover
    /// The opening does not open the credential's commitment.
    case openingDoesNotMatch
    /// The holder key given is not the one the credential names.
    case wrongHolderKey
    /// The score does not satisfy the statement; nothing is proven.
    case statementFalse

    // MARK: Verdicts (does not verify)
    /// The scorer's signature over the credential does not verify.
    case badScorerSignature
    /// The credential was signed by a scorer other than the one the verifier trusts.
    case unexpectedScorer
    /// The credential expired at `expires` (Unix seconds), before `now`.
    case expired(expires: Int64, now: Int64)
    /// The range proof does not verify for this credential, challenge and statement.
    case rangeProofInvalid
    /// The holder's signature over the transcript does not verify.
    case badHolderSignature

    /// Whether the input was not a well-formed credential or presentation (as opposed to a verdict).
    public var isMalformed: Bool {
        switch self {
        case .truncated, .trailingBytes, .wrongDomain, .invalidPublicKey, .invalidProofEncoding, .invalidModelID,
             .invalidChallengeLength, .invalidStatement, .unsupportedScoreWidth: true
        default: false
        }
    }

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .truncated(let what): "\(what): encoding ends early"
        case .trailingBytes(let what): "\(what): bytes after the end of the encoding"
        case .wrongDomain(let what): "\(what): wrong domain label"
        case .invalidPublicKey(let what): "\(what) is not a valid Ed25519 public key"
        case .invalidProofEncoding(let why): "invalid proof encoding: \(why)"
        case .invalidModelID: "model id must be 1-128 bytes of text without control characters"
        case .invalidChallengeLength(let n): "challenge must be 16-64 bytes, got \(n)"
        case .invalidStatement: "statement needs a lower or an upper bound (lower ≤ upper)"
        case .unsupportedScoreWidth(let n): "score width \(n) bits is not supported (32)"
        case .openingDoesNotMatch: "the opening does not match the credential's commitment"
        case .wrongHolderKey: "the holder key is not the credential's holder"
        case .statementFalse: "the score does not satisfy the statement"
        case .badScorerSignature: "the scorer's signature does not verify"
        case .unexpectedScorer: "the credential was issued by another scorer"
        case .expired(let expires, let now): "the credential expired at \(expires) (now \(now))"
        case .rangeProofInvalid: "the range proof does not verify"
        case .badHolderSignature: "the holder's signature does not verify"
        }
    }
}

extension WalletError {
    init(_ error: PrivacyError, requested: Double, remaining: Double) {
        switch error {
        case .budgetExceeded: self = .privacyBudgetExhausted(requested: requested, remaining: remaining)
        default: self = .invalidEpsilon(requested)
        }
    }
}
