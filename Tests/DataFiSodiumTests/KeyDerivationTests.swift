import DataFiSodium
import Testing

/// libsodium's own known answers (test/default/kdf.exp): master key 00..1f, context "KDF test".
@Test func kdfKnownAnswers() throws {
    let master = try KeyDerivation.MasterKey(rawRepresentation: (0..<32).map { UInt8($0) })
    let expected64 = [
        "a0c724404728c8bb95e5433eb6a9716171144d61efb23e74b873fcbeda51d8071b5d70aae12066dfc94ce943f145aa176c055040c3dd73b0a15e36254d450614",
        "02507f144fa9bf19010bf7c70b235b4c2663cc00e074f929602a5e2c10a780757d2a3993d06debc378a90efdac196dd841817b977d67b786804f6d3cd585bab5",
        "1944da61ff18dc2028c3578ac85be904931b83860896598f62468f1cb5471c6a344c945dbc62c9aaf70feb62472d17775ea5db6ed5494c68b7a9a59761f39614",
    ]
    for (id, expected) in expected64.enumerated() {
        #expect(try KeyDerivation.deriveKey(from: master, subkeyID: UInt64(id), context: "KDF test", length: 64).array == hex(expected))
    }
    // Shorter outputs: length n uses subkey id n in that test.
    #expect(try KeyDerivation.deriveKey(from: master, subkeyID: 16, context: "KDF test", length: 16).array
        == hex("a529216624ef9161e4cf117272aafff2"))
    #expect(try KeyDerivation.deriveKey(from: master, subkeyID: 32, context: "KDF test", length: 32).array
        == hex("154b291f11196737f8b7f491e4ca11764e0227d34f94295408a869f007aa8618"))
}

@Test func kdfValidatesInputsAndSeparatesKeys() throws {
    let master = KeyDerivation.MasterKey()
    for context in ["", "short", "ninechars", "ünicode!"] {
        #expect(throws: SodiumError.wrongLength(what: "KDF context", expected: 8, actual: context.utf8.count)) {
            try KeyDerivation.deriveKey(from: master, subkeyID: 1, context: context)
        }
    }
    for n in [0, 15, 65] {
        #expect(throws: SodiumError.lengthOutOfRange(what: "KDF subkey", allowed: 16...64, actual: n)) {
            try KeyDerivation.deriveKey(from: master, subkeyID: 1, context: "DataFiV1", length: n)
        }
    }
    let a = try KeyDerivation.deriveKey(from: master, subkeyID: 1, context: "DataFiV1")
    #expect(a == (try KeyDerivation.deriveKey(from: master, subkeyID: 1, context: "DataFiV1")))
    #expect(a != (try KeyDerivation.deriveKey(from: master, subkeyID: 2, context: "DataFiV1")))
    #expect(a != (try KeyDerivation.deriveKey(from: master, subkeyID: 1, context: "DataFiV2")))
    #expect(a != (try KeyDerivation.deriveKey(from: KeyDerivation.MasterKey(), subkeyID: 1, context: "DataFiV1")))
    #expect(throws: SodiumError.wrongLength(what: "KDF master key", expected: 32, actual: 16)) {
        try KeyDerivation.MasterKey(rawRepresentation: [UInt8](repeating: 0, count: 16))
    }
}

@Test func errorsDescribeThemselves() {
    let errors: [SodiumError] = [
        .wrongLength(what: "x", expected: 1, actual: 2), .lengthOutOfRange(what: "y", allowed: 1...2, actual: 3),
        .invalidPublicKey, .inconsistentKeyPair, .lowOrderPoint, .ciphertextTooShort(minimum: 4, actual: 1),
        .authenticationFailed,
    ]
    for error in errors { #expect(!error.description.isEmpty) }
    #expect(SodiumError.wrongLength(what: "seed", expected: 32, actual: 3).description == "seed must be 32 bytes, got 3")
}
