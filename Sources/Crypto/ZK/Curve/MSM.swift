import DataFiSupport
import DataFiRistretto

// Variable-time multiscalar multiplication. Its running time depends on the scalars, so it is used
// only where every scalar is public (proof verification, folding public generators).

/// The odd multiples P, 3P, …, 15P of a point, ready for width-5 NAF (or P … 31P for width 6,
/// worth it for cached tables of fixed generators); entry 0 is P itself.
struct OddMultiples: Sendable {
    var entries: [EdwardsPoint.Niels]
    /// The point itself.
    let base: EdwardsPoint

    /// The NAF width the table serves: 6 for 16 entries, else 5.
    var width: Int { entries.count >= 16 ? 6 : 5 }

    /// `count` is 8 (width 5) or 16 (width 6).
    init(_ point: EdwardsPoint, count: Int = 8) {
        precondition(count == 8 || count == 16, "odd-multiple tables hold 8 or 16 entries")
        base = point
        var table = [EdwardsPoint.Niels]()
        table.reserveCapacity(count)
        let p2 = point.doubled().niels
        var current = point
        table.append(current.niels)
        for _ in 1..<count {
            current = (current + p2).extended
            table.append(current.niels)
        }
        entries = table
    }

    /// The same table with every entry normalized to Z = 1 (one field inversion for all eight);
    /// worth it for tables that are cached and used many times.
    func normalized() -> OddMultiples {
        var copy = self
        copy.entries = EdwardsPoint.Niels.normalized(entries)
        return copy
    }
}

enum VartimeMSM {
    /// Little-endian 64-bit words of a 32-byte scalar, plus a zero word.
    @inline(__always) static func words(_ bytes: [UInt8]) -> [UInt64] {
        var w = [UInt64](repeating: 0, count: 5)
        for i in 0..<32 { w[i >> 3] |= UInt64(bytes[i]) << (8 * UInt64(i & 7)) }
        return w
    }

    /// Width-`w` non-adjacent form of a scalar below 2^255: 256 signed odd digits or zeros.
    static func nonAdjacentForm(_ bytes: [UInt8], width w: Int = 5) -> [Int8] {
        let x = words(bytes)
        var naf = [Int8](repeating: 0, count: 256)
        let width = UInt64(1) << UInt64(w)
        let windowMask = width - 1
        var pos = 0
        var carry: UInt64 = 0
        while pos < 256 {
            let index = pos / 64, bit = UInt64(pos % 64)
            let buffer: UInt64
            if bit < UInt64(64 - w) {
                buffer = x[index] >> bit
            } else {
                buffer = (x[index] >> bit) | (x[index + 1] << (64 - bit))
            }
            let window = carry + (buffer & windowMask)
            if window & 1 == 0 {
                pos += 1
                continue
            }
            if window < width / 2 {
                carry = 0
                naf[pos] = Int8(window)
            } else {
                carry = 1
                naf[pos] = Int8(Int64(window) - Int64(width))
            }
            pos += w
        }
        return naf
    }

    /// Signed radix-2^w digits in [−2^(w−1), 2^(w−1)] of a scalar below 2^255.
    static func radixDigits(_ bytes: [UInt8], width w: Int) -> [Int16] {
        let x = words(bytes)
        let count = (256 + w - 1) / w + 1
        var digits = [Int16](repeating: 0, count: count)
        let radix = Int64(1) << Int64(w)
        let mask = UInt64(radix - 1)
        var carry: Int64 = 0
        for i in 0..<(count - 1) {
            let offset = i * w
            let index = offset / 64, bit = UInt64(offset % 64)
            var buffer = x[index] >> bit
            if bit > UInt64(64 - w) && index < 4 { buffer |= x[index + 1] << (64 - bit) }
            let coefficient = carry + Int64(buffer & mask)
            carry = (coefficient + radix / 2) >> Int64(w)
            digits[i] = Int16(coefficient - (carry << Int64(w)))
        }
        digits[count - 1] = Int16(carry)
        return digits
    }

    /// Below this many points Straus beats the bucket method.
    static let strausLimit = 190

    /// Σ scalars[i]·points[i] in variable time, for public scalars only.
    /// Scalars are canonical 32-byte little-endian encodings (below ℓ).
    /// Straus runs on `backend` (see ``straus(scalars:tables:backend:)``); the bucket method in Swift.
    static func multiply(scalars: [[UInt8]], tables: [OddMultiples], backend: CurveBackend = .current) -> EdwardsPoint {
        precondition(scalars.count == tables.count, "scalar and point counts differ")
        if scalars.count < strausLimit {
            return straus(scalars: scalars, tables: tables, backend: backend)
        }
        return pippenger(scalars: scalars, points: tables.map { $0.entries[0] })
    }

    /// Σ scalars[k]·P_k for public scalars, given each P_k's table and the tables of 2^64·P_k,
    /// 2^128·P_k, 2^192·P_k: the scalars' 64-bit limbs multiply the 4·k points in one pass of 64
    /// doublings.
    /// Runs on `backend` as ``straus(scalars:tables:backend:)`` does.
    static func multiply(
        scalars: [Scalar], tables: [OddMultiples], splits: [[OddMultiples]], backend: CurveBackend = .current
    ) -> EdwardsPoint {
        precondition(scalars.count == tables.count && splits.count == tables.count, "one table per scalar")
        var limbs = [[UInt8]]()
        var all = [OddMultiples]()
        limbs.reserveCapacity(4 * scalars.count)
        all.reserveCapacity(4 * scalars.count)
        for (k, scalar) in scalars.enumerated() {
            precondition(splits[k].count == 3, "a split table holds the 2^64, 2^128 and 2^192 multiples")
            let bytes = scalar.bytes
            for part in 0..<4 {
                var limb = [UInt8](repeating: 0, count: 32)
                for t in 0..<8 { limb[t] = bytes[8 * part + t] }
                limbs.append(limb)
            }
            all.append(tables[k])
            all += splits[k]
        }
        return straus(scalars: limbs, tables: all, backend: backend)
    }

    /// Interleaved width-5 NAF (Straus); best for up to a few hundred points. Runs on `backend`
    /// when it is a supported vector backend (the same loop in C), else in Swift; the result is the
    /// same point either way. Variable time: public scalars only.
    static func straus(scalars: [[UInt8]], tables: [OddMultiples], backend: CurveBackend = .current) -> EdwardsPoint {
        let n = scalars.count
        // Flat layouts: NAF digit i of scalar j at [i·n + j]; entry k of table j at [8j + k].
        var nafs = [Int8](repeating: 0, count: 256 * n)
        var rowUsed = [Bool](repeating: false, count: 256)
        var top = -1
        for j in 0..<n {
            let naf = nonAdjacentForm(scalars[j], width: tables[j].width)
            for i in 0..<256 where naf[i] != 0 {
                nafs[i * n + j] = naf[i]
                rowUsed[i] = true
                top = max(top, i)
            }
        }
        guard top >= 0 else { return .identity }
        var flatTables = [EdwardsPoint.Niels]()
        var offsets = [Int]()
        flatTables.reserveCapacity(8 * n)
        offsets.reserveCapacity(n)
        for table in tables {
            offsets.append(flatTables.count)
            flatTables += table.entries
        }
        if backend != .serial,
           let sum = nafs.withUnsafeBufferPointer({ naf in
               flatTables.withUnsafeBufferPointer {
                   VectorMSM.straus(backend: backend, n: n, naf: naf, entries: $0, offsets: offsets.map { Int64($0) })
               }
           })
        {
            return sum
        }
        return nafs.withUnsafeBufferPointer { digits in
            flatTables.withUnsafeBufferPointer { entries in
                offsets.withUnsafeBufferPointer { offsets in
                    var r = EdwardsPoint.identity
                    // Doublings before a row without digits stay in projective form (cheaper).
                    var pending = 0
                    for i in stride(from: top, through: 0, by: -1) {
                        pending += 1
                        guard rowUsed[i] else { continue }
                        r = r.doubled(times: pending)
                        pending = 0
                        let row = i * n
                        for j in 0..<n {
                            let digit = digits[row + j]
                            if digit > 0 {
                                r = (r + entries[offsets[j] + Int(digit) >> 1]).extended
                            } else if digit < 0 {
                                r = (r - entries[offsets[j] + Int(-digit) >> 1]).extended
                            }
                        }
                    }
                    return r.doubled(times: pending)
                }
            }
        }
    }

    /// Bucket method (Pippenger) with signed digits; best for many points. From 1024 points on, the
    /// points are split into ranges with their own buckets, one per thread (``Parallelism``).
    static func pippenger(scalars: [[UInt8]], points: [EdwardsPoint.Niels]) -> EdwardsPoint {
        let parts = min(Parallelism.limit, scalars.count / 512)
        guard parts > 1 else { return pippengerRange(scalars: scalars, points: points) }
        let n = scalars.count
        let sums = ZKParallel.map(parts) { part in
            let range = (part * n / parts)..<((part + 1) * n / parts)
            return pippengerRange(scalars: Array(scalars[range]), points: Array(points[range]))
        }
        return sums.dropFirst().reduce(sums[0], +)
    }

    private static func pippengerRange(scalars: [[UInt8]], points: [EdwardsPoint.Niels]) -> EdwardsPoint {
        let n = scalars.count
        guard n > 0 else { return .identity }
        let w = n < 500 ? 6 : (n < 800 ? 7 : 8)
        let windows = (256 + w - 1) / w + 1
        // Digit `window` of scalar j at [window·n + j].
        var flatDigits = [Int16](repeating: 0, count: windows * n)
        for j in 0..<n {
            let d = radixDigits(scalars[j], width: w)
            for k in 0..<windows { flatDigits[k * n + j] = d[k] }
        }
        let bucketCount = 1 << (w - 1)
        var total = EdwardsPoint.identity
        var buckets = [EdwardsPoint](repeating: .identity, count: bucketCount)
        flatDigits.withUnsafeBufferPointer { digits in
            points.withUnsafeBufferPointer { pts in
                buckets.withUnsafeMutableBufferPointer { bucket in
                    var started = false
                    for window in stride(from: windows - 1, through: 0, by: -1) {
                        let row = window * n
                        if !started {
                            // Skip leading windows whose digits are all zero.
                            if !(0..<n).contains(where: { digits[row + $0] != 0 }) { continue }
                            started = true
                        } else {
                            total = total.doubled(times: w)
                        }
                        for b in 0..<bucketCount { bucket[b] = .identity }
                        for j in 0..<n {
                            let digit = Int(digits[row + j])
                            if digit > 0 {
                                bucket[digit - 1] = (bucket[digit - 1] + pts[j]).extended
                            } else if digit < 0 {
                                bucket[-digit - 1] = (bucket[-digit - 1] - pts[j]).extended
                            }
                        }
                        var running = bucket[bucketCount - 1]
                        var sum = running
                        for b in stride(from: bucketCount - 2, through: 0, by: -1) {
                            running = running + bucket[b]
                            sum = sum + running
                        }
                        total = total + sum
                    }
                }
            }
        }
        return total
    }
}
