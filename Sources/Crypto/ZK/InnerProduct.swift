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

    /// Creates the proof. `a` and `b` are secret: L and R are computed with libsodium's constant-time
    /// multiplication. The generators are public and are folded with variable-time arithmetic.
    /// `gFactors`/`hFactors` scale the generators (G'_i = gFactors_i·G_i) without computing them.
    static func prove(q: RistrettoPoint, gFactors: [Scalar], hFactors: [Scalar],
                      g: [RistrettoPoint], h: [RistrettoPoint], gTables: [OddMultiples], hTables: [OddMultiples],
                      a: [Scalar], b: [Scalar], transcript: inout Transcript) -> InnerProductProof {
        var n = g.count
        precondition(n > 0 && n & (n - 1) == 0 && h.count == n && a.count == n && b.count == n,
                     "inner-product vectors must have one power-of-two length")
        transcript.append(label: "dom-sep", Array("ipp v1".utf8))
        transcript.append(label: "n", UInt64(n))
        var a = a, b = b
        var gPoints = g, hPoints = h
        var gEdwards: [EdwardsPoint]? = nil, hEdwards: [EdwardsPoint]? = nil
        var gF = gFactors, hF = hFactors
        var ls = [CompressedPoint](), rs = [CompressedPoint]()
        while n > 1 {
            n /= 2
            let cL = ScalarMath.innerProduct(a[0..<n], b[n..<2 * n])
            let cR = ScalarMath.innerProduct(a[n..<2 * n], b[0..<n])
            var lScalars = [Scalar](), rScalars = [Scalar]()
            lScalars.reserveCapacity(2 * n + 1)
            rScalars.reserveCapacity(2 * n + 1)
            for i in 0..<n { lScalars.append(a[i] * gF[n + i]) }
            for i in 0..<n { lScalars.append(b[n + i] * hF[i]) }
            lScalars.append(cL)
            for i in 0..<n { rScalars.append(a[n + i] * gF[i]) }
            for i in 0..<n { rScalars.append(b[i] * hF[n + i]) }
            rScalars.append(cR)
            let lPoints = Array(gPoints[n..<2 * n]) + Array(hPoints[0..<n]) + [q]
            let rPoints = Array(gPoints[0..<n]) + Array(hPoints[n..<2 * n]) + [q]
            // Counts match by construction.
            let lPoint = (try? RistrettoPoint.multiscalarMultiply(lScalars, lPoints)) ?? .identity
            let rPoint = (try? RistrettoPoint.multiscalarMultiply(rScalars, rPoints)) ?? .identity
            let lc = CompressedPoint(lPoint), rc = CompressedPoint(rPoint)
            ls.append(lc)
            rs.append(rc)
            transcript.append(label: "L", lc.bytes)
            transcript.append(label: "R", rc.bytes)
            let u = transcript.challengeScalar(label: "u")
            // u is a hash output; zero has probability 2^-252.
            let uInv = (try? u.inverse()) ?? .one
            for i in 0..<n {
                a[i] = a[i] * u + uInv * a[n + i]
                b[i] = b[i] * uInv + u * b[n + i]
            }
            a.removeLast(n)
            b.removeLast(n)
            do {
                // Fold the public generators: G_i ← u⁻¹·gF_i·G_i + u·gF_{n+i}·G_{n+i}, likewise H with u, u⁻¹.
                let gE = gEdwards ?? gTables.map(\.base)
                let hE = hEdwards ?? hTables.map(\.base)
                var newG = [EdwardsPoint](), newH = [EdwardsPoint]()
                newG.reserveCapacity(n)
                newH.reserveCapacity(n)
                for i in 0..<n {
                    newG.append(VartimeMSM.straus(
                        scalars: [(uInv * gF[i]).bytes, (u * gF[n + i]).bytes],
                        tables: [OddMultiples(gE[i]), OddMultiples(gE[n + i])]))
                    newH.append(VartimeMSM.straus(
                        scalars: [(u * hF[i]).bytes, (uInv * hF[n + i]).bytes],
                        tables: [OddMultiples(hE[i]), OddMultiples(hE[n + i])]))
                }
                gEdwards = newG
                hEdwards = newH
                if n > 1 {
                    gPoints = newG.map { RistrettoPoint($0) }
                    hPoints = newH.map { RistrettoPoint($0) }
                }
                gF = [Scalar](repeating: .one, count: n)
                hF = [Scalar](repeating: .one, count: n)
            }
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
