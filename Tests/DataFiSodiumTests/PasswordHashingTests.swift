import DataFiSodium
import Testing

@Suite struct PasswordHashingTests {
    /// Known answers from libsodium's own test suite (test/default/pwhash_argon2id.c, vectors 4 and 6;
    /// the salt is the first 16 bytes of the hex given there).
    @Test func libsodiumKnownAnswers() throws {
        let vectors: [(password: String, salt: String, ops: UInt64, mem: UInt64, expected: String)] = [
            ("b540beb016a5366524d4605156493f9874514a5aa58818cd0c6dfffaa9e90205f17b",
             "44071f6d181561670bda728d43fb79b4", 1, 1_631_659,
             "7fb72409b0987f8190c3729710e98c3f80c5a8727d425fdcde7f3644d467fe973f5b5fee683bd3fce812cb9ae5e9921a2d06c2f1905e4e839692f2b934b682f11a2fe2b90482ea5dd234863516dba6f52dc0702d324ec77d860c2e181f84472bd7104fedce071ffa93c5309494ad51623d214447a7b2b1462dc7d5d55a1f6fd5b54ce024118d86f0c6489d16545aaa87b6689dad9f2fb47fda9894f8e12b87d978b483ccd4cc5fd9595cdc7a818452f915ce2f7df95ec12b1c72e3788d473441d884f9748eb14703c21b45d82fd667b85f5b2d98c13303b3fe76285531a826b6fc0fe8e3dddecf"),
            ("4a857e2ee8aa9b6056f2424e84d24a72473378906ee04a46cb05311502d5250b82ad86b83c8f20a23dbb74f6da60b0b6ecffd67134d45946ac8ebfb3064294bc097d43ced68642bfb8bbbdd0f50b30118f5e",
             "39d82eef32010b8b79cc5ba88ed539fb", 3, 1_432_947,
             "08d8cd330c57e1b4643241d05bb468ba4ee4e932cd0858816be9ef15360b27bbd06a87130ee92222be267a29b81f5ae8fe8613324cfc4832dc49387fd0602f1c57b4d0f3855db94fb7e12eb05f9a484aed4a4307abf586cd3d55c809bc081541e00b682772fb2066504ff935b8ebc551a2083882f874bc0fae68e56848ae34c91097c3bf0cca8e75c0797eef3efde3f75e005815018db3cf7c109a812264c4de69dcb22322dbbcfa447f5b00ecd1b04a7be1569c8e556adb7bba48adf81d"),
        ]
        for vector in vectors {
            let expected = hex(vector.expected)
            let key = try PasswordHashing.deriveKey(
                passphrase: SecureBytes(copying: hex(vector.password)), salt: hex(vector.salt),
                parameters: PasswordHashing.Parameters(operations: vector.ops, memoryBytes: vector.mem),
                length: expected.count)
            #expect(key.array == expected)
        }
    }

    static let cheap = PasswordHashing.Parameters.interactive

    @Test func sameInputsSameKeyOtherwiseDifferent() throws {
        let salt = SecureRandom.bytes(count: 16)
        let params = try PasswordHashing.Parameters(operations: 1, memoryBytes: 64 << 10)
        let pass = SecureBytes(copying: Array("correct horse".utf8))
        let a = try PasswordHashing.deriveKey(passphrase: pass, salt: salt, parameters: params)
        let b = try PasswordHashing.deriveKey(passphrase: pass, salt: salt, parameters: params)
        #expect(a == b)
        #expect(a.count == 32)
        var otherSalt = salt
        otherSalt[0] ^= 1
        #expect(try PasswordHashing.deriveKey(passphrase: pass, salt: otherSalt, parameters: params) != a)
        let otherPass = SecureBytes(copying: Array("correct horsf".utf8))
        #expect(try PasswordHashing.deriveKey(passphrase: otherPass, salt: salt, parameters: params) != a)
        let moreOps = try PasswordHashing.Parameters(operations: 2, memoryBytes: 64 << 10)
        #expect(try PasswordHashing.deriveKey(passphrase: pass, salt: salt, parameters: moreOps) != a)
        // The empty passphrase is allowed by the primitive (callers decide whether to refuse it).
        let empty = try PasswordHashing.deriveKey(passphrase: SecureBytes(copying: []), salt: salt, parameters: params)
        #expect(empty != a)
    }

    @Test func namedParametersAreLibsodiums() {
        #expect(PasswordHashing.Parameters.interactive.operations == 2)
        #expect(PasswordHashing.Parameters.interactive.memoryBytes == 64 << 20)
        #expect(PasswordHashing.Parameters.moderate.operations == 3)
        #expect(PasswordHashing.Parameters.moderate.memoryBytes == 256 << 20)
        #expect(PasswordHashing.Parameters.sensitive.operations == 4)
        #expect(PasswordHashing.Parameters.sensitive.memoryBytes == 1 << 30)
    }

    @Test func hostileParametersAreTypedErrors() throws {
        let pass = SecureBytes(copying: Array("pw".utf8))
        let params = try PasswordHashing.Parameters(operations: 1, memoryBytes: 8 << 10)
        for saltLength in [0, 15, 17, 1000] {
            #expect(throws: PasswordHashingError.wrongSaltLength(saltLength)) {
                try PasswordHashing.deriveKey(passphrase: pass, salt: [UInt8](repeating: 1, count: saltLength),
                                              parameters: params)
            }
        }
        let salt = [UInt8](repeating: 7, count: 16)
        for length in [0, 15, 1025, Int.max] {
            #expect(throws: PasswordHashingError.keyLengthOutOfRange(length, allowed: 16...1024)) {
                try PasswordHashing.deriveKey(passphrase: pass, salt: salt, parameters: params, length: length)
            }
        }
        let huge = SecureBytes(copying: [UInt8](repeating: 0x41, count: 4097))
        #expect(throws: PasswordHashingError.passphraseTooLong(4097)) {
            try PasswordHashing.deriveKey(passphrase: huge, salt: salt, parameters: params)
        }
        #expect(throws: PasswordHashingError.self) { try PasswordHashing.Parameters(operations: 0, memoryBytes: 1 << 20) }
        #expect(throws: PasswordHashingError.self) { try PasswordHashing.Parameters(operations: 1, memoryBytes: 1024) }
        #expect(throws: PasswordHashingError.self) { try PasswordHashing.Parameters(operations: 1, memoryBytes: UInt64.max) }
        #expect(throws: PasswordHashingError.self) { try PasswordHashing.Parameters(operations: UInt64.max, memoryBytes: 1 << 20) }
    }
}
