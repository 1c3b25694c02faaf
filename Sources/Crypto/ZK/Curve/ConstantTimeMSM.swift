// Constant-time multiscalar multiplication for secret scalars: fixed signed radix-16 windows, a
// table lookup that reads every entry and selects with masks, and branch-free field and point
// arithmetic. The sequence of operations and memory accesses depends only on the number of
// points (and on which tables are normalized, a public property), never on the scalars' values.

/// The multiples 1·P … 8·P of a point for constant-time radix-16 lookups.
struct LookupTable: Sendable {
    var entries: [EdwardsPoint.Niels]
    /// Every entry has Z = 1 (see `normalized()`); public, so additions may branch on it.
    var affine = false

    init(_ point: EdwardsPoint) {
        var table = [EdwardsPoint.Niels]()
        table.reserveCapacity(8)
        let niels = point.niels
        var current = point
        table.append(niels)
        for _ in 1..<8 {
            current = (current + niels).extended
            table.append(current.niels)
        }
        entries = table
    }

    /// The same table with every entry scaled to Z = 1 (one field inversion for all eight), which
    /// saves a multiplication per addition; worth it for tables that are cached and used often.
    func normalized() -> LookupTable {
        LookupTable(entries: EdwardsPoint.Niels.normalized(entries), affine: true)
    }

    private init(entries: [EdwardsPoint.Niels], affine: Bool) {
        self.entries = entries
        self.affine = affine
    }

    /// x·P for x in −8...8, reading all eight entries (constant time in x).
    @inline(__always) func select(_ x: Int8) -> EdwardsPoint.Niels {
        entries.withUnsafeBufferPointer {
            affine ? LookupTable.selectAffine(x, from: $0.baseAddress!) : LookupTable.select(x, from: $0.baseAddress!)
        }
    }

    /// Like `select(_:from:)` for a table whose entries all have Z = 1: Z is not read, and the
    /// result is marked affine.
    @inline(__always) static func selectAffine(_ x: Int8, from table: UnsafePointer<EdwardsPoint.Niels>) -> EdwardsPoint.Niels {
        let signMask = UInt8(bitPattern: x >> 7)          // 0xff when x < 0
        let magnitude = (UInt8(bitPattern: x) &+ signMask) ^ signMask
        var a0: UInt64 = 1, a1: UInt64 = 0, a2: UInt64 = 0, a3: UInt64 = 0, a4: UInt64 = 0
        var b0: UInt64 = 1, b1: UInt64 = 0, b2: UInt64 = 0, b3: UInt64 = 0, b4: UInt64 = 0
        var t0: UInt64 = 0, t1: UInt64 = 0, t2: UInt64 = 0, t3: UInt64 = 0, t4: UInt64 = 0
        for j in 0..<8 {
            let diff = UInt64(magnitude ^ UInt8(j + 1))
            let m = 0 &- ((diff &- 1) >> 63)               // all ones when magnitude == j + 1
            let e = table[j]
            a0 ^= m & (a0 ^ e.yPlusX.l0); a1 ^= m & (a1 ^ e.yPlusX.l1); a2 ^= m & (a2 ^ e.yPlusX.l2)
            a3 ^= m & (a3 ^ e.yPlusX.l3); a4 ^= m & (a4 ^ e.yPlusX.l4)
            b0 ^= m & (b0 ^ e.yMinusX.l0); b1 ^= m & (b1 ^ e.yMinusX.l1); b2 ^= m & (b2 ^ e.yMinusX.l2)
            b3 ^= m & (b3 ^ e.yMinusX.l3); b4 ^= m & (b4 ^ e.yMinusX.l4)
            t0 ^= m & (t0 ^ e.t2d.l0); t1 ^= m & (t1 ^ e.t2d.l1); t2 ^= m & (t2 ^ e.t2d.l2)
            t3 ^= m & (t3 ^ e.t2d.l3); t4 ^= m & (t4 ^ e.t2d.l4)
        }
        let yPlusX = FieldElement(a0, a1, a2, a3, a4), yMinusX = FieldElement(b0, b1, b2, b3, b4)
        let t2d = FieldElement(t0, t1, t2, t3, t4)
        let negative = signMask & 1
        return EdwardsPoint.Niels(yPlusX: .select(yPlusX, yMinusX, negative),
                                  yMinusX: .select(yMinusX, yPlusX, negative),
                                  z: .one, t2d: .select(t2d, -t2d, negative), affine: true)
    }

    /// x·P for x in −8...8 from eight consecutive entries at `table`, reading all eight entries with
    /// masks (constant time in x). The result's `affine` flag is false; callers set it.
    @inline(__always) static func select(_ x: Int8, from table: UnsafePointer<EdwardsPoint.Niels>) -> EdwardsPoint.Niels {
        let signMask = UInt8(bitPattern: x >> 7)          // 0xff when x < 0
        let magnitude = (UInt8(bitPattern: x) &+ signMask) ^ signMask
        var a0: UInt64 = 1, a1: UInt64 = 0, a2: UInt64 = 0, a3: UInt64 = 0, a4: UInt64 = 0
        var b0: UInt64 = 1, b1: UInt64 = 0, b2: UInt64 = 0, b3: UInt64 = 0, b4: UInt64 = 0
        var z0: UInt64 = 1, z1: UInt64 = 0, z2: UInt64 = 0, z3: UInt64 = 0, z4: UInt64 = 0
        var t0: UInt64 = 0, t1: UInt64 = 0, t2: UInt64 = 0, t3: UInt64 = 0, t4: UInt64 = 0
        for j in 0..<8 {
            let diff = UInt64(magnitude ^ UInt8(j + 1))
            let m = 0 &- ((diff &- 1) >> 63)               // all ones when magnitude == j + 1
            let e = table[j]
            a0 ^= m & (a0 ^ e.yPlusX.l0); a1 ^= m & (a1 ^ e.yPlusX.l1); a2 ^= m & (a2 ^ e.yPlusX.l2)
            a3 ^= m & (a3 ^ e.yPlusX.l3); a4 ^= m & (a4 ^ e.yPlusX.l4)
            b0 ^= m & (b0 ^ e.yMinusX.l0); b1 ^= m & (b1 ^ e.yMinusX.l1); b2 ^= m & (b2 ^ e.yMinusX.l2)
            b3 ^= m & (b3 ^ e.yMinusX.l3); b4 ^= m & (b4 ^ e.yMinusX.l4)
            z0 ^= m & (z0 ^ e.z.l0); z1 ^= m & (z1 ^ e.z.l1); z2 ^= m & (z2 ^ e.z.l2)
            z3 ^= m & (z3 ^ e.z.l3); z4 ^= m & (z4 ^ e.z.l4)
            t0 ^= m & (t0 ^ e.t2d.l0); t1 ^= m & (t1 ^ e.t2d.l1); t2 ^= m & (t2 ^ e.t2d.l2)
            t3 ^= m & (t3 ^ e.t2d.l3); t4 ^= m & (t4 ^ e.t2d.l4)
        }
        let yPlusX = FieldElement(a0, a1, a2, a3, a4), yMinusX = FieldElement(b0, b1, b2, b3, b4)
        let t2d = FieldElement(t0, t1, t2, t3, t4)
        // Negation swaps Y+X with Y−X and negates 2d·T, selected with masks.
        let negative = signMask & 1
        return EdwardsPoint.Niels(yPlusX: .select(yPlusX, yMinusX, negative),
                                  yMinusX: .select(yMinusX, yPlusX, negative),
                                  z: FieldElement(z0, z1, z2, z3, z4),
                                  t2d: .select(t2d, -t2d, negative))
    }
}

enum ConstantTimeMSM {
    /// Signed radix-16 digits d_i in [−8, 8) with Σ d_i·16^i = s, for s < 2^255, computed without
    /// branches on the value.
    static func radix16(_ bytes: [UInt8]) -> [Int8] {
        var digits = [Int8](repeating: 0, count: 64)
        for i in 0..<32 {
            digits[2 * i] = Int8(bytes[i] & 15)
            digits[2 * i + 1] = Int8((bytes[i] >> 4) & 15)
        }
        for i in 0..<63 {
            let carry = (digits[i] &+ 8) >> 4
            digits[i] = digits[i] &- (carry << 4)
            digits[i + 1] = digits[i + 1] &+ carry
        }
        return digits
    }

    /// Σ scalars[i]·points[i] in constant time with respect to the scalars (canonical 32-byte
    /// encodings). Work grows with the number of points only.
    static func multiply(scalars: [[UInt8]], tables: [LookupTable]) -> EdwardsPoint {
        precondition(scalars.count == tables.count, "scalar and point counts differ")
        let n = scalars.count
        // Digit i of scalar j at [i·n + j].
        var flatDigits = [Int8](repeating: 0, count: 64 * n)
        for j in 0..<n {
            let d = radix16(scalars[j])
            for i in 0..<64 { flatDigits[i * n + j] = d[i] }
        }
        // All tables in one contiguous buffer: entry k of table j at [8j + k].
        var flatTables = [EdwardsPoint.Niels]()
        flatTables.reserveCapacity(8 * n)
        for table in tables {
            precondition(table.entries.count == 8, "lookup tables hold eight multiples")
            flatTables += table.entries
        }
        let affine = tables.map(\.affine)
        return flatDigits.withUnsafeBufferPointer { digits in
            flatTables.withUnsafeBufferPointer { entries in
                affine.withUnsafeBufferPointer { affine in
                    let base = entries.baseAddress!
                    var q = EdwardsPoint.identity
                    for i in stride(from: 63, through: 0, by: -1) {
                        if i != 63 { q = q.doubled(times: 4) }
                        let row = i * n
                        for j in 0..<n {
                            // Whether table j is normalized is public; the digit only feeds masks.
                            let term = affine[j] ? LookupTable.selectAffine(digits[row + j], from: base + 8 * j)
                                                 : LookupTable.select(digits[row + j], from: base + 8 * j)
                            q = (q + term).extended
                        }
                    }
                    return q
                }
            }
        }
    }
}
