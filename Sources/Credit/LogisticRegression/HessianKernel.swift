import Dispatch
import DataFiCreditData
import DataFiSupport
import Foundation

/// The O(n·p²) pass of Newton's method: the Hessian `Σ wᵢpᵢ(1 − pᵢ)·x̃ᵢx̃ᵢᵀ` with `x̃ = (1, x)`, accumulated in
/// blocks of rows (the block is transposed so every Hessian entry is a contiguous dot product) and split
/// over threads by rows.
enum HessianKernel {
    static let block = 64

    static func hessian(x: Matrix, y: [Double], w: [Double], eta: [Double], threads: Int,
                        hessianStride: Int = 1) -> [Double] {
        let n = x.rows, p = x.columns, q = p + 1
        let t = max(1, min(threads, n / max(hessianStride, 1) / 10_000))
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
                                                      p: p, lo: lo, hi: hi,
                                                      stride: max(hessianStride, 1)))
                        }
                        Parallelism.forEachPart(t, work)
                    }
                }
            }
        }
        partials = results.values
        var hessian = [Double](repeating: 0, count: q * q)
        for part in partials {
            // Each partial holds q (unused) gradient slots followed by the q×q upper triangle.
            for j in 0..<(q * q) { hessian[j] += part[q + j] }
        }
        for j in 0..<q { for k in (j + 1)..<max(j + 1, q) { hessian[k * q + j] = hessian[j * q + k] } }
        return hessian
    }

    /// Upper-triangular Hessian over the rows of `lo..<hi` whose index is a multiple of `stride` (each scaled
    /// by `stride`), packed as `[0 (q), H (q×q)]` (the gradient slot is left zero; see `FusedPass`).
    static func accumulate(x: UnsafePointer<Double>?, y: UnsafePointer<Double>?, w: UnsafePointer<Double>?,
                           eta: UnsafePointer<Double>?, p: Int, lo: Int, hi: Int, stride: Int) -> [Double] {
        let q = p + 1
        var out = [Double](repeating: 0, count: q + q * q)
        guard let w, let eta, hi > lo else { return out }
        let b = block
        let a = UnsafeMutablePointer<Double>.allocate(capacity: q * b + 8)
        defer { a.deallocate() }
        let scale = Double(stride)
        out.withUnsafeMutableBufferPointer { o in
            guard let g = o.baseAddress else { return }
            let h = g + q
            var r = 0
            var i = (lo + stride - 1) / stride * stride
            while i < hi {
                let prob = Logistic.sigmoid(eta[i])
                let s = (scale * w[i] * prob * (1 - prob)).squareRoot()
                a[r] = s
                if let x {
                    let row = x + i * p
                    for j in 0..<p { a[(j + 1) * b + r] = s * row[j] }
                }
                r += 1
                if r == b {
                    addBlock(a, h, q: q)
                    r = 0
                }
                i += stride
            }
            if r > 0 {
                for j in 0..<q { for k in r..<b { a[j * b + k] = 0 } }
                addBlock(a, h, q: q)
            }
        }
        return out
    }

    /// `H[j, k] += ⟨A_j, A_k⟩` for k ≥ j over one transposed block `A` (q rows of `block` values),
    /// four k at a time with eight SIMD accumulators.
    @inline(__always)
    static func addBlock(_ a: UnsafeMutablePointer<Double>, _ h: UnsafeMutablePointer<Double>, q: Int) {
        let b = block
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

/// One pass over the rows at a given θ: η = Xθ (stored), the loss `Σ wᵢ(softplus(ηᵢ) − yᵢηᵢ)` and its
/// gradient `Σ wᵢ(σ(ηᵢ) − yᵢ)·x̃ᵢ`, reading each row once; split over threads by rows.
enum FusedPass {
    static func evaluate(x: Matrix, y: [Double], w: [Double], theta: [Double], eta: inout [Double],
                         threads: Int) -> (loss: Double, gradient: [Double]) {
        let n = x.rows, p = x.columns, q = p + 1
        let t = max(1, min(threads, n / 10_000))
        let results = PartialStore(count: t)
        x.values.withUnsafeBufferPointer { xs in
            y.withUnsafeBufferPointer { ys in
                w.withUnsafeBufferPointer { ws in
                    theta.withUnsafeBufferPointer { th in
                        eta.withUnsafeMutableBufferPointer { es in
                            let xb = UncheckedPointer(xs.baseAddress), yb = UncheckedPointer(ys.baseAddress)
                            let wb = UncheckedPointer(ws.baseAddress), tb = UncheckedPointer(th.baseAddress)
                            let eb = UncheckedMutablePointer(es.baseAddress)
                            let work: @Sendable (Int) -> Void = { k in
                                var out = [Double](repeating: 0, count: q + 1)
                                guard let y = yb.pointer, let w = wb.pointer, let th = tb.pointer,
                                      let e = eb.pointer else {
                                    results.set(k, out)
                                    return
                                }
                                let beta = th + 1
                                out.withUnsafeMutableBufferPointer { o in
                                    guard let g = o.baseAddress else { return }
                                    var loss = 0.0
                                    for i in (n * k / t)..<(n * (k + 1) / t) {
                                        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
                                        let row = (xb.pointer ?? th) + i * p
                                        var j = 0
                                        if xb.pointer != nil {
                                            while j + 4 <= p {
                                                s0 += row[j] * beta[j]; s1 += row[j + 1] * beta[j + 1]
                                                s2 += row[j + 2] * beta[j + 2]; s3 += row[j + 3] * beta[j + 3]
                                                j += 4
                                            }
                                            while j < p { s0 += row[j] * beta[j]; j += 1 }
                                        }
                                        let v = th[0] + ((s0 + s1) + (s2 + s3))
                                        e[i] = v
                                        let wi = w[i]
                                        guard wi != 0 else { continue }
                                        let ex = exp(-abs(v))
                                        loss += wi * (max(v, 0) + log1p(ex) - y[i] * v)
                                        let prob = v >= 0 ? 1 / (1 + ex) : ex / (1 + ex)
                                        let r = wi * (prob - y[i])
                                        g[0] += r
                                        if xb.pointer != nil {
                                            for j in 0..<p { g[j + 1] += r * row[j] }
                                        }
                                    }
                                    g[q] = loss
                                }
                                results.set(k, out)
                            }
                            Parallelism.forEachPart(t, work)
                        }
                    }
                }
            }
        }
        var gradient = [Double](repeating: 0, count: q)
        var loss = 0.0
        for part in results.values {
            for j in 0..<q { gradient[j] += part[j] }
            loss += part[q]
        }
        return (loss, gradient)
    }
}
