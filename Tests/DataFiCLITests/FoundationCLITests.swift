import DataFiSodium
import Foundation
import Testing

/// End-to-end tests of `keys`, `sign`, `verify`, `seal`, `open` and `hash`.
@Suite struct FoundationCLITests {
    struct GeneratedKey {
        let path: String
        let publicKey: String
    }

    func generate(_ kind: String, in dir: URL) throws -> GeneratedKey {
        let path = dir.appendingPathComponent("\(kind)-\(UUID().uuidString).key").path
        let result = try CLIRunner.run(["keys", "generate", "--kind", kind, "--secret-out", path])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: String])
        #expect(json["kind"] == kind)
        return GeneratedKey(path: path, publicKey: try #require(json["publicKey"]))
    }

    func fileBytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    func expectOneLineFailure(_ result: CLIRunner.Result, _ fragment: String? = nil,
                              sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status != 0, sourceLocation: sourceLocation)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        if let fragment {
            #expect(result.stderr.contains(fragment), "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        }
    }

    @Test func signingKeysAreLibsodiumFormatWithMode0600() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let key = try generate("signing", in: dir)
        let attributes = try FileManager.default.attributesOfItem(atPath: key.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let bytes = try fileBytes(key.path)
        #expect(bytes.count == 64)
        // seed ‖ public key, the public half matching both the printed key and the seed.
        #expect(Hex.encode(bytes[32...]) == key.publicKey)
        #expect(try Signing.PrivateKey(seed: bytes[..<32]).publicKey.description == key.publicKey)
    }

    @Test func boxKeysAreRawX25519WithMode0600() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let key = try generate("box", in: dir)
        let attributes = try FileManager.default.attributesOfItem(atPath: key.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let bytes = try fileBytes(key.path)
        #expect(bytes.count == 32)
        #expect(try Box.PrivateKey(rawRepresentation: bytes).publicKey.description == key.publicKey)
    }

    @Test func signAndVerify() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let key = try generate("signing", in: dir)
        let message = "pay 100 ALITA to pool 7\n"
        let signed = try CLIRunner.run(["sign", "--key", key.path], stdin: message)
        #expect(signed.status == 0)
        let signature = signed.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(signature.count == 128)
        // The library agrees.
        let publicKey = try Signing.PublicKey(rawRepresentation: Hex.decode(key.publicKey))
        #expect(publicKey.isValidSignature(try Hex.decode(signature), for: Array(message.utf8)))

        let good = try CLIRunner.run(["verify", "--public-key", key.publicKey, "--signature", signature], stdin: message)
        #expect(good.status == 0)
        #expect(good.stdout.contains("valid"))

        // --in reads a file.
        let file = dir.appendingPathComponent("message.txt")
        try Data(message.utf8).write(to: file)
        let fromFile = try CLIRunner.run(["sign", "--key", key.path, "--in", file.path])
        #expect(fromFile.stdout == signed.stdout)
        #expect(try CLIRunner.run(["verify", "--public-key", key.publicKey, "--signature", signature, "--in", file.path]).status == 0)

        let tampered = try CLIRunner.run(["verify", "--public-key", key.publicKey, "--signature", signature], stdin: message + "!")
        #expect(tampered.status == 1)
        #expect(tampered.stderr.contains("invalid signature"))

        var flipped = Array(signature)
        flipped[10] = flipped[10] == "0" ? "1" : "0"
        let badSignature = try CLIRunner.run(["verify", "--public-key", key.publicKey, "--signature", String(flipped)], stdin: message)
        #expect(badSignature.status == 1)

        let other = try generate("signing", in: dir)
        #expect(try CLIRunner.run(["verify", "--public-key", other.publicKey, "--signature", signature], stdin: message).status == 1)
        // A truncated signature is malformed input (exit 2), not a signature that fails to verify (exit 1).
        let short = try CLIRunner.run(["verify", "--public-key", key.publicKey, "--signature", String(signature.prefix(126))], stdin: message)
        #expect(short.status == 2)
    }

    @Test func signUsesTheDocumentedKeyFormatOnly() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let seedFile = dir.appendingPathComponent("seed.key")
        // RFC 8032 TEST 1: a bare 32-byte seed (the size of a box key) is refused...
        let seed = try Hex.decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
        try Data(seed).write(to: seedFile)
        chmod(seedFile.path, 0o600)
        let refused = try CLIRunner.run(["sign", "--key", seedFile.path], stdin: "")
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("64 bytes"))
        // ...and the same key in the documented 64-byte format (seed ‖ public key) signs.
        let publicKey = try Signing.PrivateKey(seed: seed).publicKey.rawRepresentation
        try Data(seed + publicKey).write(to: seedFile)
        chmod(seedFile.path, 0o600)
        let result = try CLIRunner.run(["sign", "--key", seedFile.path], stdin: "")
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            == "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")
    }

    @Test func verifyRejectsMalformedArguments() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let key = try generate("signing", in: dir)
        let signature = String(repeating: "ab", count: 64)
        expectOneLineFailure(try CLIRunner.run(["verify", "--public-key", "zz", "--signature", signature], stdin: "m"), "public key")
        expectOneLineFailure(try CLIRunner.run(["verify", "--public-key", String(key.publicKey.dropLast(2)), "--signature", signature], stdin: "m"),
                             "32 bytes")
        expectOneLineFailure(try CLIRunner.run(["verify", "--public-key", String(repeating: "0", count: 64), "--signature", signature], stdin: "m"),
                             "public key")
        expectOneLineFailure(try CLIRunner.run(["verify", "--public-key", key.publicKey, "--signature", "xyz"], stdin: "m"), "signature")
        expectOneLineFailure(try CLIRunner.run(["verify", "--public-key", key.publicKey, "--signature", signature], stdin: "m"),
                             "invalid signature")
    }

    @Test func signRejectsBadKeyFiles() throws {
        let dir = try CLIRunner.temporaryDirectory()
        expectOneLineFailure(try CLIRunner.run(["sign", "--key", dir.appendingPathComponent("missing").path], stdin: "m"), "cannot read")
        expectOneLineFailure(try CLIRunner.run(["sign", "--key", dir.path], stdin: "m"), "cannot read")
        for size in [0, 31, 33, 63, 65, 1000] {
            let path = dir.appendingPathComponent("bad-\(size)").path
            try Data(repeating: 7, count: size).write(to: URL(fileURLWithPath: path))
            chmod(path, 0o600)
            expectOneLineFailure(try CLIRunner.run(["sign", "--key", path], stdin: "m"), "64 bytes")
        }
        // 64 bytes whose public half does not match the seed.
        let path = dir.appendingPathComponent("inconsistent").path
        try Data(repeating: 7, count: 64).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o600)
        expectOneLineFailure(try CLIRunner.run(["sign", "--key", path], stdin: "m"), "does not match")
    }

    @Test func sealAndOpen() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let key = try generate("box", in: dir)
        let plaintext = "s3://owner-bucket/dataset.csv"
        let sealed = try CLIRunner.run(["seal", "--to", key.publicKey], stdin: plaintext)
        #expect(sealed.status == 0)
        let sealedHex = sealed.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(sealedHex.count == 2 * (plaintext.utf8.count + 48))
        // The library opens what the tool sealed.
        let recipient = try Box.PrivateKey(rawRepresentation: fileBytes(key.path))
        #expect(try SealedBox.open(Hex.decode(sealedHex), with: recipient) == Array(plaintext.utf8))

        let opened = try CLIRunner.run(["open", "--key", key.path], stdin: sealed.stdout)
        #expect(opened.status == 0)
        #expect(opened.stdout == plaintext)

        // Binary plaintext survives.
        let binary = Data((0...255).map { UInt8($0) })
        let sealedBinary = try CLIRunner.run(["seal", "--to", key.publicKey], stdin: binary)
        let openedBinary = try CLIRunner.run(["open", "--key", key.path], stdin: sealedBinary.stdout)
        #expect(openedBinary.status == 0)
        // (stdout arrives here as lossily decoded text, so the bytes are checked through the library.)
        #expect(try SealedBox.open(Hex.decode(sealedBinary.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), with: recipient)
            == [UInt8](binary))
    }

    @Test func openRejectsTamperingWrongKeysAndGarbage() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let key = try generate("box", in: dir)
        let other = try generate("box", in: dir)
        let sealed = try CLIRunner.run(["seal", "--to", key.publicKey], stdin: "secret").stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        var digits = Array(sealed)
        for index in stride(from: 0, to: digits.count, by: 2) {
            let original = digits[index]
            digits[index] = original == "f" ? "e" : "f"
            expectOneLineFailure(try CLIRunner.run(["open", "--key", key.path], stdin: String(digits)), "authentication failed")
            digits[index] = original
        }
        expectOneLineFailure(try CLIRunner.run(["open", "--key", other.path], stdin: sealed), "authentication failed")
        expectOneLineFailure(try CLIRunner.run(["open", "--key", key.path], stdin: String(sealed.prefix(90))), "too short")
        expectOneLineFailure(try CLIRunner.run(["open", "--key", key.path], stdin: "not hex"), "sealed box")
        expectOneLineFailure(try CLIRunner.run(["open", "--key", key.path], stdin: "abc"), "odd number")
        expectOneLineFailure(try CLIRunner.run(["open", "--key", key.path], stdin: ""), "too short")
        // A signing key file is the wrong size for a box key.
        let signing = try generate("signing", in: dir)
        expectOneLineFailure(try CLIRunner.run(["open", "--key", signing.path], stdin: sealed), "32 bytes")
    }

    @Test func sealRejectsBadPublicKeys() throws {
        expectOneLineFailure(try CLIRunner.run(["seal", "--to", "1234"], stdin: "m"), "32 bytes")
        expectOneLineFailure(try CLIRunner.run(["seal", "--to", "g" + String(repeating: "0", count: 63)], stdin: "m"), "public key")
        // The all-zero point has low order: sealing to it would leak the message.
        expectOneLineFailure(try CLIRunner.run(["seal", "--to", String(repeating: "0", count: 64)], stdin: "m"), "low-order")
    }

    @Test func hashPrintsBLAKE2b256() throws {
        let abc = try CLIRunner.run(["hash"], stdin: "abc")
        #expect(abc.status == 0)
        #expect(abc.stdout == "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319\n")
        let empty = try CLIRunner.run(["hash"], stdin: "")
        #expect(empty.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == Hex.encode(BLAKE2b.hash256([UInt8]())))
        let dir = try CLIRunner.temporaryDirectory()
        let file = dir.appendingPathComponent("data.bin")
        try Data(repeating: 0x5a, count: 100_000).write(to: file)
        let fromFile = try CLIRunner.run(["hash", "--in", file.path])
        #expect(fromFile.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            == Hex.encode(BLAKE2b.hash256([UInt8](repeating: 0x5a, count: 100_000))))
        expectOneLineFailure(try CLIRunner.run(["hash", "--in", dir.appendingPathComponent("missing").path]), "cannot read")
    }

    /// The Python that has PyNaCl: `DATAFI_PYNACL_PYTHON` (set by CI from `scripts/pynacl-venv.sh`), else
    /// `python3` when it can import nacl, else nil. With the variable set the test always runs.
    static let pyNaClPython: String? = {
        if let python = ProcessInfo.processInfo.environment["DATAFI_PYNACL_PYTHON"], !python.isEmpty { return python }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import nacl"]
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        process.waitUntilExit()
        return process.terminationStatus == 0 ? "python3" : nil
    }()

    /// Interoperability with PyNaCl (libsodium's Python binding): always in CI (`DATAFI_PYNACL_PYTHON`),
    /// elsewhere when it is installed.
    @Test(.enabled(if: FoundationCLITests.pyNaClPython != nil)) func interoperatesWithPyNaCl() throws {
        let python = try #require(FoundationCLITests.pyNaClPython)
        let dir = try CLIRunner.temporaryDirectory()
        let signing = try generate("signing", in: dir)
        let box = try generate("box", in: dir)
        let script = """
        import nacl.signing, nacl.public, subprocess, sys
        tool, sk_path, bk_path, sign_pk, box_pk = sys.argv[1:6]
        sk = open(sk_path, 'rb').read()
        key = nacl.signing.SigningKey(sk[:32])
        assert bytes(key._signing_key) == sk, 'signing key file is libsodium format'
        assert bytes(key.verify_key).hex() == sign_pk
        sig = subprocess.run([tool, 'sign', '--key', sk_path], input=b'interop', capture_output=True).stdout.decode().strip()
        assert key.sign(b'interop').signature.hex() == sig, 'same deterministic signature'
        other = nacl.signing.SigningKey.generate()
        r = subprocess.run([tool, 'verify', '--public-key', bytes(other.verify_key).hex(),
                            '--signature', other.sign(b'm').signature.hex()], input=b'm', capture_output=True)
        assert r.returncode == 0, 'PyNaCl signature verifies'
        bk = nacl.public.PrivateKey(open(bk_path, 'rb').read())
        assert bytes(bk.public_key).hex() == box_pk
        sealed = nacl.public.SealedBox(bk.public_key).encrypt(b'from pynacl')
        out = subprocess.run([tool, 'open', '--key', bk_path], input=sealed.hex().encode(), capture_output=True).stdout
        assert out == b'from pynacl', out
        h = subprocess.run([tool, 'seal', '--to', box_pk], input=b'from datafi', capture_output=True).stdout.decode().strip()
        assert nacl.public.SealedBox(bk).decrypt(bytes.fromhex(h)) == b'from datafi'
        import hashlib
        digest = subprocess.run([tool, 'hash'], input=b'interop', capture_output=True).stdout.decode().strip()
        assert digest == hashlib.blake2b(b'interop', digest_size=32).hexdigest()
        print('ok')
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, "-c", script, CLIRunner.executable.path, signing.path, box.path,
                             signing.publicKey, box.publicKey]
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(String(decoding: err, as: UTF8.self))")
        #expect(String(decoding: out, as: UTF8.self).contains("ok"))
    }
}
