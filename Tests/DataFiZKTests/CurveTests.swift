import DataFiRistretto
import DataFiSodium
import PropertyBased
import Testing
@testable import DataFiZK

/// Differential tests of the internal curve arithmetic against libsodium (through RistrettoPoint).
@Suite struct CurveTests {
    private func randomPoint() -> RistrettoPoint { Scalar.random() * RistrettoPoint.generator }

    @Test func decodeEncodeRoundTrip() throws {
        for _ in 0..<50 {
            let p = randomPoint()
            let e = try #require(EdwardsPoint(ristretto: p.encoded))
            #expect(e.ristrettoBytes == p.encoded)
        }
        #expect(EdwardsPoint.identity.ristrettoBytes == RistrettoPoint.identity.encoded)
        #expect(EdwardsPoint(RistrettoPoint.generator).ristrettoBytes == RistrettoPoint.generator.encoded)
    }

    @Test func decoderAgreesWithLibsodiumOnRandomBytes() async {
        await propertyCheck(count: 300, input: Gen.uint8().array(of: 32...32)) { bytes in
            let ours = EdwardsPoint(ristretto: bytes) != nil
            let theirs = (try? RistrettoPoint(encoded: bytes)) != nil
            #expect(ours == theirs)
        }
        // Valid points with a flipped high bit or an added p must be rejected by both.
        for _ in 0..<20 {
            var bytes = randomPoint().encoded
            bytes[31] |= 0x80
            #expect(EdwardsPoint(ristretto: bytes) == nil)
            #expect((try? PedersenCommitment(bytes: bytes)) == nil)
            #expect((try? RistrettoPoint(encoded: bytes)) == nil)
        }
        #expect(EdwardsPoint(ristretto: [UInt8](repeating: 0, count: 31)) == nil)
        #expect(EdwardsPoint(ristretto: [UInt8](repeating: 0xff, count: 32)) == nil)
    }

    @Test func additionDoublingNegationMatchLibsodium() {
        for _ in 0..<50 {
            let p = randomPoint(), q = randomPoint()
            let ep = EdwardsPoint(p), eq = EdwardsPoint(q)
            #expect((ep + eq).ristrettoBytes == (p + q).encoded)
            #expect((ep - eq).ristrettoBytes == (p - q).encoded)
            #expect(ep.doubled().ristrettoBytes == (p + p).encoded)
            #expect(ep.doubled(times: 3).ristrettoBytes == (Scalar(8) * p).encoded)
            #expect(ep.negated.ristrettoBytes == (-p).encoded)
            #expect((ep - ep).ristrettoEquals(.identity))
            #expect(!ep.ristrettoEquals(eq))
        }
    }

    @Test func fieldInversionAndSquareRoot() {
        for _ in 0..<20 {
            let bytes = randomPoint().encoded
            let f = bytes.withUnsafeBytes { FieldElement(bytes: $0) }
            #expect((f * f.inverted()).bytes == FieldElement.one.bytes)
            let (wasSquare, root) = FieldElement.sqrtRatioM1(f.squared(), .one)
            #expect(wasSquare == 1)
            #expect(root.squared().bytes == f.squared().bytes)
        }
    }

    @Test func variableTimeMultiscalarMatchesLibsodium() throws {
        for count in [1, 2, 7, 40, 200] {
            let scalars = (0..<count).map { _ in Scalar.random() }
            let points = (0..<count).map { _ in randomPoint() }
            let expected = try RistrettoPoint.multiscalarMultiply(scalars, points)
            let tables = points.map { OddMultiples(EdwardsPoint($0)) }
            let bytes = scalars.map(\.bytes)
            #expect(VartimeMSM.straus(scalars: bytes, tables: tables).ristrettoBytes == expected.encoded)
            #expect(VartimeMSM.pippenger(scalars: bytes, points: tables.map { $0.entries[0] }).ristrettoBytes
                    == expected.encoded)
            #expect(VartimeMSM.multiply(scalars: bytes, tables: tables).ristrettoBytes == expected.encoded)
            let affine = tables.map { $0.normalized() }
            #expect(VartimeMSM.straus(scalars: bytes, tables: affine).ristrettoBytes == expected.encoded)
            #expect(VartimeMSM.pippenger(scalars: bytes, points: affine.map { $0.entries[0] }).ristrettoBytes
                    == expected.encoded)
        }
    }

    @Test func extremeScalars() throws {
        let minusOne = -Scalar.one
        let p = randomPoint()
        let table = [OddMultiples(EdwardsPoint(p))]
        for s in [Scalar.zero, .one, minusOne, Scalar(UInt64.max), Scalar(2)] {
            #expect(VartimeMSM.straus(scalars: [s.bytes], tables: table).ristrettoBytes == (s * p).encoded)
            #expect(VartimeMSM.pippenger(scalars: [s.bytes], points: [table[0].entries[0]]).ristrettoBytes
                    == (s * p).encoded)
        }
    }
}

@Suite struct ConstantTimeMSMTests {
    @Test func matchesLibsodium() throws {
        for count in [1, 3, 17] {
            let scalars = (0..<count).map { i in i == 0 ? -Scalar.one : Scalar.random() }
            let points = (0..<count).map { _ in Scalar.random() * RistrettoPoint.generator }
            let expected = try RistrettoPoint.multiscalarMultiply(scalars, points)
            let result = ConstantTimeMSM.multiply(scalars: scalars.map(\.bytes),
                                                  tables: points.map { LookupTable(EdwardsPoint($0)) })
            #expect(result.ristrettoBytes == expected.encoded)
        }
        let p = RistrettoPoint.generator
        for s in [Scalar.zero, .one, Scalar(8), Scalar(UInt64.max)] {
            #expect(ConstantTimeMSM.multiply(scalars: [s.bytes], tables: [LookupTable(EdwardsPoint(p))]).ristrettoBytes
                    == (s * p).encoded)
        }
    }

    @Test func radix16DigitsRecombine() {
        for _ in 0..<20 {
            let s = Scalar.random()
            let digits = ConstantTimeMSM.radix16(s.bytes)
            #expect(digits.allSatisfy { $0 >= -8 && $0 < 8 })
            var acc = Scalar.zero
            for d in digits.reversed() {
                acc = acc * Scalar(16) + (d >= 0 ? Scalar(UInt64(d)) : -Scalar(UInt64(-Int(d))))
            }
            #expect(acc == s)
        }
    }
}
