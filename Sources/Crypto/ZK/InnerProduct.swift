import DataFiRistretto

/// Scalar helpers shared by the proofs.
enum ScalarMath {
    /// 1, x, x², …, x^(count−1).
    static func powers(_ x: Scalar, count: Int) -> [Scalar] {
        var out = [Scalar]()
        out.reserveCapacity(count)
        var current = Scalar.one
        for _ in 0..<count {
            out.append(current)
            current = current * x
        }
        return out
    }

    static func innerProduct(_ a: ArraySlice<Scalar>, _ b: ArraySlice<Scalar>) -> Scalar {
        var sum = Scalar.zero
        for (x, y) in zip(a, b) { sum = sum + x * y }
        return sum
    }

    /// Inverts every element with one field inversion (Montgomery's trick); nil if any is zero.
    static func batchInvert(_ values: [Scalar]) -> [Scalar]? {
        guard !values.isEmpty else { return [] }
        var prefix = [Scalar]()
        prefix.reserveCapacity(values.count)
        var acc = Scalar.one
        for v in values {
            prefix.append(acc)
            acc = acc * v
        }
        guard var inverse = try? acc.inverse() else { return nil }
        var out = [Scalar](repeating: .zero, count: values.count)
        for i in stride(from: values.count - 1, through: 0, by: -1) {
            out[i] = inverse * prefix[i]
            inverse = inverse * values[i]
        }
        return out
    }
}

/// The logarithmic inner-product argument of Bulletproofs (Bünz et al. 2018, §3): proves knowledge of
/// vectors a, b with P = <a, G'> + <b, H'> + <a, b>·Q using log2(n) pairs (L, R) and two scalars.
struct InnerProductProof: Sendable, Equatable {
    var l: [CompressedPoint]
    var r: [CompressedPoint]
    var a: Scalar
    var b: Scalar

    /// Creates the proof. `a` and `b` are secret: L and R are computed with the constant-time
    /// multiscalar multiplication (fixed radix-16 windows, masked table lookups). The generators and
    /// the challenges are public, so the generators are folded with variable-time arithmetic.
    /// `gFactors`/`hFactors` scale the generators (G'_i = gFactors_i·G_i) without computing them.
    /// `gLookups`/`hLookups` are the generators' constant-time tables, `gTables`/`hTables` their
    /// variable-time ones. `gSplit`/`hSplit`, when given, hold for the last generators (index
    /// n − count + i at [i]; the upper half or the upper three quarters) the tables of their 2^64,
    /// 2^128 and 2^192 multiples (`BulletproofGenerators.splitTables`): with the upper half the
    /// first folding is about three times cheaper, with three quarters the second one as well.
    /// - Throws: `ZKError.zeroChallenge` when a challenge u is zero (probability about 2⁻²⁵²).
    static func prove(q: EdwardsPoint, gFactors: [Scalar], hFactors: [Scalar],
                      gLookups: [LookupTable], hLookups: [LookupTable],
                      gTables: [OddMultiples], hTables: [OddMultiples],
                      gSplit: [[OddMultiples]] = [], hSplit: [[OddMultiples]] = [],
                      gFactorInverses: [Scalar]? = nil, hFactorInverses: [Scalar]? = nil,
                      a: [Scalar], b: [Scalar], transcript: inout Transcript) throws(ZKError) -> InnerProductProof {
        var n = gLookups.count
        let fullCount = n
        let originalTables = gTables, originalHTables = hTables
        let splitOffset = fullCount - gSplit.count
        // ρ of the first folding: G'_i = G_i + firstRhoG[i]·G_{n/2+i} (likewise H).
        var firstRhoG = [Scalar](), firstRhoH = [Scalar]()
        var round = 0
        precondition(n > 0 && n & (n - 1) == 0 && hLookups.count == n && a.count == n && b.count == n,
                     "inner-product vectors must have one power-of-two length")
        transcript.append(label: "dom-sep", Array("ipp v1".utf8))
        transcript.append(label: "n", UInt64(n))
        var a = a, b = b
        var gLookups = gLookups, hLookups = hLookups
        // Cached tables exist for the original generators only; later rounds build them on demand.
        var gPoints = gTables.map(\.base), hPoints = hTables.map(\.base)
        var gTables: [OddMultiples?] = gTables, hTables: [OddMultiples?] = hTables
        var gF = gFactors, hF = hFactors
        // The factors' inverses are tracked along with them (one multiplication per factor and round
        // instead of a batch inversion per round). Factors are non-zero by construction.
        var gFInverse = gFactorInverses ?? ScalarMath.batchInvert(gFactors) ?? gFactors
        var hFInverse = hFactorInverses ?? ScalarMath.batchInvert(hFactors) ?? hFactors
        precondition(gFInverse.count == gF.count && hFInverse.count == hF.count, "one inverse per factor")
        var ls = [CompressedPoint](), rs = [CompressedPoint]()
        let qLookup = LookupTable(q)
        while n > 1 {
            n /= 2
            let cL = ScalarMath.innerProduct(a[0..<n], b[n..<2 * n])
            let cR = ScalarMath.innerProduct(a[n..<2 * n], b[0..<n])
            var lScalars = [[UInt8]](), rScalars = [[UInt8]]()
            lScalars.reserveCapacity(2 * n + 1)
            rScalars.reserveCapacity(2 * n + 1)
            for i in 0..<n { lScalars.append((a[i] * gF[n + i]).bytes) }
            for i in 0..<n { lScalars.append((b[n + i] * hF[i]).bytes) }
            lScalars.append(cL.bytes)
            for i in 0..<n { rScalars.append((a[n + i] * gF[i]).bytes) }
            for i in 0..<n { rScalars.append((b[i] * hF[n + i]).bytes) }
            rScalars.append(cR.bytes)
            let lTables = Array(gLookups[n..<2 * n]) + Array(hLookups[0..<n]) + [qLookup]
            let rTables = Array(gLookups[0..<n]) + Array(hLookups[n..<2 * n]) + [qLookup]
            let (lPoint, rPoint) = ZKParallel.pair(
                { [lScalars] in ConstantTimeMSM.multiply(scalars: lScalars, tables: lTables) },
                { [rScalars] in ConstantTimeMSM.multiply(scalars: rScalars, tables: rTables) })
            let lc = CompressedPoint(lPoint), rc = CompressedPoint(rPoint)
            ls.append(lc)
            rs.append(rc)
            transcript.append(label: "L", lc.bytes)
            transcript.append(label: "R", rc.bytes)
            let u = transcript.challengeScalar(label: "u")
            // u is a hash output; zero has probability 2^-252 and is reported, never replaced.
            let uInv: Scalar
            do { uInv = try u.inverse() } catch { throw .zeroChallenge }
            for i in 0..<n {
                a[i] = a[i] * u + uInv * a[n + i]
                b[i] = b[i] * uInv + u * b[n + i]
            }
            a.removeLast(n)
            b.removeLast(n)
            guard n > 1 else { break }
            // Fold the public generators with one variable-time multiplication per point:
            // u⁻¹·gF_i·G_i + u·gF_{n+i}·G_{n+i} = (u⁻¹·gF_i)·(G_i + ρ_i·G_{n+i}), ρ_i = u²·gF_{n+i}/gF_i;
            // the new point is G_i + ρ_i·G_{n+i} and its factor u⁻¹·gF_i stays in the scalars.
            // H likewise with u and u⁻¹ exchanged. Factors are products of non-zero challenges.
            let gInverse = gFInverse, hInverse = hFInverse
            let uSquared = u * u, uInverseSquared = uInv * uInv
            var rhoG = [Scalar](), rhoH = [Scalar]()
            var newGF = [Scalar](), newHF = [Scalar]()
            var newGFInverse = [Scalar](), newHFInverse = [Scalar]()
            rhoG.reserveCapacity(n); rhoH.reserveCapacity(n)
            newGF.reserveCapacity(n); newHF.reserveCapacity(n)
            newGFInverse.reserveCapacity(n); newHFInverse.reserveCapacity(n)
            for i in 0..<n {
                rhoG.append(uSquared * gF[n + i] * gInverse[i])
                rhoH.append(uInverseSquared * hF[n + i] * hInverse[i])
                newGF.append(uInv * gF[i])
                newHF.append(u * hF[i])
                newGFInverse.append(u * gInverse[i])
                newHFInverse.append(uInv * hInverse[i])
            }
            round += 1
            let splitFirst = round == 1 && hSplit.count == gSplit.count && splitOffset <= n
            // Second folding: G'_{n+i} = G_{n+i} + firstRhoG[n+i]·G_{3n+i} are fresh points, but both
            // originals have split tables, so ρ·G'_{n+i} costs one pass of 64 doublings.
            let splitSecond = round == 2 && hSplit.count == gSplit.count && splitOffset <= n
                && firstRhoG.count == 2 * n && firstRhoH.count == 2 * n
            let half = n
            // G and H fold side by side; each side is the same public computation.
            @Sendable func fold(points: [EdwardsPoint], tables: [OddMultiples?], original: [OddMultiples],
                                split: [[OddMultiples]], rho: [Scalar], firstRho: [Scalar]) -> [EdwardsPoint] {
                var out = [EdwardsPoint]()
                out.reserveCapacity(half)
                for i in 0..<half {
                    if splitFirst, let high = tables[half + i] {
                        let k = half + i - splitOffset
                        out.append(points[i] + VartimeMSM.multiply(scalars: [rho[i]], tables: [high], splits: [split[k]]))
                    } else if splitSecond {
                        let low = half + i, high = 3 * half + i
                        out.append(points[i] + VartimeMSM.multiply(
                            scalars: [rho[i], rho[i] * firstRho[low]], tables: [original[low], original[high]],
                            splits: [split[low - splitOffset], split[high - splitOffset]]))
                    } else {
                        let high = tables[half + i] ?? OddMultiples(points[half + i])
                        out.append(points[i] + VartimeMSM.straus(scalars: [rho[i].bytes], tables: [high]))
                    }
                }
                return out
            }
            if splitFirst {
                firstRhoG = rhoG
                firstRhoH = rhoH
            }
            let (gPointsNow, hPointsNow, gTablesNow, hTablesNow) = (gPoints, hPoints, gTables, hTables)
            let (firstG, firstH) = (firstRhoG, firstRhoH)
            let (newG, newH) = ZKParallel.pair(
                { [rhoG] in fold(points: gPointsNow, tables: gTablesNow, original: originalTables, split: gSplit,
                                 rho: rhoG, firstRho: firstG) },
                { [rhoH] in fold(points: hPointsNow, tables: hTablesNow, original: originalHTables, split: hSplit,
                                 rho: rhoH, firstRho: firstH) })
            gPoints = newG
            hPoints = newH
            gTables = [OddMultiples?](repeating: nil, count: n)
            hTables = [OddMultiples?](repeating: nil, count: n)
            (gLookups, hLookups) = ZKParallel.pair({ newG.map(LookupTable.init) }, { newH.map(LookupTable.init) })
            gF = newGF
            hF = newHF
            gFInverse = newGFInverse
            hFInverse = newHFInverse
        }
        return InnerProductProof(l: ls, r: rs, a: a[0], b: b[0])
    }

    /// Replays the transcript and returns (u_j², u_j⁻², s) for the verifier's single multiplication,
    /// where s_i = Π_j u_j^(±1) by the bits of i. Nil when a challenge is zero or a point is the identity.
    func verificationScalars(count n: Int, transcript: inout Transcript) -> (uSquared: [Scalar], uInverseSquared: [Scalar], s: [Scalar])? {
        let rounds = l.count
        guard rounds == r.count, rounds < 32, n == 1 << rounds else { return nil }
        transcript.append(label: "dom-sep", Array("ipp v1".utf8))
        transcript.append(label: "n", UInt64(n))
        var challenges = [Scalar]()
        challenges.reserveCapacity(rounds)
        for j in 0..<rounds {
            guard !l[j].isIdentity, !r[j].isIdentity else { return nil }
            transcript.append(label: "L", l[j].bytes)
            transcript.append(label: "R", r[j].bytes)
            challenges.append(transcript.challengeScalar(label: "u"))
        }
        guard let inverses = ScalarMath.batchInvert(challenges) else { return nil }
        var allInverse = Scalar.one
        for v in inverses { allInverse = allInverse * v }
        let uSquared = challenges.map { $0 * $0 }
        let uInverseSquared = inverses.map { $0 * $0 }
        var s = [Scalar]()
        s.reserveCapacity(n)
        s.append(allInverse)
        for i in 1..<max(n, 1) {
            let lgI = (Int.bitWidth - 1) - i.leadingZeroBitCount
            let k = 1 << lgI
            s.append(s[i - k] * uSquared[rounds - 1 - lgI])
        }
        return (uSquared, uInverseSquared, s)
    }
}
