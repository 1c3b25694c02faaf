/// One leaf of the log: an envelope, what the state machine did with it, and the ledger time.
///
/// ## Leaf data (version 1)
///
/// The leaf hash is `SHA-256(0x00 || data)` of these bytes, integers big-endian:
///
/// | field | bytes |
/// |---|---|
/// | version, `0x01` | 1 |
/// | ledger time, seconds since 1970 | 8 |
/// | outcome: `0x00` applied, `0x01` refused | 1 |
/// | error code length `C` (0 when applied, 1...64 when refused) | 1 |
/// | error code, ASCII | C |
/// | the envelope's binary form (``Envelope/encoded()``) | rest |
public struct LogEntry<Transaction: Codable & Sendable>: Sendable {
    /// The leaf data version this type writes.
    public static var version: UInt8 { 1 }
    /// Longest error code, in bytes.
    public static var maxCodeLength: Int { 64 }

    /// The signed transaction.
    public let envelope: Envelope<Transaction>
    /// What the state machine did.
    public let outcome: LedgerOutcome
    /// The ledger time the entry was applied at (seconds since 1970).
    public let time: UInt64

    /// Creates an entry.
    public init(envelope: Envelope<Transaction>, outcome: LedgerOutcome, time: UInt64) {
        self.envelope = envelope
        self.outcome = outcome
        self.time = time
    }

    /// The leaf data (see the type's documentation).
    public func encoded() -> [UInt8] {
        var w = ByteWriter()
        w.u8(Self.version)
        w.u64(time)
        switch outcome {
        case .applied:
            w.u8(0)
            w.u8(0)
        case .refused(let code):
            let bytes = Array(code.utf8.prefix(Self.maxCodeLength))
            w.u8(1)
            w.u8(UInt8(bytes.count))
            w.raw(bytes)
        }
        w.raw(envelope.encoded())
        return w.bytes
    }

    /// Decodes leaf data strictly.
    /// - Throws: ``LedgerError/malformedEncoding(_:)`` and the errors of ``Envelope/init(encoded:)``.
    public init(encoded bytes: [UInt8]) throws(LedgerError) {
        var r = ByteReader(bytes)
        guard try r.u8("version") == Self.version else { throw .malformedEncoding("unknown leaf version") }
        time = try r.u64("time")
        let status = try r.u8("outcome")
        let codeLength = Int(try r.u8("code length"))
        let code = try r.take(codeLength, "code")
        switch status {
        case 0:
            guard codeLength == 0 else { throw .malformedEncoding("applied entry with an error code") }
            outcome = .applied
        case 1:
            guard (1...Self.maxCodeLength).contains(codeLength), code.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
                throw .malformedEncoding("invalid error code")
            }
            outcome = .refused(code: String(decoding: code, as: UTF8.self))
        default:
            throw .malformedEncoding("unknown outcome \(status)")
        }
        envelope = try Envelope(reader: &r)
        guard r.remaining == 0 else { throw .malformedEncoding("trailing bytes after the entry") }
    }
}
