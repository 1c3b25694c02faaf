import DataFiBigNum

/// SafeMath-style checked arithmetic that reports V2's error instead of trapping.
extension UInt256 {
    @inline(__always)
    func ammAdding(_ other: UInt256) throws(AMMError) -> UInt256 {
        let (value, overflow) = addingReportingOverflow(other)
        if overflow { throw .mathOverflow }
        return value
    }

    @inline(__always)
    func ammSubtracting(_ other: UInt256) throws(AMMError) -> UInt256 {
        let (value, overflow) = subtractingReportingOverflow(other)
        if overflow { throw .mathUnderflow }
        return value
    }

    @inline(__always)
    func ammMultiplied(by other: UInt256) throws(AMMError) -> UInt256 {
        let (value, overflow) = multipliedReportingOverflow(by: other)
        if overflow { throw .mathOverflow }
        return value
    }

    /// The value as a `Double` (rounded; exact below 2^53).
    var ammDouble: Double {
        let (l0, l1, l2, l3) = littleEndianLimbs
        let two64 = 18446744073709551616.0
        return ((Double(l3) * two64 + Double(l2)) * two64 + Double(l1)) * two64 + Double(l0)
    }
}
