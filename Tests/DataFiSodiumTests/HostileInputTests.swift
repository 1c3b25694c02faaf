import DataFiSodium
import PropertyBased
import Testing

// Random, empty, truncated and oversized bytes into every decoder: each throws or answers false, never traps.

@Test func hostileBytesIntoKeysBoxesAndSignaturesNeverTrap() async {
    let boxKey = Box.PrivateKey()
    let secretKey = SecretBox.Key()
    let signer = Signing.PrivateKey()
    await propertyCheck(count: 200, input: Gen.uint8().array(of: 0...130)) { bytes in
        if bytes.count != 32 {
            #expect(throws: SodiumError.self) { try Box.PrivateKey(rawRepresentation: bytes) }
            #expect(throws: SodiumError.self) { try Box.PublicKey(rawRepresentation: bytes) }
            #expect(throws: SodiumError.self) { try SecretBox.Key(rawRepresentation: bytes) }
            #expect(throws: SodiumError.self) { try Signing.PrivateKey(seed: bytes) }
            #expect(throws: SodiumError.self) { try Signing.PublicKey(rawRepresentation: bytes) }
        }
        if bytes.count != 64 {
            #expect(throws: SodiumError.self) { try Signing.PrivateKey(rawRepresentation: bytes) }
        }
        #expect(throws: SodiumError.self) { try SealedBox.open(bytes, with: boxKey) }
        #expect(throws: SodiumError.self) { try SecretBox.open(bytes, using: secretKey) }
        #expect(!signer.publicKey.isValidSignature(bytes, for: bytes))
        _ = try? Hex.decode(String(decoding: bytes, as: UTF8.self))
        _ = try? Hex.decode(String(decoding: bytes, as: UTF8.self), length: 32)
        _ = try? BLAKE2b.hash(bytes, digestLength: bytes.count, key: bytes)
    }
}

@Test func emptyAndOversizedParametersThrow() throws {
    for length in [-1, 0, 15, 65, Int.max, Int.min] {
        #expect(throws: SodiumError.self) { try BLAKE2b(digestLength: length) }
    }
    #expect(throws: SodiumError.self) { try BLAKE2b(digestLength: 32, key: [UInt8](repeating: 1, count: 65)) }
    let master = KeyDerivation.MasterKey()
    for context in ["", "short", "ninechars", "ünicode!"] {
        #expect(throws: SodiumError.self) { try KeyDerivation.deriveKey(from: master, subkeyID: 1, context: context) }
    }
    for length in [-1, 0, 15, 65, Int.max] {
        #expect(throws: SodiumError.self) {
            try KeyDerivation.deriveKey(from: master, subkeyID: .max, context: "DataFiV1", length: length)
        }
    }
    // Empty messages are fine everywhere.
    let key = SecretBox.Key()
    #expect(try SecretBox.open(SecretBox.seal([UInt8](), using: key), using: key).isEmpty)
    let box = Box.PrivateKey()
    #expect(try SealedBox.open(SealedBox.seal([UInt8](), to: box.publicKey), with: box).isEmpty)
    let signer = Signing.PrivateKey()
    #expect(signer.publicKey.isValidSignature(signer.signature(for: [UInt8]()), for: [UInt8]()))
    #expect(BLAKE2b.hash256([UInt8]()).count == 32)
}

@Test func hexLengthArgumentAtTheEdgesOfIntThrows() {
    // The expected length used to be doubled, which trapped for lengths above Int.max / 2.
    for length in [Int.max, Int.max / 2 + 1, Int.min, -1] {
        #expect(throws: Hex.DecodingError.self) { try Hex.decode("abcd", length: length) }
    }
    #expect(throws: Hex.DecodingError.self) { try Hex.decode("abc", length: 2) }
    #expect((try? Hex.decode("abcd", length: 2)) == [0xAB, 0xCD])
    #expect((try? Hex.decode("", length: 0)) == [])
}
