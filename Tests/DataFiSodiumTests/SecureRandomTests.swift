import DataFiSodium
import Testing

@Test func randomBytesHaveRequestedLengthAndDiffer() {
    let a = SecureRandom.bytes(count: 32)
    let b = SecureRandom.bytes(count: 32)
    #expect(a.count == 32 && b.count == 32)
    #expect(a != b)
    #expect(SecureRandom.bytes(count: 0).isEmpty)
}

@Test func uniformStaysBelowBound() {
    for bound: UInt32 in [1, 2, 7, 1000, .max] {
        for _ in 0..<200 { #expect(SecureRandom.uniform(bound) < bound) }
    }
}
