// Generated from README.md by scripts/readme-examples.py: edit the example in README.md, then run
// the script. The README's code runs as written, then the checks of its readme-test comment.

import DataFiSodium
import Testing

@Test func readmeExample() throws {
    // Sign and verify (Ed25519).
    let signer = Signing.PrivateKey()
    let report = Array("quarterly risk report".utf8)
    let signature = signer.signature(for: report)
    let valid = signer.publicKey.isValidSignature(signature, for: report)     // true

    // Seal to a recipient's X25519 public key; only their private key opens it.
    let recipient = Box.PrivateKey()
    let sealed = try SealedBox.seal(Array("dataset URL".utf8), to: recipient.publicKey)
    let opened = try SealedBox.open(sealed, with: recipient)

    // Symmetric encryption with a derived key, and hashing.
    let master = KeyDerivation.MasterKey()
    let key = try SecretBox.Key(KeyDerivation.deriveKey(from: master, subkeyID: 1, context: "DataFiV1"))
    let box = SecretBox.seal(report, using: key, authenticating: Array("v1".utf8))
    let plaintext = try SecretBox.open(box, using: key, authenticating: Array("v1".utf8))
    let digest = BLAKE2b.hash256(report)                                         // 32 bytes

    // Checks (from the readme-test comment under the example).
    #expect(valid)
    #expect(opened == Array("dataset URL".utf8))
    #expect(plaintext == report)
    #expect(digest.count == 32)
}
