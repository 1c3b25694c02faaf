import DataFiRistretto
import DataFiSodium
import DataFiZK

/// A CreditMe credential: a scorer's signed Pedersen commitment to a person's credit score.
///
/// The scorer (a lender running the Defi Score) commits to an integer score `s` in 0...2^32 − 1 as
/// `C = s·g + r·h` (`PedersenGenerators.standard`), gives the opening (s, r) to the person only, and
/// signs, with its Ed25519 key, the canonical message
///
/// ```
/// text   "DataFi.CreditMe.credential.v1"   domain label (2-byte big-endian length, UTF-8)
/// 32     commitment C                      ristretto255 encoding
/// 32     holder                            the person's Ed25519 public key
/// 32     scorer                            the scorer's Ed25519 public key
/// 1      score width in bits               32
/// text   model id                          1-128 bytes, e.g. "defi-score-basic-2026-11"
/// 8      expires                           Unix seconds, signed big-endian
/// ```
///
/// The credential's encoding is that message followed by the 64-byte signature. It says nothing
/// about the score: C is perfectly hiding.
public struct CreditCredential: Sendable, Equatable {
    /// The commitment to the score.
    public let commitment: PedersenCommitment
    /// The person the credential was issued to.
    public let holder: Signing.PublicKey
    /// The scorer who issued it.
    public let scorer: Signing.PublicKey
    /// The score model's identifier.
    public let modelID: String
    /// End of validity, Unix seconds (valid while `now < expires`).
    public let expires: Int64
    /// The scorer's Ed25519 signature over ``signedBytes``.
    public let signature: [UInt8]

    /// Scores are integers in 0...2^32 − 1 and range proofs are over 32 bits (see ``CreditPresentation``).
    public static let scoreBits = 32
    /// The largest score a credential can carry.
    public static let maxScore = UInt32.max

    static let domain = "DataFi.CreditMe.credential.v1"
    static let what = "credential"

    /// Issues a credential for `score`: a fresh random blinding, the commitment, the scorer's signature.
    /// Returns the credential (public) and the opening (for the holder only).
    /// - Throws: `CredentialError.invalidModelID`.
    public static func issue(score: UInt32, holder: Signing.PublicKey, modelID: String, expires: Int64,
                             scorer: Signing.PrivateKey) throws(CredentialError) -> (CreditCredential, CredentialOpening) {
        let opening = CredentialOpening(score: score, blinding: .random())
        let credential = try CreditCredential(commitment: opening.commitment, holder: holder, modelID: modelID,
                                              expires: expires, scorer: scorer)
        return (credential, opening)
    }

    /// Signs a credential for an existing commitment.
    /// - Throws: `CredentialError.invalidModelID`.
    public init(commitment: PedersenCommitment, holder: Signing.PublicKey, modelID: String, expires: Int64,
                scorer: Signing.PrivateKey) throws(CredentialError) {
        guard isCleanText(modelID, maxBytes: 128) else { throw .invalidModelID }
        self.commitment = commitment
        self.holder = holder
        self.scorer = scorer.publicKey
        self.modelID = modelID
        self.expires = expires
        signature = scorer.signature(for: Self.message(commitment: commitment, holder: holder, scorer: scorer.publicKey,
                                                       modelID: modelID, expires: expires))
    }

    /// Assembles a credential from its fields (for example parsed from JSON) without checking the
    /// signature; ``CreditPresentation/verify(scorer:challenge:now:)`` and ``isSignatureValid`` check it.
    /// - Throws: `CredentialError.invalidModelID`.
    public init(commitment: PedersenCommitment, holder: Signing.PublicKey, scorer: Signing.PublicKey, modelID: String,
                expires: Int64, signature: [UInt8]) throws(CredentialError) {
        guard isCleanText(modelID, maxBytes: 128) else { throw .invalidModelID }
        self.commitment = commitment
        self.holder = holder
        self.scorer = scorer
        self.modelID = modelID
        self.expires = expires
        self.signature = signature
    }

    private static func message(commitment: PedersenCommitment, holder: Signing.PublicKey, scorer: Signing.PublicKey,
                                modelID: String, expires: Int64) -> [UInt8] {
        var w = CanonicalWriter()
        w.text(domain)
        w.raw(commitment.bytes)
        w.raw(holder.rawRepresentation)
        w.raw(scorer.rawRepresentation)
        w.u8(UInt8(scoreBits))
        w.text(modelID)
        w.i64(expires)
        return w.bytes
    }

    /// The message the scorer signs.
    public var signedBytes: [UInt8] {
        Self.message(commitment: commitment, holder: holder, scorer: scorer, modelID: modelID, expires: expires)
    }

    /// The canonical encoding: ``signedBytes`` followed by the signature.
    public var bytes: [UInt8] { signedBytes + signature }

    /// Whether the scorer's signature verifies.
    public var isSignatureValid: Bool { scorer.isValidSignature(signature, for: signedBytes) }

    /// Decodes a canonical encoding (the signature is not checked here).
    /// - Throws: `CredentialError.truncated`, `.trailingBytes`, `.wrongDomain`, `.invalidProofEncoding`
    ///   (commitment), `.invalidPublicKey`, `.unsupportedScoreWidth`, `.invalidModelID`.
    public init(bytes: some Collection<UInt8>) throws(CredentialError) {
        var r = CanonicalReader(bytes)
        guard let domainText = r.text() else { throw .truncated(what: Self.what) }
        guard domainText == Self.domain else { throw .wrongDomain(what: Self.what) }
        guard let c = r.raw(32), let h = r.raw(32), let s = r.raw(32), let width = r.u8() else {
            throw .truncated(what: Self.what)
        }
        guard let modelText = r.text() else { throw .truncated(what: Self.what) }
        guard let expires = r.i64(), let signature = r.raw(64) else { throw .truncated(what: Self.what) }
        guard r.isAtEnd else { throw .trailingBytes(what: Self.what) }
        guard Int(width) == Self.scoreBits else { throw .unsupportedScoreWidth(Int(width)) }
        guard let modelID = modelText else { throw .invalidModelID }
        let commitment: PedersenCommitment
        do { commitment = try PedersenCommitment(bytes: c) } catch { throw .invalidProofEncoding("commitment: \(error)") }
        guard let holder = try? Signing.PublicKey(rawRepresentation: h) else { throw .invalidPublicKey(what: "holder") }
        guard let scorer = try? Signing.PublicKey(rawRepresentation: s) else { throw .invalidPublicKey(what: "scorer") }
        try self.init(commitment: commitment, holder: holder, scorer: scorer, modelID: modelID, expires: expires,
                      signature: signature)
    }
}

/// The opening of a credential's commitment: the score and the blinding. Secret: held by the person.
public struct CredentialOpening: Sendable, Equatable {
    /// The committed score.
    public let score: UInt32
    /// The blinding `r` of `C = score·g + r·h`.
    public let blinding: Scalar

    /// An opening from its parts.
    public init(score: UInt32, blinding: Scalar) {
        self.score = score
        self.blinding = blinding
    }

    /// The commitment this opening opens (constant time in the secrets).
    public var commitment: PedersenCommitment {
        PedersenGenerators.standard.commit(value: Scalar(UInt64(score)), blinding: blinding)
    }

    /// Whether this opens `credential`'s commitment.
    public func opens(_ credential: CreditCredential) -> Bool { commitment == credential.commitment }
}

/// A claim about the committed score: at least `lower`, at most `upper`, or both (inclusive).
public struct ScoreStatement: Sendable, Equatable, CustomStringConvertible {
    /// The lower bound (score ≥ lower), if any.
    public let lower: UInt32?
    /// The upper bound (score ≤ upper), if any.
    public let upper: UInt32?

    /// A statement with at least one bound.
    /// - Throws: `CredentialError.invalidStatement` with no bound or with lower > upper.
    public init(atLeast lower: UInt32? = nil, atMost upper: UInt32? = nil) throws(CredentialError) {
        guard lower != nil || upper != nil else { throw .invalidStatement }
        if let lower, let upper, lower > upper { throw .invalidStatement }
        self.lower = lower
        self.upper = upper
    }

    /// Whether `score` satisfies the statement.
    public func holds(for score: UInt32) -> Bool {
        (lower.map { score >= $0 } ?? true) && (upper.map { score <= $0 } ?? true)
    }

    /// "score ≥ t", "score ≤ u" or "t ≤ score ≤ u".
    public var description: String {
        switch (lower, upper) {
        case let (l?, u?): "\(l) ≤ score ≤ \(u)"
        case let (l?, nil): "score ≥ \(l)"
        case let (nil, u?): "score ≤ \(u)"
        default: "no bound"
        }
    }
}

/// What a verifier learns from a valid presentation: the statement, the scorer, the model, the
/// expiry and the holder's key — not the score.
public struct VerifiedClaim: Sendable, Equatable {
    /// The bounds proven.
    public let statement: ScoreStatement
    /// The scorer who issued the credential.
    public let scorer: Signing.PublicKey
    /// The score model's identifier.
    public let modelID: String
    /// When the credential expires, Unix seconds.
    public let expires: Int64
    /// The holder, who signed this presentation.
    public let holder: Signing.PublicKey
}
