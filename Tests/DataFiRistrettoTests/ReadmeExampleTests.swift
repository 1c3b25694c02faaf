// Generated from README.md by scripts/readme-examples.py: edit the example in README.md, then run
// the script. The README's code runs as written, then the checks of its readme-test comment.

import DataFiRistretto
import Testing

@Test func readmeExample() throws {
    // A Pedersen-style commitment C = v·G + r·H with H from hash-to-group.
    let h = RistrettoPoint.hash(Array("pedersen-H".utf8), domain: "DataFi-README-v1")
    let value = Scalar(42)
    let blinding = Scalar.random()
    let commitment = RistrettoPoint.baseMultiply(value) + blinding * h

    // Encodings are canonical 32-byte strings; decoding validates them.
    let decoded = try RistrettoPoint(encoded: commitment.encoded)                 // == commitment
    let same = try RistrettoPoint.multiscalarMultiply([value, blinding], [.generator, h])

    // Checks (from the readme-test comment under this part of the example).
    #expect(decoded == commitment)
    #expect(same == commitment)

    let point = RistrettoPoint.random()
    let scalar = Scalar.random()
    let fast = scalar * point                                                   // CurveBackend.current
    let reference = try RistrettoPoint.multiply(scalar, point, backend: .serial)  // libsodium

    // Checks (from the readme-test comment under the example).
    #expect(fast == reference)
    #expect(CurveBackend.supported.contains(CurveBackend.current))
}
