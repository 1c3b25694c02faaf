import DataFiSodium
import Testing

@Test func sodiumReadmeExample() throws {
    // Sign and verify (Ed25519).
    let signer = Signing.PrivateKey()
    let report = Array("quarterly risk report".utf8)
    let signature = signer.signature(for: report)
    #expect(signer.publicKey.isValidSignature(signature, for: report))

    // Seal to a recipient's X25519 public key; only their private key opens it.
    let recipient = Box.PrivateKey()
    let sealed = try SealedBox.seal(Array("dataset URL".utf8), to: recipient.publicKey)
    #expect(try SealedBox.open(sealed, with: recipient) == Array("dataset URL".utf8))

    // Symmetric encryption with a derived key, and hashing.
    let master = KeyDerivation.MasterKey()
    let key = try SecretBox.Key(KeyDerivation.deriveKey(from: master, subkeyID: 1, context: "DataFiV1"))
    let box = SecretBox.seal(report, using: key, authenticating: Array("v1".utf8))
    #expect(try SecretBox.open(box, using: key, authenticating: Array("v1".utf8)) == report)
    #expect(BLAKE2b.hash256(report).count == 32)
}
