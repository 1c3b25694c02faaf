import DataFiSodium

/// Who or what a consent grant lets use the person's data.
public enum ConsentSubject: Sendable, Hashable, CustomStringConvertible {
    /// A named dataset (for example a record type in the wallet, or a data token's dataset).
    case dataset(String)
    /// A named requester (a lender, a researcher, a compute node).
    case requester(String)

    /// The subject kind byte of the canonical encoding: 1 dataset, 2 requester.
    public var kindByte: UInt8 {
        switch self {
        case .dataset: 1
        case .requester: 2
        }
    }

    /// The name of the dataset or requester.
    public var name: String {
        switch self {
        case .dataset(let name), .requester(let name): name
        }
    }

    /// "dataset NAME" or "requester NAME".
    public var description: String {
        switch self {
        case .dataset(let name): "dataset \(name)"
        case .requester(let name): "requester \(name)"
        }
    }
}

/// A person's signed consent: `subject` may use their data for `purpose` from `issued` until
/// `expires` (Unix seconds, the grant is valid for `issued ≤ t < expires`).
///
/// Canonical encoding (the signed message, then the signature; integers big-endian, text as a
/// 2-byte big-endian length and UTF-8):
///
/// ```
/// text   "DataFi.Wallet.consent-grant.v1"   domain label
/// 16     grant id                           random
/// 32     grantor                            Ed25519 public key of the person
/// 1      subject kind                       1 dataset, 2 requester
/// text   subject name                       1-256 bytes, no control characters
/// text   purpose                            1-256 bytes, no control characters
/// 8      issued                             Unix seconds, signed
/// 8      expires                            Unix seconds, signed, > issued
/// 64     signature                          Ed25519 by the grantor over everything above
/// ```
///
/// The encoding is self-contained and verifiable by anyone, so a ledger can carry it as is.
public struct ConsentGrant: Sendable, Equatable {
    /// The 16-byte random id.
    public let id: [UInt8]
    /// The person who grants.
    public let grantor: Signing.PublicKey
    /// Who or what may use the data.
    public let subject: ConsentSubject
    /// What for.
    public let purpose: String
    /// Start of validity, Unix seconds.
    public let issued: Int64
    /// End of validity (exclusive), Unix seconds.
    public let expires: Int64
    /// The grantor's Ed25519 signature over ``signedBytes``.
    public let signature: [UInt8]

    static let domain = "DataFi.Wallet.consent-grant.v1"
    static let what = "consent grant"

    /// The id as 32 lowercase hex digits.
    public var idHex: String { Hex.encode(id) }

    /// Signs a new grant with the person's key.
    /// - Throws: `WalletError.invalidConsentText` for an empty, long or control-character subject or
    ///   purpose; `.expiryNotAfterIssue`.
    public init(subject: ConsentSubject, purpose: String, issued: Int64, expires: Int64,
                signer: Signing.PrivateKey) throws(WalletError) {
        guard isCleanText(subject.name, maxBytes: 256) else { throw .invalidConsentText("subject") }
        guard isCleanText(purpose, maxBytes: 256) else { throw .invalidConsentText("purpose") }
        guard expires > issued else { throw .expiryNotAfterIssue(issued: issued, expires: expires) }
        let id = SecureRandom.bytes(count: 16)
        let grantor = signer.publicKey
        let message = Self.message(id: id, grantor: grantor, subject: subject, purpose: purpose, issued: issued,
                                   expires: expires)
        self.id = id
        self.grantor = grantor
        self.subject = subject
        self.purpose = purpose
        self.issued = issued
        self.expires = expires
        signature = signer.signature(for: message)
    }

    private static func message(id: [UInt8], grantor: Signing.PublicKey, subject: ConsentSubject, purpose: String,
                                issued: Int64, expires: Int64) -> [UInt8] {
        var w = CanonicalWriter()
        w.text(domain)
        w.raw(id)
        w.raw(grantor.rawRepresentation)
        w.u8(subject.kindByte)
        w.text(subject.name)
        w.text(purpose)
        w.i64(issued)
        w.i64(expires)
        return w.bytes
    }

    /// The message the grantor signs (the encoding without the signature).
    public var signedBytes: [UInt8] {
        Self.message(id: id, grantor: grantor, subject: subject, purpose: purpose, issued: issued, expires: expires)
    }

    /// The canonical encoding: ``signedBytes`` followed by the 64-byte signature.
    public var bytes: [UInt8] { signedBytes + signature }

    /// Decodes a canonical encoding and checks its signature.
    /// - Throws: `WalletError.truncatedEncoding`, `.trailingBytes`, `.wrongDomain`, `.invalidUTF8`,
    ///   `.invalidPublicKey`, `.unknownSubjectKind`, `.invalidConsentText`, `.expiryNotAfterIssue`,
    ///   `.badSignature`.
    public init(bytes: some Collection<UInt8>) throws(WalletError) {
        var r = CanonicalReader(bytes)
        guard let domainText = r.text() else { throw .truncatedEncoding(what: Self.what) }
        guard domainText == Self.domain else { throw .wrongDomain(what: Self.what) }
        guard let id = r.raw(16), let grantorBytes = r.raw(32), let kind = r.u8() else {
            throw .truncatedEncoding(what: Self.what)
        }
        guard let grantor = try? Signing.PublicKey(rawRepresentation: grantorBytes) else {
            throw .invalidPublicKey(what: Self.what)
        }
        guard let nameText = r.text(), let purposeText = r.text() else { throw .truncatedEncoding(what: Self.what) }
        guard let name = nameText, let purpose = purposeText else { throw .invalidUTF8(what: Self.what) }
        guard let issued = r.i64(), let expires = r.i64(), let signature = r.raw(64) else {
            throw .truncatedEncoding(what: Self.what)
        }
        guard r.isAtEnd else { throw .trailingBytes(what: Self.what) }
        let subject: ConsentSubject
        switch kind {
        case 1: subject = .dataset(name)
        case 2: subject = .requester(name)
        default: throw .unknownSubjectKind(kind)
        }
        guard isCleanText(name, maxBytes: 256) else { throw .invalidConsentText("subject") }
        guard isCleanText(purpose, maxBytes: 256) else { throw .invalidConsentText("purpose") }
        guard expires > issued else { throw .expiryNotAfterIssue(issued: issued, expires: expires) }
        self.id = id
        self.grantor = grantor
        self.subject = subject
        self.purpose = purpose
        self.issued = issued
        self.expires = expires
        self.signature = signature
        guard grantor.isValidSignature(signature, for: signedBytes) else { throw .badSignature(what: Self.what) }
    }

    /// Whether the signature verifies under ``grantor``.
    public var isSignatureValid: Bool { grantor.isValidSignature(signature, for: signedBytes) }
}

/// A person's signed revocation of one of their grants, effective from `revoked` (Unix seconds).
///
/// Canonical encoding:
///
/// ```
/// text   "DataFi.Wallet.consent-revocation.v1"
/// 16     grant id
/// 32     grantor                 must be the grant's grantor
/// 8      revoked                 Unix seconds, signed
/// 64     signature               Ed25519 by the grantor over everything above
/// ```
public struct ConsentRevocation: Sendable, Equatable {
    /// The id of the revoked grant.
    public let grantID: [UInt8]
    /// The person who revokes (the grant's grantor).
    public let grantor: Signing.PublicKey
    /// From when the grant no longer holds, Unix seconds.
    public let revoked: Int64
    /// The grantor's signature over ``signedBytes``.
    public let signature: [UInt8]

    static let domain = "DataFi.Wallet.consent-revocation.v1"
    static let what = "consent revocation"

    /// Signs a revocation of `grant` effective at `revoked`.
    public init(grant: ConsentGrant, revoked: Int64, signer: Signing.PrivateKey) {
        grantID = grant.id
        grantor = signer.publicKey
        self.revoked = revoked
        var w = CanonicalWriter()
        Self.writeMessage(&w, grantID: grant.id, grantor: signer.publicKey, revoked: revoked)
        signature = signer.signature(for: w.bytes)
    }

    private static func writeMessage(_ w: inout CanonicalWriter, grantID: [UInt8], grantor: Signing.PublicKey, revoked: Int64) {
        w.text(domain)
        w.raw(grantID)
        w.raw(grantor.rawRepresentation)
        w.i64(revoked)
    }

    /// The message the grantor signs.
    public var signedBytes: [UInt8] {
        var w = CanonicalWriter()
        Self.writeMessage(&w, grantID: grantID, grantor: grantor, revoked: revoked)
        return w.bytes
    }

    /// The canonical encoding: ``signedBytes`` followed by the signature.
    public var bytes: [UInt8] { signedBytes + signature }

    /// Decodes a canonical encoding and checks its signature.
    /// - Throws: `WalletError.truncatedEncoding`, `.trailingBytes`, `.wrongDomain`, `.invalidPublicKey`,
    ///   `.badSignature`.
    public init(bytes: some Collection<UInt8>) throws(WalletError) {
        var r = CanonicalReader(bytes)
        guard let domainText = r.text() else { throw .truncatedEncoding(what: Self.what) }
        guard domainText == Self.domain else { throw .wrongDomain(what: Self.what) }
        guard let id = r.raw(16), let grantorBytes = r.raw(32), let revoked = r.i64(), let signature = r.raw(64) else {
            throw .truncatedEncoding(what: Self.what)
        }
        guard r.isAtEnd else { throw .trailingBytes(what: Self.what) }
        guard let grantor = try? Signing.PublicKey(rawRepresentation: grantorBytes) else {
            throw .invalidPublicKey(what: Self.what)
        }
        grantID = id
        self.grantor = grantor
        self.revoked = revoked
        self.signature = signature
        guard grantor.isValidSignature(signature, for: signedBytes) else { throw .badSignature(what: Self.what) }
    }
}

/// The consent records of one person and the rule for a data use: allowed at time t only under a
/// grant naming the subject and the purpose exactly, with `issued ≤ t < expires`, and no revocation
/// of it effective at or before t.
public struct ConsentBook: Sendable, Equatable {
    /// Every grant, in the order made.
    public private(set) var grants: [ConsentGrant] = []
    /// Every revocation, in the order made.
    public private(set) var revocations: [ConsentRevocation] = []

    /// An empty book.
    public init() {}

    /// The revocation of `grant`, if any.
    public func revocation(of grant: ConsentGrant) -> ConsentRevocation? {
        revocations.first { $0.grantID == grant.id }
    }

    /// The grant that allows `subject` to use data for `purpose` at time `at`.
    /// - Throws: `WalletError.noConsent` when no grant names them; otherwise, when none holds at `at`,
    ///   the reason for the most recent matching grant: `.consentRevoked`, `.consentExpired` or
    ///   `.consentNotYetValid`.
    public func check(subject: ConsentSubject, purpose: String, at: Int64) throws(WalletError) -> ConsentGrant {
        let matching = grants.filter { $0.subject == subject && $0.purpose == purpose }
        var reason: WalletError?
        for grant in matching.reversed() {
            if let revocation = revocation(of: grant), revocation.revoked <= at {
                reason = reason ?? .consentRevoked(id: grant.idHex, revoked: revocation.revoked)
            } else if at >= grant.expires {
                reason = reason ?? .consentExpired(id: grant.idHex, expired: grant.expires)
            } else if at < grant.issued {
                reason = reason ?? .consentNotYetValid(id: grant.idHex, issued: grant.issued)
            } else {
                return grant
            }
        }
        throw reason ?? .noConsent(subject: subject.description, purpose: purpose)
    }

    /// Adds a grant signed by `owner`.
    /// - Throws: `WalletError.foreignRecord` when signed by another key, `.badSignature`.
    mutating func add(_ grant: ConsentGrant, owner: Signing.PublicKey) throws(WalletError) {
        guard grant.grantor == owner else { throw .foreignRecord(what: ConsentGrant.what) }
        guard grant.isSignatureValid else { throw .badSignature(what: ConsentGrant.what) }
        grants.append(grant)
    }

    /// Adds a revocation of a grant in the book.
    /// - Throws: `.unknownConsent`, `.alreadyRevoked`, `.revocationBeforeIssue`, `.foreignRecord`,
    ///   `.badSignature`.
    mutating func add(_ revocation: ConsentRevocation, owner: Signing.PublicKey) throws(WalletError) {
        let id = Hex.encode(revocation.grantID)
        guard let grant = grants.first(where: { $0.id == revocation.grantID }) else { throw .unknownConsent(id: id) }
        guard self.revocation(of: grant) == nil else { throw .alreadyRevoked(id: id) }
        guard revocation.grantor == owner else { throw .foreignRecord(what: ConsentRevocation.what) }
        guard revocation.revoked >= grant.issued else { throw .revocationBeforeIssue(id: id) }
        guard revocation.grantor.isValidSignature(revocation.signature, for: revocation.signedBytes) else {
            throw .badSignature(what: ConsentRevocation.what)
        }
        revocations.append(revocation)
    }
}
