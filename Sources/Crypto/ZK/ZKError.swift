import DataFiRistretto

/// Why a zero-knowledge operation rejected its input.
public enum ZKError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A byte string has the wrong length (truncated or oversized).
    case wrongLength(expected: Int, actual: Int)
    /// A 32-byte scalar is not reduced modulo the group order ℓ.
    case nonCanonicalScalar
    /// 32 bytes are not the canonical encoding of a ristretto255 element.
    case invalidPoint
    /// The bit width is not one of 8, 16, 32, 64.
    case unsupportedBitWidth(Int)
    /// The number of aggregated values is not a power of two in 1...64.
    case unsupportedAggregation(Int)
    /// The prover refuses: value number `index` does not fit in the bit width.
    case valueOutOfRange(index: Int)
    /// Values, blindings or commitments come in different numbers.
    case countMismatch(expected: Int, actual: Int)
    /// The proof's size does not match any (bits, values) the verifier accepts.
    case malformedProof(String)
    /// A Fiat–Shamir challenge of the prover came out zero (probability about 2⁻²⁵²), so it has no
    /// inverse; proving again with fresh blindings gives a different transcript.
    case zeroChallenge

    public var description: String {
        switch self {
        case .wrongLength(let expected, let actual): "expected \(expected) bytes, got \(actual)"
        case .nonCanonicalScalar: "scalar is not reduced modulo the group order"
        case .invalidPoint: "bytes are not a canonical ristretto255 element"
        case .unsupportedBitWidth(let n): "bit width \(n) is not one of 8, 16, 32, 64"
        case .unsupportedAggregation(let m): "cannot aggregate \(m) values (need a power of two in 1...64)"
        case .valueOutOfRange(let index): "value \(index) does not fit in the bit width"
        case .countMismatch(let expected, let actual): "expected \(expected) items, got \(actual)"
        case .malformedProof(let why): "malformed proof: \(why)"
        case .zeroChallenge: "a transcript challenge is zero; prove again with fresh blindings"
        }
    }
}

/// Reads canonical 32-byte fields out of a byte string, with typed errors.
struct ZKReader {
    private let bytes: [UInt8]
    private(set) var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var remaining: Int { bytes.count - offset }

    mutating func take32() throws(ZKError) -> ArraySlice<UInt8> {
        guard remaining >= 32 else { throw .wrongLength(expected: offset + 32, actual: bytes.count) }
        defer { offset += 32 }
        return bytes[offset..<offset + 32]
    }

    mutating func scalar() throws(ZKError) -> Scalar {
        let raw = try take32()
        do { return try Scalar(canonicalBytes: raw) } catch { throw .nonCanonicalScalar }
    }

    /// A point checked by the curve decoder; returns both forms.
    mutating func point() throws(ZKError) -> CompressedPoint {
        try CompressedPoint(try take32())
    }
}

/// A canonical ristretto255 encoding together with its decoded curve point.
struct CompressedPoint: Sendable, Equatable {
    let bytes: [UInt8]
    let decoded: EdwardsPoint

    init(_ raw: some Collection<UInt8>) throws(ZKError) {
        guard raw.count == 32 else { throw .wrongLength(expected: 32, actual: raw.count) }
        guard let point = EdwardsPoint(ristretto: raw) else { throw .invalidPoint }
        bytes = Array(raw)
        decoded = point
    }

    init(_ point: RistrettoPoint) {
        decoded = EdwardsPoint(point)
        let encoded = point.encoded
        bytes = encoded[31] & 0x80 == 0 ? encoded : decoded.ristrettoBytes
    }

    /// Encodes a curve point (one inverse square root).
    init(_ point: EdwardsPoint) {
        decoded = point
        bytes = point.ristrettoBytes
    }

    var ristretto: RistrettoPoint { RistrettoPoint(decoded) }

    var isIdentity: Bool { bytes.allSatisfy { $0 == 0 } }

    static func == (a: CompressedPoint, b: CompressedPoint) -> Bool { a.bytes == b.bytes }
}

extension EdwardsPoint {
    /// The curve point of a (valid by construction) ristretto255 element.
    init(_ point: RistrettoPoint) {
        // libsodium 1.0.18 accepts encodings whose top bit is set and ignores that bit; do the same
        // here so any RistrettoPoint converts to the element libsodium means.
        var bytes = point.encoded
        bytes[31] &= 0x7f
        guard let decoded = EdwardsPoint(ristretto: bytes) else {
            preconditionFailure("a RistrettoPoint always holds a canonical encoding")
        }
        self = decoded
    }
}

extension RistrettoPoint {
    /// The ristretto255 element of a curve point (its encoding is canonical by construction).
    init(_ point: EdwardsPoint) {
        guard let value = try? RistrettoPoint(encoded: point.ristrettoBytes) else {
            preconditionFailure("ristretto encoding is always canonical")
        }
        self = value
    }
}
