import DataFiBigNum

/// The two quotients of a task submission, computed on 64- and 128-bit words where the operands allow and
/// otherwise by the general ``UInt256`` division. Every result equals the general division's exactly.
enum TaskArithmetic {
    /// `ceil(a · b / denominator)`, or `nil` when `denominator` is zero or the quotient exceeds 2^256 − 1
    /// (as `UInt256.mulDiv(a, b, denominator, rounding: .up)` throws).
    ///
    /// When all three operands fit 128 bits and the quotient does too (a task's fee, a pool's reserves),
    /// the 256-bit product is divided with two 3-by-2-word steps instead of a general 512-bit division.
    static func mulDivUp(_ a: UInt256, _ b: UInt256, _ denominator: UInt256) -> UInt256? {
        guard let x = a.uint128Value, let y = b.uint128Value, let d = denominator.uint128Value, d != 0 else {
            return try? UInt256.mulDiv(a, b, denominator, rounding: .up)
        }
        let (high, low) = x.multipliedFullWidth(by: y)
        let q: UInt128, exact: Bool
        if high == 0 {
            q = low / d
            exact = low &- q &* d == 0
        } else if high < d {
            let (quotient, remainder) = UInt256.divideWide(high: high, low: low, by: d)
            (q, exact) = (quotient, remainder == 0)
        } else {
            // The quotient needs more than 128 bits.
            return try? UInt256.mulDiv(a, b, denominator, rounding: .up)
        }
        // q + 1 ≤ 2^128 fits 256 bits.
        return exact ? UInt256(q) : UInt256(q) + .one
    }

    /// `floor(x · 2^128 / divisor)` for a non-zero `divisor`, i.e. `(x << 128) / UInt256(divisor)` (the
    /// shift dropping the bits above 2^256, as `<<` does).
    ///
    /// For `x` below 2^128 (a task's data tokens) this is a short division: one 64-bit word of the
    /// quotient per step.
    static func shiftedQuotient(_ x: UInt256, dividedBy divisor: UInt64) -> UInt256 {
        precondition(divisor != 0, "division by zero")
        let (x0, x1, x2, x3) = x.littleEndianLimbs
        guard x2 | x3 == 0 else { return (x << 128) / UInt256(divisor) }
        let q3 = x1 / divisor
        let r3 = x1 &- q3 &* divisor
        let (q2, r2) = divisor.dividingFullWidth((r3, x0))
        let (q1, r1) = divisor.dividingFullWidth((r2, 0))
        let (q0, _) = divisor.dividingFullWidth((r1, 0))
        return UInt256(littleEndianLimbs: (q0, q1, q2, q3))
    }
}
