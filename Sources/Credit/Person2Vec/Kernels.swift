/// Dot product of two float vectors of length `n` (SIMD, two accumulators).
@inline(__always)
func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
    var s0 = SIMD8<Float>(), s1 = SIMD8<Float>()
    var i = 0
    let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
    while i + 16 <= n {
        s0 += ra.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            * rb.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
        s1 += ra.loadUnaligned(fromByteOffset: i * 4 + 32, as: SIMD8<Float>.self)
            * rb.loadUnaligned(fromByteOffset: i * 4 + 32, as: SIMD8<Float>.self)
        i += 16
    }
    if i + 8 <= n {
        s0 += ra.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            * rb.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
        i += 8
    }
    var sum = (s0 + s1).sum()
    while i < n {
        sum += a[i] * b[i]
        i += 1
    }
    return sum
}

/// `y += alpha · x` over `n` floats.
@inline(__always)
func axpy(_ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
    var i = 0
    let rx = UnsafeRawPointer(x), ry = UnsafeMutableRawPointer(y)
    let va = SIMD8<Float>(repeating: alpha)
    while i + 8 <= n {
        let v = ry.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            + va * rx.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
        ry.storeBytes(of: v, toByteOffset: i * 4, as: SIMD8<Float>.self)
        i += 8
    }
    while i < n {
        y[i] += alpha * x[i]
        i += 1
    }
}

/// The negative-sampling update of one output row, fused: `acc += g · out` (old `out`), then
/// `out += g · input`, reading `out` once.
@inline(__always)
func fusedUpdate(_ g: Float, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
                 accumulator: UnsafeMutablePointer<Float>, _ n: Int) {
    var i = 0
    let ri = UnsafeRawPointer(input), ro = UnsafeMutableRawPointer(output), ra = UnsafeMutableRawPointer(accumulator)
    let vg = SIMD8<Float>(repeating: g)
    while i + 8 <= n {
        let o = ro.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
        let a = ra.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self) + vg * o
        ra.storeBytes(of: a, toByteOffset: i * 4, as: SIMD8<Float>.self)
        let x = ri.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
        ro.storeBytes(of: o + vg * x, toByteOffset: i * 4, as: SIMD8<Float>.self)
        i += 8
    }
    while i < n {
        let o = output[i]
        accumulator[i] += g * o
        output[i] = o + g * input[i]
        i += 1
    }
}
