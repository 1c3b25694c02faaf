import DataFiRistretto
// Constant-time multiscalar multiplication for secret scalars: fixed signed radix-16 windows, a
// table lookup that reads every entry and selects with masks, and branch-free field and point
// arithmetic (in Swift, or in C on a vector backend: see `VectorMSM`). The
// sequence of operations and memory accesses depends only on the number of
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
        // Words 0–9 are Y+X and Y−X; Z (10–14) is skipped; 2d·T (15–19) is read as 14–19.
        var a0 = SIMD2<UInt64>(), a1 = SIMD2<UInt64>(), a2 = SIMD2<UInt64>(), a3 = SIMD2<UInt64>()
        var a4 = SIMD2<UInt64>(), t0 = SIMD2<UInt64>(), t1 = SIMD2<UInt64>(), t2 = SIMD2<UInt64>()
        let raw = UnsafeRawPointer(table)
        for j in 0..<8 {
            let e = raw + j * entryStride
            let m = mask(magnitude, j)
            a0 |= m & e.loadUnaligned(fromByteOffset: 0, as: SIMD2<UInt64>.self)
            a1 |= m & e.loadUnaligned(fromByteOffset: 16, as: SIMD2<UInt64>.self)
            a2 |= m & e.loadUnaligned(fromByteOffset: 32, as: SIMD2<UInt64>.self)
            a3 |= m & e.loadUnaligned(fromByteOffset: 48, as: SIMD2<UInt64>.self)
            a4 |= m & e.loadUnaligned(fromByteOffset: 64, as: SIMD2<UInt64>.self)
            t0 |= m & e.loadUnaligned(fromByteOffset: 112, as: SIMD2<UInt64>.self)
            t1 |= m & e.loadUnaligned(fromByteOffset: 128, as: SIMD2<UInt64>.self)
            t2 |= m & e.loadUnaligned(fromByteOffset: 144, as: SIMD2<UInt64>.self)
        }
        // Digit 0 matches no entry and must give the identity (1, 1, 0).
        let none = (UInt64(magnitude) &- 1) >> 63
        let yPlusX = FieldElement(a0[0] | none, a0[1], a1[0], a1[1], a2[0])
        let yMinusX = FieldElement(a2[1] | none, a3[0], a3[1], a4[0], a4[1])
        let t2d = FieldElement(t0[1], t1[0], t1[1], t2[0], t2[1])
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
        var v = (SIMD2<UInt64>(), SIMD2<UInt64>(), SIMD2<UInt64>(), SIMD2<UInt64>(), SIMD2<UInt64>(),
                 SIMD2<UInt64>(), SIMD2<UInt64>(), SIMD2<UInt64>(), SIMD2<UInt64>(), SIMD2<UInt64>())
        let raw = UnsafeRawPointer(table)
        for j in 0..<8 {
            let e = raw + j * entryStride
            let m = mask(magnitude, j)
            v.0 |= m & e.loadUnaligned(fromByteOffset: 0, as: SIMD2<UInt64>.self)
            v.1 |= m & e.loadUnaligned(fromByteOffset: 16, as: SIMD2<UInt64>.self)
            v.2 |= m & e.loadUnaligned(fromByteOffset: 32, as: SIMD2<UInt64>.self)
            v.3 |= m & e.loadUnaligned(fromByteOffset: 48, as: SIMD2<UInt64>.self)
            v.4 |= m & e.loadUnaligned(fromByteOffset: 64, as: SIMD2<UInt64>.self)
            v.5 |= m & e.loadUnaligned(fromByteOffset: 80, as: SIMD2<UInt64>.self)
            v.6 |= m & e.loadUnaligned(fromByteOffset: 96, as: SIMD2<UInt64>.self)
            v.7 |= m & e.loadUnaligned(fromByteOffset: 112, as: SIMD2<UInt64>.self)
            v.8 |= m & e.loadUnaligned(fromByteOffset: 128, as: SIMD2<UInt64>.self)
            v.9 |= m & e.loadUnaligned(fromByteOffset: 144, as: SIMD2<UInt64>.self)
        }
        // Digit 0 matches no entry and must give the identity (1, 1, 1, 0).
        let none = (UInt64(magnitude) &- 1) >> 63
        let yPlusX = FieldElement(v.0[0] | none, v.0[1], v.1[0], v.1[1], v.2[0])
        let yMinusX = FieldElement(v.2[1] | none, v.3[0], v.3[1], v.4[0], v.4[1])
        let z = FieldElement(v.5[0] | none, v.5[1], v.6[0], v.6[1], v.7[0])
        let t2d = FieldElement(v.7[1], v.8[0], v.8[1], v.9[0], v.9[1])
        // Negation swaps Y+X with Y−X and negates 2d·T, selected with masks.
        let negative = signMask & 1
        return EdwardsPoint.Niels(yPlusX: .select(yPlusX, yMinusX, negative),
                                  yMinusX: .select(yMinusX, yPlusX, negative),
                                  z: z, t2d: .select(t2d, -t2d, negative))
    }

    /// Bytes from one table entry to the next; the loads above assume the four coordinates at byte
    /// offsets 0, 40, 80 and 120 (checked by a test).
    static let entryStride = MemoryLayout<EdwardsPoint.Niels>.stride

    /// All ones in both lanes when `magnitude` is j + 1, else zeros (no branch on the value).
    @inline(__always) private static func mask(_ magnitude: UInt8, _ j: Int) -> SIMD2<UInt64> {
        let diff = UInt64(magnitude ^ UInt8(j + 1))
        return SIMD2(repeating: 0 &- ((diff &- 1) >> 63))
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
    /// encodings). Work grows with the number of points only. Runs on `backend` when it is a
    /// supported vector backend (the same constant-time loop in C: masked lookups over all eight
    /// entries), else on the serial Swift code; the result is the same point either way.
    static func multiply(scalars: [[UInt8]], tables: [LookupTable], backend: CurveBackend = .current) -> EdwardsPoint {
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
        if backend != .serial, n > 0,
           let sum = flatDigits.withUnsafeBufferPointer({ digits in
               flatTables.withUnsafeBufferPointer {
                   VectorMSM.constantTime(backend: backend, n: n, digits: digits, entries: $0)
               }
           })
        {
            return sum
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
