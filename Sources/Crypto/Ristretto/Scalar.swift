import CSodium
import DataFiSodium

/// An integer modulo the ristretto255 group order
/// ℓ = 2^252 + 27742317777372353535851937790883648493.
///
/// Stored inline as its canonical 32-byte little-endian encoding; arithmetic calls libsodium's
/// constant-time `crypto_core_ristretto255_scalar_*` and never allocates. `==` is constant time.
/// Being a plain inline value that the compiler may copy, a `Scalar` is not wiped when released;
/// keep long-lived secret keys in `SecureBytes` and rebuild the scalar when needed.
public struct Scalar: Sendable, Equatable, ExpressibleByIntegerLiteral {
    var storage: Bytes32

    init(storage: Bytes32) { self.storage = storage }

    /// The scalar 0.
    public static let zero = Scalar(storage: (0, 0, 0, 0))
    /// The scalar 1.
    public static let one = Scalar(storage: (1, 0, 0, 0))

    /// ℓ, the group order, as little-endian 64-bit limbs.
    static let order: Bytes32 = (0x5812_631a_5cf5_d3ed, 0x14de_f9de_a2f7_9cd6, 0, 0x1000_0000_0000_0000)

    /// Decodes a canonical 32-byte little-endian encoding.
    /// - Throws: `RistrettoError.wrongLength` unless exactly 32 bytes;
    ///   `.nonCanonicalScalar` when the value is ℓ or more.
    public init(canonicalBytes: some Collection<UInt8>) throws(RistrettoError) {
        let limbs = try loadBytes32(canonicalBytes)
        guard Scalar.isBelowOrder(limbs) else { throw .nonCanonicalScalar }
        storage = limbs
    }

    /// Reduces a 64-byte little-endian integer modulo ℓ (`crypto_core_ristretto255_scalar_reduce`).
    /// Feed it 64 uniformly random or hashed bytes to get a uniform scalar.
    /// - Throws: `RistrettoError.wrongLength` unless exactly 64 bytes.
    public init(reducing wideBytes: some Collection<UInt8>) throws(RistrettoError) {
        let count = wideBytes.count
        guard count == 64 else { throw .wrongLength(expected: 64, actual: count) }
        storage = withContiguousBytes(wideBytes) { Scalar.reduce($0) }
    }

    static func reduce(_ wide: UnsafeRawBufferPointer) -> Bytes32 {
        precondition(wide.count == 64)
        SodiumRuntime.ensureInitialized()
        return producing32 { dst in
            crypto_core_ristretto255_scalar_reduce(dst, wide.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }.0
    }

    /// The scalar equal to `value` (always below ℓ).
    public init(_ value: UInt64) {
        storage = (value, 0, 0, 0)
    }

    /// The scalar equal to an integer literal, e.g. `let two: Scalar = 2`.
    public init(integerLiteral value: UInt64) {
        self.init(value)
    }

    /// A uniformly random non-zero scalar from libsodium's CSPRNG.
    public static func random() -> Scalar {
        SodiumRuntime.ensureInitialized()
        return Scalar(storage: producing32 { crypto_core_ristretto255_scalar_random($0) }.0)
    }

    /// A uniformly distributed scalar drawn from `generator` (64 bytes reduced modulo ℓ), for
    /// reproducible tests and simulations. Secrets must use `random()`.
    public static func random<G: RandomNumberGenerator>(using generator: inout G) -> Scalar {
        var wide = [UInt64](repeating: 0, count: 8)
        for index in wide.indices { wide[index] = generator.next() }
        return Scalar(storage: wide.withUnsafeBytes { Scalar.reduce($0) })
    }

    /// Hashes `message` to a uniform scalar: RFC 9380 `expand_message_xmd` with SHA-512 to
    /// 64 bytes under the domain separation tag `domain`, then reduction modulo ℓ.
    public static func hash(_ message: some Collection<UInt8>, domain: String) -> Scalar {
        let wide = ExpandMessageXMD.sha512Unchecked(message, domain: Array(domain.utf8), length: 64)
        return Scalar(storage: wide.withUnsafeBytes { Scalar.reduce($0) })
    }

    /// The canonical 32-byte little-endian encoding.
    public var bytes: [UInt8] { bytesArray(storage) }

    /// Calls `body` with the 32-byte encoding, without copying it to the heap.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try Swift.withUnsafeBytes(of: storage, body)
    }

    /// Whether this is the zero scalar (constant time).
    public var isZero: Bool { constantTimeEqual(storage, Scalar.zero.storage) }

    /// Constant-time equality.
    public static func == (lhs: Scalar, rhs: Scalar) -> Bool {
        constantTimeEqual(lhs.storage, rhs.storage)
    }

    /// The multiplicative inverse modulo ℓ.
    /// - Throws: `RistrettoError.zeroHasNoInverse` for zero.
    public func inverse() throws(RistrettoError) -> Scalar {
        SodiumRuntime.ensureInitialized()
        let (out, status) = withPointer(to: storage) { src in
            producing32 { crypto_core_ristretto255_scalar_invert($0, src) }
        }
        guard status == 0 else { throw .zeroHasNoInverse }
        return Scalar(storage: out)
    }

    /// Sum modulo ℓ.
    public static func + (lhs: Scalar, rhs: Scalar) -> Scalar {
        binary(lhs, rhs) { crypto_core_ristretto255_scalar_add($0, $1, $2) }
    }

    /// Difference modulo ℓ.
    public static func - (lhs: Scalar, rhs: Scalar) -> Scalar {
        binary(lhs, rhs) { crypto_core_ristretto255_scalar_sub($0, $1, $2) }
    }

    /// Product modulo ℓ.
    public static func * (lhs: Scalar, rhs: Scalar) -> Scalar {
        binary(lhs, rhs) { crypto_core_ristretto255_scalar_mul($0, $1, $2) }
    }

    /// Additive inverse modulo ℓ.
    public static prefix func - (value: Scalar) -> Scalar {
        SodiumRuntime.ensureInitialized()
        return Scalar(storage: withPointer(to: value.storage) { src in
            producing32 { crypto_core_ristretto255_scalar_negate($0, src) }.0
        })
    }

    /// Adds in place modulo ℓ.
    public static func += (lhs: inout Scalar, rhs: Scalar) { lhs = lhs + rhs }
    /// Subtracts in place modulo ℓ.
    public static func -= (lhs: inout Scalar, rhs: Scalar) { lhs = lhs - rhs }
    /// Multiplies in place modulo ℓ.
    public static func *= (lhs: inout Scalar, rhs: Scalar) { lhs = lhs * rhs }

    @inline(__always)
    private static func binary(
        _ a: Scalar, _ b: Scalar,
        _ op: (UnsafeMutablePointer<UInt8>, UnsafePointer<UInt8>, UnsafePointer<UInt8>) -> Void
    ) -> Scalar {
        SodiumRuntime.ensureInitialized()
        return Scalar(storage: withPointer(to: a.storage) { pa in
            withPointer(to: b.storage) { pb in producing32 { op($0, pa, pb) }.0 }
        })
    }

    /// Whether the little-endian value is below ℓ, computed without branches on the value.
    static func isBelowOrder(_ x: Bytes32) -> Bool {
        var borrow: UInt64 = 0
        (_, borrow) = subtractWithBorrow(x.0, order.0, borrow)
        (_, borrow) = subtractWithBorrow(x.1, order.1, borrow)
        (_, borrow) = subtractWithBorrow(x.2, order.2, borrow)
        (_, borrow) = subtractWithBorrow(x.3, order.3, borrow)
        return borrow == 1
    }

    @inline(__always)
    private static func subtractWithBorrow(_ a: UInt64, _ b: UInt64, _ borrow: UInt64) -> (UInt64, UInt64) {
        let (d1, o1) = a.subtractingReportingOverflow(b)
        let (d2, o2) = d1.subtractingReportingOverflow(borrow)
        return (d2, UInt64(o1 ? 1 : 0) | UInt64(o2 ? 1 : 0))
    }
}
