import CGMP

/// An unsigned 256-bit integer for token amounts (raw units), stored inline as four 64-bit limbs.
///
/// No arithmetic path allocates on the heap: addition, subtraction, comparison and multiplication are
/// plain Swift limb arithmetic (with a `UInt128` fast path), and division and square roots call GMP's
/// `mpn` kernels on stack buffers. `+ - * / %` trap on overflow and division by zero like Swift's
/// integers (programmer error); use the `&`-operators to wrap, the `…ReportingOverflow` methods to
/// inspect, or `mulDiv(_:_:_:rounding:)` for exact `a·b/d` with a typed error.
///
/// `UInt256` conforms to `FixedWidthInteger` and `UnsignedInteger`, so generic integer code works on it.
/// Its `Codable` form is a decimal string, since JSON numbers cannot hold 256 bits.
public struct UInt256: Sendable, Hashable {
    /// Limbs in little-endian order: `l0` is the least significant.
    @usableFromInline internal var l0: UInt64
    @usableFromInline internal var l1: UInt64
    @usableFromInline internal var l2: UInt64
    @usableFromInline internal var l3: UInt64

    /// Creates a value from four limbs, least significant first.
    @inlinable @inline(__always)
    internal init(_ l0: UInt64, _ l1: UInt64, _ l2: UInt64, _ l3: UInt64) {
        self.l0 = l0
        self.l1 = l1
        self.l2 = l2
        self.l3 = l3
    }

    /// Creates a value from its four 64-bit limbs, least significant first.
    @inlinable
    public init(littleEndianLimbs limbs: (UInt64, UInt64, UInt64, UInt64)) {
        self.init(limbs.0, limbs.1, limbs.2, limbs.3)
    }

    /// The four 64-bit limbs, least significant first.
    @inlinable
    public var littleEndianLimbs: (UInt64, UInt64, UInt64, UInt64) { (l0, l1, l2, l3) }

    // Computed rather than stored, so hot paths do not pay a lazy-global check on every use.

    /// Zero.
    @inlinable
    public static var zero: UInt256 { UInt256(0, 0, 0, 0) }
    /// One.
    @inlinable
    public static var one: UInt256 { UInt256(1, 0, 0, 0) }
    /// 2^256 − 1.
    @inlinable
    public static var max: UInt256 { UInt256(.max, .max, .max, .max) }
    /// Zero (the smallest value).
    @inlinable
    public static var min: UInt256 { UInt256(0, 0, 0, 0) }

    /// Creates a value equal to `value`.
    @inlinable @inline(__always)
    public init(_ value: UInt64) { self.init(value, 0, 0, 0) }

    /// Creates a value equal to `value`.
    @inlinable @inline(__always)
    public init(_ value: UInt128) {
        self.init(UInt64(truncatingIfNeeded: value), UInt64(truncatingIfNeeded: value &>> 64), 0, 0)
    }

    /// True when the value is zero.
    @inlinable
    public var isZero: Bool { (l0 | l1 | l2 | l3) == 0 }

    /// The value as `UInt64`, or nil when it is 2^64 or more.
    @inlinable
    public var uint64Value: UInt64? { (l1 | l2 | l3) == 0 ? l0 : nil }

    /// The value as `UInt128`, or nil when it is 2^128 or more.
    @inlinable
    public var uint128Value: UInt128? { (l2 | l3) == 0 ? low128 : nil }

    /// The low 128 bits.
    @inlinable @inline(__always)
    internal var low128: UInt128 { UInt128(l1) &<< 64 | UInt128(l0) }

    /// The high 128 bits.
    @inlinable @inline(__always)
    internal var high128: UInt128 { UInt128(l3) &<< 64 | UInt128(l2) }

    /// True when the value fits in 128 bits.
    @inlinable @inline(__always)
    internal var fitsUInt128: Bool { (l2 | l3) == 0 }

    /// Creates a value from its high and low 128-bit halves.
    @inlinable @inline(__always)
    internal init(high: UInt128, low: UInt128) {
        self.init(UInt64(truncatingIfNeeded: low), UInt64(truncatingIfNeeded: low &>> 64),
                  UInt64(truncatingIfNeeded: high), UInt64(truncatingIfNeeded: high &>> 64))
    }

    /// The limb at `index` (0...3, least significant first).
    @inlinable @inline(__always)
    internal func limb(_ index: Int) -> UInt64 {
        switch index {
        case 0: l0
        case 1: l1
        case 2: l2
        default: l3
        }
    }

    /// Number of significant limbs (0 for zero).
    @inlinable @inline(__always)
    internal var significantLimbs: Int {
        l3 != 0 ? 4 : l2 != 0 ? 3 : l1 != 0 ? 2 : l0 != 0 ? 1 : 0
    }
}

// MARK: - Comparison

extension UInt256: Comparable {
    // Explicit, so neither Equatable nor Hashable falls back to a Strideable default based on `distance(to:)`.
    @inlinable @inline(__always)
    public static func == (lhs: UInt256, rhs: UInt256) -> Bool {
        ((lhs.l0 ^ rhs.l0) | (lhs.l1 ^ rhs.l1) | (lhs.l2 ^ rhs.l2) | (lhs.l3 ^ rhs.l3)) == 0
    }

    /// Hashes the value (equal values hash equally).
    @inlinable
    public func hash(into hasher: inout Hasher) {
        hasher.combine(l0)
        hasher.combine(l1)
        hasher.combine(l2)
        hasher.combine(l3)
    }

    /// True when `lhs` is smaller than `rhs`.
    @inlinable @inline(__always)
    public static func < (lhs: UInt256, rhs: UInt256) -> Bool {
        if lhs.l3 != rhs.l3 { return lhs.l3 < rhs.l3 }
        if lhs.l2 != rhs.l2 { return lhs.l2 < rhs.l2 }
        if lhs.l1 != rhs.l1 { return lhs.l1 < rhs.l1 }
        return lhs.l0 < rhs.l0
    }
}

// MARK: - Addition and subtraction

extension UInt256 {
    /// Returns `self + rhs` modulo 2^256 and whether the true sum exceeded 2^256 − 1.
    @inlinable @inline(__always)
    public func addingReportingOverflow(_ rhs: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        let (r0, c0) = l0.addingReportingOverflow(rhs.l0)
        let (s1, c1a) = l1.addingReportingOverflow(rhs.l1)
        let (r1, c1b) = s1.addingReportingOverflow(c0 ? 1 : 0)
        let (s2, c2a) = l2.addingReportingOverflow(rhs.l2)
        let (r2, c2b) = s2.addingReportingOverflow((c1a || c1b) ? 1 : 0)
        let (s3, c3a) = l3.addingReportingOverflow(rhs.l3)
        let (r3, c3b) = s3.addingReportingOverflow((c2a || c2b) ? 1 : 0)
        return (UInt256(r0, r1, r2, r3), c3a || c3b)
    }

    /// Returns `self − rhs` modulo 2^256 and whether the true difference was negative.
    @inlinable @inline(__always)
    public func subtractingReportingOverflow(_ rhs: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        let (r0, b0) = l0.subtractingReportingOverflow(rhs.l0)
        let (s1, b1a) = l1.subtractingReportingOverflow(rhs.l1)
        let (r1, b1b) = s1.subtractingReportingOverflow(b0 ? 1 : 0)
        let (s2, b2a) = l2.subtractingReportingOverflow(rhs.l2)
        let (r2, b2b) = s2.subtractingReportingOverflow((b1a || b1b) ? 1 : 0)
        let (s3, b3a) = l3.subtractingReportingOverflow(rhs.l3)
        let (r3, b3b) = s3.subtractingReportingOverflow((b2a || b2b) ? 1 : 0)
        return (UInt256(r0, r1, r2, r3), b3a || b3b)
    }

    /// Sum; traps when it exceeds 2^256 − 1.
    @inlinable @inline(__always)
    public static func + (lhs: UInt256, rhs: UInt256) -> UInt256 {
        let (r, o) = lhs.addingReportingOverflow(rhs)
        precondition(!o, "UInt256 addition overflow")
        return r
    }

    /// Difference; traps when it would be negative.
    @inlinable @inline(__always)
    public static func - (lhs: UInt256, rhs: UInt256) -> UInt256 {
        let (r, o) = lhs.subtractingReportingOverflow(rhs)
        precondition(!o, "UInt256 subtraction underflow")
        return r
    }

    /// Sum modulo 2^256.
    @inlinable @inline(__always)
    public static func &+ (lhs: UInt256, rhs: UInt256) -> UInt256 { lhs.addingReportingOverflow(rhs).partialValue }

    /// Difference modulo 2^256.
    @inlinable @inline(__always)
    public static func &- (lhs: UInt256, rhs: UInt256) -> UInt256 { lhs.subtractingReportingOverflow(rhs).partialValue }

    /// Adds `rhs` to `lhs`; traps on overflow.
    @inlinable
    public static func += (lhs: inout UInt256, rhs: UInt256) { lhs = lhs + rhs }
    /// Subtracts `rhs` from `lhs`; traps when the result would be negative.
    @inlinable
    public static func -= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs - rhs }
    /// Adds `rhs` to `lhs` modulo 2^256.
    @inlinable
    public static func &+= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs &+ rhs }
    /// Subtracts `rhs` from `lhs` modulo 2^256.
    @inlinable
    public static func &-= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs &- rhs }
}

// MARK: - Multiplication

/// `a·b + acc + carry` as (high, low); never overflows 128 bits.
@inlinable @inline(__always)
internal func _mac(_ a: UInt64, _ b: UInt64, _ acc: UInt64, _ carry: UInt64) -> (UInt64, UInt64) {
    let t = UInt128(a) &* UInt128(b) &+ UInt128(acc) &+ UInt128(carry)
    return (UInt64(truncatingIfNeeded: t &>> 64), UInt64(truncatingIfNeeded: t))
}

extension UInt256 {
    /// The 256-bit product of the low 128 bits of `self` and `other`, as four limbs (4 multiplies).
    @inlinable @inline(__always)
    internal func product128(_ other: UInt256) -> UInt256 {
        var c: UInt64, r0: UInt64, r1: UInt64, r2: UInt64, r3: UInt64
        (c, r0) = _mac(l0, other.l0, 0, 0)
        (r2, r1) = _mac(l1, other.l0, 0, c)
        (c, r1) = _mac(l0, other.l1, r1, 0)
        (r3, r2) = _mac(l1, other.l1, r2, c)
        return UInt256(r0, r1, r2, r3)
    }

    /// The full 512-bit product as high and low 256-bit halves.
    @inlinable @inline(__always)
    public func multipliedFullWidth(by other: UInt256) -> (high: UInt256, low: UInt256) {
        if fitsUInt128 && other.fitsUInt128 { return (.zero, product128(other)) }
        return fullProduct(other)
    }

    /// The schoolbook 4×4-limb product (kept out of line so the fast paths above stay small).
    @usableFromInline @inline(never)
    internal func fullProduct(_ other: UInt256) -> (high: UInt256, low: UInt256) {
        let a0 = l0, a1 = l1, a2 = l2, a3 = l3
        var c: UInt64
        var r0: UInt64, r1: UInt64, r2: UInt64, r3: UInt64, r4: UInt64, r5: UInt64, r6: UInt64, r7: UInt64
        let b0 = other.l0
        (c, r0) = _mac(a0, b0, 0, 0)
        (c, r1) = _mac(a1, b0, 0, c)
        (c, r2) = _mac(a2, b0, 0, c)
        (r4, r3) = _mac(a3, b0, 0, c)
        let b1 = other.l1
        (c, r1) = _mac(a0, b1, r1, 0)
        (c, r2) = _mac(a1, b1, r2, c)
        (c, r3) = _mac(a2, b1, r3, c)
        (r5, r4) = _mac(a3, b1, r4, c)
        let b2 = other.l2
        (c, r2) = _mac(a0, b2, r2, 0)
        (c, r3) = _mac(a1, b2, r3, c)
        (c, r4) = _mac(a2, b2, r4, c)
        (r6, r5) = _mac(a3, b2, r5, c)
        let b3 = other.l3
        (c, r3) = _mac(a0, b3, r3, 0)
        (c, r4) = _mac(a1, b3, r4, c)
        (c, r5) = _mac(a2, b3, r5, c)
        (r7, r6) = _mac(a3, b3, r6, c)
        return (UInt256(r4, r5, r6, r7), UInt256(r0, r1, r2, r3))
    }

    /// The product modulo 2^256 (only the partial products that reach the low 256 bits).
    @inlinable @inline(__always)
    internal func wrappingProduct(_ other: UInt256) -> UInt256 {
        if fitsUInt128 && other.fitsUInt128 { return product128(other) }
        return lowProduct(other)
    }

    /// The low 256 bits of the schoolbook product (out of line).
    @usableFromInline @inline(never)
    internal func lowProduct(_ other: UInt256) -> UInt256 {
        let a0 = l0, a1 = l1, a2 = l2, a3 = l3
        var c: UInt64
        var r0: UInt64, r1: UInt64, r2: UInt64, r3: UInt64
        let b0 = other.l0
        (c, r0) = _mac(a0, b0, 0, 0)
        (c, r1) = _mac(a1, b0, 0, c)
        (c, r2) = _mac(a2, b0, 0, c)
        r3 = a3 &* b0 &+ c
        let b1 = other.l1
        (c, r1) = _mac(a0, b1, r1, 0)
        (c, r2) = _mac(a1, b1, r2, c)
        r3 = r3 &+ a2 &* b1 &+ c
        let b2 = other.l2
        (c, r2) = _mac(a0, b2, r2, 0)
        r3 = r3 &+ a1 &* b2 &+ c
        r3 = r3 &+ a0 &* other.l3
        return UInt256(r0, r1, r2, r3)
    }

    /// Returns `self · rhs` modulo 2^256 and whether the true product exceeded 2^256 − 1.
    @inlinable @inline(__always)
    public func multipliedReportingOverflow(by rhs: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        if fitsUInt128 && rhs.fitsUInt128 { return (product128(rhs), false) }
        let (high, low) = fullProduct(rhs)
        return (low, !high.isZero)
    }

    /// Product; traps when it exceeds 2^256 − 1.
    @inlinable @inline(__always)
    public static func * (lhs: UInt256, rhs: UInt256) -> UInt256 {
        let (r, o) = lhs.multipliedReportingOverflow(by: rhs)
        precondition(!o, "UInt256 multiplication overflow")
        return r
    }

    /// Product modulo 2^256.
    @inlinable @inline(__always)
    public static func &* (lhs: UInt256, rhs: UInt256) -> UInt256 { lhs.wrappingProduct(rhs) }

    /// Multiplies `lhs` by `rhs`; traps on overflow.
    @inlinable
    public static func *= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs * rhs }
    /// Multiplies `lhs` by `rhs` modulo 2^256.
    @inlinable
    public static func &*= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs &* rhs }

    /// `self · m + add` for one-limb `m` and `add`, with the carry out of the top limb (0 when it fits).
    @inlinable
    internal func multipliedAdding(_ m: UInt64, _ add: UInt64) -> (value: UInt256, carry: UInt64) {
        var c: UInt64
        var r0: UInt64, r1: UInt64, r2: UInt64, r3: UInt64
        (c, r0) = _mac(l0, m, add, 0)
        (c, r1) = _mac(l1, m, 0, c)
        (c, r2) = _mac(l2, m, 0, c)
        (c, r3) = _mac(l3, m, 0, c)
        return (UInt256(r0, r1, r2, r3), c)
    }
}

// MARK: - Division

extension UInt256 {
    /// Quotient and remainder for a non-zero divisor (no trap checks here).
    @inlinable @inline(__always)
    internal static func divRemFast(_ n: UInt256, _ d: UInt256) -> (UInt256, UInt256) {
        if n.fitsUInt128 && d.fitsUInt128 {
            let nn = n.low128, dd = d.low128
            let q = nn / dd
            return (UInt256(q), UInt256(nn &- q &* dd))
        }
        return divRem(n, d)
    }

    /// Quotient and remainder for a non-zero divisor of any size (out of line).
    @usableFromInline @inline(never)
    internal static func divRem(_ n: UInt256, _ d: UInt256) -> (UInt256, UInt256) {
        if n.fitsUInt128 {
            // d ≤ n would also fit; if d > n the native division gives (0, n) as well unless d is wider.
            if d.fitsUInt128 {
                // One hardware-library division; the remainder comes from a cheap multiply.
                let nn = n.low128, dd = d.low128
                let q = nn / dd
                return (UInt256(q), UInt256(nn &- q &* dd))
            }
            return (.zero, n)
        }
        if n < d { return (.zero, n) }
        if (d.l1 | d.l2 | d.l3) == 0 { return n.dividedBySmall(d.l0) }
        if (d.l2 | d.l3) == 0 { return n.dividedByTwoLimbs(d.low128) }
        return gmpDivRem(n, d)
    }

    /// Division by a two-limb divisor (2^64 ≤ d < 2^128): Knuth's algorithm D on the normalized divisor,
    /// one 3-by-2-limb step per numerator limb, each with at most one hardware 128/64 division.
    @usableFromInline
    internal func dividedByTwoLimbs(_ d: UInt128) -> (UInt256, UInt256) {
        let s = d.leadingZeroBitCount  // 0...63, as d ≥ 2^64
        let dn = d << s  // top bit set
        // self · 2^s as five limbs u4...u0; u4 < 2^s ≤ 2^63 < dn, so it starts the remainder.
        let u4: UInt64, u3: UInt64, u2: UInt64, u1: UInt64, u0: UInt64
        if s == 0 {
            (u4, u3, u2, u1, u0) = (0, l3, l2, l1, l0)
        } else {
            let t = 64 - s
            (u4, u3, u2, u1, u0) = (l3 >> t, l3 << s | l2 >> t, l2 << s | l1 >> t, l1 << s | l0 >> t, l0 << s)
        }
        var r = UInt128(u4)
        let q3: UInt64, q2: UInt64, q1: UInt64, q0: UInt64
        (q3, r) = Self.divideStep(r, u3, dn)
        (q2, r) = Self.divideStep(r, u2, dn)
        (q1, r) = Self.divideStep(r, u1, dn)
        (q0, r) = Self.divideStep(r, u0, dn)
        return (UInt256(q0, q1, q2, q3), UInt256(r >> s))
    }

    /// `(high · 2^128 + low) / d` and its remainder, for `high < d` (so the quotient fits 128 bits):
    /// the divisor normalized (top bit set), then one 3-by-2-word step per quotient word. For the
    /// package's hot paths whose operands fit 128 bits (a market task's price).
    @inlinable
    package static func divideWide(high: UInt128, low: UInt128, by d: UInt128) -> (quotient: UInt128, remainder: UInt128) {
        precondition(high < d, "quotient exceeds 128 bits")
        let s = d.leadingZeroBitCount  // 0...127, as d > high ≥ 0 means d ≥ 1
        let dn = d << s
        // The numerator shifted by s: (nHigh, nLow) with nHigh < dn, as high < d.
        let nHigh = s == 0 ? high : high << s | low >> (128 - s)
        let nLow = low << s
        let (q1, r1) = divideStep(nHigh, UInt64(truncatingIfNeeded: nLow >> 64), dn)
        let (q0, r0) = divideStep(r1, UInt64(truncatingIfNeeded: nLow), dn)
        return (UInt128(q1) << 64 | UInt128(q0), r0 >> s)
    }

    /// `(r · 2^64 + u) / dn` and its remainder, for a normalized `dn` (top bit set) and `r < dn`; the
    /// quotient then fits 64 bits and the remainder is below `dn`.
    @inline(__always) @usableFromInline
    internal static func divideStep(_ r: UInt128, _ u: UInt64, _ dn: UInt128) -> (UInt64, UInt128) {
        let r1 = UInt64(truncatingIfNeeded: r >> 64), r0 = UInt64(truncatingIfNeeded: r)
        let nLow = UInt128(r0) << 64 | UInt128(u)
        if r1 == 0 && nLow < dn { return (0, nLow) }
        let d1 = UInt64(truncatingIfNeeded: dn >> 64)
        // Estimate from the top limbs: at most 2 above the true quotient (Knuth, Theorem 4.3.1B).
        var q: UInt64 = r1 >= d1 ? .max : d1.dividingFullWidth((r1, r0)).quotient
        // P = q · dn as 192 bits (pHigh, pLow); step q down while P exceeds N = (r1, nLow).
        var (pHigh, pLow) = dn.multipliedFullWidth(by: UInt128(q))
        while pHigh > UInt128(r1) || (pHigh == UInt128(r1) && pLow > nLow) {
            q -= 1
            let (low, borrow) = pLow.subtractingReportingOverflow(dn)
            pLow = low
            if borrow { pHigh -= 1 }
        }
        // N − P < dn < 2^128: the low halves' wrapping difference is exact.
        return (q, nLow &- pLow)
    }

    /// Division by a one-limb divisor with hardware 128/64 division.
    @inlinable
    internal func dividedBySmall(_ d: UInt64) -> (UInt256, UInt256) {
        var r: UInt64 = 0
        var q3: UInt64 = 0, q2: UInt64 = 0, q1: UInt64 = 0, q0: UInt64 = 0
        if l3 != 0 || r != 0 { (q3, r) = d.dividingFullWidth((r, l3)) }
        (q2, r) = d.dividingFullWidth((r, l2))
        (q1, r) = d.dividingFullWidth((r, l1))
        (q0, r) = d.dividingFullWidth((r, l0))
        return (UInt256(q0, q1, q2, q3), UInt256(r))
    }

    /// Division through GMP's `mpn_tdiv_qr` on a stack buffer (divisor of at least two limbs, n ≥ d).
    @usableFromInline
    internal static func gmpDivRem(_ n: UInt256, _ d: UInt256) -> (UInt256, UInt256) {
        let (qh, q, r) = gmpDivide(numeratorHigh: .zero, numeratorLow: n, by: d)
        assert(qh.isZero)
        return (q, r)
    }

    /// Divides the 512-bit number `high·2^256 + low` by non-zero `d` with `mpn_tdiv_qr`,
    /// returning the 512-bit quotient as (high, low) halves and the remainder. Uses stack memory only.
    @usableFromInline
    internal static func gmpDivide(numeratorHigh high: UInt256, numeratorLow low: UInt256,
                                   by d: UInt256) -> (quotientHigh: UInt256, quotientLow: UInt256, remainder: UInt256) {
        let dn = d.significantLimbs
        precondition(dn > 0, "UInt256 division by zero")
        return withUnsafeTemporaryAllocation(of: mp_limb_t.self, capacity: 24) { buffer in
            let base = buffer.baseAddress!
            let np = base, dp = base + 8, qp = base + 12, rp = base + 20
            for i in 0..<4 {
                np[i] = mp_limb_t(low.limb(i))
                np[i + 4] = mp_limb_t(high.limb(i))
                dp[i] = mp_limb_t(d.limb(i))
                rp[i] = 0
            }
            for i in 0..<8 { qp[i] = 0 }
            var nn = 8
            while nn > 0 && np[nn - 1] == 0 { nn -= 1 }
            if nn < dn {
                return (.zero, .zero, low)
            }
            __gmpn_tdiv_qr(qp, rp, 0, np, mp_size_t(nn), dp, mp_size_t(dn))
            let q = UInt256(UInt64(qp[0]), UInt64(qp[1]), UInt64(qp[2]), UInt64(qp[3]))
            let qh = UInt256(UInt64(qp[4]), UInt64(qp[5]), UInt64(qp[6]), UInt64(qp[7]))
            let r = UInt256(UInt64(rp[0]), UInt64(rp[1]), UInt64(rp[2]), UInt64(rp[3]))
            return (qh, q, r)
        }
    }

    /// Quotient and remainder; traps when `rhs` is zero.
    @inlinable @inline(__always)
    public func quotientAndRemainder(dividingBy rhs: UInt256) -> (quotient: UInt256, remainder: UInt256) {
        precondition(!rhs.isZero, "UInt256 division by zero")
        let (q, r) = UInt256.divRemFast(self, rhs)
        return (q, r)
    }

    /// Quotient rounded toward zero; traps when `rhs` is zero.
    @inlinable @inline(__always)
    public static func / (lhs: UInt256, rhs: UInt256) -> UInt256 {
        precondition(!rhs.isZero, "UInt256 division by zero")
        if lhs.fitsUInt128 && rhs.fitsUInt128 { return UInt256(lhs.low128 / rhs.low128) }
        return divRem(lhs, rhs).0
    }

    /// Remainder; traps when `rhs` is zero.
    @inlinable @inline(__always)
    public static func % (lhs: UInt256, rhs: UInt256) -> UInt256 {
        precondition(!rhs.isZero, "UInt256 division by zero")
        if lhs.fitsUInt128 && rhs.fitsUInt128 { return UInt256(lhs.low128 % rhs.low128) }
        return divRem(lhs, rhs).1
    }

    /// Divides `lhs` by `rhs` (truncating); traps when `rhs` is zero.
    @inlinable
    public static func /= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs / rhs }
    /// Replaces `lhs` with the remainder of `lhs / rhs`; traps when `rhs` is zero.
    @inlinable
    public static func %= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs % rhs }

    /// Quotient, or `(self, true)` when `rhs` is zero (as Swift's integers report it).
    @inlinable
    public func dividedReportingOverflow(by rhs: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        if rhs.isZero { return (self, true) }
        return (UInt256.divRemFast(self, rhs).0, false)
    }

    /// Remainder, or `(self, true)` when `rhs` is zero (as Swift's integers report it).
    @inlinable
    public func remainderReportingOverflow(dividingBy rhs: UInt256) -> (partialValue: UInt256, overflow: Bool) {
        if rhs.isZero { return (self, true) }
        return (UInt256.divRemFast(self, rhs).1, false)
    }

    /// Quotient rounded toward zero.
    /// - Throws: `BigNumError.divisionByZero` when `divisor` is zero.
    @inlinable
    public func divided(by divisor: UInt256) throws(BigNumError) -> UInt256 {
        if divisor.isZero { throw .divisionByZero }
        return UInt256.divRemFast(self, divisor).0
    }

    /// Divides the 512-bit value `dividend` by `self`; traps when the quotient does not fit 256 bits
    /// or `self` is zero (the `FixedWidthInteger` contract).
    @inlinable
    public func dividingFullWidth(_ dividend: (high: UInt256, low: UInt256)) -> (quotient: UInt256, remainder: UInt256) {
        precondition(!isZero, "UInt256 division by zero")
        precondition(dividend.high < self, "UInt256 full-width division overflow")
        if dividend.high.isZero { return dividend.low.quotientAndRemainder(dividingBy: self) }
        let (_, q, r) = UInt256.gmpDivide(numeratorHigh: dividend.high, numeratorLow: dividend.low, by: self)
        return (q, r)
    }

    /// How `mulDiv` rounds a quotient that is not exact.
    public enum Rounding: Sendable, Hashable {
        /// Toward zero (floor for unsigned values).
        case down
        /// Away from zero (ceiling for unsigned values).
        case up
    }

    /// Exact `a · b / denominator` with a 512-bit intermediate product, rounded as asked.
    ///
    /// This is the pool-math primitive: `mulDiv(amountIn, reserveOut, reserveIn)` never loses
    /// precision in the product. Allocation-free.
    /// - Throws: `BigNumError.divisionByZero` when `denominator` is zero; `BigNumError.overflow` when the
    ///   rounded quotient exceeds 2^256 − 1.
    @inlinable @inline(__always)
    public static func mulDiv(_ a: UInt256, _ b: UInt256, _ denominator: UInt256,
                              rounding: Rounding = .down) throws(BigNumError) -> UInt256 {
        if denominator.isZero { throw .divisionByZero }
        if a.fitsUInt128 && b.fitsUInt128 && denominator.fitsUInt128 {
            // Common pool case: a 256-bit product of 128-bit values; one native division when it fits.
            let product = a.product128(b)
            if product.fitsUInt128 {
                let d = denominator.low128, low = product.low128
                var q = low / d
                if rounding == .up && q &* d != low { q &+= 1 }  // q < 2^128 − 1 here, as d ≥ 2 when inexact
                return UInt256(q)
            }
        }
        return try mulDivWide(a, b, denominator, rounding: rounding)
    }

    /// `mulDiv` for operands beyond the 128-bit fast path (out of line).
    @usableFromInline @inline(never)
    internal static func mulDivWide(_ a: UInt256, _ b: UInt256, _ denominator: UInt256,
                                    rounding: Rounding) throws(BigNumError) -> UInt256 {
        var quotient: UInt256
        var exact: Bool
        let (high, low) = a.multipliedFullWidth(by: b)
        if high.isZero {
            let (q, r) = divRem(low, denominator)
            quotient = q
            exact = r.isZero
        } else {
            if high >= denominator { throw .overflow }
            let (_, q, r) = gmpDivide(numeratorHigh: high, numeratorLow: low, by: denominator)
            quotient = q
            exact = r.isZero
        }
        if rounding == .up && !exact {
            let (q, o) = quotient.addingReportingOverflow(.one)
            if o { throw .overflow }
            quotient = q
        }
        return quotient
    }
}

// MARK: - Square root

extension UInt256 {
    /// The floor of the square root.
    @inlinable
    public func squareRoot() -> UInt256 {
        if let small = uint64Value {
            if small < 2 { return self }
            // Newton from a float estimate, corrected to the exact floor.
            var x = UInt64(Double(small).squareRoot())
            while x > 0, x.multipliedReportingOverflow(by: x).overflow || x &* x > small { x -= 1 }
            while case let (sq, false) = (x + 1).multipliedReportingOverflow(by: x + 1), sq <= small { x += 1 }
            return UInt256(x)
        }
        return gmpSquareRoot()
    }

    /// Square root through GMP's `mpn_sqrtrem` on a stack buffer.
    @usableFromInline
    internal func gmpSquareRoot() -> UInt256 {
        let n = significantLimbs
        return withUnsafeTemporaryAllocation(of: mp_limb_t.self, capacity: 8) { buffer in
            let base = buffer.baseAddress!
            let np = base, sp = base + 4
            for i in 0..<4 {
                np[i] = mp_limb_t(limb(i))
                sp[i] = 0
            }
            _ = __gmpn_sqrtrem(sp, nil, np, mp_size_t(n))
            return UInt256(UInt64(sp[0]), UInt64(sp[1]), UInt64(sp[2]), UInt64(sp[3]))
        }
    }
}

// MARK: - Bits and shifts

extension UInt256 {
    /// 256.
    @inlinable
    public static var bitWidth: Int { 256 }

    /// Number of leading zero bits (256 for zero).
    @inlinable
    public var leadingZeroBitCount: Int {
        if l3 != 0 { return l3.leadingZeroBitCount }
        if l2 != 0 { return 64 + l2.leadingZeroBitCount }
        if l1 != 0 { return 128 + l1.leadingZeroBitCount }
        return 192 + l0.leadingZeroBitCount
    }

    /// Number of trailing zero bits (256 for zero).
    @inlinable
    public var trailingZeroBitCount: Int {
        if l0 != 0 { return l0.trailingZeroBitCount }
        if l1 != 0 { return 64 + l1.trailingZeroBitCount }
        if l2 != 0 { return 128 + l2.trailingZeroBitCount }
        return 192 + l3.trailingZeroBitCount
    }

    /// Number of one bits.
    @inlinable
    public var nonzeroBitCount: Int {
        l0.nonzeroBitCount + l1.nonzeroBitCount + l2.nonzeroBitCount + l3.nonzeroBitCount
    }

    /// Number of significant bits (0 for zero).
    @inlinable
    public var significantBitCount: Int { 256 - leadingZeroBitCount }

    /// The value with its 32 bytes in reverse order.
    @inlinable
    public var byteSwapped: UInt256 {
        UInt256(l3.byteSwapped, l2.byteSwapped, l1.byteSwapped, l0.byteSwapped)
    }

    /// Bitwise AND.
    @inlinable
    public static func & (lhs: UInt256, rhs: UInt256) -> UInt256 {
        UInt256(lhs.l0 & rhs.l0, lhs.l1 & rhs.l1, lhs.l2 & rhs.l2, lhs.l3 & rhs.l3)
    }
    /// Bitwise OR.
    @inlinable
    public static func | (lhs: UInt256, rhs: UInt256) -> UInt256 {
        UInt256(lhs.l0 | rhs.l0, lhs.l1 | rhs.l1, lhs.l2 | rhs.l2, lhs.l3 | rhs.l3)
    }
    /// Bitwise XOR.
    @inlinable
    public static func ^ (lhs: UInt256, rhs: UInt256) -> UInt256 {
        UInt256(lhs.l0 ^ rhs.l0, lhs.l1 ^ rhs.l1, lhs.l2 ^ rhs.l2, lhs.l3 ^ rhs.l3)
    }
    /// Bitwise NOT.
    @inlinable
    public static prefix func ~ (x: UInt256) -> UInt256 { UInt256(~x.l0, ~x.l1, ~x.l2, ~x.l3) }
    /// Replaces `lhs` with `lhs & rhs`.
    @inlinable
    public static func &= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs & rhs }
    /// Replaces `lhs` with `lhs | rhs`.
    @inlinable
    public static func |= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs | rhs }
    /// Replaces `lhs` with `lhs ^ rhs`.
    @inlinable
    public static func ^= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs ^ rhs }

    /// Left shift by `0..<256` bits.
    @inlinable
    internal func shiftedLeft(_ s: Int) -> UInt256 {
        let limbs = s &>> 6, bits = UInt64(s & 63)
        var w0 = l0, w1 = l1, w2 = l2, w3 = l3
        switch limbs {
        case 0: break
        case 1: (w3, w2, w1, w0) = (w2, w1, w0, 0)
        case 2: (w3, w2, w1, w0) = (w1, w0, 0, 0)
        default: (w3, w2, w1, w0) = (w0, 0, 0, 0)
        }
        if bits == 0 { return UInt256(w0, w1, w2, w3) }
        let back = 64 - bits
        return UInt256(w0 &<< bits,
                       w1 &<< bits | w0 &>> back,
                       w2 &<< bits | w1 &>> back,
                       w3 &<< bits | w2 &>> back)
    }

    /// Logical right shift by `0..<256` bits.
    @inlinable
    internal func shiftedRight(_ s: Int) -> UInt256 {
        let limbs = s &>> 6, bits = UInt64(s & 63)
        var w0 = l0, w1 = l1, w2 = l2, w3 = l3
        switch limbs {
        case 0: break
        case 1: (w0, w1, w2, w3) = (w1, w2, w3, 0)
        case 2: (w0, w1, w2, w3) = (w2, w3, 0, 0)
        default: (w0, w1, w2, w3) = (w3, 0, 0, 0)
        }
        if bits == 0 { return UInt256(w0, w1, w2, w3) }
        let back = 64 - bits
        return UInt256(w0 &>> bits | w1 &<< back,
                       w1 &>> bits | w2 &<< back,
                       w2 &>> bits | w3 &<< back,
                       w3 &>> bits)
    }

    /// Smart left shift: bits shifted past 2^255 are lost, shifts of 256 or more give zero, and a
    /// negative amount shifts right.
    @inlinable
    public static func << (lhs: UInt256, rhs: Int) -> UInt256 {
        if rhs < 0 { return lhs >> (rhs == .min ? Int.max : -rhs) }
        return rhs >= 256 ? .zero : lhs.shiftedLeft(rhs)
    }

    /// Smart logical right shift: shifts of 256 or more give zero, and a negative amount shifts left.
    @inlinable
    public static func >> (lhs: UInt256, rhs: Int) -> UInt256 {
        if rhs < 0 { return lhs << (rhs == .min ? Int.max : -rhs) }
        return rhs >= 256 ? .zero : lhs.shiftedRight(rhs)
    }

    /// Shifts `lhs` left by `rhs` bits (see `<<`).
    @inlinable
    public static func <<= (lhs: inout UInt256, rhs: Int) { lhs = lhs << rhs }
    /// Shifts `lhs` right by `rhs` bits (see `>>`).
    @inlinable
    public static func >>= (lhs: inout UInt256, rhs: Int) { lhs = lhs >> rhs }

    /// Masking left shift: the amount is taken modulo 256.
    @inlinable
    public static func &<< (lhs: UInt256, rhs: UInt256) -> UInt256 { lhs.shiftedLeft(Int(rhs.l0 & 255)) }
    /// Masking right shift: the amount is taken modulo 256.
    @inlinable
    public static func &>> (lhs: UInt256, rhs: UInt256) -> UInt256 { lhs.shiftedRight(Int(rhs.l0 & 255)) }
    /// Shifts `lhs` left by `rhs` modulo 256 bits.
    @inlinable
    public static func &<<= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs &<< rhs }
    /// Shifts `lhs` right by `rhs` modulo 256 bits.
    @inlinable
    public static func &>>= (lhs: inout UInt256, rhs: UInt256) { lhs = lhs &>> rhs }
}
