import CCurveVector
import DataFiRistretto

// The multiscalar multiplications on the vector backends of `CCurveVector`: whole loops run in C,
// one call per multiplication. The serial field layout (five 64-bit limbs in radix 2^51) is the
// C code's, so tables and results cross without conversion. Every function returns nil when the
// backend is serial or unsupported (or memory is short), and the caller then runs its Swift code.

enum VectorMSM {
    /// The C code of a vector backend, or nil for the serial one and for unsupported ones.
    static func code(_ backend: CurveBackend) -> Int32? {
        switch backend {
        case .serial: nil
        case .avx2: backend.isSupported ? Int32(DATAFI_CV_AVX2) : nil
        case .ifma: backend.isSupported ? Int32(DATAFI_CV_IFMA) : nil
        }
    }

    /// A point from the four field elements (X, Y, Z, T) the C code writes.
    static func point(_ limbs: [UInt64]) -> EdwardsPoint {
        func field(_ k: Int) -> FieldElement {
            FieldElement(limbs[5 * k], limbs[5 * k + 1], limbs[5 * k + 2], limbs[5 * k + 3], limbs[5 * k + 4])
        }
        return EdwardsPoint(x: field(0), y: field(1), z: field(2), t: field(3))
    }

    /// Constant time in the digits and the tables (see `ConstantTimeMSM.multiply`): digit i of
    /// point j at `digits[i·n + j]` (64 rows), entry k of point j at `entries[8j + k]`.
    static func constantTime(
        backend: CurveBackend, n: Int, digits: UnsafeBufferPointer<Int8>,
        entries: UnsafeBufferPointer<EdwardsPoint.Niels>
    ) -> EdwardsPoint? {
        guard let code = code(backend), digits.count == 64 * n, entries.count == 8 * n else { return nil }
        var out = [UInt64](repeating: 0, count: 20)
        let status = out.withUnsafeMutableBufferPointer {
            datafi_cv_msm_consttime(
                code, $0.baseAddress, n, digits.baseAddress, UnsafeRawPointer(entries.baseAddress),
                LookupTable.entryStride)
        }
        return status == 0 ? point(out) : nil
    }

    /// Variable time, public data only: Σ digits[k]·entries[k] through `bucketCount` shared buckets.
    static func buckets(
        backend: CurveBackend, digits: UnsafeBufferPointer<Int16>, entries: UnsafeBufferPointer<AffineNiels>,
        bucketCount: Int
    ) -> EdwardsPoint? {
        guard let code = code(backend), digits.count == entries.count else { return nil }
        var out = [UInt64](repeating: 0, count: 20)
        let status = out.withUnsafeMutableBufferPointer {
            datafi_cv_msm_buckets(
                code, $0.baseAddress, digits.count, digits.baseAddress,
                UnsafeRawPointer(entries.baseAddress), MemoryLayout<AffineNiels>.stride, bucketCount)
        }
        return status == 0 ? point(out) : nil
    }

    /// Variable time, public data only: interleaved NAF rows (`naf[i·n + j]`, 256 rows) over odd
    /// multiples whose table j starts at `entries[offsets[j]]`.
    static func straus(
        backend: CurveBackend, n: Int, naf: UnsafeBufferPointer<Int8>, entries: UnsafeBufferPointer<EdwardsPoint.Niels>,
        offsets: [Int64]
    ) -> EdwardsPoint? {
        guard let code = code(backend), naf.count == 256 * n, offsets.count == n else { return nil }
        var out = [UInt64](repeating: 0, count: 20)
        let status = out.withUnsafeMutableBufferPointer { result in
            offsets.withUnsafeBufferPointer {
                datafi_cv_msm_straus(
                    code, result.baseAddress, n, naf.baseAddress, UnsafeRawPointer(entries.baseAddress),
                    LookupTable.entryStride, $0.baseAddress, entries.count)
            }
        }
        return status == 0 ? point(out) : nil
    }
}
