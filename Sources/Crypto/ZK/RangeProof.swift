import DataFiSupport
import DataFiRistretto

/// A Bulletproofs range proof (Bünz et al. 2018) that each of m committed values lies in [0, 2^n),
/// for n ∈ {8, 16, 32, 64} and m a power of two up to 64, in 32·(2·log2(n·m) + 9) bytes
/// (672 bytes for one 64-bit value).
///
/// Encoding: A ‖ S ‖ T1 ‖ T2 ‖ t_x ‖ t_x_blinding ‖ e_blinding ‖ (L_j ‖ R_j)… ‖ a ‖ b, each 32 bytes.
public struct RangeProof: Sendable, Equatable {
    let a: CompressedPoint
    let s: CompressedPoint
    let t1: CompressedPoint
    let t2: CompressedPoint
    let tx: Scalar
    let txBlinding: Scalar
    let eBlinding: Scalar
    let ipp: InnerProductProof

    /// The supported bit widths.
    public static let supportedBitWidths: Set<Int> = [8, 16, 32, 64]
    /// The largest number of values one proof may aggregate.
    public static let maxAggregation = 64

    /// The size in bytes of a proof for `count` values of `bits` bits.
    public static func byteCount(bits: Int, count: Int) -> Int {
        32 * (2 * (bits * count).trailingZeroBitCount + 9)
    }

    static func checkShape(bits: Int, count: Int) throws(ZKError) {
        guard supportedBitWidths.contains(bits) else { throw .unsupportedBitWidth(bits) }
        guard count >= 1, count <= maxAggregation, count & (count - 1) == 0 else { throw .unsupportedAggregation(count) }
    }

    // MARK: Proving

    /// Proves that `value` < 2^bits and returns the proof with the commitment `value·g + blinding·h`.
    /// - Throws: `ZKError.unsupportedBitWidth`, or `.valueOutOfRange` when the value does not fit.
    public static func prove(value: UInt64, blinding: Scalar, bits: Int,
                             transcript: inout Transcript) throws(ZKError) -> (proof: RangeProof, commitment: PedersenCommitment) {
        let (proof, commitments) = try prove(values: [value], blindings: [blinding], bits: bits, transcript: &transcript)
        return (proof, commitments[0])
    }

    /// Proves that every value is below 2^bits, aggregated into one proof; returns one commitment per value.
    ///
    /// Secret-dependent work is constant time: the commitments use libsodium; the bit commitment A
    /// adds G_i or −H_i chosen with a constant-time select; every other product with a secret scalar
    /// (S, T1, T2, the inner-product rounds) uses the constant-time multiscalar multiplication
    /// (fixed radix-16 windows, masked table lookups, branch-free arithmetic). Only the folding of
    /// the public generators by the public challenges uses variable-time arithmetic. Independent
    /// multiplications run side by side on up to `Parallelism.limit` (DataFiSupport) threads.
    /// - Throws: `ZKError.unsupportedBitWidth`, `.unsupportedAggregation` (count not a power of two in
    ///   1...64), `.countMismatch` (values vs blindings), `.valueOutOfRange`, `.zeroChallenge` when a
    ///   Fiat–Shamir challenge is zero (probability about 2⁻²⁵²; prove again with fresh blindings).
    public static func prove(values: [UInt64], blindings: [Scalar], bits n: Int,
                             transcript: inout Transcript) throws(ZKError) -> (proof: RangeProof, commitments: [PedersenCommitment]) {
        let m = values.count
        try checkShape(bits: n, count: m)
        guard blindings.count == m else { throw .countMismatch(expected: m, actual: blindings.count) }
        for (index, v) in values.enumerated() where n < 64 && v >> UInt64(n) != 0 {
            throw .valueOutOfRange(index: index)
        }
        let nm = n * m
        let pc = PedersenGenerators.standard
        let gens = BulletproofGenerators.prefix(nm)
        let commitments = zip(values, blindings).map { pc.commit(value: Scalar($0), blinding: $1) }

        domainSeparate(&transcript, n: n, m: m)
        for v in commitments { transcript.append(label: "V", v.point) }

        // A = α·h + Σ (bit ? G_i : −H_i), the selection in constant time.
        let alpha = Scalar.random()
        var accumulator = ConstantTimeMSM.multiply(scalars: [alpha.bytes], tables: [pc.hLookup])
        var aL = [Scalar](), aR = [Scalar]()
        aL.reserveCapacity(nm)
        aR.reserveCapacity(nm)
        for i in 0..<nm {
            let bit = (values[i / n] >> UInt64(i % n)) & 1
            let chosen = EdwardsPoint.Niels.select(gens.hTables[i].entries[0].negated, gens.gTables[i].entries[0],
                                                   UInt8(truncatingIfNeeded: bit))
            accumulator = (accumulator + chosen).extended
            let bitScalar = Scalar(bit)
            aL.append(bitScalar)
            aR.append(bitScalar - .one)
        }
        let bigA = CompressedPoint(accumulator)

        // S = ρ·h + <s_L, G> + <s_R, H> with random s_L, s_R.
        let rho = Scalar.random()
        let sL = (0..<nm).map { _ in Scalar.random() }
        let sR = (0..<nm).map { _ in Scalar.random() }
        // Two halves side by side: ρ·h + <s_L, G>, and <s_R, H>.
        let (sLeft, sRight) = ZKParallel.pair(
            { ConstantTimeMSM.multiply(scalars: ([rho] + sL).map(\.bytes), tables: [pc.hLookup] + gens.gLookups) },
            { ConstantTimeMSM.multiply(scalars: sR.map(\.bytes), tables: gens.hLookups) })
        let bigS = CompressedPoint(sLeft + sRight)

        transcript.append(label: "A", bigA.bytes)
        transcript.append(label: "S", bigS.bytes)
        let y = transcript.challengeScalar(label: "y")
        let z = transcript.challengeScalar(label: "z")

        // l(X) = (a_L − z) + s_L·X ; r(X) = y^i ∘ (a_R + z + s_R·X) + z^(2+j)·2^(i mod n).
        let yPowers = ScalarMath.powers(y, count: nm)
        let zPowers = ScalarMath.powers(z, count: m + 2)
        var l0 = [Scalar](), l1 = sL, r0 = [Scalar](), r1 = [Scalar]()
        l0.reserveCapacity(nm); r0.reserveCapacity(nm); r1.reserveCapacity(nm)
        for i in 0..<nm {
            let twoPower = Scalar(UInt64(1) << UInt64(i % n))
            l0.append(aL[i] - z)
            r0.append(yPowers[i] * (aR[i] + z) + zPowers[2 + i / n] * twoPower)
            r1.append(yPowers[i] * sR[i])
        }
        let t0 = ScalarMath.innerProduct(l0[...], r0[...])
        let t2 = ScalarMath.innerProduct(l1[...], r1[...])
        var sumL = [Scalar](), sumR = [Scalar]()
        sumL.reserveCapacity(nm); sumR.reserveCapacity(nm)
        for i in 0..<nm {
            sumL.append(l0[i] + l1[i])
            sumR.append(r0[i] + r1[i])
        }
        let t1 = ScalarMath.innerProduct(sumL[...], sumR[...]) - t0 - t2

        let tau1 = Scalar.random(), tau2 = Scalar.random()
        let (pointT1, pointT2) = ZKParallel.pair(
            { ConstantTimeMSM.multiply(scalars: [t1.bytes, tau1.bytes], tables: [pc.gLookup, pc.hLookup]) },
            { ConstantTimeMSM.multiply(scalars: [t2.bytes, tau2.bytes], tables: [pc.gLookup, pc.hLookup]) })
        let bigT1 = CompressedPoint(pointT1), bigT2 = CompressedPoint(pointT2)
        transcript.append(label: "T_1", bigT1.bytes)
        transcript.append(label: "T_2", bigT2.bytes)
        let x = transcript.challengeScalar(label: "x")

        let tx = t0 + t1 * x + t2 * x * x
        var txBlinding = tau2 * x * x + tau1 * x
        for j in 0..<m { txBlinding = txBlinding + zPowers[2 + j] * blindings[j] }
        let eBlinding = alpha + rho * x
        transcript.append(label: "t_x", tx)
        transcript.append(label: "t_x_blinding", txBlinding)
        transcript.append(label: "e_blinding", eBlinding)
        let w = transcript.challengeScalar(label: "w")
        let q = VartimeMSM.straus(scalars: [w.bytes], tables: [pc.gTable])  // w is public

        var lVector = [Scalar](), rVector = [Scalar]()
        lVector.reserveCapacity(nm); rVector.reserveCapacity(nm)
        for i in 0..<nm {
            lVector.append(l0[i] + l1[i] * x)
            rVector.append(r0[i] + r1[i] * x)
        }
        // y is a hash output; zero has probability 2^-252 and is reported, never replaced.
        let yInverse: Scalar
        do { yInverse = try y.inverse() } catch { throw .zeroChallenge }
        // Public tables that make the first folding of the generators cheaper (cached).
        let split = BulletproofGenerators.splitTables(nm / 4..<nm)
        let ipp = try InnerProductProof.prove(
            q: q, gFactors: [Scalar](repeating: .one, count: nm), hFactors: ScalarMath.powers(yInverse, count: nm),
            gLookups: gens.gLookups, hLookups: gens.hLookups, gTables: gens.gTables, hTables: gens.hTables,
            gSplit: split.g, hSplit: split.h,
            gFactorInverses: [Scalar](repeating: .one, count: nm), hFactorInverses: yPowers, a: lVector, b: rVector, transcript: &transcript)
        let proof = RangeProof(a: bigA, s: bigS, t1: bigT1, t2: bigT2, tx: tx, txBlinding: txBlinding,
                               eBlinding: eBlinding, ipp: ipp)
        return (proof, commitments)
    }

    private static func domainSeparate(_ transcript: inout Transcript, n: Int, m: Int) {
        transcript.append(label: "dom-sep", Array("rangeproof v1".utf8))
        transcript.append(label: "n", UInt64(n))
        transcript.append(label: "m", UInt64(m))
    }

    // MARK: Verifying

    /// The weighted terms of one proof's verification equation Σ scalar·point = identity.
    struct VerificationTerms {
        var g: Scalar
        var h: Scalar
        var gVector: [Scalar]
        var hVector: [Scalar]
        var dynamicScalars: [Scalar]
        var dynamicPoints: [EdwardsPoint]
    }

    /// Replays the transcript and folds every check of the proof, weighted by `weight`, into terms of
    /// one multiscalar multiplication. Nil when the proof is structurally invalid.
    func verificationTerms(commitments: [PedersenCommitment], bits n: Int, transcript: inout Transcript,
                           weight: Scalar?) -> VerificationTerms? {
        // A nil weight means 1 and saves a multiplication per scalar.
        @inline(__always) func weighted(_ s: Scalar) -> Scalar { weight.map { $0 * s } ?? s }
        let m = commitments.count
        guard (try? Self.checkShape(bits: n, count: m)) != nil else { return nil }
        let nm = n * m
        guard ipp.l.count == nm.trailingZeroBitCount else { return nil }
        let decodedCommitments = commitments.map { EdwardsPoint($0.point) }

        Self.domainSeparate(&transcript, n: n, m: m)
        for v in commitments { transcript.append(label: "V", v.point) }
        guard !a.isIdentity, !s.isIdentity, !t1.isIdentity, !t2.isIdentity else { return nil }
        transcript.append(label: "A", a.bytes)
        transcript.append(label: "S", s.bytes)
        let y = transcript.challengeScalar(label: "y")
        let z = transcript.challengeScalar(label: "z")
        transcript.append(label: "T_1", t1.bytes)
        transcript.append(label: "T_2", t2.bytes)
        let x = transcript.challengeScalar(label: "x")
        transcript.append(label: "t_x", tx)
        transcript.append(label: "t_x_blinding", txBlinding)
        transcript.append(label: "e_blinding", eBlinding)
        let w = transcript.challengeScalar(label: "w")
        guard let (uSquared, uInverseSquared, sVector) = ipp.verificationScalars(count: nm, transcript: &transcript),
              let yInverse = try? y.inverse() else { return nil }

        // c folds the polynomial check t(x) into the same equation as the inner-product check.
        let c = Scalar.random()
        let zz = z * z
        let minusZ = -z
        let yInversePowers = ScalarMath.powers(yInverse, count: nm)
        let zPowers = ScalarMath.powers(z, count: m + 3)
        let twoPowers = ScalarMath.powers(Scalar(2), count: n)
        var gVector = [Scalar](), hVector = [Scalar]()
        gVector.reserveCapacity(nm); hVector.reserveCapacity(nm)
        let ippA = ipp.a
        let zzPowers = zPowers.map { zz * $0 }
        for i in 0..<nm {
            gVector.append(weighted(minusZ - ippA * sVector[i]))
            let zAnd2 = zzPowers[i / n] * twoPowers[i % n]
            hVector.append(weighted(z + yInversePowers[i] * (zAnd2 - ipp.b * sVector[nm - 1 - i])))
        }
        // δ(y, z) = (z − z²)·Σ y^i − Σ_j z^(j+3)·(2^n − 1).
        var sumY = Scalar.zero
        var yPower = Scalar.one
        for _ in 0..<nm {
            sumY = sumY + yPower
            yPower = yPower * y
        }
        let twoNMinusOne = Scalar(n == 64 ? UInt64.max : (UInt64(1) << UInt64(n)) - 1)
        var delta = (z - zz) * sumY
        for j in 0..<m { delta = delta - zPowers[j + 3] * twoNMinusOne }

        let gScalar = weighted(w * (tx - ipp.a * ipp.b) + c * (delta - tx))
        let hScalar = weighted(-eBlinding - c * txBlinding)
        var scalars: [Scalar] = [weighted(.one), weighted(x), weighted(c * x), weighted(c * x * x)]
        var points: [EdwardsPoint] = [a.decoded, s.decoded, t1.decoded, t2.decoded]
        for j in 0..<ipp.l.count {
            scalars.append(weighted(uSquared[j]))
            points.append(ipp.l[j].decoded)
            scalars.append(weighted(uInverseSquared[j]))
            points.append(ipp.r[j].decoded)
        }
        let cWeightZZ = weighted(c * zz)
        for j in 0..<m {
            scalars.append(cWeightZZ * zPowers[j])
            points.append(decodedCommitments[j])
        }
        return VerificationTerms(g: gScalar, h: hScalar, gVector: gVector, hVector: hVector,
                                 dynamicScalars: scalars, dynamicPoints: points)
    }

    /// True when the proof shows every committed value is below 2^bits. Never throws or traps on
    /// any input; variable time (all inputs are public). One multiscalar multiplication; large ones
    /// use the generators' cached window tables and up to `Parallelism.limit` (DataFiSupport) threads.
    public func verify(commitments: [PedersenCommitment], bits: Int, transcript: inout Transcript) -> Bool {
        Self.verifyBatch([(self, commitments, bits, transcript)])
    }

    /// True when the proof shows `commitment` hides a value below 2^bits.
    public func verify(commitment: PedersenCommitment, bits: Int, transcript: inout Transcript) -> Bool {
        verify(commitments: [commitment], bits: bits, transcript: &transcript)
    }

    /// Verifies many proofs with one combined multiscalar multiplication: each proof's equation is
    /// multiplied by an independent random weight, so a batch passes only if (with overwhelming
    /// probability) every proof does. Each transcript must be in the state its prover started from.
    public static func verifyBatch(_ items: [(proof: RangeProof, commitments: [PedersenCommitment], bits: Int, transcript: Transcript)]) -> Bool {
        guard !items.isEmpty else { return true }
        // Each proof's transcript replay, point decoding and scalars are independent of the others'.
        let replayed = ZKParallel.map(items.count) { index -> VerificationTerms? in
            let item = items[index]
            var transcript = item.transcript
            let weight: Scalar? = index == 0 ? nil : Scalar.random()
            return item.proof.verificationTerms(commitments: item.commitments, bits: item.bits,
                                                transcript: &transcript, weight: weight)
        }
        var maxCount = 0
        var allTerms = [VerificationTerms]()
        allTerms.reserveCapacity(items.count)
        for terms in replayed {
            guard let terms else { return false }
            maxCount = max(maxCount, terms.gVector.count)
            allTerms.append(terms)
        }
        let pc = PedersenGenerators.standard
        let gens = BulletproofGenerators.prefix(maxCount)
        var gScalar = Scalar.zero, hScalar = Scalar.zero
        var gVector = [Scalar](repeating: .zero, count: maxCount)
        var hVector = [Scalar](repeating: .zero, count: maxCount)
        var dynamicScalars = [Scalar](), dynamicPoints = [EdwardsPoint]()
        for terms in allTerms {
            gScalar = gScalar + terms.g
            hScalar = hScalar + terms.h
            if allTerms.count == 1 {
                gVector = terms.gVector
                hVector = terms.hVector
            } else {
                for i in 0..<terms.gVector.count {
                    gVector[i] = gVector[i] + terms.gVector[i]
                    hVector[i] = hVector[i] + terms.hVector[i]
                }
            }
            dynamicScalars += terms.dynamicScalars
            dynamicPoints += terms.dynamicPoints
        }
        let sum: EdwardsPoint
        if 2 + 2 * maxCount + dynamicScalars.count < VartimeMSM.strausLimit {
            let scalars = ([gScalar, hScalar] + gVector + hVector + dynamicScalars).map(\.bytes)
            let fixedTables = [pc.gTable, pc.hTable] + gens.gTables + gens.hTables
            sum = VartimeMSM.straus(scalars: scalars, tables: fixedTables + dynamicPoints.map { OddMultiples($0) })
        } else {
            // The generators' window tables remove every doubling; the proof's own points take the
            // bucket method, or Straus when they are few.
            var fixedScalars = [[UInt8]]()
            fixedScalars.reserveCapacity(2 + 2 * maxCount)
            fixedScalars += [gScalar.bytes, hScalar.bytes]
            for i in 0..<maxCount {
                fixedScalars.append(gVector[i].bytes)
                fixedScalars.append(hVector[i].bytes)
            }
            let fixedSum = BulletproofGenerators.fixedTables(maxCount).multiply(scalars: fixedScalars)
            let scalars = dynamicScalars.map(\.bytes)
            let dynamicSum = scalars.count < VartimeMSM.strausLimit
                ? VartimeMSM.straus(scalars: scalars, tables: dynamicPoints.map { OddMultiples($0) })
                : VartimeMSM.pippenger(scalars: scalars, points: dynamicPoints.map(\.niels))
            sum = fixedSum + dynamicSum
        }
        return sum.ristrettoEquals(.identity)
    }

    // MARK: Encoding

    /// The canonical encoding, 32·(2·log2(n·m) + 9) bytes.
    public var bytes: [UInt8] {
        var out = a.bytes + s.bytes + t1.bytes + t2.bytes
        out += tx.bytes + txBlinding.bytes + eBlinding.bytes
        for j in 0..<ipp.l.count { out += ipp.l[j].bytes + ipp.r[j].bytes }
        out += ipp.a.bytes + ipp.b.bytes
        return out
    }

    /// Decodes a proof, checking its size and that every point and scalar is canonical.
    /// - Throws: `ZKError.malformedProof` for an impossible size, `.invalidPoint`, `.nonCanonicalScalar`.
    public init(bytes: some Collection<UInt8>) throws(ZKError) {
        let count = bytes.count
        guard count % 32 == 0, count >= 32 * 11 else {
            throw .malformedProof("size \(count) is not 32·(2k + 9) for k ≥ 1")
        }
        let rounds = (count / 32 - 9) / 2
        guard (count / 32 - 9) % 2 == 0, rounds <= 12 else {
            throw .malformedProof("size \(count) is not 32·(2k + 9) for k ≤ 12")
        }
        var reader = ZKReader(Array(bytes))
        a = try reader.point()
        s = try reader.point()
        t1 = try reader.point()
        t2 = try reader.point()
        tx = try reader.scalar()
        txBlinding = try reader.scalar()
        eBlinding = try reader.scalar()
        var ls = [CompressedPoint](), rs = [CompressedPoint]()
        for _ in 0..<rounds {
            ls.append(try reader.point())
            rs.append(try reader.point())
        }
        ipp = InnerProductProof(l: ls, r: rs, a: try reader.scalar(), b: try reader.scalar())
    }

    init(a: CompressedPoint, s: CompressedPoint, t1: CompressedPoint, t2: CompressedPoint, tx: Scalar,
         txBlinding: Scalar, eBlinding: Scalar, ipp: InnerProductProof) {
        self.a = a; self.s = s; self.t1 = t1; self.t2 = t2
        self.tx = tx; self.txBlinding = txBlinding; self.eBlinding = eBlinding; self.ipp = ipp
    }
}
