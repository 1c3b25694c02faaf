import DataFiRistretto
import DataFiSupport
import Testing

@testable import DataFiZK

/// Differential tests of the multiscalar multiplications on each vector backend the processor has
/// (forced in turn) against the serial Swift code, on random and edge inputs.
@Suite struct VectorMSMTests {
    /// The vector backends this machine runs (none on processors without AVX2).
    static let vectorBackends = CurveBackend.supported.filter { $0 != .serial }

    private func randomPoint() -> EdwardsPoint { EdwardsPoint(Scalar.random() * RistrettoPoint.generator) }

    /// Exact equality of Edwards points (same affine x and y), stricter than ristretto equality.
    private func same(_ a: EdwardsPoint, _ b: EdwardsPoint) -> Bool {
        (a.x * b.z).bytes == (b.x * a.z).bytes && (a.y * b.z).bytes == (b.y * a.z).bytes
    }

    /// The identity, points of order 2 and 4 (outside the prime-order group) and random points.
    private func points(_ count: Int) -> [EdwardsPoint] {
        let edges = [
            EdwardsPoint.identity,
            EdwardsPoint(x: .zero, y: -FieldElement.one, z: .one, t: .zero),
            EdwardsPoint(x: FieldElement.sqrtM1, y: .zero, z: .one, t: .zero),
        ]
        return (0..<count).map { $0 < edges.count && count > 4 ? edges[$0] : randomPoint() }
    }

    /// Zero, one, ℓ − 1, 2^252 + small, all-ones below 2^64, then random scalars.
    private func scalars(_ count: Int) -> [[UInt8]] {
        var bytes252 = [UInt8](repeating: 0, count: 32)
        bytes252[31] = 0x10
        bytes252[0] = 7
        let edges = [Scalar.zero.bytes, Scalar.one.bytes, (-Scalar.one).bytes, bytes252, Scalar(UInt64.max).bytes]
        return (0..<count).map { $0 < edges.count ? edges[$0] : Scalar.random().bytes }
    }

    @Test func backendsAreListed() {
        #expect(CurveBackend.supported.contains(.serial))
        #expect(VectorMSM.code(.serial) == nil)
        for backend in Self.vectorBackends { #expect(VectorMSM.code(backend) != nil) }
    }

    @Test func tableLayoutsMatchTheCCode() {
        // The C code reads (Y + X, Y − X, Z, 2dT) at word offsets 0, 5, 10, 15 and affine entries
        // (Y + X, Y − X, 2dT) at 0, 5, 10.
        #expect(MemoryLayout<EdwardsPoint.Niels>.offset(of: \.yPlusX) == 0)
        #expect(MemoryLayout<EdwardsPoint.Niels>.offset(of: \.yMinusX) == 40)
        #expect(MemoryLayout<EdwardsPoint.Niels>.offset(of: \.z) == 80)
        #expect(MemoryLayout<EdwardsPoint.Niels>.offset(of: \.t2d) == 120)
        #expect(MemoryLayout<AffineNiels>.offset(of: \.yPlusX) == 0)
        #expect(MemoryLayout<AffineNiels>.offset(of: \.yMinusX) == 40)
        #expect(MemoryLayout<AffineNiels>.offset(of: \.t2d) == 80)
        #expect(MemoryLayout<AffineNiels>.stride >= 120)
    }

    @Test(arguments: [0, 1, 2, 9, 20])
    func constantTimeMatchesSerial(count: Int) {
        let s = scalars(count)
        let p = points(count)
        // Half the tables normalized (Z = 1), as the generators' cached tables are.
        let tables = p.enumerated().map {
            $0.offset % 2 == 0 ? LookupTable($0.element) : LookupTable($0.element).normalized()
        }
        let serial = ConstantTimeMSM.multiply(scalars: s, tables: tables, backend: .serial)
        if count == 1 { #expect(serial.isIdentity) }  // scalar zero
        for backend in Self.vectorBackends {
            let vector = ConstantTimeMSM.multiply(scalars: s, tables: tables, backend: backend)
            #expect(same(vector, serial), "\(backend), \(count) points")
        }
    }

    @Test(arguments: [0, 1, 2, 7, 40])
    func strausMatchesSerial(count: Int) {
        let s = scalars(count)
        let p = points(count)
        // Width-5 and width-6 tables, some normalized.
        let tables = p.enumerated().map { index, point in
            let table = OddMultiples(point, count: index % 3 == 0 ? 16 : 8)
            return index % 2 == 0 ? table : table.normalized()
        }
        let serial = VartimeMSM.straus(scalars: s, tables: tables, backend: .serial)
        for backend in Self.vectorBackends {
            #expect(
                same(VartimeMSM.straus(scalars: s, tables: tables, backend: backend), serial), "\(backend), \(count)")
        }
    }

    @Test func sizesAroundTheStrausLimit() {
        for count in [VartimeMSM.strausLimit - 1, VartimeMSM.strausLimit] {
            let s = scalars(count)
            let tables = points(count).map { OddMultiples($0) }
            let serial = VartimeMSM.pippenger(scalars: s, points: tables.map { $0.entries[0] })
            for backend in CurveBackend.supported {
                #expect(same(VartimeMSM.multiply(scalars: s, tables: tables, backend: backend), serial), "\(backend)")
            }
        }
    }

    @Test func splitScalarsMatchSerial() {
        let p = points(5)
        let scalars = [Scalar.zero, .one, -Scalar.one, .random(), .random()]
        let tables = p.map { OddMultiples($0) }
        let splits = p.map { point in
            [64, 128, 192].map { OddMultiples(point.doubled(times: $0)) }
        }
        let serial = VartimeMSM.multiply(scalars: scalars, tables: tables, splits: splits, backend: .serial)
        let direct = VartimeMSM.straus(scalars: scalars.map(\.bytes), tables: tables, backend: .serial)
        #expect(same(serial, direct))
        for backend in Self.vectorBackends {
            #expect(
                same(VartimeMSM.multiply(scalars: scalars, tables: tables, splits: splits, backend: backend), serial))
        }
    }

    @Test func fixedBaseBucketsMatchSerial() {
        let p = points(12)
        var fixed = FixedBaseTables()
        fixed.append(p)
        for count in [0, 1, 2, 12] {
            let s = scalars(count)
            let serial = fixed.multiply(scalars: s, backend: .serial)
            let straus = VartimeMSM.straus(
                scalars: s, tables: p.prefix(count).map { OddMultiples($0) }, backend: .serial)
            #expect(same(serial, straus), "\(count)")
            for backend in Self.vectorBackends {
                #expect(same(fixed.multiply(scalars: s, backend: backend), serial), "\(backend), \(count)")
            }
        }
    }

    @Test func vectorPathsRunWithoutFallingBack() {
        let s = scalars(3)
        let p = points(3)
        let tables = p.map { LookupTable($0) }
        let digits = (0..<64).flatMap { i in s.map { ConstantTimeMSM.radix16($0)[i] } }
        let flat = tables.flatMap(\.entries)
        let odd = p.map { OddMultiples($0) }
        let naf = (0..<256).flatMap { i in s.map { VartimeMSM.nonAdjacentForm($0)[i] } }
        let oddFlat = odd.flatMap(\.entries)
        var fixed = FixedBaseTables()
        fixed.append(p)
        var windowDigits = [Int16](repeating: 0, count: 3 * FixedBaseTables.windows)
        windowDigits.withUnsafeMutableBufferPointer { out in
            for i in 0..<3 { FixedBaseTables.signedDigits(s[i], into: out.baseAddress! + i * FixedBaseTables.windows) }
        }
        for backend in Self.vectorBackends {
            let ct = digits.withUnsafeBufferPointer { d in
                flat.withUnsafeBufferPointer { VectorMSM.constantTime(backend: backend, n: 3, digits: d, entries: $0) }
            }
            let straus = naf.withUnsafeBufferPointer { d in
                oddFlat.withUnsafeBufferPointer {
                    VectorMSM.straus(backend: backend, n: 3, naf: d, entries: $0, offsets: [0, 8, 16])
                }
            }
            let buckets = windowDigits.withUnsafeBufferPointer { d in
                fixed.entries.withUnsafeBufferPointer {
                    VectorMSM.buckets(
                        backend: backend, digits: d, entries: $0, bucketCount: 1 << (FixedBaseTables.width - 1))
                }
            }
            let expected = ConstantTimeMSM.multiply(scalars: s, tables: tables, backend: .serial)
            #expect(ct.map { same($0, expected) } == true, "\(backend)")
            #expect(straus.map { same($0, expected) } == true, "\(backend)")
            #expect(buckets.map { same($0, expected) } == true, "\(backend)")
            // An offset that leaves the table is refused, not read.
            let outside = naf.withUnsafeBufferPointer { d in
                oddFlat.withUnsafeBufferPointer {
                    VectorMSM.straus(backend: backend, n: 3, naf: d, entries: $0, offsets: [0, 8, 20])
                }
            }
            #expect(outside == nil)
        }
    }

    @Test func unsupportedBackendsFallBackToSerial() {
        let s = scalars(6)
        let p = points(6)
        let serial = ConstantTimeMSM.multiply(scalars: s, tables: p.map { LookupTable($0) }, backend: .serial)
        for backend in CurveBackend.allCases where !backend.isSupported {
            #expect(VectorMSM.code(backend) == nil)
            #expect(
                same(ConstantTimeMSM.multiply(scalars: s, tables: p.map { LookupTable($0) }, backend: backend), serial))
        }
    }
}

/// Range proofs made with one backend verify with every other. Switches the process-wide backend,
/// so the suite runs serially; every backend gives the same results, so other tests are unaffected.
@Suite(.serialized) struct RangeProofBackendTests {
    @Test func proofsCrossBackends() throws {
        let saved = CurveBackend.current
        defer { try? CurveBackend.select(saved) }
        let backends = CurveBackend.supported
        var proofs: [(RangeProof, [PedersenCommitment])] = []
        for backend in backends {
            try CurveBackend.select(backend)
            var t = Transcript(label: "vector msm")
            let values: [UInt64] = [0, UInt64.max]
            let (proof, commitments) = try RangeProof.prove(
                values: values, blindings: [.random(), .random()], bits: 64, transcript: &t)
            proofs.append((proof, commitments))
        }
        for (index, (proof, commitments)) in proofs.enumerated() {
            for backend in backends {
                try CurveBackend.select(backend)
                var t = Transcript(label: "vector msm")
                #expect(
                    proof.verify(commitments: commitments, bits: 64, transcript: &t),
                    "proved on \(backends[index]), verified on \(backend)")
            }
            // Swapped commitments fail, on the backend after the one that proved.
            try CurveBackend.select(backends[(index + 1) % backends.count])
            var t = Transcript(label: "vector msm")
            #expect(!proof.verify(commitments: [commitments[1], commitments[0]], bits: 64, transcript: &t))
        }
    }
}
