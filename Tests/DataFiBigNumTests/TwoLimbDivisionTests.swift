import PropertyBased
import Testing
@testable import DataFiBigNum

/// The two-limb-divisor division (2^64 ≤ d < 2^128) against GMP's `mpn_tdiv_qr` path and an `mpz` oracle.
@Suite struct TwoLimbDivisionTests {
    /// Divisors of exactly two limbs: random, short high limb, all ones, powers of two and their neighbours.
    static let divisorGen = Gen.uint64().array(of: 3).map { (w: [UInt64]) -> UInt128 in
        switch w[2] % 6 {
        case 0: return UInt128(w[1] % 16 + 1) << 64 | UInt128(w[0])
        case 1: return UInt128.max - UInt128(w[0] % 4)
        case 2: return UInt128(1) << (64 + Int(w[0] % 64))
        case 3: return (UInt128(1) << (64 + Int(w[0] % 64))) + 1
        case 4: return UInt128(w[1] | 1 << 63) << 64 | UInt128(w[0])
        default: return UInt128(max(w[1], 1)) << 64 | UInt128(w[0])
        }
    }

    static func check(_ n: UInt256, _ d: UInt128) {
        let (q, r) = n.dividedByTwoLimbs(d)
        let divisor = UInt256(d)
        let (gq, gr) = UInt256.gmpDivRem(n, divisor)
        // n < d gives (0, n) on both; gmpDivRem expects n ≥ d only through divRem, so compare there too.
        if n >= divisor { #expect(q == gq && r == gr, "\(n) / \(d)") }
        #expect(Oracle(q).decimal == (Oracle(n) / Oracle(divisor)).decimal)
        #expect(Oracle(r).decimal == (Oracle(n) % Oracle(divisor)).decimal)
        #expect(r < divisor)
        #expect(BigInt(q) == BigInt(n) / BigInt(divisor) && BigInt(r) == BigInt(n) % BigInt(divisor))
        #expect(UInt256.divRem(n, divisor) == (q, r))
    }

    @Test func matchesGMPOnRandomOperands() async {
        await propertyCheck(count: 400, input: uint256Gen, Self.divisorGen) { n, d in
            Self.check(n, d)
        }
    }

    @Test func matchesGMPOnEdgeValues() {
        let divisors: [UInt128] = [UInt128(1) << 64, (UInt128(1) << 64) + 1, UInt128.max, UInt128.max - 1,
                                   UInt128(1) << 127, (UInt128(1) << 127) - 1, (UInt128(1) << 127) + 1,
                                   UInt128(UInt64.max) << 64, UInt128(0x8000_0000_0000_0000) << 64 | UInt128(UInt64.max)]
        for n in edgeValues {
            for d in divisors { Self.check(n, d) }
        }
        // Quotient estimates that start above the true digit (high limbs equal, remainder near d).
        let d = UInt128(0x8000_0000_0000_0000) << 64 | UInt128(UInt64.max)
        for k: UInt64 in [0, 1, 2, 3, .max] {
            let n = UInt256(d) * UInt256(UInt64.max) + UInt256(k)
            Self.check(n, d)
            Self.check(n << 64, d)
        }
    }

    /// The market's case: a fee of a few tokens times a pool reserve (above 2^128) over the other reserve.
    @Test func mulDivMatchesOracleWhenProductExceeds128Bits() async {
        await propertyCheck(count: 300, input: Gen.uint64(), Gen.uint64(), Self.divisorGen) { a, b, d in
            let x = UInt256(a) * UInt256(b) + UInt256(UInt128(1) << 80)
            let y = UInt256(d)
            let divisor = UInt256(d >> Int(a % 40))
            guard !divisor.isZero else { return }
            let down = try? UInt256.mulDiv(x, y, divisor)
            let up = try? UInt256.mulDiv(x, y, divisor, rounding: .up)
            let product = Oracle(x) * Oracle(y)
            #expect(down?.description == (product / Oracle(divisor)).uint256?.description)
            #expect(up?.description == product.ceilDiv(Oracle(divisor)).uint256?.description)
        }
    }
}
