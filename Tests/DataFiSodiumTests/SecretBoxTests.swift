import DataFiSodium
import PropertyBased
import Testing

/// draft-irtf-cfrg-xchacha-03 appendix A.3.1 (AEAD_XChaCha20_Poly1305).
@Test func xchachaPoly1305KnownAnswer() throws {
    let key = try SecretBox.Key(rawRepresentation: hex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"))
    let nonce = hex("404142434445464748494a4b4c4d4e4f5051525354555657")
    let ad = hex("50515253c0c1c2c3c4c5c6c7")
    let plaintext = Array("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.".utf8)
    let expected = hex("bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb"
        + "731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452"
        + "2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9"
        + "21f9664c97637da9768812f615c68b13b52e"
        + "c0875924c1c7987947deafd8780acf49")
    let sealed = SecretBox.seal(plaintext, using: key, nonce: nonce, authenticating: ad)
    #expect(sealed == nonce + expected)
    #expect(try SecretBox.open(sealed, using: key, authenticating: ad) == plaintext)
    #expect(throws: SodiumError.authenticationFailed) { try SecretBox.open(sealed, using: key) }
}

@Test func secretBoxRoundTrip() async {
    let key = SecretBox.Key()
    let other = SecretBox.Key()
    await propertyCheck(count: 100, input: Gen.uint8().array(of: 0...300), Gen.uint8().array(of: 0...20)) { message, ad throws in
        let sealed = SecretBox.seal(message, using: key, authenticating: ad)
        #expect(sealed.count == message.count + SecretBox.overhead)
        #expect(try SecretBox.open(sealed, using: key, authenticating: ad) == message)
        #expect(throws: SodiumError.authenticationFailed) { try SecretBox.open(sealed, using: other, authenticating: ad) }
        #expect(throws: SodiumError.authenticationFailed) { try SecretBox.open(sealed, using: key, authenticating: ad + [1]) }
        #expect(SecretBox.seal(message, using: key, authenticating: ad) != sealed)
    }
}

@Test func secretBoxDetectsEveryFlippedByteAndTruncation() throws {
    let key = SecretBox.Key()
    let sealed = SecretBox.seal(Array("attack at dawn".utf8), using: key, authenticating: [9, 9])
    for index in sealed.indices {
        var bad = sealed
        bad[index] ^= 0x80
        #expect(throws: SodiumError.authenticationFailed, "byte \(index)") {
            try SecretBox.open(bad, using: key, authenticating: [9, 9])
        }
    }
    for n in 0..<SecretBox.overhead {
        #expect(throws: SodiumError.ciphertextTooShort(minimum: 40, actual: n)) { try SecretBox.open(sealed.prefix(n), using: key) }
    }
    #expect(throws: SodiumError.authenticationFailed) { try SecretBox.open(sealed.dropLast(), using: key, authenticating: [9, 9]) }
    for n in [0, 16, 31, 33, 64] {
        #expect(throws: SodiumError.wrongLength(what: "secret box key", expected: 32, actual: n)) {
            try SecretBox.Key(rawRepresentation: [UInt8](repeating: 0, count: n))
        }
    }
    #expect(try SecretBox.Key(key.rawRepresentation) == key)
}
