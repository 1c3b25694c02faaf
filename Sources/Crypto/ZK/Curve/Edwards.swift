// Points of edwards25519 (a = −1) in extended coordinates (Hisil–Wong–Carter–Dawson 2008) and the
// ristretto255 encoding of RFC 9496. Addition and doubling are branch-free; the encoding and decoding
// follow the RFC's constant-time formulas.

/// A point in extended coordinates (X:Y:Z:T) with x = X/Z, y = Y/Z, x·y = T/Z.
struct EdwardsPoint: Sendable {
    var x: FieldElement, y: FieldElement, z: FieldElement, t: FieldElement

    @inline(__always) init(x: FieldElement, y: FieldElement, z: FieldElement, t: FieldElement) {
        self.x = x; self.y = y; self.z = z; self.t = t
    }

    static let identity = EdwardsPoint(x: .zero, y: .one, z: .one, t: .zero)

    /// A point prepared for addition: (Y+X, Y−X, Z, 2d·T).
    struct Niels: Sendable {
        var yPlusX: FieldElement, yMinusX: FieldElement, z: FieldElement, t2d: FieldElement
        /// Z is known to be 1 (normalized public tables), which saves one multiplication per addition.
        var affine = false

        static let identity = Niels(yPlusX: .one, yMinusX: .one, z: .one, t2d: .zero)

        /// The negated point.
        var negated: Niels { Niels(yPlusX: yMinusX, yMinusX: yPlusX, z: z, t2d: -t2d, affine: affine) }

        /// The same point with Z = 1, given 1/Z.
        func normalized(zInverse: FieldElement) -> Niels {
            Niels(yPlusX: yPlusX * zInverse, yMinusX: yMinusX * zInverse, z: .one, t2d: t2d * zInverse, affine: true)
        }

        /// Every point of `points` with Z = 1, for one field inversion in all (Montgomery's trick).
        static func normalized(_ points: [Niels]) -> [Niels] {
            var prefix = [FieldElement]()
            prefix.reserveCapacity(points.count)
            var acc = FieldElement.one
            for p in points {
                prefix.append(acc)
                acc = acc * p.z
            }
            var inverse = acc.inverted()
            var out = points
            for i in stride(from: points.count - 1, through: 0, by: -1) {
                out[i] = points[i].normalized(zInverse: inverse * prefix[i])
                inverse = inverse * points[i].z
            }
            return out
        }

        /// `b` when `choice` is 1, else `a` (constant time).
        @inline(__always) static func select(_ a: Niels, _ b: Niels, _ choice: UInt8) -> Niels {
            Niels(yPlusX: .select(a.yPlusX, b.yPlusX, choice), yMinusX: .select(a.yMinusX, b.yMinusX, choice),
                  z: .select(a.z, b.z, choice), t2d: .select(a.t2d, b.t2d, choice))
        }
    }

    /// A completed point ((X:Z), (Y:T)), the result of an addition before normalization.
    struct Completed {
        var x: FieldElement, y: FieldElement, z: FieldElement, t: FieldElement

        @inline(__always) var extended: EdwardsPoint {
            EdwardsPoint(x: x * t, y: y * z, z: z * t, t: x * y)
        }

        /// Projective (X:Y:Z) form, enough for a following doubling.
        @inline(__always) var projective: (FieldElement, FieldElement, FieldElement) { (x * t, y * z, z * t) }
    }

    @inline(__always) var niels: Niels {
        Niels(yPlusX: y + x, yMinusX: y - x, z: z, t2d: t * FieldElement.d2)
    }

    @inline(__always) static func + (p: EdwardsPoint, q: Niels) -> Completed {
        let pp = (p.y + p.x) * q.yPlusX
        let mm = (p.y - p.x) * q.yMinusX
        let tt2d = p.t * q.t2d
        let zz = q.affine ? p.z : p.z * q.z
        let zz2 = zz + zz
        return Completed(x: pp - mm, y: pp + mm, z: zz2 + tt2d, t: zz2 - tt2d)
    }

    @inline(__always) static func - (p: EdwardsPoint, q: Niels) -> Completed {
        let pm = (p.y + p.x) * q.yMinusX
        let mp = (p.y - p.x) * q.yPlusX
        let tt2d = p.t * q.t2d
        let zz = q.affine ? p.z : p.z * q.z
        let zz2 = zz + zz
        return Completed(x: pm - mp, y: pm + mp, z: zz2 - tt2d, t: zz2 + tt2d)
    }

    @inline(__always) static func + (p: EdwardsPoint, q: EdwardsPoint) -> EdwardsPoint { (p + q.niels).extended }
    @inline(__always) static func - (p: EdwardsPoint, q: EdwardsPoint) -> EdwardsPoint { (p - q.niels).extended }

    /// Doubles a projective point (X:Y:Z).
    @inline(__always) static func double(_ x: FieldElement, _ y: FieldElement, _ z: FieldElement) -> Completed {
        let xx = x.squared()
        let yy = y.squared()
        let zz = z.squared()
        let zz2 = zz + zz
        let xPlusYSq = (x + y).squared()
        let yyPlusXX = yy + xx
        let yyMinusXX = yy - xx
        return Completed(x: xPlusYSq - yyPlusXX, y: yyPlusXX, z: yyMinusXX, t: zz2 - yyMinusXX)
    }

    @inline(__always) func doubled() -> EdwardsPoint { Self.double(x, y, z).extended }

    /// 2^k · self.
    func doubled(times k: Int) -> EdwardsPoint {
        guard k > 0 else { return self }
        var c = Self.double(x, y, z)
        for _ in 1..<k {
            let (px, py, pz) = c.projective
            c = Self.double(px, py, pz)
        }
        return c.extended
    }

    var negated: EdwardsPoint { EdwardsPoint(x: -x, y: y, z: z, t: -t) }

    // MARK: ristretto255 (RFC 9496)

    /// Decodes a canonical ristretto255 encoding; nil for a non-canonical or invalid one.
    init?(ristretto bytes: some Collection<UInt8>) {
        guard bytes.count == 32 else { return nil }
        let input = Array(bytes)
        let s = input.withUnsafeBytes { FieldElement(bytes: $0) }
        // Canonical: re-encoding gives the same bytes (this also rejects the top bit), and s ≥ 0.
        let canonical = s.bytes
        var diff: UInt8 = 0
        for i in 0..<32 { diff |= canonical[i] ^ input[i] }
        guard diff == 0, s.isNegative == 0 else { return nil }
        let ss = s.squared()
        let u1 = FieldElement.one - ss
        let u2 = FieldElement.one + ss
        let u2Sqr = u2.squared()
        let v = -(FieldElement.d * u1.squared()) - u2Sqr
        let (wasSquare, invsqrt) = FieldElement.sqrtRatioM1(.one, v * u2Sqr)
        let denX = invsqrt * u2
        let denY = invsqrt * denX * v
        let x = (s + s) * denX
        let xAbs = x.absolute
        let y = u1 * denY
        let t = xAbs * y
        guard wasSquare == 1, t.isNegative == 0, y.isZero == 0 else { return nil }
        self.init(x: xAbs, y: y, z: .one, t: t)
    }

    /// The canonical 32-byte ristretto255 encoding.
    var ristrettoBytes: [UInt8] {
        let u1 = (z + y) * (z - y)
        let u2 = x * y
        let (_, invsqrt) = FieldElement.sqrtRatioM1(.one, u1 * u2.squared())
        let den1 = invsqrt * u1
        let den2 = invsqrt * u2
        let zInv = den1 * den2 * t
        let ix0 = x * FieldElement.sqrtM1
        let iy0 = y * FieldElement.sqrtM1
        let enchantedDenominator = den1 * FieldElement.invSqrtAMinusD
        let rotate = (t * zInv).isNegative
        let xr = FieldElement.select(x, iy0, rotate)
        var yr = FieldElement.select(y, ix0, rotate)
        let denInv = FieldElement.select(den2, enchantedDenominator, rotate)
        yr = FieldElement.select(yr, -yr, (xr * zInv).isNegative)
        let s = (denInv * (z - yr)).absolute
        return s.bytes
    }

    /// Ristretto equality: the points encode to the same bytes.
    func ristrettoEquals(_ other: EdwardsPoint) -> Bool {
        let a = (x * other.y).ctEquals(y * other.x)
        let b = (y * other.y).ctEquals(x * other.x)
        return (a | b) == 1
    }
}
