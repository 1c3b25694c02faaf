import DataFiRistretto
import DataFiSodium
import PropertyBased
import Testing

private let wide = Gen.uint8().array(of: 64)

@Test func scalarMultiplicationLaws() async {
    await propertyCheck(count: 100, input: wide, wide, wide) { ra, rb, rp throws in
        let a = try Scalar(reducing: ra), b = try Scalar(reducing: rb)
        let p = try RistrettoPoint.fromUniformBytes(rp)
        let g = RistrettoPoint.generator
        #expect(a * (b * g) == (a * b) * g)
        #expect(RistrettoPoint.baseMultiply(a) == a * g)
        #expect(g * a == a * g)
        #expect((a + b) * p == a * p + b * p)
        #expect(a * (p + g) == a * p + a * g)
        #expect((-a) * p == -(a * p))
        #expect(p - p == .identity)
        #expect(p + .identity == p)
        #expect(p + -p == .identity)
        var q = p
        q += g
        q -= p
        #expect(q == g)
        q *= a
        #expect(q == RistrettoPoint.baseMultiply(a))
        #expect(try RistrettoPoint(encoded: p.encoded) == p)
        #expect(p.withUnsafeBytes { Array($0) } == p.encoded)
    }
}

@Test func additionIsAssociativeAndCommutative() async {
    await propertyCheck(count: 100, input: wide, wide, wide) { x, y, z throws in
        let p = try RistrettoPoint.fromUniformBytes(x)
        let q = try RistrettoPoint.fromUniformBytes(y)
        let r = try RistrettoPoint.fromUniformBytes(z)
        #expect((p + q) + r == p + (q + r))
        #expect(p + q == q + p)
        #expect((p - q) + q == p)
    }
}

@Test func identityResultsAreNotErrors() throws {
    let p = RistrettoPoint.random()
    #expect(Scalar.zero * p == .identity)
    #expect(Scalar.random() * RistrettoPoint.identity == .identity)
    #expect(RistrettoPoint.baseMultiply(.zero) == .identity)
    // (ℓ - 1)·P + P is the identity: ℓ·P = O.
    let minusOne = -Scalar.one
    #expect(minusOne * p + p == .identity)
    #expect(minusOne * p == -p)
    #expect(-RistrettoPoint.identity == .identity)
}

@Test func randomByteStringsThatDecodeReencodeIdentically() async {
    await propertyCheck(count: 500, input: Gen.uint8().array(of: 32)) { bytes in
        if let point = try? RistrettoPoint(encoded: bytes) {
            #expect(point.encoded == bytes)
        }
    }
    // About 1 in 8 random strings is a valid encoding; make sure some decode at all.
    var accepted = 0
    for _ in 0..<400 {
        if (try? RistrettoPoint(encoded: SecureRandom.bytes(count: 32))) != nil { accepted += 1 }
    }
    #expect(accepted > 10 && accepted < 150)
}

@Test func hashToGroupIsDeterministicAndDomainSeparated() throws {
    let m = Array("hello".utf8)
    let p = RistrettoPoint.hash(m, domain: "DataFi-test-v1")
    #expect(p == RistrettoPoint.hash(m, domain: "DataFi-test-v1"))
    #expect(p != RistrettoPoint.hash(m, domain: "DataFi-test-v2"))
    #expect(p != RistrettoPoint.hash(Array("hellp".utf8), domain: "DataFi-test-v1"))
    let uniform = try ExpandMessageXMD.sha512(m, domain: Array("DataFi-test-v1".utf8), length: 64)
    #expect(p == (try RistrettoPoint.fromUniformBytes(uniform)))
    // Works for non-contiguous collections too.
    #expect(RistrettoPoint.hash(m.lazy.map { $0 }, domain: "DataFi-test-v1") == p)
    #expect(!p.isIdentity)
}

@Test func multiscalarMultiplicationIsTheSumOfProducts() throws {
    #expect(try RistrettoPoint.multiscalarMultiply([], []) == .identity)
    let scalars = (0..<5).map { _ in Scalar.random() }
    let points = (0..<5).map { _ in RistrettoPoint.random() }
    var expected = RistrettoPoint.identity
    for i in 0..<5 { expected = expected + scalars[i] * points[i] }
    #expect(try RistrettoPoint.multiscalarMultiply(scalars, points) == expected)
    #expect(throws: RistrettoError.lengthMismatch(scalars: 5, points: 4)) {
        try RistrettoPoint.multiscalarMultiply(scalars, Array(points.prefix(4)))
    }
    // Σ i·B for i = 1...4 is 10·B.
    let small = (1...4).map { Scalar(UInt64($0)) }
    #expect(try RistrettoPoint.multiscalarMultiply(small, Array(repeating: .generator, count: 4))
        == RistrettoPoint.baseMultiply(Scalar(10)))
}

@Test func pointsWorkAsSetElements() {
    let a = RistrettoPoint.baseMultiply(Scalar(3))
    let b = RistrettoPoint.generator + .generator + .generator
    let set: Set<RistrettoPoint> = [a, b, .generator]
    #expect(set.count == 2)
}

@Test func errorsDescribeThemselves() {
    let errors: [RistrettoError] = [
        .wrongLength(expected: 32, actual: 3), .nonCanonicalScalar, .invalidPoint, .zeroHasNoInverse,
        .lengthMismatch(scalars: 1, points: 2), .outputLengthOutOfRange(0),
    ]
    for error in errors { #expect(!error.description.isEmpty) }
    #expect(RistrettoError.wrongLength(expected: 32, actual: 3).description.contains("32"))
}

@Test func nonContiguousInputsDecodeLikeArrays() throws {
    let g = RistrettoPoint.generator.encoded
    #expect(try RistrettoPoint(encoded: g.lazy.map { $0 }) == .generator)
    #expect(try Scalar(canonicalBytes: Scalar(9).bytes.lazy.map { $0 }) == Scalar(9))
    let wide = (0..<64).map { UInt8($0) }
    #expect(try Scalar(reducing: wide.lazy.map { $0 }) == (try Scalar(reducing: wide)))
    #expect(try RistrettoPoint.fromUniformBytes(wide.lazy.map { $0 }) == (try RistrettoPoint.fromUniformBytes(wide)))
    #expect(throws: RistrettoError.wrongLength(expected: 32, actual: 31)) {
        try RistrettoPoint(encoded: g.dropFirst().lazy.map { $0 })
    }
}
