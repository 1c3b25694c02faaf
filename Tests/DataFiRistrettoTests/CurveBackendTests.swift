import CCurveVector
import CSodium
import DataFiRistretto
import DataFiSodium
import DataFiSupport
import Testing

// Differential tests of the vector backends against libsodium's crypto_scalarmult_ristretto255:
// every backend this processor supports runs; the others are skipped.

private func bytes(_ hex: String) -> [UInt8] {
    do { return try Hex.decode(hex) } catch { Issue.record("bad hex: \(error)"); return [] }
}

/// libsodium's answer and status for raw 32-byte inputs.
private func sodiumProduct(_ scalar: [UInt8], _ point: [UInt8]) -> ([UInt8], Int32) {
    _ = sodium_init()
    var out = [UInt8](repeating: 0xaa, count: 32)
    let status = crypto_scalarmult_ristretto255(&out, scalar, point)
    return (out, status)
}

/// The vector backend's answer and status for raw 32-byte inputs.
private func vectorProduct(_ backend: CurveBackend, _ scalar: [UInt8], _ point: [UInt8]) -> ([UInt8], Int32) {
    let code: Int32 = backend == .ifma ? Int32(DATAFI_CV_IFMA) : Int32(DATAFI_CV_AVX2)
    var out = [UInt8](repeating: 0xaa, count: 32)
    let status = datafi_cv_ristretto_scalarmult(code, &out, scalar, point)
    return (out, status)
}

private let orderMinusOne = bytes("ecd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010")
private let orderMinusTwo = bytes("ebd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010")

/// Scalars 0, 1, 2, 8, 15, 16, ℓ − 2, ℓ − 1, 2^252, and ones with long runs of digits ±8.
private func edgeScalars() -> [Scalar] {
    var raw: [[UInt8]] = [orderMinusOne, orderMinusTwo]
    for small: UInt8 in [0, 1, 2, 8, 15, 16, 0x88, 0xff] {
        raw.append([small] + [UInt8](repeating: 0, count: 31))
    }
    raw.append([UInt8](repeating: 0, count: 31) + [0x10])  // 2^252
    raw.append([UInt8](repeating: 0x88, count: 31) + [0x08])
    raw.append([UInt8](repeating: 0x77, count: 31) + [0x07])
    return raw.compactMap { try? Scalar(canonicalBytes: $0) }
}

private func edgePoints() -> [RistrettoPoint] {
    var points: [RistrettoPoint] = [.identity, .generator, -.generator]
    for multiple in smallMultiples {
        if let point = try? RistrettoPoint(encoded: bytes(multiple)) { points.append(point) }
    }
    return points
}

/// Ed25519 points of small order (8-torsion), which ristretto255 decoding must refuse like
/// libsodium, plus RFC 9496's invalid encodings.
private let smallOrderEncodings = [
    "0100000000000000000000000000000000000000000000000000000000000000",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
    "0000000000000000000000000000000000000000000000000000000000000080",
    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
]

private func checkAgainstLibsodium(_ backend: CurveBackend) throws {
    #expect(backend.isSupported)
    let scalars = edgeScalars() + (0..<6).map { _ in Scalar.random() }
    let points = edgePoints() + (0..<6).map { _ in RistrettoPoint.random() }
    #expect(scalars.count >= 16 && points.count >= 24)
    for scalar in scalars {
        for point in points {
            let expected = try RistrettoPoint.multiply(scalar, point, backend: .serial)
            let got = try RistrettoPoint.multiply(scalar, point, backend: backend)
            #expect(got == expected, "\(backend): \(scalar.bytes) · \(point)")
        }
    }
    // 0·P, s·identity and ℓ·P (as (ℓ − 1)·P + P) are the identity; (ℓ − 1)·P = −P.
    let point = RistrettoPoint.random()
    let minusOne = try Scalar(canonicalBytes: orderMinusOne)
    #expect(try RistrettoPoint.multiply(.zero, point, backend: backend) == .identity)
    #expect(try RistrettoPoint.multiply(.random(), .identity, backend: backend) == .identity)
    #expect(try RistrettoPoint.multiply(minusOne, point, backend: backend) == -point)
    #expect(try RistrettoPoint.multiply(minusOne, point, backend: backend) + point == .identity)
}

private func checkRawInputs(_ backend: CurveBackend) {
    // Unreduced scalars (the top bit is ignored, as libsodium does) and status codes.
    let point = RistrettoPoint.random().encoded
    var scalars: [[UInt8]] = [[UInt8](repeating: 0xff, count: 32), [UInt8](repeating: 0, count: 32)]
    scalars.append([UInt8](repeating: 0, count: 31) + [0x80])  // only the ignored bit: zero
    for _ in 0..<8 { scalars.append(SecureRandom.bytes(count: 32)) }
    for scalar in scalars {
        let (expected, expectedStatus) = sodiumProduct(scalar, point)
        let (got, status) = vectorProduct(backend, scalar, point)
        #expect(status == expectedStatus)
        #expect(got == expected || (status != 0 && got == [UInt8](repeating: 0, count: 32)))
    }
    // Invalid and small-order encodings are refused like libsodium refuses them.
    let scalar = Scalar.random().bytes
    for hex in invalidEncodings + smallOrderEncodings {
        let (_, expectedStatus) = sodiumProduct(scalar, bytes(hex))
        let (got, status) = vectorProduct(backend, scalar, bytes(hex))
        #expect(status == -1 && expectedStatus == -1, "\(hex)")
        #expect(got == [UInt8](repeating: 0, count: 32))
    }
}

@Test(.enabled(if: CurveBackend.ifma.isSupported))
func ifmaMatchesLibsodium() throws {
    try checkAgainstLibsodium(.ifma)
    checkRawInputs(.ifma)
}

@Test(.enabled(if: CurveBackend.avx2.isSupported))
func avx2MatchesLibsodium() throws {
    try checkAgainstLibsodium(.avx2)
    checkRawInputs(.avx2)
}

/// Valid ristretto255 encodings among the even field elements `start`, `start ± 2`, ... (little
/// endian, `step` 2 or -2), at most `count` of them, trying at most 512 candidates.
private func validEncodings(from start: [UInt8], step: Int, count: Int) -> [[UInt8]] {
    _ = sodium_init()
    var found: [[UInt8]] = []
    var candidate = start
    for _ in 0..<512 where found.count < count {
        if crypto_core_ristretto255_is_valid_point(candidate) == 1 { found.append(candidate) }
        // Little-endian add or subtract 2 with carry or borrow.
        var carry = step
        for index in 0..<32 where carry != 0 {
            let sum = Int(candidate[index]) + carry
            candidate[index] = UInt8(truncatingIfNeeded: sum)
            carry = sum < 0 ? -1 : (sum > 255 ? 1 : 0)
        }
    }
    return found
}

/// Encodings whose field element s is near p = 2^255 - 19, near zero, or just below 2^51k (radix
/// 2^51 limbs all ones, which the AVX2 backend splits into 26- and 25-bit limbs at their largest).
private func extremeEncodings() -> [[UInt8]] {
    let pMinusOne = bytes("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")
    var encodings = validEncodings(from: pMinusOne, step: -2, count: 3)
    encodings += validEncodings(from: [2] + [UInt8](repeating: 0, count: 31), step: 2, count: 3)
    for limbs in 1...4 {
        // 2^(51 limbs) - 2: limbs 0 ..< limbs all ones (but the lowest bit).
        var start = [UInt8](repeating: 0, count: 32)
        for bit in 1..<(51 * limbs) { start[bit / 8] |= 1 << (bit % 8) }
        encodings += validEncodings(from: start, step: -2, count: 1)
    }
    return encodings
}

/// Products whose inputs and outputs stress the limb bounds: points decoded from extreme
/// encodings, each product fed back as the next point, and many random pairs (a bound slip shows
/// in a small fraction of products only).
private func checkExtremesAgainstLibsodium(_ backend: CurveBackend) {
    let encodings = extremeEncodings()
    #expect(encodings.count >= 9)
    var scalars: [[UInt8]] = [orderMinusOne, [UInt8](repeating: 0xff, count: 32)]
    scalars.append([UInt8](repeating: 0x88, count: 31) + [0x08])
    scalars.append(SecureRandom.bytes(count: 32))
    for encoding in encodings {
        for scalar in scalars {
            let (expected, expectedStatus) = sodiumProduct(scalar, encoding)
            let (got, status) = vectorProduct(backend, scalar, encoding)
            #expect(status == expectedStatus && got == expected, "\(backend): \(scalar) · \(encoding)")
        }
    }
    var point = RistrettoPoint.random().encoded
    let scalar = SecureRandom.bytes(count: 32)
    for _ in 0..<40 {
        let (expected, _) = sodiumProduct(scalar, point)
        let (got, status) = vectorProduct(backend, scalar, point)
        #expect(status == 0 && got == expected, "\(backend): chained \(scalar) · \(point)")
        point = expected
    }
    var mismatches = 0
    for _ in 0..<300 {
        let point = RistrettoPoint.random().encoded
        let scalar = SecureRandom.bytes(count: 32)
        if vectorProduct(backend, scalar, point) != sodiumProduct(scalar, point) { mismatches += 1 }
    }
    #expect(mismatches == 0, "\(backend): \(mismatches) of 300 random products differ")
}

@Test(.enabled(if: CurveBackend.ifma.isSupported))
func ifmaMatchesLibsodiumOnExtremeInputs() {
    checkExtremesAgainstLibsodium(.ifma)
}

@Test(.enabled(if: CurveBackend.avx2.isSupported))
func avx2MatchesLibsodiumOnExtremeInputs() {
    checkExtremesAgainstLibsodium(.avx2)
}

@Test func serialBackendIsAlwaysSupported() throws {
    #expect(CurveBackend.supported.first == .serial)
    #expect(CurveBackend.supported.contains(CurveBackend.current))
    let scalar = Scalar.random()
    let point = RistrettoPoint.random()
    #expect(try RistrettoPoint.multiply(scalar, point, backend: .serial) == scalar * point)
}

@Test func unsupportedBackendsAreRefused() {
    // The refusal needs no specific processor: the C entry point refuses unknown backends too.
    var out = [UInt8](repeating: 0xaa, count: 32)
    let generator = RistrettoPoint.generator.encoded
    #expect(datafi_cv_ristretto_scalarmult(7, &out, Scalar.one.bytes, generator) == -2)
    #expect(datafi_cv_ristretto_scalarmult(Int32(DATAFI_CV_SERIAL), &out, Scalar.one.bytes, generator) == -2)
    #expect(out == [UInt8](repeating: 0, count: 32))
    #expect(datafi_cv_set_default_backend(7) == -1)
    for backend in CurveBackend.allCases where !backend.isSupported {
        #expect(throws: CurveBackendError.unsupported(backend)) {
            try RistrettoPoint.multiply(.one, .generator, backend: backend)
        }
        #expect(throws: CurveBackendError.unsupported(backend)) { try CurveBackend.select(backend) }
    }
}

// Selecting each supported backend in turn is tested by the ZK suite `RangeProofBackendTests`, the
// one suite that changes the process-wide backend (a second one could race with it).

@Test func decoderAgreesWithLibsodium() {
    _ = sodium_init()
    var candidates = (invalidEncodings + smallOrderEncodings + smallMultiples).map(bytes)
    for _ in 0..<400 { candidates.append(SecureRandom.bytes(count: 32)) }
    for _ in 0..<50 { candidates.append(RistrettoPoint.random().encoded) }
    var valid = 0
    for candidate in candidates {
        let expected = crypto_core_ristretto255_is_valid_point(candidate) == 1 && candidate[31] & 0x80 == 0
        #expect((datafi_cv_ristretto_is_valid(candidate) == 1) == expected, "\(candidate)")
        if expected { valid += 1 }
    }
    #expect(valid >= 66)
}
