import DataFiRistretto
import Testing

@Test func ristrettoReadmeExample() throws {
    // A Pedersen-style commitment C = v·G + r·H with H from hash-to-group.
    let h = RistrettoPoint.hash(Array("pedersen-H".utf8), domain: "DataFi-README-v1")
    let value = Scalar(42)
    let blinding = Scalar.random()
    let commitment = RistrettoPoint.baseMultiply(value) + blinding * h

    // Encodings are canonical 32-byte strings; decoding validates them.
    let decoded = try RistrettoPoint(encoded: commitment.encoded)
    #expect(decoded == commitment)
    #expect(try RistrettoPoint.multiscalarMultiply([value, blinding], [.generator, h]) == commitment)
}
