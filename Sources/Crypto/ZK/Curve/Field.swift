// Arithmetic in GF(2^255 - 19) with five 51-bit limbs. All operations are branch-free on the
// values (constant time); callers decide whether the data they feed is public or secret.

/// An element of GF(2^255 − 19) in radix 2^51. Limbs may exceed 51 bits slightly between
/// reductions; `mul`/`square` accept limbs below 2^54.
struct FieldElement: Sendable {
    var l0: UInt64, l1: UInt64, l2: UInt64, l3: UInt64, l4: UInt64

    static let mask: UInt64 = (1 << 51) - 1

    @inline(__always) init(_ l0: UInt64, _ l1: UInt64, _ l2: UInt64, _ l3: UInt64, _ l4: UInt64) {
        self.l0 = l0; self.l1 = l1; self.l2 = l2; self.l3 = l3; self.l4 = l4
    }

    static let zero = FieldElement(0, 0, 0, 0, 0)
    static let one = FieldElement(1, 0, 0, 0, 0)
    /// Edwards d = −121665/121666.
    static let d = FieldElement(929955233495203, 466365720129213, 1662059464998953, 2033849074728123, 1442794654840575)
    /// 2·d.
    static let d2 = FieldElement(1859910466990425, 932731440258426, 1072319116312658, 1815898335770999, 633789495995903)
    /// √−1 (the non-negative root, RFC 9496 SQRT_M1).
    static let sqrtM1 = FieldElement(1718705420411056, 234908883556509, 2233514472574048, 2117202627021982, 765476049583133)
    /// 1/√(a − d) with a = −1 (RFC 9496 INVSQRT_A_MINUS_D).
    static let invSqrtAMinusD = FieldElement(278908739862762, 821645201101625, 8113234426968, 1777959178193151, 2118520810568447)

    /// Decodes 32 little-endian bytes, ignoring the top bit (not reduced; see `isCanonical`).
    init(bytes: UnsafeRawBufferPointer) {
        func load(_ i: Int) -> UInt64 {
            var v: UInt64 = 0
            for k in 0..<8 { v |= UInt64(bytes[i + k]) << (8 * UInt64(k)) }
            return v
        }
        let m = Self.mask
        l0 = load(0) & m
        l1 = (load(6) >> 3) & m
        l2 = (load(12) >> 6) & m
        l3 = (load(19) >> 1) & m
        l4 = (load(24) >> 12) & m
    }

    /// The canonical 32-byte little-endian encoding (fully reduced).
    var bytes: [UInt8] {
        var t = self.weakReduced()
        // Compute q = 1 if t >= p, by propagating t + 19.
        var q = (t.l0 &+ 19) >> 51
        q = (t.l1 &+ q) >> 51
        q = (t.l2 &+ q) >> 51
        q = (t.l3 &+ q) >> 51
        q = (t.l4 &+ q) >> 51
        t.l0 &+= 19 &* q
        t.l1 &+= t.l0 >> 51; t.l0 &= Self.mask
        t.l2 &+= t.l1 >> 51; t.l1 &= Self.mask
        t.l3 &+= t.l2 >> 51; t.l2 &= Self.mask
        t.l4 &+= t.l3 >> 51; t.l3 &= Self.mask
        t.l4 &= Self.mask
        let w0 = t.l0 | (t.l1 << 51)
        let w1 = (t.l1 >> 13) | (t.l2 << 38)
        let w2 = (t.l2 >> 26) | (t.l3 << 25)
        let w3 = (t.l3 >> 39) | (t.l4 << 12)
        var out = [UInt8](repeating: 0, count: 32)
        for (i, w) in [w0, w1, w2, w3].enumerated() {
            for k in 0..<8 { out[8 * i + k] = UInt8(truncatingIfNeeded: w >> (8 * UInt64(k))) }
        }
        return out
    }

    @inline(__always) func weakReduced() -> FieldElement {
        let m = Self.mask
        var r = self
        let c0 = r.l0 >> 51, c1 = r.l1 >> 51, c2 = r.l2 >> 51, c3 = r.l3 >> 51, c4 = r.l4 >> 51
        r.l0 = (r.l0 & m) &+ c4 &* 19
        r.l1 = (r.l1 & m) &+ c0
        r.l2 = (r.l2 & m) &+ c1
        r.l3 = (r.l3 & m) &+ c2
        r.l4 = (r.l4 & m) &+ c3
        return r
    }

    @inline(__always) static func + (a: FieldElement, b: FieldElement) -> FieldElement {
        FieldElement(a.l0 &+ b.l0, a.l1 &+ b.l1, a.l2 &+ b.l2, a.l3 &+ b.l3, a.l4 &+ b.l4)
    }

    @inline(__always) static func - (a: FieldElement, b: FieldElement) -> FieldElement {
        // Add 16·p so limbs never underflow, then reduce.
        FieldElement((a.l0 &+ 36028797018963664) &- b.l0, (a.l1 &+ 36028797018963952) &- b.l1,
                     (a.l2 &+ 36028797018963952) &- b.l2, (a.l3 &+ 36028797018963952) &- b.l3,
                     (a.l4 &+ 36028797018963952) &- b.l4).weakReduced()
    }

    @inline(__always) static prefix func - (a: FieldElement) -> FieldElement { .zero - a }

    @inline(__always) static func * (a: FieldElement, b: FieldElement) -> FieldElement {
        @inline(__always) func m(_ x: UInt64, _ y: UInt64) -> UInt128 { UInt128(x) &* UInt128(y) }
        let b1 = b.l1 &* 19, b2 = b.l2 &* 19, b3 = b.l3 &* 19, b4 = b.l4 &* 19
        let c0 = m(a.l0, b.l0) &+ m(a.l4, b1) &+ m(a.l3, b2) &+ m(a.l2, b3) &+ m(a.l1, b4)
        var c1 = m(a.l1, b.l0) &+ m(a.l0, b.l1) &+ m(a.l4, b2) &+ m(a.l3, b3) &+ m(a.l2, b4)
        var c2 = m(a.l2, b.l0) &+ m(a.l1, b.l1) &+ m(a.l0, b.l2) &+ m(a.l4, b3) &+ m(a.l3, b4)
        var c3 = m(a.l3, b.l0) &+ m(a.l2, b.l1) &+ m(a.l1, b.l2) &+ m(a.l0, b.l3) &+ m(a.l4, b4)
        var c4 = m(a.l4, b.l0) &+ m(a.l3, b.l1) &+ m(a.l2, b.l2) &+ m(a.l1, b.l3) &+ m(a.l0, b.l4)
        return carry(c0, &c1, &c2, &c3, &c4)
    }

    @inline(__always) private static func carry(_ c0: UInt128, _ c1: inout UInt128, _ c2: inout UInt128,
                                                _ c3: inout UInt128, _ c4: inout UInt128) -> FieldElement {
        let m = mask
        c1 &+= c0 >> 51
        var r0 = UInt64(truncatingIfNeeded: c0) & m
        c2 &+= c1 >> 51
        let r1 = UInt64(truncatingIfNeeded: c1) & m
        c3 &+= c2 >> 51
        let r2 = UInt64(truncatingIfNeeded: c2) & m
        c4 &+= c3 >> 51
        let r3 = UInt64(truncatingIfNeeded: c3) & m
        let carry4 = UInt64(truncatingIfNeeded: c4 >> 51)
        let r4 = UInt64(truncatingIfNeeded: c4) & m
        r0 &+= carry4 &* 19
        let r1b = r1 &+ (r0 >> 51)
        r0 &= m
        return FieldElement(r0, r1b, r2, r3, r4)
    }

    @inline(__always) func squared() -> FieldElement {
        @inline(__always) func m(_ x: UInt64, _ y: UInt64) -> UInt128 { UInt128(x) &* UInt128(y) }
        let a0 = l0, a1 = l1, a2 = l2, a3 = l3, a4 = l4
        let a3_19 = a3 &* 19, a4_19 = a4 &* 19
        let d0 = a0 &* 2, d1 = a1 &* 2, d2 = a2 &* 2
        let c0 = m(a0, a0) &+ m(d1, a4_19) &+ m(d2, a3_19)
        var c1 = m(d0, a1) &+ m(d2, a4_19) &+ m(a3, a3_19)
        var c2 = m(d0, a2) &+ m(a1, a1) &+ m(a3 &* 2, a4_19)
        var c3 = m(d0, a3) &+ m(d1, a2) &+ m(a4, a4_19)
        var c4 = m(d0, a4) &+ m(d1, a3) &+ m(a2, a2)
        return Self.carry(c0, &c1, &c2, &c3, &c4)
    }

    @inline(__always) func squared(times k: Int) -> FieldElement {
        var r = self
        for _ in 0..<k { r = r.squared() }
        return r
    }

    /// (self^(2^250 − 1), self^11), shared by inversion and square roots.
    private func pow22501() -> (FieldElement, FieldElement) {
        let t0 = squared()
        let t1 = t0.squared().squared()
        let t2 = self * t1
        let t3 = t0 * t2
        let t4 = t3.squared()
        let t5 = t2 * t4
        let t7 = t5.squared(times: 5) * t5
        let t9 = t7.squared(times: 10) * t7
        let t11 = t9.squared(times: 20) * t9
        let t13 = t11.squared(times: 10) * t7
        let t15 = t13.squared(times: 50) * t13
        let t17 = t15.squared(times: 100) * t15
        let t19 = t17.squared(times: 50) * t13
        return (t19, t3)
    }

    /// The multiplicative inverse (0 maps to 0).
    func inverted() -> FieldElement {
        let (t19, t3) = pow22501()
        return t19.squared(times: 5) * t3
    }

    /// self^((p − 5)/8) = self^(2^252 − 3).
    func powP58() -> FieldElement {
        let (t19, _) = pow22501()
        return t19.squared(times: 2) * self
    }

    /// 1 when the canonical encoding is odd ("negative" in RFC 9496), else 0.
    var isNegative: UInt8 { bytes[0] & 1 }

    /// 1 when the element is zero, else 0 (constant time).
    var isZero: UInt8 {
        var acc: UInt8 = 0
        for b in bytes { acc |= b }
        return UInt8(truncatingIfNeeded: (UInt16(acc) &- 1) >> 8) & 1
    }

    /// 1 when equal, else 0 (constant time).
    func ctEquals(_ other: FieldElement) -> UInt8 { (self - other).isZero }

    /// `b` when `choice` is 1, `a` when 0 (constant time).
    @inline(__always) static func select(_ a: FieldElement, _ b: FieldElement, _ choice: UInt8) -> FieldElement {
        let m = 0 &- UInt64(choice)
        return FieldElement(a.l0 ^ (m & (a.l0 ^ b.l0)), a.l1 ^ (m & (a.l1 ^ b.l1)), a.l2 ^ (m & (a.l2 ^ b.l2)),
                            a.l3 ^ (m & (a.l3 ^ b.l3)), a.l4 ^ (m & (a.l4 ^ b.l4)))
    }

    /// The absolute value: −self when negative (constant time).
    var absolute: FieldElement { Self.select(self, -self, isNegative) }

    /// RFC 9496 SQRT_RATIO_M1: (1, √(u/v)) when u/v is square, else (0, √(i·u/v)); the root is non-negative.
    static func sqrtRatioM1(_ u: FieldElement, _ v: FieldElement) -> (wasSquare: UInt8, root: FieldElement) {
        let v3 = v.squared() * v
        let v7 = v3.squared() * v
        var r = (u * v3) * (u * v7).powP58()
        let check = v * r.squared()
        let correct = check.ctEquals(u)
        let flipped = check.ctEquals(-u)
        let flippedI = check.ctEquals(-u * sqrtM1)
        r = select(r, sqrtM1 * r, flipped | flippedI)
        return (correct | flipped, r.absolute)
    }
}
