import DataFiRistretto
import DataFiSodium
import PropertyBased
import Testing
import DataFiSupport

/// ℓ in little-endian bytes.
let orderBytes: [UInt8] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
]

/// Little-endian bytes of a small integer, padded to `count`.
func leBytes(_ value: UInt64, count: Int) -> [UInt8] {
    (0..<count).map { $0 < 8 ? UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) : 0 }
}

/// Schoolbook little-endian byte addition (the slow obvious reference).
func addBytes(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: max(a.count, b.count) + 1)
    var carry = 0
    for i in 0..<out.count {
        let s = Int(i < a.count ? a[i] : 0) + Int(i < b.count ? b[i] : 0) + carry
        out[i] = UInt8(s & 0xff)
        carry = s >> 8
    }
    return out
}

@Test func canonicalScalarDecoding() throws {
    #expect(throws: RistrettoError.nonCanonicalScalar) { try Scalar(canonicalBytes: orderBytes) }
    #expect(throws: RistrettoError.nonCanonicalScalar) { try Scalar(canonicalBytes: [UInt8](repeating: 0xff, count: 32)) }
    var orderPlusOne = orderBytes
    orderPlusOne[0] += 1
    #expect(throws: RistrettoError.nonCanonicalScalar) { try Scalar(canonicalBytes: orderPlusOne) }
    var highBit = [UInt8](repeating: 0, count: 32)
    highBit[31] = 0x80
    #expect(throws: RistrettoError.nonCanonicalScalar) { try Scalar(canonicalBytes: highBit) }
    var orderMinusOne = orderBytes
    orderMinusOne[0] -= 1
    let minusOne = try Scalar(canonicalBytes: orderMinusOne)
    #expect(minusOne == -Scalar.one)
    #expect(minusOne + .one == .zero)
    #expect(minusOne.bytes == orderMinusOne)
    #expect(try Scalar(canonicalBytes: [UInt8](repeating: 0, count: 32)) == .zero)
    #expect(try Scalar(canonicalBytes: leBytes(7, count: 32)) == Scalar(7))
    // 2^252 exactly is below ℓ.
    var twoTo252 = [UInt8](repeating: 0, count: 32)
    twoTo252[31] = 0x10
    #expect(try Scalar(canonicalBytes: twoTo252).bytes == twoTo252)
    for n in [0, 16, 31, 33, 64, 1000] {
        #expect(throws: RistrettoError.wrongLength(expected: 32, actual: n)) {
            try Scalar(canonicalBytes: [UInt8](repeating: 0, count: n))
        }
    }
}

@Test func wideReduction() throws {
    #expect(try Scalar(reducing: orderBytes + [UInt8](repeating: 0, count: 32)) == .zero)
    let orderPlus5 = addBytes(orderBytes, leBytes(5, count: 32))
    #expect(try Scalar(reducing: orderPlus5 + [UInt8](repeating: 0, count: 31)) == Scalar(5))
    // 2^512 - 1 mod ℓ, checked against 2^256·(2^256 - 1) + (2^256 - 1) computed with scalar ops.
    let allOnes = [UInt8](repeating: 0xff, count: 64)
    let low = try Scalar(reducing: [UInt8](repeating: 0xff, count: 32) + [UInt8](repeating: 0, count: 32))
    let twoTo256 = try Scalar(reducing: [UInt8](repeating: 0, count: 32) + [1] + [UInt8](repeating: 0, count: 31))
    #expect(try Scalar(reducing: allOnes) == low * twoTo256 + low)
    for n in [0, 32, 63, 65, 128] {
        #expect(throws: RistrettoError.wrongLength(expected: 64, actual: n)) {
            try Scalar(reducing: [UInt8](repeating: 0, count: n))
        }
    }
}

@Test func smallIntegersAgreeWithMachineArithmetic() async {
    await propertyCheck(count: 200, input: Gen.uint32(), Gen.uint32()) { a, b in
        let x = Scalar(UInt64(a)), y = Scalar(UInt64(b))
        #expect(x + y == Scalar(UInt64(a) + UInt64(b)))
        #expect(x * y == Scalar(UInt64(a) * UInt64(b)))
        let (big, small) = a >= b ? (a, b) : (b, a)
        #expect(Scalar(UInt64(big)) - Scalar(UInt64(small)) == Scalar(UInt64(big - small)))
        // Subtracting the other way wraps to ℓ - (big - small).
        let wrapped = Scalar(UInt64(small)) - Scalar(UInt64(big))
        #expect(wrapped + Scalar(UInt64(big - small)) == .zero)
    }
}

private let wide = Gen.uint8().array(of: 64)

@Test func fieldLawsHold() async {
    await propertyCheck(count: 200, input: wide, wide, wide) { ra, rb, rc throws in
        let a = try Scalar(reducing: ra), b = try Scalar(reducing: rb), c = try Scalar(reducing: rc)
        #expect(a + b == b + a)
        #expect(a * b == b * a)
        #expect((a + b) + c == a + (b + c))
        #expect((a * b) * c == a * (b * c))
        #expect(a * (b + c) == a * b + a * c)
        #expect(a - b == a + -b)
        #expect(a + -a == .zero)
        #expect(a * .one == a && a + .zero == a)
        #expect(try Scalar(canonicalBytes: a.bytes) == a)
        if !a.isZero {
            #expect(try a * a.inverse() == .one)
        }
        var d = a
        d += b
        d *= c
        d -= a
        #expect(d == (a + b) * c - a)
    }
}

@Test func inverseOfZeroThrows() throws {
    #expect(throws: RistrettoError.zeroHasNoInverse) { try Scalar.zero.inverse() }
    #expect(try Scalar.one.inverse() == .one)
    #expect(try Scalar(2).inverse() * Scalar(2) == .one)
    #expect(Scalar.zero.isZero && !Scalar.one.isZero)
}

@Test func randomScalarsAreCanonicalAndDistinct() throws {
    var seen: [[UInt8]] = []
    for _ in 0..<50 {
        let s = Scalar.random()
        #expect(!s.isZero)
        #expect(try Scalar(canonicalBytes: s.bytes) == s)
        #expect(!seen.contains(s.bytes))
        seen.append(s.bytes)
    }
}

@Test func hashToScalarIsDeterministicAndDomainSeparated() throws {
    let a = Scalar.hash(Array("message".utf8), domain: "DataFi-test-v1")
    #expect(a == Scalar.hash(Array("message".utf8), domain: "DataFi-test-v1"))
    #expect(a != Scalar.hash(Array("message".utf8), domain: "DataFi-test-v2"))
    #expect(a != Scalar.hash(Array("messagf".utf8), domain: "DataFi-test-v1"))
    let uniform = try ExpandMessageXMD.sha512(Array("message".utf8), domain: Array("DataFi-test-v1".utf8), length: 64)
    #expect(a == (try Scalar(reducing: uniform)))
    a.withUnsafeBytes { #expect(Array($0) == a.bytes) }
}

@Test func seededRandomScalarsAreReproducibleAndLiteralsWork() throws {
    var a = SplitMix64(seed: 42), b = SplitMix64(seed: 42), c = SplitMix64(seed: 43)
    let x = Scalar.random(using: &a)
    #expect(x == Scalar.random(using: &b))
    #expect(x != Scalar.random(using: &c))
    #expect(Scalar.random(using: &a) != x)
    #expect(try Scalar(canonicalBytes: x.bytes) == x)
    let two: Scalar = 2
    #expect(two == Scalar(2) && two * 3 == Scalar(6))
}
