import DataFiRistretto
import PropertyBased
import Testing
import DataFiSupport
@testable import DataFiZK

/// Differential tests of the faster curve code paths (normalized constant-time tables, split
/// fixed-base tables, window choices) against libsodium and the plain paths.
@Suite struct FastPathTests {
    private func randomPoint() -> RistrettoPoint { Scalar.random() * RistrettoPoint.generator }

    @Test func normalizedLookupTablesMatchLibsodium() throws {
        for count in [1, 2, 9] {
            let scalars = (0..<count).map { i in i == 0 ? -Scalar.one : Scalar.random() }
            let points = (0..<count).map { _ in randomPoint() }
            let expected = try RistrettoPoint.multiscalarMultiply(scalars, points)
            // Mixed normalized and plain tables in one multiplication.
            let tables = points.enumerated().map { i, p in
                i % 2 == 0 ? LookupTable(EdwardsPoint(p)).normalized() : LookupTable(EdwardsPoint(p))
            }
            let result = ConstantTimeMSM.multiply(scalars: scalars.map(\.bytes), tables: tables)
            #expect(result.ristrettoBytes == expected.encoded)
        }
        let p = randomPoint()
        let table = LookupTable(EdwardsPoint(p)).normalized()
        #expect(table.affine)
        for x in Int8(-8)...8 {
            let scalar = x >= 0 ? Scalar(UInt64(x)) : -Scalar(UInt64(-Int(x)))
            let selected = EdwardsPoint.identity + table.select(x)
            #expect(selected.extended.ristrettoBytes == (scalar * p).encoded)
        }
    }

    @Test func splitTablesMatchLibsodium() throws {
        let gens = BulletproofGenerators.prefix(8)
        let split = BulletproofGenerators.splitTables(4..<8)
        #expect(split.g.count == 4 && split.h.count == 4)
        let again = BulletproofGenerators.splitTables(2..<8)
        for i in 0..<4 {
            #expect(again.g[i + 2][0].base.ristrettoBytes == split.g[i][0].base.ristrettoBytes)
        }
        let two64 = Scalar(UInt64(1) << 32) * Scalar(UInt64(1) << 32)
        #expect(split.g[0][0].base.ristrettoBytes == (two64 * gens.g[4]).encoded)
        #expect(split.h[3][2].base.ristrettoBytes == (two64 * two64 * two64 * gens.h[7]).encoded)
        for i in 0..<4 {
            for s in [Scalar.random(), .zero, .one, -Scalar.one, Scalar(UInt64.max)] {
                let g = VartimeMSM.multiply(scalars: [s], tables: [gens.gTables[4 + i]], splits: [split.g[i]])
                let h = VartimeMSM.multiply(scalars: [s], tables: [gens.hTables[4 + i]], splits: [split.h[i]])
                #expect(g.ristrettoBytes == (s * gens.g[4 + i]).encoded)
                #expect(h.ristrettoBytes == (s * gens.h[4 + i]).encoded)
            }
        }
    }

    @Test func multiSplitMatchesLibsodium() throws {
        let gens = BulletproofGenerators.prefix(8)
        let split = BulletproofGenerators.splitTables(2..<8)
        let scalars = [Scalar.random(), Scalar.random(), -Scalar.one]
        let indices = [2, 5, 7]
        let got = VartimeMSM.multiply(scalars: scalars, tables: indices.map { gens.gTables[$0] },
                                      splits: indices.map { split.g[$0 - 2] })
        let expected = try RistrettoPoint.multiscalarMultiply(scalars, indices.map { gens.g[$0] })
        #expect(got.ristrettoBytes == expected.encoded)
    }

    /// Proofs over every length exercise the first and second split foldings and the plain path.
    @Test func proofsOfEveryShapeVerify() throws {
        for (bits, count) in [(8, 1), (8, 2), (16, 1), (8, 4), (32, 2)] {
            let values = (0..<count).map { UInt64($0 * 3 + 1) }
            var t = Transcript(label: "fast-path")
            let (proof, commitments) = try RangeProof.prove(values: values, blindings: values.map { _ in .random() },
                                                            bits: bits, transcript: &t)
            var v = Transcript(label: "fast-path")
            #expect(proof.verify(commitments: commitments, bits: bits, transcript: &v))
        }
    }

    @Test func widthSixTablesMatchLibsodium() throws {
        for count in [1, 4, 30] {
            let scalars = (0..<count).map { i in i == 1 ? -Scalar.one : Scalar.random() }
            let points = (0..<count).map { _ in randomPoint() }
            let expected = try RistrettoPoint.multiscalarMultiply(scalars, points)
            // Width-6 and width-5 tables, plain and normalized, mixed in one multiplication.
            let tables = points.enumerated().map { i, p in
                let table = OddMultiples(EdwardsPoint(p), count: i % 2 == 0 ? 16 : 8)
                return i % 3 == 0 ? table.normalized() : table
            }
            #expect(tables[0].width == 6)
            let bytes = scalars.map(\.bytes)
            #expect(VartimeMSM.straus(scalars: bytes, tables: tables).ristrettoBytes == expected.encoded)
            #expect(VartimeMSM.multiply(scalars: bytes, tables: tables).ristrettoBytes == expected.encoded)
        }
        let p = randomPoint()
        let table = OddMultiples(EdwardsPoint(p), count: 16).normalized()
        for s in [Scalar.zero, .one, Scalar(31), Scalar(33), -Scalar.one, Scalar(UInt64.max)] {
            #expect(VartimeMSM.straus(scalars: [s.bytes], tables: [table]).ristrettoBytes == (s * p).encoded)
        }
    }

    @Test func pippengerWindowsMatchLibsodium() throws {
        // Sizes around the window-size thresholds, with some zero and tiny scalars.
        for count in [1, 3, 190, 600] {
            let scalars = (0..<count).map { i in i % 7 == 0 ? Scalar(UInt64(i)) : Scalar.random() }
            let points = (0..<count).map { _ in randomPoint() }
            let expected = try RistrettoPoint.multiscalarMultiply(scalars, points)
            let tables = points.map { OddMultiples(EdwardsPoint($0)).normalized() }
            let got = VartimeMSM.pippenger(scalars: scalars.map(\.bytes), points: tables.map { $0.entries[0] })
            #expect(got.ristrettoBytes == expected.encoded)
        }
    }

    @Test func pippengerSplitAcrossThreadsAgrees() throws {
        let count = 1100
        let scalars = (0..<count).map { i in i % 5 == 0 ? -Scalar(UInt64(i)) : Scalar.random() }
        let points = (0..<count).map { _ in randomPoint() }
        let expected = try RistrettoPoint.multiscalarMultiply(scalars, points)
        let niels = points.map { EdwardsPoint($0).niels }
        let saved = Parallelism.limit
        defer { Parallelism.limit = saved }
        for threads in [1, 2] {
            Parallelism.limit = threads
            #expect(VartimeMSM.pippenger(scalars: scalars.map(\.bytes), points: niels).ristrettoBytes == expected.encoded)
        }
    }

    @Test func plainLookupSelectsEveryDigit() {
        let p = randomPoint()
        let table = LookupTable(EdwardsPoint(p))
        #expect(!table.affine)
        for x in Int8(-8)...8 {
            let scalar = x >= 0 ? Scalar(UInt64(x)) : -Scalar(UInt64(-Int(x)))
            #expect((EdwardsPoint.identity + table.select(x)).extended.ristrettoBytes == (scalar * p).encoded)
        }
    }

    @Test func nielsLayoutMatchesTheVectorLoads() {
        // The constant-time lookups load Niels points as 8-byte words at these offsets.
        #expect(MemoryLayout<EdwardsPoint.Niels>.offset(of: \.yPlusX) == 0)
        #expect(MemoryLayout<EdwardsPoint.Niels>.offset(of: \.yMinusX) == 40)
        #expect(MemoryLayout<EdwardsPoint.Niels>.offset(of: \.z) == 80)
        #expect(MemoryLayout<EdwardsPoint.Niels>.offset(of: \.t2d) == 120)
        #expect(LookupTable.entryStride >= 160)
    }

    @Test func signedWindowDigitsRecombine() async {
        let w = FixedBaseTables.width
        let radix = Scalar(UInt64(1) << UInt64(w))
        await propertyCheck(count: 200, input: Gen.uint8().array(of: 64...64)) { wide throws in
            let s = try Scalar(reducing: wide)
            var digits = [Int16](repeating: 0, count: FixedBaseTables.windows)
            digits.withUnsafeMutableBufferPointer { FixedBaseTables.signedDigits(s.bytes, into: $0.baseAddress!) }
            var sum = Scalar.zero, weight = Scalar.one
            for d in digits {
                #expect(abs(Int(d)) <= 1 << (w - 1))
                let term = d >= 0 ? Scalar(UInt64(d)) : -Scalar(UInt64(-Int(d)))
                sum = sum + term * weight
                weight = weight * radix
            }
            #expect(sum == s)
        }
    }

    @Test func fixedBaseTablesMatchLibsodium() throws {
        let points = (0..<5).map { _ in randomPoint() }
        var tables = FixedBaseTables()
        // Appended in two steps, as the generator cache grows.
        tables.append(points.prefix(3).map { EdwardsPoint($0) })
        tables.append(points.suffix(2).map { EdwardsPoint($0) })
        #expect(tables.count == 5)
        let edge: [Scalar] = [.zero, .one, -Scalar.one, Scalar(2048), Scalar(2049)]
        for scalars in [(0..<5).map { _ in Scalar.random() }, edge, [Scalar](repeating: .zero, count: 5)] {
            let expected = try RistrettoPoint.multiscalarMultiply(scalars, points)
            #expect(tables.multiply(scalars: scalars.map(\.bytes)).ristrettoBytes == expected.encoded)
        }
        // Fewer scalars than points use the first points.
        let two = [Scalar.random(), -Scalar.one]
        let expected = try RistrettoPoint.multiscalarMultiply(two, Array(points.prefix(2)))
        #expect(tables.multiply(scalars: two.map(\.bytes)).ristrettoBytes == expected.encoded)
    }

    @Test func fixedBaseSplitAcrossThreadsAgrees() throws {
        // Enough points that the work is split into ranges with their own buckets.
        let count = 300
        let gens = BulletproofGenerators.prefix(count)
        let tables = BulletproofGenerators.fixedTables(count)
        let pc = PedersenGenerators.standard
        var points = [pc.g, pc.h]
        for i in 0..<count { points += [gens.g[i], gens.h[i]] }
        let scalars = points.indices.map { i in i % 11 == 0 ? Scalar(UInt64(i)) : Scalar.random() }
        let expected = try RistrettoPoint.multiscalarMultiply(scalars, points)
        let saved = Parallelism.limit
        defer { Parallelism.limit = saved }
        for threads in [1, 2, 3] {
            Parallelism.limit = threads
            #expect(tables.multiply(scalars: scalars.map(\.bytes)).ristrettoBytes == expected.encoded)
        }
    }

    @Test func proofsAgreeWithAnyThreadLimit() throws {
        let saved = Parallelism.limit
        defer { Parallelism.limit = saved }
        // Proved with one thread limit and verified with the other; 4×32 bits is large enough for
        // the verifier's fixed-base path.
        for (prover, verifier) in [(1, 2), (2, 1)] {
            Parallelism.limit = prover
            var t = Transcript(label: "threads")
            let (proof, commitments) = try RangeProof.prove(values: [7, 1 << 31, 0, UInt64(UInt32.max)],
                                                            blindings: (0..<4).map { _ in .random() }, bits: 32,
                                                            transcript: &t)
            Parallelism.limit = verifier
            var v = Transcript(label: "threads")
            #expect(proof.verify(commitments: commitments, bits: 32, transcript: &v))
            var wrong = Transcript(label: "threads")
            #expect(!proof.verify(commitments: commitments.reversed(), bits: 32, transcript: &wrong))
        }
        Parallelism.limit = 0
        #expect(Parallelism.limit == 1)
        Parallelism.limit = -3
        #expect(Parallelism.limit == 1)
    }

    @Test func parallelMapKeepsOrderForAnyLimit() {
        let saved = Parallelism.limit
        defer { Parallelism.limit = saved }
        for threads in [1, 2, 3, 64] {
            Parallelism.limit = threads
            for count in [0, 1, 2, 5, 100] {
                #expect(ZKParallel.map(count) { $0 * $0 } == (0..<count).map { $0 * $0 })
            }
            let (a, b) = ZKParallel.pair({ 6 * 7 }, { "side" })
            #expect(a == 42 && b == "side")
        }
    }
}
