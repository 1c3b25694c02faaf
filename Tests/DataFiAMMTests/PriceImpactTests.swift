import Foundation
import Testing
import PropertyBased
import DataFiBigNum
@testable import DataFiAMM

/// A non-negative value of 0 to 10 random 64-bit limbs (up to 640 bits, as multi-hop prices need).
private let bigGen = Gen.uint64().array(of: 11).map { (w: [UInt64]) -> BigInt in
    let count = Int(w[10] % 11)
    var value = BigInt.zero
    for limb in w.prefix(count) { value = (value << 64) + BigInt(limb) }
    return value
}

/// The slow obvious floor of `10000 · n / d` in 0...10000: bisection on `b · d ≤ n · 10000`.
private func slowBasisPoints(_ n: BigInt, _ d: BigInt) -> Int {
    let scaled = n * BigInt(10_000)
    if BigInt(10_000) * d <= scaled { return 10_000 }
    var low = 0, high = 10_000
    while high - low > 1 {
        let mid = (low + high) / 2
        if BigInt(mid) * d <= scaled { low = mid } else { high = mid }
    }
    return low
}

@Suite struct PriceImpactTests {
    @Test func basisPointsMatchBisection() async {
        await propertyCheck(count: 300, input: bigGen, bigGen) { n, d in
            let impact = PriceImpact(numerator: n, denominator: d)
            #expect(impact.basisPoints == slowBasisPoints(n, d))
        }
    }

    @Test func basisPointsEdges() {
        #expect(PriceImpact(numerator: 0, denominator: 0).basisPoints == 10_000)
        #expect(PriceImpact(numerator: 1, denominator: 0).basisPoints == 10_000)
        #expect(PriceImpact(numerator: 0, denominator: 7).basisPoints == 0)
        #expect(PriceImpact(numerator: 1, denominator: 10_000).basisPoints == 1)
        #expect(PriceImpact(numerator: 9_999, denominator: 100_000_000).basisPoints == 0)
        #expect(PriceImpact(numerator: BigInt(1) << 700, denominator: 3).basisPoints == 10_000)
        #expect(PriceImpact(numerator: (BigInt(1) << 700) - 1, denominator: BigInt(1) << 700).basisPoints == 9_999)
    }

    /// Values below 2^53 convert exactly, so the quotient is the correctly rounded one.
    @Test func doubleValueIsExactForSmallValues() async {
        await propertyCheck(count: 200, input: Gen.uint64(in: 0...(1 << 53)), Gen.uint64(in: 1...(1 << 53))) { n, d in
            #expect(PriceImpact(numerator: BigInt(n), denominator: BigInt(d)).doubleValue == Double(n) / Double(d))
        }
    }

    /// Huge sides, scaled by different powers of two, keep about 52 bits of the quotient.
    @Test func doubleValueIsAccurateForHugeValues() async {
        let range = (UInt64(1) << 60)...UInt64.max
        await propertyCheck(count: 200, input: Gen.uint64(in: range), Gen.uint64(in: range), Gen.int(in: 0...900), Gen.int(in: 0...900)) { a, b, sa, sb in
            let n = (BigInt(a) << sa) + BigInt(sa), d = (BigInt(b) << sb) + BigInt(sb)
            let expected = Double(a) / Double(b) * pow(2.0, Double(sa - sb))
            let actual = PriceImpact(numerator: n, denominator: d).doubleValue
            #expect(abs(actual - expected) <= abs(expected) * 1e-15)
        }
        #expect(PriceImpact(numerator: BigInt(1) << 600, denominator: 1).doubleValue == pow(2.0, 600))
        #expect(PriceImpact(numerator: 1, denominator: BigInt(1) << 1000).doubleValue == pow(2.0, -1000))
        #expect(PriceImpact(numerator: BigInt(3) << 2000, denominator: BigInt(1) << 2001).doubleValue == 1.5)
        #expect(PriceImpact(numerator: 0, denominator: BigInt(1) << 900).doubleValue == 0)
        #expect(PriceImpact(numerator: 5, denominator: 0).doubleValue == 0)
    }

    @Test func fractionsCompareByValue() {
        let half = PriceImpact(numerator: 1, denominator: 2)
        let alsoHalf = PriceImpact(numerator: BigInt(1) << 500, denominator: BigInt(1) << 501)
        let third = PriceImpact(numerator: 1, denominator: 3)
        #expect(half == alsoHalf && half.hashValue == alsoHalf.hashValue)
        #expect(third < half && !(half < alsoHalf) && !(half < third))
        #expect(alsoHalf.description == "\(BigInt(1) << 500)/\(BigInt(1) << 501)")
        #expect(half.description == "1/2" && half.numeratorDescription == "1" && half.denominatorDescription == "2")
    }
}
