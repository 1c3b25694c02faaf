/// Why a ristretto255 operation rejected its input.
public enum RistrettoError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The byte string has the wrong length.
    case wrongLength(expected: Int, actual: Int)
    /// A 32-byte scalar encoding is not reduced: its value is at least the group order ℓ.
    case nonCanonicalScalar
    /// The 32 bytes are not the canonical encoding of a ristretto255 element.
    case invalidPoint
    /// Zero has no multiplicative inverse.
    case zeroHasNoInverse
    /// A multiscalar multiplication got different numbers of scalars and points.
    case lengthMismatch(scalars: Int, points: Int)
    /// `expand_message_xmd` cannot produce this many bytes (allowed: 1...16320 for SHA-512).
    case outputLengthOutOfRange(Int)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .wrongLength(let expected, let actual): "expected \(expected) bytes, got \(actual)"
        case .nonCanonicalScalar: "scalar encoding is not reduced modulo the group order"
        case .invalidPoint: "bytes are not a canonical ristretto255 encoding"
        case .zeroHasNoInverse: "zero has no inverse"
        case .lengthMismatch(let scalars, let points): "\(scalars) scalars but \(points) points"
        case .outputLengthOutOfRange(let n): "expand_message_xmd cannot output \(n) bytes"
        }
    }
}

#if _endian(big)
#error("DataFiRistretto stores little-endian encodings in 64-bit limbs and needs a little-endian target")
#endif

/// 32 bytes held inline as four 64-bit limbs (little-endian, so the memory is the byte string).
typealias Bytes32 = (UInt64, UInt64, UInt64, UInt64)

/// Copies exactly 32 bytes out of `bytes`.
@inline(__always)
func loadBytes32(_ bytes: some Collection<UInt8>) throws(RistrettoError) -> Bytes32 {
    let count = bytes.count
    guard count == 32 else { throw .wrongLength(expected: 32, actual: count) }
    var out: Bytes32 = (0, 0, 0, 0)
    withUnsafeMutableBytes(of: &out) { dst in
        let copied: Void? = bytes.withContiguousStorageIfAvailable { src in
            dst.copyMemory(from: UnsafeRawBufferPointer(src))
        }
        if copied == nil {
            for (i, byte) in bytes.enumerated() { dst[i] = byte }
        }
    }
    return out
}

/// Runs `body` on a contiguous view of `bytes`, copying only when the collection is not contiguous.
@inline(__always)
func withContiguousBytes<R>(_ bytes: some Collection<UInt8>, _ body: (UnsafeRawBufferPointer) -> R) -> R {
    if let result = bytes.withContiguousStorageIfAvailable({ body(UnsafeRawBufferPointer($0)) }) {
        return result
    }
    return Array(bytes).withUnsafeBytes(body)
}

/// Constant-time equality of two 32-byte values.
@inline(__always)
func constantTimeEqual(_ a: Bytes32, _ b: Bytes32) -> Bool {
    ((a.0 ^ b.0) | (a.1 ^ b.1) | (a.2 ^ b.2) | (a.3 ^ b.3)) == 0
}

@inline(__always)
func bytesArray(_ value: Bytes32) -> [UInt8] {
    withUnsafeBytes(of: value) { Array($0) }
}

/// Runs `body` with a pointer to the 32 bytes of `value`.
@inline(__always)
func withPointer<R>(to value: Bytes32, _ body: (UnsafePointer<UInt8>) -> R) -> R {
    withUnsafeBytes(of: value) { body($0.baseAddress!.assumingMemoryBound(to: UInt8.self)) }
}

/// Returns the 32 bytes `body` writes through the pointer it gets (zero-initialized first).
/// Also returns `body`'s status result.
@inline(__always)
func producing32<R>(_ body: (UnsafeMutablePointer<UInt8>) -> R) -> (Bytes32, R) {
    var out: Bytes32 = (0, 0, 0, 0)
    let result = withUnsafeMutableBytes(of: &out) { body($0.baseAddress!.assumingMemoryBound(to: UInt8.self)) }
    return (out, result)
}
