import DataFiBigNum

/// A small arbitrary-precision natural number (little-endian 64-bit limbs, no leading zero limbs) for the
/// exact rationals of multi-hop prices, whose numerators exceed 256 bits. Only what price impact needs.
struct BigNatural: Hashable, Sendable, Comparable {
    private(set) var limbs: [UInt64]

    init(_ value: UInt256) {
        let (l0, l1, l2, l3) = value.littleEndianLimbs
        limbs = [l0, l1, l2, l3]
        normalize()
    }

    init(_ value: UInt64) {
        limbs = value == 0 ? [] : [value]
    }

    private init(limbs: [UInt64]) {
        self.limbs = limbs
        normalize()
    }

    private mutating func normalize() {
        while let last = limbs.last, last == 0 { limbs.removeLast() }
    }

    var isZero: Bool { limbs.isEmpty }

    static func * (lhs: BigNatural, rhs: BigNatural) -> BigNatural {
        if lhs.isZero || rhs.isZero { return BigNatural(0 as UInt64) }
        var result = [UInt64](repeating: 0, count: lhs.limbs.count + rhs.limbs.count)
        for (i, a) in lhs.limbs.enumerated() {
            var carry: UInt64 = 0
            for (j, b) in rhs.limbs.enumerated() {
                let (high, low) = a.multipliedFullWidth(by: b)
                let (sum1, c1) = low.addingReportingOverflow(result[i + j])
                let (sum2, c2) = sum1.addingReportingOverflow(carry)
                result[i + j] = sum2
                carry = high &+ (c1 ? 1 : 0) &+ (c2 ? 1 : 0)
            }
            result[i + rhs.limbs.count] = carry
        }
        return BigNatural(limbs: result)
    }

    static func + (lhs: BigNatural, rhs: BigNatural) -> BigNatural {
        var result = [UInt64](repeating: 0, count: Swift.max(lhs.limbs.count, rhs.limbs.count) + 1)
        var carry = false
        for i in 0..<(result.count - 1) {
            let a = i < lhs.limbs.count ? lhs.limbs[i] : 0
            let b = i < rhs.limbs.count ? rhs.limbs[i] : 0
            let (s1, o1) = a.addingReportingOverflow(b)
            let (s2, o2) = s1.addingReportingOverflow(carry ? 1 : 0)
            result[i] = s2
            carry = o1 || o2
        }
        result[result.count - 1] = carry ? 1 : 0
        return BigNatural(limbs: result)
    }

    /// `lhs − rhs`; the caller guarantees `lhs ≥ rhs`.
    static func - (lhs: BigNatural, rhs: BigNatural) -> BigNatural {
        precondition(lhs >= rhs, "BigNatural subtraction below zero")
        var result = lhs.limbs
        var borrow = false
        for i in 0..<result.count {
            let b = i < rhs.limbs.count ? rhs.limbs[i] : 0
            let (d1, o1) = result[i].subtractingReportingOverflow(b)
            let (d2, o2) = d1.subtractingReportingOverflow(borrow ? 1 : 0)
            result[i] = d2
            borrow = o1 || o2
        }
        return BigNatural(limbs: result)
    }

    static func < (lhs: BigNatural, rhs: BigNatural) -> Bool {
        if lhs.limbs.count != rhs.limbs.count { return lhs.limbs.count < rhs.limbs.count }
        for i in stride(from: lhs.limbs.count - 1, through: 0, by: -1) where lhs.limbs[i] != rhs.limbs[i] {
            return lhs.limbs[i] < rhs.limbs[i]
        }
        return false
    }

    /// Quotient and remainder by a nonzero 64-bit divisor.
    func quotientAndRemainder(dividingBy divisor: UInt64) -> (BigNatural, UInt64) {
        precondition(divisor != 0)
        var result = limbs
        var remainder: UInt64 = 0
        for i in stride(from: result.count - 1, through: 0, by: -1) {
            let (q, r) = divisor.dividingFullWidth((remainder, result[i]))
            result[i] = q
            remainder = r
        }
        return (BigNatural(limbs: result), remainder)
    }

    var doubleValue: Double {
        var value = 0.0
        for limb in limbs.reversed() { value = value * 18446744073709551616.0 + Double(limb) }
        return value
    }

    /// The value in decimal.
    var decimalString: String {
        if isZero { return "0" }
        var chunks: [UInt64] = []
        var rest = self
        while !rest.isZero {
            let (q, r) = rest.quotientAndRemainder(dividingBy: 10_000_000_000_000_000_000)
            chunks.append(r)
            rest = q
        }
        var text = String(chunks.removeLast())
        for chunk in chunks.reversed() {
            let digits = String(chunk)
            text += String(repeating: "0", count: 19 - digits.count) + digits
        }
        return text
    }
}

/// A price impact: the exact fraction `(midPrice · input − output) / (midPrice · input)` of a trade, as
/// v2-sdk's `computePriceImpact` defines it (it includes the 0.30% fee).
public struct PriceImpact: Sendable, Hashable, Comparable, CustomStringConvertible {
    let numerator: BigNatural
    let denominator: BigNatural

    init(numerator: BigNatural, denominator: BigNatural) {
        self.numerator = numerator
        self.denominator = denominator
    }

    /// The impact in basis points (1/10000), floored; 0...10000 for any V2 trade.
    public var basisPoints: Int {
        // Largest b with b · denominator ≤ numerator · 10000, by bisection (exact).
        let scaled = numerator * BigNatural(10_000 as UInt64)
        var low = 0, high = 10_000
        if BigNatural(UInt64(high)) * denominator <= scaled { return high }
        while high - low > 1 {
            let mid = (low + high) / 2
            if BigNatural(UInt64(mid)) * denominator <= scaled { low = mid } else { high = mid }
        }
        return low
    }

    /// The impact as a fraction of one (for display; rounded).
    public var doubleValue: Double {
        // Drop the same low limbs from both so each fits a Double's range (15 limbs = 960 bits).
        let shift = Swift.max(0, Swift.max(numerator.limbs.count, denominator.limbs.count) - 15)
        let n = Array(numerator.limbs.dropFirst(shift))
        let d = Array(denominator.limbs.dropFirst(shift))
        func value(_ limbs: [UInt64]) -> Double {
            limbs.reversed().reduce(0.0) { $0 * 18446744073709551616.0 + Double($1) }
        }
        let dv = value(d)
        return dv == 0 ? 0 : value(n) / dv
    }

    /// The exact numerator in decimal.
    public var numeratorDescription: String { numerator.decimalString }
    /// The exact denominator in decimal.
    public var denominatorDescription: String { denominator.decimalString }

    /// Compares the exact fractions.
    public static func < (lhs: PriceImpact, rhs: PriceImpact) -> Bool {
        lhs.numerator * rhs.denominator < rhs.numerator * lhs.denominator
    }

    /// Equality of the exact fractions (not of their representations).
    public static func == (lhs: PriceImpact, rhs: PriceImpact) -> Bool {
        lhs.numerator * rhs.denominator == rhs.numerator * lhs.denominator
    }

    /// Hashes the basis points (consistent with ``==`` since equal fractions have equal basis points).
    public func hash(into hasher: inout Hasher) { hasher.combine(basisPoints) }

    /// `"<numerator>/<denominator>"`.
    public var description: String { "\(numerator.decimalString)/\(denominator.decimalString)" }
}
