import DataFiSodium
import Testing

@testable import DataFiRistretto

/// The one-way map of four elements side by side, on each backend, against libsodium's one by one.
@Test(arguments: CurveBackend.supported) func batchedOneWayMapMatchesLibsodium(backend: CurveBackend) throws {
    let vectors = try uniformMapVectors.map { try Hex.decode($0.0) }
    let expected = try uniformMapVectors.map { try Hex.decode($0.1) }
    #expect(RistrettoPoint.fromUniform(many: vectors.flatMap { $0 }, backend: backend).map(\.encoded) == expected)
    // Random blocks, all-zero and all-one blocks, and counts that are not multiples of four.
    for count in [0, 1, 3, 4, 5, 203] {
        var uniform = SecureRandom.bytes(count: 64 * count)
        if count >= 3 {
            for k in 0..<64 {
                uniform[k] = 0
                uniform[64 + k] = 0xff
            }
        }
        let batched = RistrettoPoint.fromUniform(many: uniform, backend: backend)
        #expect(batched.count == count)
        for i in 0..<count {
            let single = try RistrettoPoint.fromUniformBytes(uniform[(64 * i)..<(64 * i + 64)])
            #expect(batched[i] == single, "block \(i) of \(count)")
        }
    }
}

@Test func batchedHashMatchesOneByOne() {
    let messages: [[UInt8]] =
        [[], [0], Array("abc".utf8), [UInt8](repeating: 0x61, count: 1000)]
        + (0..<9).map { SecureRandom.bytes(count: $0 * 7) }
    let batched = RistrettoPoint.hash(messages, domain: "DataFi.Test.v1")
    #expect(batched == messages.map { RistrettoPoint.hash($0, domain: "DataFi.Test.v1") })
    #expect(RistrettoPoint.hash([[UInt8]](), domain: "DataFi.Test.v1").isEmpty)
    #expect(RistrettoPoint.hash([[1]], domain: "A") != RistrettoPoint.hash([[1]], domain: "B"))
}
