import Foundation
import PropertyBased
import Testing
@testable import DataFiBigNum

/// Random BigInts of 0...640 bits with either sign, plus small values.
let bigIntGen = Gen.uint64().array(of: 0...10).map { (limbs: [UInt64]) -> BigInt in
    var value = BigInt()
    for limb in limbs.dropFirst() { value = (value << 64) + BigInt(limb) }
    guard let selector = limbs.first else { return value }
    switch selector % 6 {
    case 0: return BigInt(Int(truncatingIfNeeded: selector >> 8) % 1000)
    case 1: return -value
    case 2: return value >> Int(selector % 64)
    default: return value
    }
}

/// Small values that Swift's Int handles without overflow in a product.
let smallIntGen = Gen.int(in: -3_000_000_000 ... 3_000_000_000)

@Suite struct BigIntArithmeticTests {
    @Test func matchesSwiftIntWhereItFits() async {
        await propertyCheck(count: 300, input: smallIntGen, smallIntGen, Gen.int(in: 0...70)) { a, b, s in
            let x = BigInt(a), y = BigInt(b)
            #expect(x + y == BigInt(a + b))
            #expect(x - y == BigInt(a - b))
            #expect(x * y == BigInt(a * b))
            if b != 0 {
                #expect(x / y == BigInt(a / b))
                #expect(x % y == BigInt(a % b))
                let (q, r) = x.quotientAndRemainder(dividingBy: y)
                #expect(q.intValue == a / b && r.intValue == a % b)
            }
            #expect(x & y == BigInt(a & b))
            #expect(x | y == BigInt(a | b))
            #expect(x ^ y == BigInt(a ^ b))
            #expect(~x == BigInt(~a))
            #expect(x >> s == BigInt(a >> s))
            if s < 30 { #expect(x << s == BigInt(a << s)) }
            #expect((x < y) == (a < b))
            #expect(x.signum == a.signum())
            #expect(x.magnitude == BigInt(a.magnitude))
            #expect(Int(exactly: x) == a)
            #expect(x.description == String(a))
            for radix in [2, 3, 8, 10, 16, 36] {
                #expect(String(x, radix: radix) == String(a, radix: radix))
                #expect(String(x, radix: radix, uppercase: true) == String(a, radix: radix, uppercase: true))
                #expect(BigInt(String(a, radix: radix), radix: radix) == x)
                #expect(BigInt(String(a, radix: radix, uppercase: true), radix: radix) == x)
            }
        }
    }

    @Test func algebraicLaws() async {
        await propertyCheck(count: 200, input: bigIntGen, bigIntGen, bigIntGen) { a, b, c throws in
            #expect(a + b == b + a)
            #expect(a * b == b * a)
            #expect((a + b) + c == a + (b + c))
            #expect((a * b) * c == a * (b * c))
            #expect(a * (b + c) == a * b + a * c)
            #expect(a - a == 0)
            #expect(a + (-a) == 0)
            #expect(-(-a) == a)
            #expect(a * 1 == a && a * 0 == 0)
            if !b.isZero {
                let (q, r) = a.quotientAndRemainder(dividingBy: b)
                #expect(q * b + r == a)
                #expect((a / b) * b + a % b == a)
                #expect(r.magnitude < b.magnitude)
                #expect(r.isZero || r.signum == a.signum)
                let m = try a.modulo(b)
                #expect(m >= 0 && m < b.magnitude)
                #expect(try (m - r).modulo(b) == 0)
            }
            // gcd divides both, is symmetric, and satisfies Euclid's step.
            let g = a.gcd(b)
            #expect(g >= 0)
            #expect(g == b.gcd(a))
            if !g.isZero {
                #expect(a % g == 0 && b % g == 0)
                #expect((a / g).gcd(b / g) == 1)
            } else {
                #expect(a.isZero && b.isZero)
            }
            if !b.isZero { #expect(g == b.gcd(a % b)) }
            // Two's complement identities.
            #expect(~a == -a - 1)
            #expect(a & b == b & a)
            #expect(a ^ b ^ b == a)
            #expect((a | b) - (a & b) == a ^ b)
            #expect((a << 70) >> 70 == a)
            #expect(a >> 5 == (a - (try a.modulo(32))) / 32)
            #expect(BigInt(a.description) == a)
            #expect(try BigInt(bigEndianMagnitude: a.bigEndianMagnitude, negative: a.isNegative) == a)
        }
    }

    @Test func signConventions() throws {
        #expect(BigInt(-7) / 2 == -3)
        #expect(BigInt(-7) % 2 == -1)
        #expect(BigInt(7) % -2 == 1)
        #expect(try BigInt(-7).modulo(2) == 1)
        #expect(BigInt(-7) >> 1 == -4)
        #expect(BigInt(-1) >> 1000 == -1)
        #expect(~BigInt(5) == -6)
        #expect(BigInt(-6) & 3 == 2)
        #expect(BigInt(-1) ^ 5 == -6)
        #expect(BigInt(1) << -1 == 0)
        #expect(BigInt(0).gcd(0) == 0)
        #expect(BigInt(-12).gcd(18) == 6)
    }

    @Test func divisionByZeroThrowsInCheckedForms() {
        #expect(throws: BigNumError.divisionByZero) { try BigInt(1).divided(by: 0) }
        #expect(throws: BigNumError.divisionByZero) { try BigInt(1).remainder(dividingBy: 0) }
        #expect(throws: BigNumError.divisionByZero) { try BigInt(1).modulo(0) }
        #expect(throws: BigNumError.divisionByZero) { try BigInt(1).quotientAndRemainder(checkedDividingBy: 0) }
        #expect(throws: BigNumError.divisionByZero) { try BigInt(2).power(3, modulus: 0) }
    }

    @Test func powerSquareRootAndBounds() async throws {
        #expect(try BigInt(2).power(100) == BigInt(1) << 100)
        #expect(try BigInt(-3).power(3) == -27)
        #expect(try BigInt(10).power(0) == 1)
        #expect(try BigInt(0).power(Int.max) == 0)
        #expect(try BigInt(1).power(Int.max) == 1)
        #expect(try BigInt(-1).power(Int.max) == -1)
        #expect(try BigInt(-1).power(Int.max - 1) == 1)
        #expect(throws: BigNumError.negative) { try BigInt(2).power(-1) }
        #expect(throws: BigNumError.resultTooLarge(limitBits: BigInt.maxResultBits)) { try BigInt(2).power(Int.max) }
        #expect(throws: BigNumError.resultTooLarge(limitBits: BigInt.maxResultBits)) { try BigInt(3).power(BigInt.maxResultBits) }
        #expect(throws: BigNumError.resultTooLarge(limitBits: BigInt.maxResultBits)) { try BigInt(1).shiftedLeft(by: Int.max) }
        #expect(try BigInt(0).shiftedLeft(by: Int.max) == 0)
        #expect(try BigInt(4).power(5, modulus: 7) == 2)  // 1024 mod 7
        #expect(try BigInt(-4).power(5, modulus: 7) == 5)
        #expect(throws: BigNumError.negative) { try BigInt(-4).squareRoot() }
        #expect(try BigInt(0).squareRoot() == 0)
        await propertyCheck(count: 200, input: bigIntGen) { a throws in
            let n = a.magnitude
            let r = try n.squareRoot()
            #expect(r * r <= n)
            #expect((r + 1) * (r + 1) > n)
            #expect(try n.power(2).squareRoot() == n)
            #expect(try a.power(3) == a * a * a)
        }
    }

    @Test func literalsBeyondInt64() {
        let big: BigInt = 340282366920938463463374607431768211456
        #expect(big == BigInt(1) << 128)
        let negative: BigInt = -340282366920938463463374607431768211457
        #expect(negative == -(BigInt(1) << 128) - 1)
        let minInt: BigInt = -9223372036854775808
        #expect(minInt == BigInt(Int.min))
        let justAbove: BigInt = 9223372036854775808
        #expect(justAbove == BigInt(Int.max) + 1)
        #expect(BigInt(UInt64.max).description == "18446744073709551615")
        #expect(BigInt(Int128.min).description == "-170141183460469231731687303715884105728")
        #expect(BigInt(UInt128.max) == (BigInt(1) << 128) - 1)
    }

    @Test func conversions() async {
        #expect(Int(exactly: BigInt(Int.max) + 1) == nil)
        #expect(Int(exactly: BigInt(Int.min)) == .min)
        #expect(UInt8(exactly: BigInt(255)) == 255)
        #expect(UInt8(exactly: BigInt(256)) == nil)
        #expect(UInt8(exactly: BigInt(-1)) == nil)
        #expect(Int8(exactly: BigInt(-128)) == -128)
        #expect(Int128(exactly: BigInt(Int128.min)) == .min)
        #expect(Int128(exactly: BigInt(Int128.min) - 1) == nil)
        #expect(UInt128(exactly: BigInt(UInt128.max)) == .max)
        #expect(UInt64(truncatingIfNeeded: BigInt(-1)) == .max)
        #expect(Int16(truncatingIfNeeded: BigInt(0x12345)) == 0x2345)
        #expect(BigInt(-5).uintValue == nil)
        #expect(UInt256(exactly: BigInt(-1)) == nil)
        #expect(UInt256(exactly: BigInt(1) << 256) == nil)
        #expect(UInt256(exactly: (BigInt(1) << 256) - 1) == .max)
        #expect(UInt256(truncatingIfNeeded: BigInt(-1)) == .max)
        #expect(UInt256(truncatingIfNeeded: (BigInt(1) << 256) + 5) == 5)
        await propertyCheck(count: 200, input: uint256Gen, bigIntGen) { u, b throws in
            #expect(UInt256(exactly: BigInt(u)) == u)
            #expect(BigInt(u).description == u.description)
            #expect(BigInt(u) == BigInt(UInt256(truncatingIfNeeded: BigInt(u))))
            let wrapped = UInt256(truncatingIfNeeded: b)
            #expect(BigInt(wrapped) == (try b.modulo(BigInt(1) << 256)))
        }
    }
}

/// UInt256 checked differentially against BigInt (arbitrary precision).
@Suite struct UInt256AgainstBigIntTests {
    static let two256 = BigInt(1) << 256

    @Test func arithmeticMatchesBigInt() async {
        await propertyCheck(count: 300, input: uint256Gen, uint256Gen, uint256Gen) { a, b, d throws in
            let x = BigInt(a), y = BigInt(b), z = BigInt(d)
            #expect(BigInt(a &+ b) == (try (x + y).modulo(Self.two256)))
            #expect(BigInt(a &- b) == (try (x - y).modulo(Self.two256)))
            let (high, low) = a.multipliedFullWidth(by: b)
            #expect((BigInt(high) << 256) + BigInt(low) == x * y)
            if !d.isZero {
                #expect(BigInt(a / d) == x / z)
                #expect(BigInt(a % d) == x % z)
                let down = (x * y) / z
                let up = (x * y + z - 1) / z
                #expect((try? UInt256.mulDiv(a, b, d)).map(BigInt.init) == (down < Self.two256 ? down : nil))
                #expect((try? UInt256.mulDiv(a, b, d, rounding: .up)).map(BigInt.init) == (up < Self.two256 ? up : nil))
            }
            #expect(BigInt(a.squareRoot()) == (try x.squareRoot()))
            #expect(BigInt(a) >> 77 == BigInt(a >> 77))
            #expect(BigInt(a) & BigInt(b) == BigInt(a & b))
        }
    }
}

@Suite struct BigIntParsingTests {
    @Test func rejectsBadText() {
        for bad in ["", "-", "+", "--1", "+-1", "1-", " 1", "1 ", "1_000", "0x10", "12a", "١٢", "1.0", "1e5", "\u{0}1", "1\u{0}"] {
            #expect(BigInt(bad) == nil, "accepted \(bad.debugDescription)")
        }
        #expect(BigInt("z", radix: 36) == 35)
        #expect(BigInt("Z", radix: 36) == 35)
        #expect(BigInt("2", radix: 2) == nil)
        #expect(BigInt("g", radix: 16) == nil)
        #expect(throws: BigNumError.invalidRadix(37)) { try BigInt(parsing: "1", radix: 37) }
        #expect(throws: BigNumError.invalidRadix(1)) { try BigInt(parsing: "1", radix: 1) }
        #expect(throws: BigNumError.empty) { try BigInt(parsing: "-") }
        #expect(throws: BigNumError.invalidDigits) { try BigInt(parsing: "1 2") }
        #expect(throws: BigNumError.inputTooLong(limit: BigInt.maxTextLength)) {
            try BigInt(parsing: String(repeating: "9", count: BigInt.maxTextLength + 1))
        }
        #expect(throws: BigNumError.inputTooLong(limit: BigInt.maxTextLength)) {
            try BigInt(parsing: String(repeating: "9", count: 10_000_000))
        }
        #expect(BigInt("+42") == 42)
        #expect(BigInt("-0") == 0)
        #expect(BigInt("000123") == 123)
        let longest = "-" + String(repeating: "9", count: BigInt.maxTextLength - 1)
        #expect(BigInt(longest)?.description == longest)
    }

    @Test func bytes() throws {
        #expect(BigInt.zero.bigEndianMagnitude == [])
        #expect(try BigInt(bigEndianMagnitude: []) == 0)
        #expect(try BigInt(bigEndianMagnitude: [0, 0, 1, 0]) == 256)
        #expect(try BigInt(bigEndianMagnitude: [0x01, 0x00], negative: true) == -256)
        #expect(try BigInt(bigEndianMagnitude: [0], negative: true) == 0)
        #expect(BigInt(-256).bigEndianMagnitude == [1, 0])
        #expect(throws: BigNumError.inputTooLong(limit: BigInt.maxByteCount)) {
            try BigInt(bigEndianMagnitude: [UInt8](repeating: 0xFF, count: BigInt.maxByteCount + 1))
        }
    }

    @Test func codable() throws {
        let values: [BigInt] = [0, -1, BigInt(1) << 300]
        let data = try JSONEncoder().encode(values)
        #expect(String(decoding: data, as: UTF8.self).hasPrefix(#"["0","-1","2037035976334486086268445688409378161051468393665936250636140449354381299763336706183397376""#))
        #expect(try JSONDecoder().decode([BigInt].self, from: data) == values)
        for bad in [#"[1]"#, #"["1.5"]"#, #"[""]"#, #"["0x1"]"#, #"[" 1"]"#] {
            #expect(throws: DecodingError.self) { try JSONDecoder().decode([BigInt].self, from: Data(bad.utf8)) }
        }
    }

    @Test func hashingFollowsEquality() {
        let a = BigInt("000123")!, b: BigInt = 123, c = BigInt(1) << 200, d = (BigInt(1) << 201) / 2
        #expect(Set([a, b, c, d, -b]).count == 3)
        #expect(a.hashValue == b.hashValue && c.hashValue == d.hashValue)
    }
}

@Suite struct BigIntMemoryTests {
    @Test func copiesAreIndependent() {
        let original = BigInt(1) << 100
        var copy = original
        #expect(copy.storage === original.storage)
        copy += 1
        #expect(copy.storage !== original.storage)
        #expect(original == BigInt(1) << 100)
        #expect(copy == (BigInt(1) << 100) + 1)
        var other = copy
        other *= 3
        other -= 1
        #expect(copy == (BigInt(1) << 100) + 1)
        #expect(other == ((BigInt(1) << 100) + 1) * 3 - 1)
    }

    @Test func uniqueValuesMutateInPlace() {
        var value = BigInt(1) << 100
        let before = ObjectIdentifier(value.storage)
        value += 5
        value *= 7
        #expect(ObjectIdentifier(value.storage) == before)
        #expect(value == ((BigInt(1) << 100) + 5) * 7)
        // Aliasing: a value combined with itself.
        value += value
        #expect(value == ((BigInt(1) << 100) + 5) * 14)
    }

    @Test func storageIsReleasedWhenTheLastCopyGoes() {
        weak var original: BigIntStorage?
        weak var mutated: BigIntStorage?
        do {
            let value = BigInt(1) << 1000
            original = value.storage
            var copy = value
            copy += 1
            mutated = copy.storage
            #expect(original != nil && mutated != nil && original !== mutated)
        }
        // Both objects are gone, so each ran its deinit (the one place that calls mpz_clear).
        #expect(original == nil)
        #expect(mutated == nil)
    }

    @Test func sendableAcrossTasks() async {
        let shared = BigInt(1) << 500
        let results = await withTaskGroup(of: BigInt.self) { group in
            for i in 0..<8 { group.addTask { var mine = shared; mine += BigInt(i); return mine - BigInt(i) } }
            var all: [BigInt] = []
            for await result in group { all.append(result) }
            return all
        }
        #expect(results.allSatisfy { $0 == shared })
        #expect(shared == BigInt(1) << 500)
    }
}

/// Hostile text: arbitrary bytes must parse or fail with an error, never crash, and whatever is
/// accepted must be canonical digits that round-trip.
@Suite struct HostileInputTests {
    static let alphabet = Array("0123456789abcdefxXzZ+-. _\u{0}\n٣é".unicodeScalars)
    static let textGen = Gen.uint8().array(of: 0...90).map { (bytes: [UInt8]) -> String in
        String(String.UnicodeScalarView(bytes.map { HostileInputTests.alphabet[Int($0) % HostileInputTests.alphabet.count] }))
    }

    @Test func randomTextNeverCrashes() async {
        await propertyCheck(count: 500, input: Self.textGen, Gen.int(in: 2...36)) { text, radix throws in
            if let value = BigInt(text, radix: radix) {
                let canonical = String(value, radix: radix)
                #expect(BigInt(canonical, radix: radix) == value)
                // Only ASCII letters, digits and one leading sign can have been accepted.
                #expect(text.dropFirst().utf8.allSatisfy { (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) })
            }
            if let value = UInt256(text) { #expect(value.description == String(text.drop { $0 == "0" }).ifEmpty("0")) }
            if let value = UInt256(hex: text) { #expect(UInt256(hex: value.hexString) == value) }
            for decimals in [0, 6, 18] {
                if let amount = try? TokenAmount(parsing: text, decimals: decimals) {
                    #expect(try TokenAmount(parsing: amount.description, decimals: decimals) == amount)
                }
            }
        }
    }

    @Test func randomBytesNeverCrash() async {
        await propertyCheck(count: 200, input: Gen.uint8().array(of: 0...40), Gen.bool) { bytes, negative throws in
            let value = try BigInt(bigEndianMagnitude: bytes, negative: negative)
            let trimmed = Array(bytes.drop { $0 == 0 })
            #expect(value.bigEndianMagnitude == trimmed)
            #expect(value.isNegative == (negative && !trimmed.isEmpty))
            if bytes.count == 32 {
                #expect(try UInt256(bigEndianBytes: bytes).bigEndianBytes == bytes)
            } else {
                #expect(throws: BigNumError.wrongByteCount(expected: 32, actual: bytes.count)) { try UInt256(bigEndianBytes: bytes) }
            }
        }
    }
}

extension String {
    func ifEmpty(_ replacement: String) -> String { isEmpty ? replacement : self }
}
