/// SplitMix64 (Steele, Lea and Flood 2014): a small, fast, seedable generator for reproducible statistical
/// randomness (fold assignment, synthetic data). Not for cryptography or privacy noise.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The internal counter.
    public private(set) var state: UInt64

    /// Starts the sequence at `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }

    /// The SplitMix64 output function applied to a counter value.
    @inline(__always) public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform double in [0, 1) with 53 random bits: `(next() >> 11) · 2⁻⁵³`.
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1p-53 }
}
