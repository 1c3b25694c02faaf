import DataFiRistretto
import DataFiSodium
import PropertyBased
import Testing
@testable import DataFiZK

@Suite struct RangeProofTests {
    private func transcript() -> Transcript { Transcript(label: "DataFi.tests.range") }

    @Test func completenessForSmallWidths() async throws {
        await propertyCheck(count: 5, input: Gen.uint64(in: 0...255), Gen.uint64(in: 0...65535)) { v8, v16 throws in
            for (value, bits) in [(v8, 8), (v16, 16)] {
                var prover = transcript()
                let (proof, commitment) = try RangeProof.prove(value: value, blinding: .random(), bits: bits,
                                                               transcript: &prover)
                var verifier = transcript()
                #expect(proof.verify(commitment: commitment, bits: bits, transcript: &verifier))
                #expect(proof.bytes.count == RangeProof.byteCount(bits: bits, count: 1))
            }
        }
    }

    @Test func edgeValuesForEveryWidth() throws {
        for bits in [8, 16, 32, 64] {
            let top = bits == 64 ? UInt64.max : (UInt64(1) << UInt64(bits)) - 1
            for value in bits <= 16 ? [0, 1, top] : [0, top] {
                var prover = transcript()
                let (proof, commitment) = try RangeProof.prove(value: value, blinding: .random(), bits: bits,
                                                               transcript: &prover)
                var verifier = transcript()
                #expect(proof.verify(commitment: commitment, bits: bits, transcript: &verifier))
            }
        }
    }

    @Test func proofSizeFor64Bits() throws {
        var prover = transcript()
        let (proof, _) = try RangeProof.prove(value: 123_456_789, blinding: .random(), bits: 64, transcript: &prover)
        #expect(proof.bytes.count == 672)
        let decoded = try RangeProof(bytes: proof.bytes)
        #expect(decoded == proof)
    }

    @Test func aggregatedProofs() throws {
        for m in [1, 2, 4] {
            let values = (0..<m).map { UInt64($0 * 37 + 5) }
            let blindings = (0..<m).map { _ in Scalar.random() }
            var prover = transcript()
            let (proof, commitments) = try RangeProof.prove(values: values, blindings: blindings, bits: 8,
                                                            transcript: &prover)
            #expect(proof.bytes.count == 32 * (2 * (8 * m).trailingZeroBitCount + 9))
            var verifier = transcript()
            #expect(proof.verify(commitments: commitments, bits: 8, transcript: &verifier))
            if m > 1 {
                // Commitments in another order do not verify.
                var swapped = transcript()
                #expect(!proof.verify(commitments: commitments.reversed(), bits: 8, transcript: &swapped))
                // Nor does a subset.
                var subset = transcript()
                #expect(!proof.verify(commitments: Array(commitments.dropLast()), bits: 8, transcript: &subset))
            }
        }
    }

    @Test func aggregatedSixtyFourBitValues() throws {
        let values: [UInt64] = [0, .max]
        var prover = transcript()
        let (proof, commitments) = try RangeProof.prove(values: values, blindings: [.random(), .random()], bits: 64,
                                                        transcript: &prover)
        var verifier = transcript()
        #expect(proof.verify(commitments: commitments, bits: 64, transcript: &verifier))
    }

    @Test func proverRefusesOutOfRangeAndBadShapes() {
        var t = transcript()
        #expect(throws: ZKError.valueOutOfRange(index: 0)) {
            try RangeProof.prove(value: 256, blinding: .random(), bits: 8, transcript: &t)
        }
        #expect(throws: ZKError.valueOutOfRange(index: 1)) {
            try RangeProof.prove(values: [1, 70000], blindings: [.random(), .random()], bits: 16, transcript: &t)
        }
        #expect(throws: ZKError.unsupportedBitWidth(12)) {
            try RangeProof.prove(value: 1, blinding: .random(), bits: 12, transcript: &t)
        }
        #expect(throws: ZKError.unsupportedAggregation(3)) {
            try RangeProof.prove(values: [1, 2, 3], blindings: [.random(), .random(), .random()], bits: 8, transcript: &t)
        }
        #expect(throws: ZKError.unsupportedAggregation(0)) {
            try RangeProof.prove(values: [], blindings: [], bits: 8, transcript: &t)
        }
        #expect(throws: ZKError.countMismatch(expected: 2, actual: 1)) {
            try RangeProof.prove(values: [1, 2], blindings: [.random()], bits: 8, transcript: &t)
        }
    }

    @Test func soundnessChecks() throws {
        var prover = transcript()
        let (proof, commitment) = try RangeProof.prove(value: 200, blinding: .random(), bits: 8, transcript: &prover)
        // A different commitment fails.
        let other = PedersenGenerators.standard.commit(value: 200, blinding: .random())
        var t1 = transcript()
        #expect(!proof.verify(commitment: other, bits: 8, transcript: &t1))
        // A commitment to an out-of-range value built by shifting the committed value fails.
        let shifted = commitment + PedersenGenerators.standard.commit(value: 100, blinding: .zero)
        var t2 = transcript()
        #expect(!proof.verify(commitment: shifted, bits: 8, transcript: &t2))
        // A wrong transcript label fails.
        var t3 = Transcript(label: "another protocol")
        #expect(!proof.verify(commitment: commitment, bits: 8, transcript: &t3))
        // A wrong bit width fails.
        var t4 = transcript()
        #expect(!proof.verify(commitment: commitment, bits: 16, transcript: &t4))
        var t5 = transcript()
        #expect(!proof.verify(commitment: commitment, bits: 12, transcript: &t5))
    }

    @Test func flippingAnyByteBreaksTheProof() throws {
        var prover = transcript()
        let (proof, commitment) = try RangeProof.prove(value: 77, blinding: .random(), bits: 8, transcript: &prover)
        let bytes = proof.bytes
        // Every 32-byte field (points, scalars, L/R pairs, a, b), at four byte positions each.
        let positions = stride(from: 0, to: bytes.count, by: 32).flatMap { [$0, $0 + 9, $0 + 20, $0 + 31] }
        for index in positions {
            var tampered = bytes
            tampered[index] ^= UInt8(1 << (index % 8))
            if let decoded = try? RangeProof(bytes: tampered) {
                var t = transcript()
                #expect(!decoded.verify(commitment: commitment, bits: 8, transcript: &t), "byte \(index)")
            }
        }
        var commitmentBytes = commitment.bytes
        for index in 0..<32 {
            commitmentBytes = commitment.bytes
            commitmentBytes[index] ^= 1
            if let tamperedCommitment = try? PedersenCommitment(bytes: commitmentBytes) {
                var t = transcript()
                #expect(!proof.verify(commitment: tamperedCommitment, bits: 8, transcript: &t))
            }
        }
    }

    @Test func decodingRejectsHostileBytes() async throws {
        var prover = transcript()
        let (proof, commitment) = try RangeProof.prove(value: 9, blinding: .random(), bits: 8, transcript: &prover)
        let bytes = proof.bytes
        #expect(throws: ZKError.self) { try RangeProof(bytes: bytes.dropLast()) }
        #expect(throws: ZKError.self) { try RangeProof(bytes: bytes + [0]) }
        #expect(throws: ZKError.self) { try RangeProof(bytes: bytes + [UInt8](repeating: 0, count: 32)) }
        #expect(throws: ZKError.self) { try RangeProof(bytes: []) }
        #expect(throws: ZKError.self) { try RangeProof(bytes: [UInt8](repeating: 0, count: 32 * 100)) }
        // A non-canonical scalar (t_x = ℓ + 1 region: all 0xff) is rejected.
        var badScalar = bytes
        for i in (4 * 32)..<(5 * 32) { badScalar[i] = 0xff }
        #expect(throws: ZKError.nonCanonicalScalar) { try RangeProof(bytes: badScalar) }
        // Random bytes of a valid size never crash; they decode or throw, and never verify.
        await propertyCheck(count: 100, input: Gen.uint8().array(of: 416...416)) { random in
            if let decoded = try? RangeProof(bytes: random) {
                var t = Transcript(label: "DataFi.tests.range")
                #expect(!decoded.verify(commitment: commitment, bits: 8, transcript: &t))
            }
        }
        // An all-identity proof with zero scalars is refused.
        var zeros = [UInt8](repeating: 0, count: bytes.count)
        zeros[0] = 0
        if let decoded = try? RangeProof(bytes: zeros) {
            var t = transcript()
            #expect(!decoded.verify(commitment: commitment, bits: 8, transcript: &t))
        }
    }

    @Test func batchVerification() throws {
        var items: [(proof: RangeProof, commitments: [PedersenCommitment], bits: Int, transcript: Transcript)] = []
        for i in 0..<6 {
            var prover = transcript()
            let bits = i % 2 == 0 ? 8 : 16
            let (proof, commitment) = try RangeProof.prove(value: UInt64(i * 40), blinding: .random(), bits: bits,
                                                           transcript: &prover)
            items.append((proof, [commitment], bits, transcript()))
        }
        var prover = transcript()
        let (aggregated, commitments) = try RangeProof.prove(values: [1, 2], blindings: [.random(), .random()], bits: 8,
                                                             transcript: &prover)
        items.append((aggregated, commitments, 8, transcript()))
        #expect(RangeProof.verifyBatch(items))
        #expect(RangeProof.verifyBatch([]))
        // One bad member fails the batch.
        var bad = items
        bad[3].commitments = [PedersenGenerators.standard.commit(value: 1, blinding: .random())]
        #expect(!RangeProof.verifyBatch(bad))
    }
}
