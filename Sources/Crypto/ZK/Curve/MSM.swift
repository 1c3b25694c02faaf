// Variable-time multiscalar multiplication. Its running time depends on the scalars, so it is used
// only where every scalar is public (proof verification, folding public generators).

/// The odd multiples P, 3P, …, 15P of a point, ready for width-5 NAF; entry 0 is P itself.
struct OddMultiples: Sendable {
    var entries: [EdwardsPoint.Niels]
    /// The point itself.
    let base: EdwardsPoint

    init(_ point: EdwardsPoint) {
        base = point
        var table = [EdwardsPoint.Niels]()
        table.reserveCapacity(8)
        let p2 = point.doubled().niels
        var current = point
        table.append(current.niels)
        for _ in 1..<8 {
            current = (current + p2).extended
            table.append(current.niels)
        }
        entries = table
    }

    /// The same table with every entry normalized to Z = 1 (one field inversion for all eight);
    /// worth it for tables that are cached and used many times.
    func normalized() -> OddMultiples {
        var copy = self
        var prefix = [FieldElement]()
        prefix.reserveCapacity(entries.count)
        var acc = FieldElement.one
        for e in entries {
            prefix.append(acc)
            acc = acc * e.z
        }
        var inverse = acc.inverted()
        for i in stride(from: entries.count - 1, through: 0, by: -1) {
            copy.entries[i] = entries[i].normalized(zInverse: inverse * prefix[i])
            inverse = inverse * entries[i].z
        }
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

    /// Σ scalars[i]·points[i] in variable time, for public scalars only.
    /// Scalars are canonical 32-byte little-endian encodings (below ℓ).
    static func multiply(scalars: [[UInt8]], tables: [OddMultiples]) -> EdwardsPoint {
        precondition(scalars.count == tables.count, "scalar and point counts differ")
        if scalars.count < 190 {
            return straus(scalars: scalars, tables: tables)
        }
        return pippenger(scalars: scalars, points: tables.map { $0.entries[0] })
    }

    /// Interleaved width-5 NAF (Straus); best for up to a few hundred points.
    static func straus(scalars: [[UInt8]], tables: [OddMultiples]) -> EdwardsPoint {
        let nafs = scalars.map { nonAdjacentForm($0) }
        var top = 255
        while top >= 0 && !nafs.contains(where: { $0[top] != 0 }) { top -= 1 }
        guard top >= 0 else { return .identity }
        var r = EdwardsPoint.identity
        for i in stride(from: top, through: 0, by: -1) {
            r = r.doubled()
            for j in 0..<nafs.count {
                let digit = nafs[j][i]
                if digit > 0 {
                    r = (r + tables[j].entries[Int(digit) >> 1]).extended
                } else if digit < 0 {
                    r = (r - tables[j].entries[Int(-digit) >> 1]).extended
                }
            }
        }
        return r
    }

    /// Bucket method (Pippenger) with signed digits; best for many points.
    static func pippenger(scalars: [[UInt8]], points: [EdwardsPoint.Niels]) -> EdwardsPoint {
        let n = scalars.count
        let w = n < 500 ? 6 : (n < 800 ? 7 : 8)
        let digits = scalars.map { radixDigits($0, width: w) }
        let windows = digits.first?.count ?? 0
        let bucketCount = 1 << (w - 1)
        var total = EdwardsPoint.identity
        var buckets = [EdwardsPoint](repeating: .identity, count: bucketCount)
        for window in stride(from: windows - 1, through: 0, by: -1) {
            total = total.doubled(times: w)
            for b in 0..<bucketCount { buckets[b] = .identity }
            for j in 0..<n {
                let digit = Int(digits[j][window])
                if digit > 0 {
                    buckets[digit - 1] = (buckets[digit - 1] + points[j]).extended
                } else if digit < 0 {
                    buckets[-digit - 1] = (buckets[-digit - 1] - points[j]).extended
                }
            }
            var running = buckets[bucketCount - 1]
            var sum = running
            for b in stride(from: bucketCount - 2, through: 0, by: -1) {
                running = running + buckets[b]
                sum = sum + running
            }
            total = total + sum
        }
        return total
    }
}
