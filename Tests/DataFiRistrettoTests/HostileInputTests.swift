import PropertyBased
import Testing
@testable import DataFiRistretto

// Random, empty, truncated and oversized bytes into every decoder: each throws or gives a valid value.

@Test func hostileBytesIntoPointsAndScalarsNeverTrap() async {
    await propertyCheck(count: 300, input: Gen.uint8().array(of: 0...70)) { bytes in
        if bytes.count != 32 {
            #expect(throws: RistrettoError.self) { try RistrettoPoint(encoded: bytes) }
            #expect(throws: RistrettoError.self) { try Scalar(canonicalBytes: bytes) }
        } else if let point = try? RistrettoPoint(encoded: bytes) {
            #expect(point.encoded == bytes)
        }
        if bytes.count != 64 {
            #expect(throws: RistrettoError.self) { try Scalar(reducing: bytes) }
            #expect(throws: RistrettoError.self) { try RistrettoPoint.fromUniformBytes(bytes) }
        } else {
            #expect(throws: Never.self) { try Scalar(reducing: bytes) }
            #expect(throws: Never.self) { try RistrettoPoint.fromUniformBytes(bytes) }
        }
        // Any message and tag, including empty ones and tags over 255 bytes, hash to the group.
        let domain = String(decoding: bytes, as: UTF8.self)
        _ = RistrettoPoint.hash(bytes, domain: domain)
        _ = Scalar.hash(bytes, domain: domain)
    }
}

@Test func degenerateScalarsAndLengthsThrow() throws {
    #expect(throws: RistrettoError.self) { try Scalar(0).inverse() }
    #expect(throws: RistrettoError.self) { try Scalar(canonicalBytes: [UInt8](repeating: 0xFF, count: 32)) }
    for length in [-1, 0, ExpandMessageXMD.maxLength + 1, Int.max, Int.min] {
        #expect(throws: RistrettoError.self) { try ExpandMessageXMD.sha512([], domain: [], length: length) }
    }
    #expect(throws: RistrettoError.self) { try RistrettoPoint.multiscalarMultiply([Scalar(1)], []) }
    #expect(try RistrettoPoint.multiscalarMultiply([], []) == RistrettoPoint.identity)
    _ = RistrettoPoint.hash([UInt8](), domain: String(repeating: "x", count: 1000))
}
