import DataFiRistretto
import DataFiSupport
// Variable-time multiscalar multiplication over fixed points with precomputed window multiples.
// Its running time depends on the scalars, so it is used only where every scalar is public.

/// A point with Z = 1 prepared for addition: (y + x, y − x, 2d·x·y). 120 bytes.
struct AffineNiels: Sendable {
    var yPlusX: FieldElement, yMinusX: FieldElement, t2d: FieldElement

    static let identity = AffineNiels(yPlusX: .one, yMinusX: .one, t2d: .zero)
}

extension EdwardsPoint {
    @inline(__always) static func + (p: EdwardsPoint, q: AffineNiels) -> Completed {
        let pp = (p.y + p.x) * q.yPlusX
        let mm = (p.y - p.x) * q.yMinusX
        let tt2d = p.t * q.t2d
        let zz2 = p.z + p.z
        return Completed(x: pp - mm, y: pp + mm, z: zz2 + tt2d, t: zz2 - tt2d)
    }

    @inline(__always) static func - (p: EdwardsPoint, q: AffineNiels) -> Completed {
        let pm = (p.y + p.x) * q.yMinusX
        let mp = (p.y - p.x) * q.yPlusX
        let tt2d = p.t * q.t2d
        let zz2 = p.z + p.z
        return Completed(x: pm - mp, y: pm + mp, z: zz2 - tt2d, t: zz2 + tt2d)
    }
}

/// For each of a list of fixed points P, the multiples 2^(w·k)·P for every window k of a 253-bit
/// scalar, normalized to Z = 1. With them Σ s_i·P_i needs no doublings, and all windows of all
/// points share one set of buckets: about n·⌈253/w⌉ additions plus 2^w for the bucket sums, where
/// the windowed bucket method needs n·⌈253/w⌉ + ⌈253/w⌉·2^w additions and 253 doublings.
struct FixedBaseTables: Sendable {
    /// Window width in bits.
    static let width = 12
    /// Signed digits per scalar below 2^253: ⌈254/w⌉ (the top digit absorbs the last carry).
    static let windows = (254 + width - 1) / width
    /// Entry k of point i at [i·windows + k].
    private(set) var entries: [AffineNiels] = []

    /// The number of points.
    var count: Int { entries.count / Self.windows }

    init() {}

    /// Appends the tables of `points` (one field inversion for all of them).
    mutating func append(_ points: [EdwardsPoint]) {
        var projective = [EdwardsPoint]()
        projective.reserveCapacity(points.count * Self.windows)
        for point in points {
            var p = point
            for k in 0..<Self.windows {
                projective.append(p)
                if k + 1 < Self.windows { p = p.doubled(times: Self.width) }
            }
        }
        // Montgomery's trick: 1/Z for every point from one inversion.
        var prefix = [FieldElement]()
        prefix.reserveCapacity(projective.count)
        var acc = FieldElement.one
        for p in projective {
            prefix.append(acc)
            acc = acc * p.z
        }
        var inverse = acc.inverted()
        var out = [AffineNiels](repeating: .identity, count: projective.count)
        for i in stride(from: projective.count - 1, through: 0, by: -1) {
            let p = projective[i]
            let zInverse = inverse * prefix[i]
            inverse = inverse * p.z
            let x = p.x * zInverse, y = p.y * zInverse
            out[i] = AffineNiels(yPlusX: y + x, yMinusX: y - x, t2d: x * y * FieldElement.d2)
        }
        entries += out
    }

    /// Σ scalars[i]·P_i over the first `scalars.count` points, in variable time (public scalars only).
    /// Scalars are canonical 32-byte little-endian encodings (below ℓ < 2^253). Large inputs are split
    /// into ranges of points with their own buckets, one per thread (``Parallelism``). The bucket
    /// additions run on `backend` when it is a supported vector backend (in C, the buckets kept in
    /// lane form), else in Swift; the result is the same point either way.
    func multiply(scalars: [[UInt8]], backend: CurveBackend = .current) -> EdwardsPoint {
        let n = scalars.count
        precondition(n <= count, "more scalars than fixed points")
        guard n > 0 else { return .identity }
        let windows = Self.windows
        var digits = [Int16](repeating: 0, count: n * windows)
        digits.withUnsafeMutableBufferPointer { out in
            for i in 0..<n { Self.signedDigits(scalars[i], into: out.baseAddress! + i * windows) }
        }
        // A range pays 2^w bucket additions of its own: split only when each gets far more work.
        let parts = max(1, min(Parallelism.limit, n * windows / (2 << Self.width)))
        let allDigits = digits
        let sums = ZKParallel.map(parts) { part in
            accumulate(digits: allDigits, range: (part * n / parts)..<((part + 1) * n / parts), backend: backend)
        }
        return sums.dropFirst().reduce(sums[0], +)
    }

    /// Σ over the points in `range` of digit-weighted window multiples, with one set of buckets.
    private func accumulate(digits: [Int16], range: Range<Int>, backend: CurveBackend) -> EdwardsPoint {
        let bucketCount = 1 << (Self.width - 1)
        if backend != .serial {
            let start = range.lowerBound * Self.windows, end = range.upperBound * Self.windows
            let vector = digits.withUnsafeBufferPointer { digits in
                entries.withUnsafeBufferPointer {
                    VectorMSM.buckets(backend: backend, digits: UnsafeBufferPointer(rebasing: digits[start..<end]),
                                      entries: UnsafeBufferPointer(rebasing: $0[start..<end]), bucketCount: bucketCount)
                }
            }
            if let vector { return vector }
        }
        var buckets = [EdwardsPoint](repeating: .identity, count: bucketCount)
        let start = range.lowerBound * Self.windows, end = range.upperBound * Self.windows
        return digits.withUnsafeBufferPointer { digits in
            entries.withUnsafeBufferPointer { table in
                buckets.withUnsafeMutableBufferPointer { bucket in
                    for index in start..<end {
                        let digit = Int(digits[index])
                        if digit > 0 {
                            bucket[digit - 1] = (bucket[digit - 1] + table[index]).extended
                        } else if digit < 0 {
                            bucket[-digit - 1] = (bucket[-digit - 1] - table[index]).extended
                        }
                    }
                    // Σ b·B_b as a running sum from the top bucket down.
                    var running = EdwardsPoint.identity
                    var sum = EdwardsPoint.identity
                    for b in stride(from: bucketCount - 1, through: 0, by: -1) {
                        running = running + bucket[b]
                        sum = sum + running
                    }
                    return sum
                }
            }
        }
    }

    /// Signed radix-2^w digits in [−2^(w−1), 2^(w−1)] of a scalar below 2^253, written to `out`.
    @inline(__always) static func signedDigits(_ bytes: [UInt8], into out: UnsafeMutablePointer<Int16>) {
        precondition(bytes.count == 32 && bytes[31] < 0x20, "scalar above 2^253")
        let radix = Int32(1) << Int32(width)
        let mask = UInt32(radix - 1)
        var carry: Int32 = 0
        for k in 0..<windows {
            // The window's bits lie in the three bytes from its first one (w ≤ 17).
            let offset = k * width, first = offset >> 3
            var v = UInt32(bytes[first])
            if first + 1 < 32 { v |= UInt32(bytes[first + 1]) << 8 }
            if first + 2 < 32 { v |= UInt32(bytes[first + 2]) << 16 }
            let coefficient = carry + Int32((v >> UInt32(offset & 7)) & mask)
            carry = (coefficient + radix / 2) >> Int32(width)
            out[k] = Int16(coefficient - (carry << Int32(width)))
        }
    }
}
