import CSodium

/// Cryptographically secure randomness from libsodium's `randombytes`.
public enum SecureRandom {
    /// Fills `buffer` with random bytes.
    public static func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        SodiumRuntime.ensureInitialized()
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        randombytes_buf(base, buffer.count)
    }

    /// Returns `count` random bytes. `count` must not be negative.
    public static func bytes(count: Int) -> [UInt8] {
        precondition(count >= 0, "count must not be negative")
        var out = [UInt8](repeating: 0, count: count)
        out.withUnsafeMutableBytes { fill($0) }
        return out
    }

    /// A uniformly random integer in `0..<upperBound`, without modulo bias.
    /// `upperBound` must be positive.
    public static func uniform(_ upperBound: UInt32) -> UInt32 {
        precondition(upperBound > 0, "upperBound must be positive")
        SodiumRuntime.ensureInitialized()
        return randombytes_uniform(upperBound)
    }

    /// A uniformly random 64-bit integer.
    public static func uint64() -> UInt64 {
        var value: UInt64 = 0
        withUnsafeMutableBytes(of: &value) { fill($0) }
        return value
    }
}

/// A `RandomNumberGenerator` backed by libsodium's CSPRNG, for APIs that take a generator
/// (shuffles, `Int.random(in:using:)`) but must be unpredictable.
public struct SodiumRandomNumberGenerator: RandomNumberGenerator, Sendable {
    public init() {}

    public mutating func next() -> UInt64 { SecureRandom.uint64() }
}
