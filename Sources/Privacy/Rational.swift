/// A non-negative rational number `numerator / denominator` with 64-bit parts, used as the exact
/// parameter of the noise samplers.
public struct PrivacyRational: Sendable, Hashable, CustomStringConvertible {
    /// The numerator.
    public let numerator: UInt64
    /// The denominator (positive).
    public let denominator: UInt64

    /// Creates `numerator / denominator`, reduced to lowest terms. `denominator` must be positive.
    public init(_ numerator: UInt64, _ denominator: UInt64) throws(PrivacyError) {
        guard denominator > 0 else { throw .parameterOutOfRange(.denominator, value: 0) }
        let g = gcd(numerator, denominator)
        self.numerator = g == 0 ? 0 : numerator / g
        self.denominator = g == 0 ? 1 : denominator / g
    }

    /// The largest exponent `k` used for dyadic conversions: denominators are at most 2^40.
    static let maxScaleExponent = 40
    /// Numerators produced by the conversions are at most this value.
    static let maxNumerator: UInt64 = 1 << 52

    /// The smallest dyadic rational `n / 2^k` (k ≤ 40, n ≤ 2^52) that is at least `value`.
    ///
    /// Rounding up is the conservative direction for noise scales and variances.
    /// - Throws: `PrivacyError.parameterOutOfRange` when `value` is not finite, negative, or above 2^52.
    public static func roundingUp(_ value: Double) throws(PrivacyError) -> PrivacyRational {
        guard value.isFinite, value >= 0, value <= Double(maxNumerator) else {
            throw .parameterOutOfRange(.rational, value: value)
        }
        var k = maxScaleExponent
        while k > 0 && (value * Double(UInt64(1) << UInt64(k))).rounded(.up) > Double(maxNumerator) { k -= 1 }
        let n = UInt64((value * Double(UInt64(1) << UInt64(k))).rounded(.up))
        return try PrivacyRational(n, UInt64(1) << UInt64(k))
    }

    /// The largest dyadic rational `n / 2^k` (k ≤ 40, n ≤ 2^52) that is at most `value`.
    ///
    /// Rounding down is the conservative direction for ε.
    /// - Throws: `PrivacyError.parameterOutOfRange` when `value` is not finite, negative, above 2^52,
    ///   or so small that it rounds to zero.
    public static func roundingDown(_ value: Double) throws(PrivacyError) -> PrivacyRational {
        guard value.isFinite, value >= 0, value <= Double(maxNumerator) else {
            throw .parameterOutOfRange(.rational, value: value)
        }
        var k = maxScaleExponent
        while k > 0 && (value * Double(UInt64(1) << UInt64(k))).rounded(.down) > Double(maxNumerator) { k -= 1 }
        let n = UInt64((value * Double(UInt64(1) << UInt64(k))).rounded(.down))
        guard n > 0 || value == 0 else { throw .parameterOutOfRange(.rational, value: value) }
        return try PrivacyRational(n, UInt64(1) << UInt64(k))
    }

    /// The value as a `Double` (for display and for non-sampling arithmetic).
    public var doubleValue: Double { Double(numerator) / Double(denominator) }

    /// The fraction as "numerator/denominator".
    public var description: String { "\(numerator)/\(denominator)" }
}

@inline(__always)
func gcd(_ a: UInt64, _ b: UInt64) -> UInt64 {
    var (a, b) = (a, b)
    while b != 0 { (a, b) = (b, a % b) }
    return a
}

/// Floor of the square root of `n`, exactly.
@inline(__always)
func integerSquareRoot(_ n: UInt64) -> UInt64 {
    if n < 2 { return n }
    var r = UInt64(Double(n).squareRoot())
    while true {
        let (sq, overflow) = r.multipliedReportingOverflow(by: r)
        if overflow || sq > n { r -= 1 } else { break }
    }
    while true {
        let next = r + 1
        let (sq, overflow) = next.multipliedReportingOverflow(by: next)
        if overflow || sq > n { break }
        r = next
    }
    return r
}
