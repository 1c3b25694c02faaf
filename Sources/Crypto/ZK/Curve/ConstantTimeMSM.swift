// Constant-time multiscalar multiplication for secret scalars: fixed signed radix-16 windows, a
// table lookup that reads every entry and selects with masks, and branch-free field and point
// arithmetic. The sequence of operations and memory accesses depends only on the number of
// points, never on the scalars' values.

/// The multiples 1·P … 8·P of a point for constant-time radix-16 lookups.
struct LookupTable: Sendable {
    var entries: [EdwardsPoint.Niels]

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

    /// x·P for x in −8...8, reading all eight entries (constant time in x).
    @inline(__always) func select(_ x: Int8) -> EdwardsPoint.Niels {
        let signMask = UInt8(bitPattern: x >> 7)          // 0xff when x < 0
        let magnitude = (UInt8(bitPattern: x) &+ signMask) ^ signMask
        var result = EdwardsPoint.Niels.identity
        for j in 0..<8 {
            let diff = UInt16(magnitude ^ UInt8(j + 1))
            let equal = UInt8(truncatingIfNeeded: (diff &- 1) >> 8) & 1
            result = .select(result, entries[j], equal)
        }
        return .select(result, result.negated, signMask & 1)
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
        return flatDigits.withUnsafeBufferPointer { digits in
            var q = EdwardsPoint.identity
            for i in stride(from: 63, through: 0, by: -1) {
                if i != 63 { q = q.doubled(times: 4) }
                let row = i * n
                for j in 0..<n {
                    q = (q + tables[j].select(digits[row + j])).extended
                }
            }
            return q
        }
    }
}
