import DataFiRistretto
import DataFiZK
import Testing

@Suite struct ZKReadmeExampleTests {
    @Test func readmeExample() throws {
        // Prove that a committed loan amount fits in 64 bits without revealing it.
        let blinding = Scalar.random()
        var proverTranscript = Transcript(label: "loan-amount")
        let (proof, commitment) = try RangeProof.prove(value: 250_000, blinding: blinding, bits: 64,
                                                       transcript: &proverTranscript)
        #expect(proof.bytes.count == 672)

        // The verifier gets the commitment and the proof bytes.
        var verifierTranscript = Transcript(label: "loan-amount")
        let received = try RangeProof(bytes: proof.bytes)
        #expect(received.verify(commitment: commitment, bits: 64, transcript: &verifierTranscript))

        // Commitments add up: C(a) + C(b) = C(a + b) under the sum of blindings.
        let pc = PedersenGenerators.standard
        let other = Scalar.random()
        #expect(commitment + pc.commit(value: 50_000, blinding: other)
                == pc.commit(value: 300_000, blinding: blinding + other))
    }
}
