import DataFiBigNum

/// An unsigned binary fixed-point number with 112 integer and 112 fractional bits, as in V2's
/// `UQ112x112` library: the value is `rawValue / 2^112`.
public struct UQ112x112: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The raw 224-bit encoding (`value · 2^112`), held in a `UInt256`.
    public let rawValue: UInt256

    /// Wraps a raw encoding; only the low 224 bits are kept, as V2's `uint224` does.
    public init(rawValue: UInt256) { self.rawValue = rawValue & UQ112x112.mask224 }

    /// 2^112, the encoding of 1.
    public static let resolution = UInt256.one << 112

    static let mask224 = (UInt256.one << 224) &- .one

    /// Encodes an integer `y` (at most 112 bits) as `y · 2^112` (V2's `UQ112x112.encode`).
    /// - Throws: ``AMMError/overflow`` when `y ≥ 2^112`.
    public static func encode(_ y: UInt256) throws(AMMError) -> UQ112x112 {
        guard y <= Pair.maxReserve else { throw .overflow }
        return encode(reserve: y)
    }

    /// The ratio `numerator / denominator` of two 112-bit integers, truncated to 112 fractional bits
    /// (V2's `encode(numerator).uqdiv(denominator)`).
    /// - Throws: ``AMMError/overflow`` when either value is `≥ 2^112`, ``AMMError/divisionByZero``
    ///   when `denominator` is zero.
    public static func ratio(_ numerator: UInt256, _ denominator: UInt256) throws(AMMError) -> UQ112x112 {
        guard numerator <= Pair.maxReserve, denominator <= Pair.maxReserve else { throw .overflow }
        guard !denominator.isZero else { throw .divisionByZero }
        return ratio(reserve: numerator, reserve: denominator)
    }

    /// `encode` for a value the caller knows is a reserve (below 2^112).
    static func encode(reserve y: UInt256) -> UQ112x112 { UQ112x112(rawValue: y << 112) }

    /// `ratio` for two reserves the caller knows are below 2^112, the denominator nonzero.
    static func ratio(reserve numerator: UInt256, reserve denominator: UInt256) -> UQ112x112 {
        // ⌊n·2^112/d⌋: a 224-bit numerator over a divisor of at most two limbs, which UInt256 divides
        // without GMP, one hardware-division step per quotient word.
        UQ112x112(rawValue: encode(reserve: numerator).rawValue / denominator)
    }

    /// The value as a `Double` (for display only; rounded).
    public var doubleValue: Double { rawValue.ammDouble / 5192296858534827628530496329220096.0 }

    /// Compares the encoded values.
    public static func < (lhs: UQ112x112, rhs: UQ112x112) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The value as a decimal `Double`.
    public var description: String { "\(doubleValue)" }
}

/// One reading of a pair's price accumulators at a 32-bit block time, as an oracle stores it.
public struct PriceObservation: Sendable, Hashable, Codable {
    /// Block time modulo 2^32, in seconds.
    public var timestamp: UInt32
    /// Accumulated price of token0 in token1 (UQ112x112 seconds, wrapping modulo 2^256).
    public var price0Cumulative: UInt256
    /// Accumulated price of token1 in token0 (UQ112x112 seconds, wrapping modulo 2^256).
    public var price1Cumulative: UInt256

    /// Creates an observation from raw accumulator values.
    public init(timestamp: UInt32, price0Cumulative: UInt256, price1Cumulative: UInt256) {
        self.timestamp = timestamp
        self.price0Cumulative = price0Cumulative
        self.price1Cumulative = price1Cumulative
    }
}

/// Time-weighted average prices from two observations of one pair.
public struct TWAP: Sendable, Hashable {
    /// Average price of token0 in token1 over the interval.
    public let price0: UQ112x112
    /// Average price of token1 in token0 over the interval.
    public let price1: UQ112x112
    /// Length of the interval in seconds (computed modulo 2^32).
    public let seconds: UInt32

    /// Averages the prices between two observations: `(cumulative₁ − cumulative₀) / (t₁ − t₀)`, with
    /// both differences wrapping (modulo 2^256 and 2^32), exactly as V2's example oracles do.
    /// The interval must be shorter than 2^32 seconds (about 136 years) to be unambiguous.
    /// - Throws: ``AMMError/periodNotElapsed`` when the timestamps are equal.
    public init(from start: PriceObservation, to end: PriceObservation) throws(AMMError) {
        let elapsed = end.timestamp &- start.timestamp
        guard elapsed > 0 else { throw .periodNotElapsed }
        let divisor = UInt256(UInt64(elapsed))
        price0 = UQ112x112(rawValue: (end.price0Cumulative &- start.price0Cumulative) / divisor)
        price1 = UQ112x112(rawValue: (end.price1Cumulative &- start.price1Cumulative) / divisor)
        seconds = elapsed
    }

    /// Applies the average price of token0 to an amount of token0: `amount · price0` floored
    /// (the `consult` of V2's example oracle).
    /// - Throws: ``AMMError/mathOverflow`` when the product exceeds 2^256 − 1.
    public func amountOut(ofToken0 amount: UInt256) throws(AMMError) -> UInt256 {
        try price0.rawValue.ammMultiplied(by: amount) >> 112
    }

    /// Applies the average price of token1 to an amount of token1: `amount · price1` floored.
    /// - Throws: ``AMMError/mathOverflow`` when the product exceeds 2^256 − 1.
    public func amountOut(ofToken1 amount: UInt256) throws(AMMError) -> UInt256 {
        try price1.rawValue.ammMultiplied(by: amount) >> 112
    }
}
