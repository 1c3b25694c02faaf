/// A grid of real numbers spaced `2^exponent` apart, on which real-valued releases are made.
///
/// Values are rounded to the grid (round half up, exact: the scaling by a power of two and the
/// rounding never lose information about which grid point is nearest), noise is added in grid units
/// by an exact integer sampler, and the result is scaled back. Rounding half up is monotone and
/// commutes with integer shifts, so a query with sensitivity Δ has sensitivity ⌈Δ / 2^exponent⌉ in
/// grid units; the mechanisms use that inflated sensitivity. This follows OpenDP's use of a power-of-two
/// granularity for floating-point outputs.
public struct NoiseGrid: Sendable, Hashable {
    /// The grid spacing is 2^exponent.
    public let exponent: Int

    /// A grid with spacing 2^exponent; `exponent` must be in −1000...1000.
    public init(exponent: Int) throws(PrivacyError) {
        guard (-1000...1000).contains(exponent) else { throw .parameterOutOfRange(.gridExponent, value: Double(exponent)) }
        self.exponent = exponent
    }

    /// The grid spacing 2^exponent.
    public var granularity: Double { Double(sign: .plus, exponent: exponent, significand: 1) }

    /// The nearest grid index of `value` (halves round up).
    /// - Throws: `PrivacyError.nonFiniteValue`, or `.parameterOutOfRange(.gridValue, …)` when its index exceeds 2^62.
    public func units(_ value: Double) throws(PrivacyError) -> Int64 {
        guard value.isFinite else { throw .nonFiniteValue(value) }
        let scaled = Double(sign: value.sign, exponent: -exponent, significand: value.magnitude)
        guard scaled.magnitude < 0x1p62 else { throw .parameterOutOfRange(.gridValue, value: value) }
        let floor = scaled.rounded(.down)
        let fraction = scaled - floor  // exact
        return Int64(floor) + (fraction >= 0.5 ? 1 : 0)
    }

    /// The real value of grid index `units`.
    public func value(_ units: Int64) -> Double {
        Double(sign: .plus, exponent: exponent, significand: Double(units))
    }

    /// A sensitivity Δ expressed in grid units, ⌈Δ / 2^exponent⌉.
    func sensitivityUnits(_ sensitivity: Double) throws(PrivacyError) -> UInt64 {
        let scaled = Double(sign: .plus, exponent: -exponent, significand: sensitivity).rounded(.up)
        guard scaled.isFinite, scaled >= 1, scaled < 0x1p48 else {
            throw .parameterOutOfRange(.gridSensitivity, value: sensitivity)
        }
        return UInt64(scaled)
    }

    /// The grid used for a quantity whose natural size is `magnitude`: about 2^10 grid points per unit
    /// of `magnitude` (spacing in (magnitude/2048, magnitude/1024]).
    static func relative(to magnitude: Double, bits: Int = 10) throws(PrivacyError) -> NoiseGrid {
        guard magnitude.isFinite, magnitude > 0 else { throw .parameterOutOfRange(.gridMagnitude, value: magnitude) }
        return try NoiseGrid(exponent: Int(magnitude.exponent) - bits)
    }
}

/// A noise scale `value / ε` rounded up to an exact rational (conservative), with a relative
/// safety margin of 2^-40 for the floating-point division.
func conservativeScale(_ numerator: Double, over epsilon: Double) throws(PrivacyError) -> PrivacyRational {
    let quotient = numerator / epsilon
    let padded = quotient * (1 + 0x1p-40)
    guard padded.isFinite, padded <= 0x1p50 else {
        throw .parameterOutOfRange(.noiseScale, value: quotient)
    }
    return try PrivacyRational.roundingUp(padded)
}
