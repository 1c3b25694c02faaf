// Generated from README.md by scripts/readme-examples.py: edit the example in README.md, then run
// the script. The README's code runs as written, then the checks of its readme-test comment.

import DataFiRistretto
import DataFiSodium
import DataFiZK
import Testing

@Test func readmeExample() throws {
    // Prove that a committed loan amount fits in 64 bits without revealing it.
    let blinding = Scalar.random()
    var proverTranscript = Transcript(label: "loan-amount")
    let (proof, commitment) = try RangeProof.prove(value: 250_000, blinding: blinding, bits: 64,
                                                   transcript: &proverTranscript)   // proof.bytes.count == 672

    // The verifier gets the commitment and the proof bytes.
    var verifierTranscript = Transcript(label: "loan-amount")
    let received = try RangeProof(bytes: proof.bytes)
    let valid = received.verify(commitment: commitment, bits: 64, transcript: &verifierTranscript)

    // Commitments add up: C(a) + C(b) = C(a + b) under the sum of blindings.
    let pc = PedersenGenerators.standard
    let other = Scalar.random()
    let sum = commitment + pc.commit(value: 50_000, blinding: other)   // == pc.commit(value: 300_000, blinding: blinding + other)

    // Checks (from the readme-test comment under this part of the example).
    #expect(proof.bytes.count == 672)
    #expect(valid)
    #expect(sum == pc.commit(value: 300_000, blinding: blinding + other))

    let signer = Signing.PrivateKey()
    let messages = (0..<64).map { [UInt8]("payment \($0)".utf8) }
    var items = messages.map {
        Ed25519BatchVerification.Item(publicKey: signer.publicKey, message: $0, signature: signer.signature(for: $0))
    }
    items[5].message = Array("forged".utf8)
    let verdicts = Ed25519BatchVerification.verify(items)   // false at 5 only

    // Checks (from the readme-test comment under the example).
    #expect(verdicts == (0..<64).map { $0 != 5 })
}
