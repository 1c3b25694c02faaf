import DataFiBigNum
import Foundation
@testable import DataFiMarket
import PropertyBased
import Testing

/// The task quotients' short divisions against the general UInt256 division, and identifier equality and
/// hashing on UTF-8 bytes.
@Suite struct ArithmeticAndIdentifierTests {
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
            let (q, r) = TaskArithmetic.divide(high: high, low: low, by: d)
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
            #expect(bytes.withUnsafeBufferPointer { Market.printableASCII($0) } == expected, "\(bytes)")
        }
    }

    // MARK: Identifiers

    static func hash<T: Hashable>(_ value: T) -> Int {
        var hasher = Hasher()
        hasher.combine(value)
        return hasher.finalize()
    }

    static let idCharacters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-".utf8)

    @Test func equalIdsHashEquallyWhateverTheirStorage() async {
        await propertyCheck(count: 300, input: Gen.uint8().array(of: 0...80)) { raw in
            let bytes = raw.map { Self.idCharacters[Int($0) % Self.idCharacters.count] }
            let text = String(decoding: bytes, as: UTF8.self)
            // The same text built another way: appended piece by piece (small or heap storage).
            var built = ""
            for b in bytes { built.append(Character(Unicode.Scalar(b))) }
            for (a, b) in [(AccountID(text), AccountID(built))] {
                #expect(a == b && Self.hash(a) == Self.hash(b))
            }
            #expect(TokenID(text) == TokenID(built) && Self.hash(TokenID(text)) == Self.hash(TokenID(built)))
            #expect(DatasetID(text) == DatasetID(built) && Self.hash(DatasetID(text)) == Self.hash(DatasetID(built)))
            // One changed byte makes a different id, ordered one way or the other.
            if let last = bytes.last {
                var other = bytes
                other[other.count - 1] = last == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
                let changed = AccountID(String(decoding: other, as: UTF8.self))
                #expect(changed != AccountID(text))
                #expect((changed < AccountID(text)) != (AccountID(text) < changed))
            }
            // A longer id is never equal to its prefix.
            #expect(AccountID(text) != AccountID(text + "0"))
        }
    }

    @Test func idsAreKeyedByBytesInDictionariesAndSets() async {
        await propertyCheck(count: 50, input: Gen.uint64().array(of: 1...200)) { numbers in
            var table: [AccountID: Int] = [:]
            for (i, n) in numbers.enumerated() { table[AccountID("acct-\(n)")] = i }
            for (i, n) in numbers.enumerated() where numbers.lastIndex(of: n) == i {
                #expect(table[AccountID("acct-" + String(n))] == i)
            }
            #expect(table.count == Set(numbers).count)
        }
    }

    @Test func canonicallyEquivalentTextIsNotTheSameId() {
        // "é" as one scalar and as "e" + combining acute: equal Strings, different bytes.
        let composed = "caf\u{E9}", decomposed = "cafe\u{301}"
        #expect(composed == decomposed)
        #expect(AccountID(composed) != AccountID(decomposed))
        #expect(Set([AccountID(composed), AccountID(decomposed)]).count == 2)
        #expect((AccountID(composed) < AccountID(decomposed)) != (AccountID(decomposed) < AccountID(composed)))
        #expect(TokenID(composed) != TokenID(decomposed) && DatasetID(composed) != DatasetID(decomposed))
        // Neither is a valid id, so the market refuses both.
        #expect(!AccountID(composed).isValid && !AccountID(decomposed).isValid)
        #expect(AccountID(composed) == AccountID(composed) && Self.hash(AccountID(decomposed)) == Self.hash(AccountID(decomposed)))
    }

    @Test func idsStillEncodeAsPlainStrings() throws {
        let ids: [AccountID] = ["maya", "node-1", AccountID(String(repeating: "f", count: 64))]
        let data = try JSONEncoder().encode(ids)
        #expect(String(decoding: data, as: UTF8.self) == "[\"maya\",\"node-1\",\"\(String(repeating: "f", count: 64))\"]")
        #expect(try JSONDecoder().decode([AccountID].self, from: data) == ids)
        #expect(try JSONDecoder().decode(DatasetID.self, from: Data("\"HEALTH\"".utf8)) == "HEALTH")
        #expect(try JSONDecoder().decode(TokenID.self, from: Data("\"ALITA\"".utf8)) == "ALITA")
    }
}
