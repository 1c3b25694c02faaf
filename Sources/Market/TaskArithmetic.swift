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
        guard let x = narrow(a), let y = narrow(b), let d = narrow(denominator), d != 0 else {
            return try? UInt256.mulDiv(a, b, denominator, rounding: .up)
        }
        let (high, low) = x.multipliedFullWidth(by: y)
        let q: UInt128, exact: Bool
        if high == 0 {
            q = low / d
            exact = low &- q &* d == 0
        } else if high < d {
            let (quotient, remainder) = divide(high: high, low: low, by: d)
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

    /// The value as `UInt128`, or `nil` when it needs more than 128 bits.
    @inline(__always)
    static func narrow(_ value: UInt256) -> UInt128? {
        let (l0, l1, l2, l3) = value.littleEndianLimbs
        guard l2 | l3 == 0 else { return nil }
        return UInt128(l1) << 64 | UInt128(l0)
    }

    /// `(high · 2^128 + low) / d` and its remainder, for `high < d` (so the quotient fits 128 bits).
    ///
    /// Knuth's algorithm D on 64-bit words: the divisor is normalized (top bit set) and each of the two
    /// quotient words comes from one 3-by-2-word step.
    static func divide(high: UInt128, low: UInt128, by d: UInt128) -> (quotient: UInt128, remainder: UInt128) {
        precondition(high < d, "quotient exceeds 128 bits")
        let s = d.leadingZeroBitCount  // 0...127, as d > high ≥ 0 means d ≥ 1
        let dn = d << s
        // The numerator shifted by s: (nHigh, nLow) with nHigh < dn, as high < d.
        let nHigh = s == 0 ? high : high << s | low >> (128 - s)
        let nLow = low << s
        let (q1, r1) = step(nHigh, UInt64(truncatingIfNeeded: nLow >> 64), dn)
        let (q0, r0) = step(r1, UInt64(truncatingIfNeeded: nLow), dn)
        return (UInt128(q1) << 64 | UInt128(q0), r0 >> s)
    }

    /// `(r · 2^64 + u) / dn` and its remainder, for a normalized `dn` (top bit set) and `r < dn`; the
    /// quotient then fits 64 bits and the remainder is below `dn`.
    @inline(__always)
    private static func step(_ r: UInt128, _ u: UInt64, _ dn: UInt128) -> (UInt64, UInt128) {
        let r1 = UInt64(truncatingIfNeeded: r >> 64), r0 = UInt64(truncatingIfNeeded: r)
        let nLow = UInt128(r0) << 64 | UInt128(u)
        if r1 == 0 && nLow < dn { return (0, nLow) }
        let d1 = UInt64(truncatingIfNeeded: dn >> 64)
        // Estimate from the top words: at most 2 above the true quotient (Knuth, Theorem 4.3.1B).
        var q: UInt64 = r1 >= d1 ? .max : d1.dividingFullWidth((r1, r0)).quotient
        // P = q · dn as 192 bits (pHigh, pLow); step q down while P exceeds N = (r1, nLow).
        var (pHigh, pLow) = dn.multipliedFullWidth(by: UInt128(q))
        while pHigh > UInt128(r1) || (pHigh == UInt128(r1) && pLow > nLow) {
            q -= 1
            let (lower, borrow) = pLow.subtractingReportingOverflow(dn)
            pLow = lower
            if borrow { pHigh -= 1 }
        }
        // N − P < dn < 2^128: the low halves' wrapping difference is exact.
        return (q, nLow &- pLow)
    }
}
