import Dispatch
import Foundation

/// The O(n·p²) pass of Newton's method: gradient `Σ wᵢ(pᵢ − yᵢ)·x̃ᵢ` and Hessian `Σ wᵢpᵢ(1 − pᵢ)·x̃ᵢx̃ᵢᵀ`
/// with `x̃ = (1, x)`, accumulated in blocks of rows (the block is transposed so every Hessian entry is a
/// contiguous dot product) and split over threads by rows.
enum HessianKernel {
    static let block = 64

    static func gradientAndHessian(x: Matrix, y: [Double], w: [Double], eta: [Double], threads: Int)
        -> (gradient: [Double], hessian: [Double]) {
        let n = x.rows, p = x.columns, q = p + 1
        let t = max(1, min(threads, n / 20_000))
        var partials = [[Double]](repeating: [], count: t)
        let results = PartialStore(count: t)
        x.values.withUnsafeBufferPointer { xs in
            y.withUnsafeBufferPointer { ys in
                w.withUnsafeBufferPointer { ws in
                    eta.withUnsafeBufferPointer { es in
                        let xb = UncheckedPointer(xs.baseAddress), yb = UncheckedPointer(ys.baseAddress)
                        let wb = UncheckedPointer(ws.baseAddress), eb = UncheckedPointer(es.baseAddress)
                        let work: @Sendable (Int) -> Void = { k in
                            let lo = n * k / t, hi = n * (k + 1) / t
                            results.set(k, accumulate(x: xb.pointer, y: yb.pointer, w: wb.pointer, eta: eb.pointer,
                                                      p: p, lo: lo, hi: hi))
                        }
                        if t == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: t, execute: work) }
                    }
                }
            }
        }
        partials = results.values
        var hessian = [Double](repeating: 0, count: q * q)
        var gradient = [Double](repeating: 0, count: q)
        for part in partials {
            // Each partial holds q gradient values followed by the q×q upper triangle.
            for j in 0..<q { gradient[j] += part[j] }
            for j in 0..<(q * q) { hessian[j] += part[q + j] }
        }
        for j in 0..<q { for k in (j + 1)..<max(j + 1, q) { hessian[k * q + j] = hessian[j * q + k] } }
        return (gradient, hessian)
    }

    /// Gradient and upper-triangular Hessian over rows `lo..<hi`, packed as `[g (q), H (q×q)]`.
    static func accumulate(x: UnsafePointer<Double>?, y: UnsafePointer<Double>?, w: UnsafePointer<Double>?,
                           eta: UnsafePointer<Double>?, p: Int, lo: Int, hi: Int) -> [Double] {
        let q = p + 1
        var out = [Double](repeating: 0, count: q + q * q)
        guard let y, let w, let eta, hi > lo else { return out }
        let b = block
        let a = UnsafeMutablePointer<Double>.allocate(capacity: q * b + 8)
        defer { a.deallocate() }
        out.withUnsafeMutableBufferPointer { o in
            guard let g = o.baseAddress else { return }
            let h = g + q
            var start = lo
            while start < hi {
                let m = min(b, hi - start)
                for r in 0..<b {
                    guard r < m else {
                        for j in 0..<q { a[j * b + r] = 0 }
                        continue
                    }
                    let i = start + r
                    let prob = Logistic.sigmoid(eta[i])
                    let wi = w[i]
                    let residual = wi * (prob - y[i])
                    let s = (wi * prob * (1 - prob)).squareRoot()
                    a[r] = s
                    g[0] += residual
                    if let x {
                        let row = x + i * p
                        for j in 0..<p {
                            let v = row[j]
                            g[j + 1] += residual * v
                            a[(j + 1) * b + r] = s * v
                        }
                    }
                }
                // H[j, k] += <A_j, A_k> for k ≥ j, four k at a time.
                for j in 0..<q {
                    let aj = a + j * b
                    var k = j
                    while k + 4 <= q {
                        let a0 = a + k * b, a1 = a0 + b, a2 = a1 + b, a3 = a2 + b
                        var s0 = SIMD2<Double>(), s1 = SIMD2<Double>(), s2 = SIMD2<Double>(), s3 = SIMD2<Double>()
                        var t0 = SIMD2<Double>(), t1 = SIMD2<Double>(), t2 = SIMD2<Double>(), t3 = SIMD2<Double>()
                        var r = 0
                        while r < b {
                            let v = SIMD2(aj[r], aj[r + 1]), u = SIMD2(aj[r + 2], aj[r + 3])
                            s0 += v * SIMD2(a0[r], a0[r + 1])
                            s1 += v * SIMD2(a1[r], a1[r + 1])
                            s2 += v * SIMD2(a2[r], a2[r + 1])
                            s3 += v * SIMD2(a3[r], a3[r + 1])
                            t0 += u * SIMD2(a0[r + 2], a0[r + 3])
                            t1 += u * SIMD2(a1[r + 2], a1[r + 3])
                            t2 += u * SIMD2(a2[r + 2], a2[r + 3])
                            t3 += u * SIMD2(a3[r + 2], a3[r + 3])
                            r += 4
                        }
                        h[j * q + k] += (s0 + t0).sum()
                        h[j * q + k + 1] += (s1 + t1).sum()
                        h[j * q + k + 2] += (s2 + t2).sum()
                        h[j * q + k + 3] += (s3 + t3).sum()
                        k += 4
                    }
                    while k < q {
                        let ak = a + k * b
                        var s = SIMD2<Double>()
                        var r = 0
                        while r < b {
                            s += SIMD2(aj[r], aj[r + 1]) * SIMD2(ak[r], ak[r + 1])
                            r += 2
                        }
                        h[j * q + k] += s.sum()
                        k += 1
                    }
                }
                start += m
            }
        }
        return out
    }
}

/// Per-worker results written from `concurrentPerform` (each worker writes only its own slot).
final class PartialStore: @unchecked Sendable {
    private var slots: [[Double]]
    private let lock = NSLock()
    init(count: Int) { slots = [[Double]](repeating: [], count: count) }
    func set(_ k: Int, _ value: [Double]) {
        lock.lock()
        slots[k] = value
        lock.unlock()
    }
    var values: [[Double]] {
        lock.lock()
        defer { lock.unlock() }
        return slots
    }
}
