import DataFiBigNum
@testable import DataFiMarket
import PropertyBased
import Testing

/// The task path's shortcuts against slow obvious versions: the short divisions against the general UInt256
/// division, the printable-text scan and account validation against their byte-by-byte rules.
@Suite struct HotPathTests {
    /// A value of 0...256 bits: four random limbs cut to `bits` bits, so every width is exercised.
    static func value(_ limbs: ArraySlice<UInt64>, bits: Int) -> UInt256 {
        let v = UInt256(littleEndianLimbs: (limbs[limbs.startIndex], limbs[limbs.startIndex + 1],
                                            limbs[limbs.startIndex + 2], limbs[limbs.startIndex + 3]))
        return bits == 0 ? .zero : v >> (256 - bits)
    }

    static func general(_ a: UInt256, _ b: UInt256, _ d: UInt256) -> UInt256? {
        try? UInt256.mulDiv(a, b, d, rounding: .up)
    }

    @Test func mulDivUpEqualsTheGeneralDivision() async {
        await propertyCheck(count: 600, input: Gen.uint64().array(of: 12...12), Gen.int(in: 0...256).array(of: 3...3)) {
            limbs, bits in
            let a = Self.value(limbs[0..<4], bits: bits[0])
            let b = Self.value(limbs[4..<8], bits: bits[1])
            let d = Self.value(limbs[8..<12], bits: bits[2])
            #expect(TaskArithmetic.mulDivUp(a, b, d) == Self.general(a, b, d), "\(a) \(b) \(d)")
        }
    }

    @Test func mulDivUpEqualsTheGeneralDivisionOnPoolSizes() async {
        // Fees, reserves and balances as the market sees them: below 2^128 and 2^112.
        await propertyCheck(count: 600, input: Gen.uint64().array(of: 12...12), Gen.int(in: 1...128),
                            Gen.int(in: 1...112), Gen.int(in: 1...112)) { limbs, feeBits, dataBits, baseBits in
            let fee = Self.value(limbs[0..<4], bits: feeBits)
            let reserveData = Self.value(limbs[4..<8], bits: dataBits)
            let reserveBase = Self.value(limbs[8..<12], bits: baseBits)
            #expect(TaskArithmetic.mulDivUp(fee, reserveData, reserveBase) == Self.general(fee, reserveData, reserveBase))
        }
    }

    @Test func mulDivUpEdgeCases() {
        let max128 = UInt256(UInt128.max), max256 = UInt256.max
        let cases: [(UInt256, UInt256, UInt256)] = [
            (.zero, .zero, .one), (.one, .one, .zero), (max128, max128, max128), (max128, max128, .one),
            (max128, max128, max128 - .one), (max128, .one << 64, .one << 64), (max128, max128, UInt256(2 as UInt64)),
            (max256, max256, max256), (max256, .one, UInt256(3 as UInt64)), (.one << 127, .one << 127, .one << 127),
            (UInt256(UInt64.max), UInt256(UInt64.max), UInt256(UInt64.max)), ((.one << 111) + .one, .one << 111, .one << 64),
            (UInt256(7 as UInt64), UInt256(3 as UInt64), UInt256(21 as UInt64)), (UInt256(7 as UInt64), UInt256(3 as UInt64), UInt256(20 as UInt64)),
        ]
        for (a, b, d) in cases {
            #expect(TaskArithmetic.mulDivUp(a, b, d) == Self.general(a, b, d), "\(a) \(b) \(d)")
        }
    }

    @Test func shiftedQuotientEqualsTheGeneralDivision() async {
        await propertyCheck(count: 600, input: Gen.uint64().array(of: 5...5), Gen.int(in: 0...256), Gen.int(in: 1...64)) {
            words, bits, divisorBits in
            let x = Self.value(words[0..<4], bits: bits)
            let divisor = max(1, words[4] >> (64 - divisorBits))
            #expect(TaskArithmetic.shiftedQuotient(x, dividedBy: divisor) == (x << 128) / UInt256(divisor))
        }
        let extremes: [UInt256] = [.zero, .one, UInt256(UInt128.max), (.one << 112) - .one, .max]
        for x in extremes {
            for divisor in [1, 2, 3, 1_000, UInt64.max - 1, UInt64.max] as [UInt64] {
                #expect(TaskArithmetic.shiftedQuotient(x, dividedBy: divisor) == (x << 128) / UInt256(divisor))
            }
        }
    }

    @Test func wideDivisionReconstructsTheNumerator() async {
        await propertyCheck(count: 600, input: Gen.uint64().array(of: 6...6), Gen.int(in: 1...128)) { words, divisorBits in
            let d = max(1, (UInt128(words[4]) << 64 | UInt128(words[5])) >> (128 - divisorBits))
            let high = (UInt128(words[0]) << 64 | UInt128(words[1])) % d
            let low = UInt128(words[2]) << 64 | UInt128(words[3])
            let (q, r) = UInt256.divideWide(high: high, low: low, by: d)
            let numerator = UInt256(high) << 128 | UInt256(low)
            #expect(r < d)
            #expect(UInt256(q) * UInt256(d) + UInt256(r) == numerator)
        }
    }

    @Test func printableScanEqualsTheByteByByteRule() async {
        // Bytes near the edges of 0x20...0x7E and anywhere else, in runs that cross eight-byte words.
        let edges: [UInt8] = [0x00, 0x09, 0x0A, 0x1F, 0x20, 0x21, 0x41, 0x7E, 0x7F, 0x80, 0x9F, 0xC3, 0xFF]
        await propertyCheck(count: 800, input: Gen.uint8().array(of: 0...40), Gen.uint8().array(of: 0...40)) { picks, raw in
            var bytes = picks.map { _ in UInt8(ascii: "a") }
            for (i, p) in picks.enumerated() { bytes[i] = p % 3 == 0 ? edges[Int(p) % edges.count] : 0x20 + p % 0x5F }
            if let r = raw.first, !bytes.isEmpty { bytes[Int(r) % bytes.count] = raw.last ?? r }
            let expected = bytes.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
            #expect(bytes.withUnsafeBufferPointer { PrintableText.isPrintableASCII($0) } == expected, "\(bytes)")
        }
    }

    @Test func accountValidationEqualsTheByteByByteRule() async {
        let pool = Array("aZ09_.-:/ é\u{0}\u{301}".unicodeScalars)
        await propertyCheck(count: 500, input: Gen.uint8().array(of: 0...70)) { picks in
            // Mostly valid characters, sometimes one that is not, around the 64-character limit.
            var text = String(String.UnicodeScalarView(picks.map { pool[Int($0) % (Int($0) < 200 ? 7 : pool.count)] }))
            if picks.count % 5 == 0 { text = String(repeating: "a", count: 60 + picks.count % 8) }
            let bytes = Array(text.utf8)
            let expected = (1...64).contains(bytes.count) && bytes.allSatisfy { b in
                (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b)
                    || b == UInt8(ascii: "_") || b == UInt8(ascii: ".") || b == UInt8(ascii: "-")
            }
            #expect(AccountID(text).isValid == expected, "\(text)")
        }
    }
}
