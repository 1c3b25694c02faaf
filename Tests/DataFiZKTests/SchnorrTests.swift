import DataFiRistretto
import PropertyBased
import Testing
@testable import DataFiZK

@Suite struct PedersenTests {
    @Test func homomorphism() async {
        await propertyCheck(count: 30, input: Gen.uint64(in: 0...(1 << 40)), Gen.uint64(in: 0...(1 << 40))) { a, b in
            let pc = PedersenGenerators.standard
            let ra = Scalar.random(), rb = Scalar.random()
            let ca = pc.commit(value: Scalar(a), blinding: ra), cb = pc.commit(value: Scalar(b), blinding: rb)
            #expect(ca + cb == pc.commit(value: Scalar(a + b), blinding: ra + rb))
            #expect(ca - cb == pc.commit(value: Scalar(a) - Scalar(b), blinding: ra - rb))
        }
    }

    @Test func encoding() throws {
        let c = PedersenGenerators.standard.commit(value: 5, blinding: .random())
        #expect(try PedersenCommitment(bytes: c.bytes) == c)
        #expect(throws: ZKError.wrongLength(expected: 32, actual: 31)) { try PedersenCommitment(bytes: c.bytes.dropLast()) }
        #expect(throws: ZKError.invalidPoint) { try PedersenCommitment(bytes: [UInt8](repeating: 0xff, count: 32)) }
        #expect(PedersenGenerators.standard.h != PedersenGenerators.standard.g)
    }

    @Test func generatorsAreDistinctAndStable() {
        let a = BulletproofGenerators.prefix(16), b = BulletproofGenerators.prefix(8)
        #expect(Array(a.g[..<8]) == b.g)
        #expect(Set(a.g.map(\.encoded) + a.h.map(\.encoded)).count == 32)
    }
}

@Suite struct SchnorrTests {
    private func t() -> Transcript { Transcript(label: "DataFi.tests.schnorr") }

    @Test func discreteLog() throws {
        let x = Scalar.random()
        let base = RistrettoPoint.hash([1], domain: "test base")
        var prover = t()
        let proof = DiscreteLogProof.prove(secret: x, base: base, transcript: &prover)
        var verifier = t()
        #expect(proof.verify(publicPoint: x * base, base: base, transcript: &verifier))
        var wrong = t()
        #expect(!proof.verify(publicPoint: Scalar.random() * base, base: base, transcript: &wrong))
        var otherBase = t()
        #expect(!proof.verify(publicPoint: x * base, transcript: &otherBase))
        var otherLabel = Transcript(label: "other")
        #expect(!proof.verify(publicPoint: x * base, base: base, transcript: &otherLabel))
        let decoded = try DiscreteLogProof(bytes: proof.bytes)
        #expect(decoded == proof)
        #expect(proof.bytes.count == DiscreteLogProof.byteCount)
    }

    @Test func opening() throws {
        let pc = PedersenGenerators.standard
        let v = Scalar(1234), r = Scalar.random()
        let c = pc.commit(value: v, blinding: r)
        var prover = t()
        let proof = OpeningProof.prove(value: v, blinding: r, commitment: c, transcript: &prover)
        var verifier = t()
        #expect(proof.verify(commitment: c, transcript: &verifier))
        var wrong = t()
        #expect(!proof.verify(commitment: pc.commit(value: 1235, blinding: r), transcript: &wrong))
        // A proof made with a wrong opening fails.
        var liar = t()
        let lie = OpeningProof.prove(value: Scalar(1), blinding: r, commitment: c, transcript: &liar)
        var check = t()
        #expect(!lie.verify(commitment: c, transcript: &check))
        #expect(try OpeningProof(bytes: proof.bytes) == proof)
    }

    @Test func equality() throws {
        let pc = PedersenGenerators.standard
        let r1 = Scalar.random(), r2 = Scalar.random()
        let c1 = pc.commit(value: 99, blinding: r1), c2 = pc.commit(value: 99, blinding: r2)
        var prover = t()
        let proof = EqualityProof.prove(firstBlinding: r1, secondBlinding: r2, first: c1, second: c2, transcript: &prover)
        var verifier = t()
        #expect(proof.verify(first: c1, second: c2, transcript: &verifier))
        let c3 = pc.commit(value: 100, blinding: r2)
        var prover2 = t()
        let bad = EqualityProof.prove(firstBlinding: r1, secondBlinding: r2, first: c1, second: c3, transcript: &prover2)
        var verifier2 = t()
        #expect(!bad.verify(first: c1, second: c3, transcript: &verifier2))
        #expect(try EqualityProof(bytes: proof.bytes) == proof)
    }

    @Test func decodersRejectHostileBytes() async {
        let valid = DiscreteLogProof.prove(secret: .random(), transcript: &Self.scratch).bytes
        #expect(throws: ZKError.wrongLength(expected: 64, actual: 63)) { try DiscreteLogProof(bytes: valid.dropLast()) }
        #expect(throws: ZKError.wrongLength(expected: 96, actual: 64)) { try OpeningProof(bytes: valid) }
        var badScalar = valid
        for i in 32..<64 { badScalar[i] = 0xff }
        #expect(throws: ZKError.nonCanonicalScalar) { try DiscreteLogProof(bytes: badScalar) }
        var badPoint = valid
        badPoint[31] |= 0x80
        #expect(throws: ZKError.invalidPoint) { try EqualityProof(bytes: badPoint) }
        await propertyCheck(count: 200, input: Gen.uint8().array(of: 0...100)) { bytes in
            _ = try? DiscreteLogProof(bytes: bytes)
            _ = try? OpeningProof(bytes: bytes)
            _ = try? EqualityProof(bytes: bytes)
        }
    }

    nonisolated(unsafe) static var scratch = Transcript(label: "scratch")
}
