import DataFiSodium

/// Big-endian byte writing and bounded reading for the ledger's binary encodings.
struct ByteWriter {
    var bytes: [UInt8] = []
    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u16(_ v: UInt16) { bytes += [UInt8(v >> 8), UInt8(v & 0xFF)] }
    mutating func u32(_ v: UInt32) { for s in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: v >> UInt32(s))) } }
    mutating func u64(_ v: UInt64) { for s in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: v >> UInt64(s))) } }
    mutating func raw(_ b: some Collection<UInt8>) { bytes += b }
}

struct ByteReader {
    let bytes: [UInt8]
    var offset: Int
    init(_ bytes: [UInt8], offset: Int = 0) { self.bytes = bytes; self.offset = offset }
    var remaining: Int { bytes.count - offset }
    mutating func take(_ n: Int, _ what: String) throws(LedgerError) -> ArraySlice<UInt8> {
        guard n >= 0, remaining >= n else { throw .malformedEncoding("truncated \(what)") }
        defer { offset += n }
        return bytes[offset..<offset + n]
    }
    mutating func u8(_ what: String) throws(LedgerError) -> UInt8 { try take(1, what).first! }
    mutating func u16(_ what: String) throws(LedgerError) -> UInt16 {
        try take(2, what).reduce(0) { $0 << 8 | UInt16($1) }
    }
    mutating func u32(_ what: String) throws(LedgerError) -> UInt32 {
        try take(4, what).reduce(0) { $0 << 8 | UInt32($1) }
    }
    mutating func u64(_ what: String) throws(LedgerError) -> UInt64 {
        try take(8, what).reduce(0) { $0 << 8 | UInt64($1) }
    }
}

/// A signed transaction addressed to one ledger.
///
/// ## Signed bytes (version 1)
///
/// The Ed25519 signature covers exactly these bytes (``signingBytes``), all integers big-endian:
///
/// | field | bytes |
/// |---|---|
/// | domain: ASCII `DataFi ledger envelope v1` followed by one `0x0A` | 26 |
/// | origin length `L` (1...255) | 1 |
/// | origin, ASCII | L |
/// | signer's Ed25519 public key | 32 |
/// | nonce | 8 |
/// | deadline, seconds since 1970 | 8 |
/// | transaction length `T` (1...``maxTransactionBytes``) | 4 |
/// | the transaction's canonical JSON (``CanonicalJSON``) | T |
///
/// The binary form of an envelope (``encoded()``, what log entries hold) is the signed bytes followed by
/// the 64-byte signature. The JSON form for tools is
/// `{"origin":…,"signer":hex,"nonce":"N","deadline":"T","transaction":{…},"signature":hex}`, with an optional
/// `"personal":{…}`.
///
/// ## Personal data
///
/// Personal data (``personal``) never enters the log: it travels beside the envelope, is neither signed nor
/// part of ``encoded()``, and the ledger keeps it in a side table keyed by the signer, from which it can be
/// erased. The signed transaction commits to it instead (for the market, a join carries a salted hash of the
/// sealed asset), so the signature, the leaf and every proof stay valid after erasure. The state machine
/// checks the two agree before anything is logged (``LedgerStateMachine/admit(_:personal:)``).
///
/// The signed bytes above are unchanged by this (still version 1): the commitment is a field of the
/// transaction's canonical JSON. For the market a ledger logs
/// `{"joinCommitted":{"asset":{"commitment":hex,"formats":[…],"records":N},"dataset":…}}` and refuses the
/// plain `{"join":…}`; the personal data is `{"asset":{…sealed asset…},"salt":hex}`.
public struct Envelope<Transaction: Codable & Sendable>: Sendable {
    /// The domain-separation prefix of the signed bytes.
    public static var domain: [UInt8] { Array("DataFi ledger envelope v1\n".utf8) }
    /// Largest canonical transaction accepted, in bytes.
    public static var maxTransactionBytes: Int { 64 * 1024 }
    /// Largest JSON envelope accepted, in bytes.
    public static var maxJSONBytes: Int { 4 * maxTransactionBytes }

    /// The ledger this envelope is for.
    public let origin: String
    /// The signer's Ed25519 public key (its account is the key's lowercase hex).
    public let signer: Signing.PublicKey
    /// The signer's nonce: exactly one more than its previous logged envelope (the first is 0).
    public let nonce: UInt64
    /// Latest ledger time (seconds since 1970) at which the envelope may be logged.
    public let deadline: UInt64
    /// The transaction.
    public let transaction: Transaction
    /// The transaction's canonical JSON, as signed.
    public let transactionBytes: [UInt8]
    /// The Ed25519 signature of ``signingBytes``.
    public let signature: [UInt8]
    /// The bytes the signature covers (see the type's documentation), computed once.
    public let signingBytes: [UInt8]
    /// Personal data for the side table, as canonical JSON of an object; not signed, never logged.
    public private(set) var personal: [UInt8]?
    /// Largest personal data accepted, in bytes.
    public static var maxPersonalBytes: Int { 128 * 1024 }

    /// Whether `origin` is a valid ledger origin: 1...255 bytes of printable ASCII without space or `+`
    /// (C2SP tlog-checkpoint's rule for origin lines).
    public static func isValidOrigin(_ origin: String) -> Bool {
        let bytes = Array(origin.utf8)
        return (1...255).contains(bytes.count) && bytes.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "+") }
    }

    /// Signs `transaction` with `key`.
    /// - Throws: ``LedgerError/invalidField(_:)`` for an invalid origin or a transaction that cannot be
    ///   encoded; ``LedgerError/tooLarge(limit:actual:)`` when its canonical JSON exceeds the limit.
    public static func sign(_ transaction: Transaction, origin: String, nonce: UInt64, deadline: UInt64,
                            with key: Signing.PrivateKey) throws(LedgerError) -> Envelope {
        guard isValidOrigin(origin) else { throw .invalidField("origin") }
        let bytes = try CanonicalJSON.encode(transaction)
        guard bytes.count <= maxTransactionBytes else { throw .tooLarge(limit: maxTransactionBytes, actual: bytes.count) }
        let message = signingBytes(origin: origin, signer: key.publicKey, nonce: nonce, deadline: deadline,
                                   transaction: bytes)
        return Envelope(origin: origin, signer: key.publicKey, nonce: nonce, deadline: deadline,
                        transaction: transaction, transactionBytes: bytes, signature: key.signature(for: message))
    }

    init(origin: String, signer: Signing.PublicKey, nonce: UInt64, deadline: UInt64, transaction: Transaction,
         transactionBytes: [UInt8], signature: [UInt8]) {
        self.origin = origin
        self.signer = signer
        self.nonce = nonce
        self.deadline = deadline
        self.transaction = transaction
        self.transactionBytes = transactionBytes
        self.signature = signature
        signingBytes = Self.signingBytes(origin: origin, signer: signer, nonce: nonce, deadline: deadline,
                                         transaction: transactionBytes)
    }

    static func signingBytes(origin: String, signer: Signing.PublicKey, nonce: UInt64, deadline: UInt64,
                             transaction: [UInt8]) -> [UInt8] {
        var w = ByteWriter()
        w.bytes.reserveCapacity(26 + 1 + origin.utf8.count + 52 + transaction.count + 64)
        w.raw(domain)
        w.u8(UInt8(origin.utf8.count))
        w.raw(origin.utf8)
        w.raw(signer.rawRepresentation)
        w.u64(nonce)
        w.u64(deadline)
        w.u32(UInt32(transaction.count))
        w.raw(transaction)
        return w.bytes
    }

    /// This envelope with `personal` (canonical JSON of an object) beside it; the signature is unaffected.
    /// - Throws: ``LedgerError/tooLarge(limit:actual:)``; the parse errors of ``CanonicalJSON``;
    ///   ``LedgerError/notCanonical(reason:)`` or ``LedgerError/invalidField(_:)`` unless it is one object
    ///   in canonical form.
    public func attaching(personal data: [UInt8]) throws(LedgerError) -> Envelope {
        guard data.count <= Self.maxPersonalBytes else { throw .tooLarge(limit: Self.maxPersonalBytes, actual: data.count) }
        let tree = try CanonicalJSON.parse(data)
        guard case .object = tree else { throw .invalidField("personal data must be a JSON object") }
        guard CanonicalJSON.serialize(tree) == data else { throw .notCanonical(reason: "personal data is not canonical JSON") }
        var copy = self
        copy.personal = data
        return copy
    }

    /// Whether the signature verifies (`crypto_sign_verify_detached`; public data, variable time).
    public var isSignatureValid: Bool { signer.isValidSignature(signature, for: signingBytes) }

    /// The binary form: ``signingBytes`` followed by the signature.
    public func encoded() -> [UInt8] { signingBytes + signature }

    /// Decodes the binary form strictly (the transaction must be canonical JSON of `Transaction`).
    /// - Throws: ``LedgerError/malformedEncoding(_:)`` for a wrong domain, truncation or trailing bytes;
    ///   the errors of ``CanonicalJSON/decode(_:from:)-(_,Collection<UInt8>)`` for the transaction.
    public init(encoded bytes: [UInt8]) throws(LedgerError) {
        var r = ByteReader(bytes)
        try self.init(reader: &r)
        guard r.remaining == 0 else { throw .malformedEncoding("trailing bytes after the envelope") }
    }

    init(reader r: inout ByteReader) throws(LedgerError) {
        guard Array(try r.take(Self.domain.count, "domain")) == Self.domain else {
            throw .malformedEncoding("unknown envelope domain or version")
        }
        let originLength = Int(try r.u8("origin length"))
        guard let origin = String(validating: try r.take(originLength, "origin"), as: UTF8.self),
              Self.isValidOrigin(origin) else { throw .malformedEncoding("invalid origin") }
        let signer: Signing.PublicKey
        do { signer = try Signing.PublicKey(rawRepresentation: try r.take(32, "signer")) } catch {
            throw .malformedEncoding("invalid signer key")
        }
        let nonce = try r.u64("nonce"), deadline = try r.u64("deadline")
        let length = Int(try r.u32("transaction length"))
        guard length <= Self.maxTransactionBytes else { throw .tooLarge(limit: Self.maxTransactionBytes, actual: length) }
        let txBytes = Array(try r.take(length, "transaction"))
        let (tx, canonical) = try CanonicalJSON.decode(Transaction.self, from: txBytes)
        guard canonical == txBytes else { throw .notCanonical(reason: "transaction bytes are not canonical JSON") }
        let signature = Array(try r.take(64, "signature"))
        self.init(origin: origin, signer: signer, nonce: nonce, deadline: deadline, transaction: tx,
                  transactionBytes: txBytes, signature: signature)
    }

    /// The JSON form for tools (canonical: sorted keys, no whitespace).
    public func json() -> [UInt8] {
        var members: [(String, JSONValue)] = [
            ("deadline", .string(String(deadline))), ("nonce", .string(String(nonce))),
            ("origin", .string(origin)), ("signature", .string(Hex.encode(signature))),
            ("signer", .string(Hex.encode(signer.rawRepresentation))),
            // The transaction bytes are canonical JSON already: parse cannot fail on them.
            ("transaction", (try? CanonicalJSON.parse(transactionBytes)) ?? .null),
        ]
        // Personal data is canonical JSON already (``attaching(personal:)``).
        if let personal, let tree = try? CanonicalJSON.parse(personal) { members.insert(("personal", tree), at: 2) }
        return CanonicalJSON.serialize(.object(members))
    }

    /// Decodes the JSON form strictly: exactly the six fields (and optionally `personal`, an object),
    /// `nonce` and `deadline` as canonical decimal strings, hex keys and signature of the right lengths, and a transaction that re-encodes to itself.
    /// Whitespace and key order are free. The signature is not checked here (see ``isSignatureValid``).
    /// - Throws: ``LedgerError/tooLarge(limit:actual:)``, the parse errors of ``CanonicalJSON``,
    ///   ``LedgerError/invalidField(_:)`` or ``LedgerError/notCanonical(reason:)``.
    public init(json bytes: some Collection<UInt8>) throws(LedgerError) {
        guard bytes.count <= Self.maxJSONBytes else { throw .tooLarge(limit: Self.maxJSONBytes, actual: bytes.count) }
        let tree = try CanonicalJSON.parse(bytes)
        guard case .object(let members) = tree else { throw .invalidField("envelope is not an object") }
        let expected: Set<String> = ["origin", "signer", "nonce", "deadline", "transaction", "signature", "personal"]
        for (key, _) in members where !expected.contains(key) { throw .notCanonical(reason: "unknown field \"\(key)\"") }
        func string(_ key: String) throws(LedgerError) -> String {
            guard case .string(let s)? = tree[key] else { throw .invalidField("\(key) must be a string") }
            return s
        }
        func integer(_ key: String) throws(LedgerError) -> UInt64 {
            let s = try string(key)
            guard let v = UInt64(s), String(v) == s else { throw .invalidField("\(key) must be a decimal string in 0...2^64-1") }
            return v
        }
        let origin = try string("origin")
        guard Self.isValidOrigin(origin) else { throw .invalidField("origin") }
        guard let signerBytes = Hex.decodeStrictLower(try string("signer")), signerBytes.count == 32,
              let signer = try? Signing.PublicKey(rawRepresentation: signerBytes) else {
            throw .invalidField("signer must be 64 lowercase hex digits")
        }
        guard let signature = Hex.decodeStrictLower(try string("signature")), signature.count == 64 else {
            throw .invalidField("signature must be 128 lowercase hex digits")
        }
        guard let txTree = tree["transaction"] else { throw .invalidField("transaction is missing") }
        let (tx, canonical) = try CanonicalJSON.decode(Transaction.self, from: txTree)
        guard canonical.count <= Self.maxTransactionBytes else {
            throw .tooLarge(limit: Self.maxTransactionBytes, actual: canonical.count)
        }
        self.init(origin: origin, signer: signer, nonce: try integer("nonce"), deadline: try integer("deadline"),
                  transaction: tx, transactionBytes: canonical, signature: signature)
        if let personal = tree["personal"] {
            guard case .object = personal else { throw .invalidField("personal must be an object") }
            self = try attaching(personal: CanonicalJSON.serialize(personal))
        }
    }
}

extension Hex {
    /// Decodes lowercase hex only (the canonical form); `nil` for anything else.
    static func decodeStrictLower(_ text: String) -> [UInt8]? {
        let bytes = Array(text.utf8)
        guard bytes.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count / 2)
        var i = 0
        while i < bytes.count {
            guard let hi = nibble(bytes[i]), let lo = nibble(bytes[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    private static func nibble(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: b - 0x30
        case 0x61...0x66: b - 0x61 + 10
        default: nil
        }
    }
}
