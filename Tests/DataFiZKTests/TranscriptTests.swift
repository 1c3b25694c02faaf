import DataFiRistretto
import DataFiSodium
import Testing
@testable import DataFiZK

@Suite struct TranscriptTests {
    // Merlin's `equivalence_simple` test (dalek-cryptography/merlin src/transcript.rs); the expected
    // challenge is the one published with that test in the Firedancer port of Merlin
    // (src/flamenco/runtime/program/zk_token/merlin/test_merlin.c), computed by the Rust crate.
    @Test func merlinPublishedVector() {
        var transcript = Transcript(label: "test protocol")
        transcript.append(label: "some label", Array("some data".utf8))
        let challenge = transcript.challengeBytes(label: "challenge", count: 32)
        #expect(Hex.encode(challenge) == "d5a21972d0d5fe320c0d263fac7fffb8145aa640af6e9bca177c03c7efcf0615")
    }

    /// SHA3-256 (FIPS 202) of a short message, built on the same Keccak-f[1600] permutation.
    private func sha3_256(_ message: [UInt8]) -> [UInt8] {
        precondition(message.count < 135)
        var state = KeccakState()
        for (i, byte) in message.enumerated() { state[byte: i] ^= byte }
        state[byte: message.count] ^= 0x06
        state[byte: 135] ^= 0x80
        state.permute()
        return (0..<32).map { state[byte: $0] }
    }

    // FIPS 202 example values.
    @Test func keccakPermutationMatchesSHA3() {
        #expect(Hex.encode(sha3_256([])) == "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a")
        #expect(Hex.encode(sha3_256(Array("abc".utf8))) == "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532")
    }

    @Test func challengesDependOnEverything() {
        func challenge(_ protocolLabel: String, _ label: String, _ message: [UInt8]) -> [UInt8] {
            var t = Transcript(label: protocolLabel)
            t.append(label: label, message)
            return t.challengeBytes(label: "c", count: 64)
        }
        let base = challenge("p", "m", [1, 2, 3])
        #expect(base == challenge("p", "m", [1, 2, 3]))
        #expect(base != challenge("q", "m", [1, 2, 3]))
        #expect(base != challenge("p", "n", [1, 2, 3]))
        #expect(base != challenge("p", "m", [1, 2, 4]))
        #expect(base != challenge("p", "m", [1, 2]))
    }

    @Test func longMessagesWrapTheSponge() {
        var a = Transcript(label: "long"), b = Transcript(label: "long")
        let message = [UInt8](repeating: 99, count: 1024)
        a.append(label: "data", message)
        b.append(label: "data", message)
        #expect(a.challengeBytes(label: "c", count: 500) == b.challengeBytes(label: "c", count: 500))
        #expect(a.challengeScalar(label: "s") == b.challengeScalar(label: "s"))
    }
}
