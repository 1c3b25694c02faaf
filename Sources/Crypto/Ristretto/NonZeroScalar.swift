import CSodium
import DataFiSodium

/// A scalar modulo ℓ that is not zero, so it always has an inverse: code that needs one (a blinding
/// key, a challenge it divides by) takes this type instead of checking and substituting a default.
public struct NonZeroScalar: Sendable, Equatable {
    /// The scalar (never zero).
    public let scalar: Scalar

    /// Wraps `scalar`.
    /// - Throws: `RistrettoError.zeroHasNoInverse` when it is zero.
    public init(_ scalar: Scalar) throws(RistrettoError) {
        guard !scalar.isZero else { throw .zeroHasNoInverse }
        self.scalar = scalar
    }

    /// Decodes a canonical, non-zero 32-byte little-endian encoding.
    /// - Throws: `RistrettoError.wrongLength`, `.nonCanonicalScalar`, `.zeroHasNoInverse`.
    public init(canonicalBytes: some Collection<UInt8>) throws(RistrettoError) {
        try self.init(try Scalar(canonicalBytes: canonicalBytes))
    }

    /// Rebuilds a scalar from bytes that a `NonZeroScalar` of this package wrote and nothing has
    /// changed since (for example a key kept in `SecureBytes`); not for outside input.
    package init(validatedBytes raw: UnsafeRawBufferPointer) {
        precondition(raw.count == 32, "a scalar is 32 bytes")
        var storage: Bytes32 = (0, 0, 0, 0)
        Swift.withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: raw) }
        scalar = Scalar(storage: storage)
    }

    private init(unchecked scalar: Scalar) { self.scalar = scalar }

    /// A uniformly random non-zero scalar from libsodium's CSPRNG.
    public static func random() -> NonZeroScalar {
        // crypto_core_ristretto255_scalar_random never returns zero.
        NonZeroScalar(unchecked: .random())
    }

    /// The multiplicative inverse modulo ℓ (ℓ is prime, so a non-zero scalar always has one; constant time).
    public var inverse: NonZeroScalar {
        SodiumRuntime.ensureInitialized()
        let (out, _) = withPointer(to: scalar.storage) { src in
            producing32 { crypto_core_ristretto255_scalar_invert($0, src) }
        }
        return NonZeroScalar(unchecked: Scalar(storage: out))
    }

    /// Constant-time equality.
    public static func == (lhs: NonZeroScalar, rhs: NonZeroScalar) -> Bool { lhs.scalar == rhs.scalar }
}
