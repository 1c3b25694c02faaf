import DataFiSodium
import PropertyBased
import Testing

@Test func x25519RFC7748() throws {
    let alice = try KeyAgreement.PrivateKey(rawRepresentation: hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"))
    let bob = try KeyAgreement.PrivateKey(rawRepresentation: hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"))
    #expect(alice.publicKey.rawRepresentation == hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"))
    #expect(bob.publicKey.rawRepresentation == hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"))
    let shared = hex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742")
    #expect(try alice.sharedSecret(with: bob.publicKey).array == shared)
    #expect(try bob.sharedSecret(with: alice.publicKey).array == shared)
}

@Test func x25519RejectsLowOrderPointsAndBadLengths() throws {
    let key = KeyAgreement.PrivateKey()
    // Low-order points on Curve25519: 0 and 1.
    for u in [[UInt8](repeating: 0, count: 32), [1] + [UInt8](repeating: 0, count: 31)] {
        let peer = try KeyAgreement.PublicKey(rawRepresentation: u)
        #expect(throws: SodiumError.lowOrderPoint) { try key.sharedSecret(with: peer) }
        #expect(throws: SodiumError.lowOrderPoint) { try SealedBox.seal([1, 2, 3], to: peer) }
    }
    for n in [0, 31, 33] {
        #expect(throws: SodiumError.wrongLength(what: "X25519 public key", expected: 32, actual: n)) {
            try KeyAgreement.PublicKey(rawRepresentation: [UInt8](repeating: 9, count: n))
        }
        #expect(throws: SodiumError.wrongLength(what: "X25519 private key", expected: 32, actual: n)) {
            try KeyAgreement.PrivateKey(rawRepresentation: [UInt8](repeating: 9, count: n))
        }
    }
    let restored = try Box.PrivateKey(rawRepresentation: key.rawRepresentation.array)
    #expect(restored.publicKey == key.publicKey)
}

@Test func sealedBoxRoundTrip() async throws {
    let recipient = Box.PrivateKey()
    let stranger = Box.PrivateKey()
    await propertyCheck(count: 100, input: Gen.uint8().array(of: 0...300)) { message throws in
        let sealed = try SealedBox.seal(message, to: recipient.publicKey)
        #expect(sealed.count == message.count + SealedBox.overhead)
        #expect(try SealedBox.open(sealed, with: recipient) == message)
        #expect(throws: SodiumError.authenticationFailed) { try SealedBox.open(sealed, with: stranger) }
        // Sealing is randomized.
        #expect(try SealedBox.seal(message, to: recipient.publicKey) != sealed)
    }
}

@Test func sealedBoxDetectsEveryFlippedByteAndTruncation() throws {
    let recipient = Box.PrivateKey()
    let sealed = try SealedBox.seal(Array("the quick brown fox".utf8), to: recipient.publicKey)
    for index in sealed.indices {
        var bad = sealed
        bad[index] ^= 0x01
        #expect(throws: SodiumError.authenticationFailed, "byte \(index)") { try SealedBox.open(bad, with: recipient) }
    }
    for n in 0..<SealedBox.overhead {
        #expect(throws: SodiumError.ciphertextTooShort(minimum: 48, actual: n)) {
            try SealedBox.open(sealed.prefix(n), with: recipient)
        }
    }
    #expect(throws: SodiumError.authenticationFailed) { try SealedBox.open(sealed.dropLast(), with: recipient) }
    #expect(throws: SodiumError.authenticationFailed) { try SealedBox.open(sealed + [0], with: recipient) }
    #expect(throws: SodiumError.authenticationFailed) {
        try SealedBox.open([UInt8](repeating: 0xaa, count: 4096), with: recipient)
    }
}
