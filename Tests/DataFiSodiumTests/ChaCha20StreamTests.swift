import Testing
@testable import DataFiSodium

@Suite struct ChaCha20StreamTests {
    @Test func zeroKeyZeroNonceKnownAnswer() throws {
        // The ChaCha20 keystream of the all-zero key and nonce, block 0 (RFC 7539 §A.1 test vector 1).
        let stream = try ChaCha20Stream.keystream(count: 32, key: SecureBytes(copying: [UInt8](repeating: 0, count: 32)))
        #expect(Hex.encode(stream) == "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7")
    }

    @Test func noncesAndKeysGiveDifferentStreamsAndPrefixesAgree() throws {
        let key = SecureBytes(count: 32)
        let a = try ChaCha20Stream.keystream(count: 200, key: key, nonce: 0)
        let b = try ChaCha20Stream.keystream(count: 64, key: key, nonce: 0)
        #expect(Array(a.prefix(64)) == b)
        #expect(try ChaCha20Stream.keystream(count: 64, key: key, nonce: 1) != b)
        #expect(try ChaCha20Stream.keystream(count: 64, key: SecureBytes(count: 32), nonce: 0) != b)
        #expect(try ChaCha20Stream.keystream(count: 0, key: key).isEmpty)
        #expect(throws: SodiumError.wrongLength(what: "ChaCha20 key", expected: 32, actual: 16)) {
            try ChaCha20Stream.keystream(count: 8, key: SecureBytes(count: 16))
        }
    }
}
