import Foundation

/// A privacy-loss-distribution (PLD) accountant for the Gaussian and the Poisson-subsampled Gaussian
/// mechanism under the add/remove-one relation.
///
/// A port of Google's dp-accounting `pld` package (0.6.0): each mechanism's privacy loss is discretized
/// on a grid of spacing `valueDiscretizationInterval` with the pessimistic connect-the-dots algorithm
/// (Doroshenko et al. 2022; `privacy_loss_mechanism.GaussianPrivacyLoss`,
/// `pld_pmf.create_pmf_pessimistic_connect_dots_fixed_gap`), self-composition raises the FFT of the
/// probability mass function to the number of steps within Chernoff truncation bounds
/// (`common.self_convolve`), composition of different events is an FFT convolution with tail
/// truncation, and ε for a target δ is the smallest ε whose hockey-stick divergence is at most δ.
/// With sampling rate below 1 the REMOVE and ADD distributions differ and the larger ε is reported.
public struct PLDAccountant: Sendable {
    /// The spacing of the privacy-loss grid (dp-accounting's default is 1e-4).
    public let valueDiscretizationInterval: Double
    var remove: DensePLDPmf
    var add: DensePLDPmf?

    /// Tail mass that each composition may truncate (dp-accounting's default).
    static let tailMassTruncation = 1e-15
    /// ln of the noise mass discarded when discretizing the Gaussian (dp-accounting's default).
    static let logMassTruncationBound = -50.0
    /// Maximum number of grid points of one mechanism's PLD or of a composition.
    static let maxGridPoints = 1 << 24

    /// An accountant with nothing composed yet.
    /// - Throws: `PrivacyError.parameterOutOfRange` unless the interval is in [1e-6, 1].
    public init(valueDiscretizationInterval: Double = 1e-4) throws(PrivacyError) {
        guard valueDiscretizationInterval.isFinite, valueDiscretizationInterval >= 1e-6,
              valueDiscretizationInterval <= 1 else {
            throw .parameterOutOfRange(.discretizationInterval, value: valueDiscretizationInterval)
        }
        self.valueDiscretizationInterval = valueDiscretizationInterval
        remove = DensePLDPmf(discretization: valueDiscretizationInterval, lowerLoss: 0, probs: [1], infinityMass: 0)
        add = nil
    }

    /// Composes `count` runs of the Gaussian mechanism with noise multiplier σ (sensitivity 1); as in
    /// dp-accounting this is one Gaussian of standard deviation σ/√count.
    public mutating func composeGaussian(noiseMultiplier sigma: Double, count: Int = 1) throws(PrivacyError) {
        guard sigma.isFinite, sigma > 0 else { throw .parameterOutOfRange(.noiseMultiplier, value: sigma) }
        guard count >= 1 else { throw .parameterOutOfRange(.compositionCount, value: Double(count)) }
        let loss = GaussianPrivacyLoss(sigma: sigma / Double(count).squareRoot(), samplingRate: 1, adjacency: .remove)
        let pmf = try loss.discretize(interval: valueDiscretizationInterval)
        try compose(remove: pmf, add: nil)
    }

    /// Composes `count` steps of the Poisson-subsampled Gaussian mechanism (sampling rate q, noise σ).
    /// - Throws: `PrivacyError` for q ∉ (0, 1], a bad σ or count, or a PLD too large to hold; the
    ///   accountant is unchanged on a throw.
    public mutating func composePoissonSubsampledGaussian(
        samplingRate q: Double, noiseMultiplier sigma: Double, count: Int = 1
    ) throws(PrivacyError) {
        guard q.isFinite, q >= 0, q <= 1 else { throw .invalidProbability(q) }
        guard sigma.isFinite, sigma > 0 else { throw .parameterOutOfRange(.noiseMultiplier, value: sigma) }
        guard count >= 1, count <= 100_000_000 else { throw .parameterOutOfRange(.compositionCount, value: Double(count)) }
        if q == 0 { return }
        let removeLoss = GaussianPrivacyLoss(sigma: sigma, samplingRate: q, adjacency: .remove)
        let removePmf = try removeLoss.discretize(interval: valueDiscretizationInterval)
            .selfCompose(count, truncation: Self.tailMassTruncation)
        var addPmf: DensePLDPmf? = nil
        if q < 1 {
            let addLoss = GaussianPrivacyLoss(sigma: sigma, samplingRate: q, adjacency: .add)
            addPmf = try addLoss.discretize(interval: valueDiscretizationInterval)
                .selfCompose(count, truncation: Self.tailMassTruncation)
        }
        try compose(remove: removePmf, add: addPmf)
    }

    mutating func compose(remove other: DensePLDPmf, add otherAdd: DensePLDPmf?) throws(PrivacyError) {
        let newRemove = try remove.compose(other, truncation: Self.tailMassTruncation)
        var newAdd: DensePLDPmf? = nil
        if add != nil || otherAdd != nil {
            newAdd = try (add ?? remove).compose(otherAdd ?? other, truncation: Self.tailMassTruncation)
        }
        remove = newRemove
        add = newAdd
    }

    /// The smallest ε such that the composed mechanism is (ε, δ)-DP by this PLD (+∞ if none).
    /// - Throws: `PrivacyError.invalidDelta` unless δ ∈ (0, 1).
    public func epsilon(delta: Double) throws(PrivacyError) -> Double {
        try checkDelta(delta)
        let e = remove.epsilon(forDelta: delta)
        guard let add else { return e }
        return max(e, add.epsilon(forDelta: delta))
    }

    /// The δ of the composed mechanism at ε.
    /// - Throws: `PrivacyError.invalidEpsilon` when ε is negative or not finite.
    public func delta(epsilon: Double) throws(PrivacyError) -> Double {
        guard epsilon.isFinite, epsilon >= 0 else { throw .invalidEpsilon(epsilon) }
        let d = remove.delta(forEpsilon: epsilon)
        guard let add else { return d }
        return max(d, add.delta(forEpsilon: epsilon))
    }

    /// ε for T steps of DP-SGD (Poisson sampling rate q, noise multiplier σ) at target δ.
    public static func epsilon(samplingRate q: Double, noiseMultiplier sigma: Double, steps: Int, delta: Double,
                               valueDiscretizationInterval: Double = 1e-4) throws(PrivacyError) -> Double {
        var accountant = try PLDAccountant(valueDiscretizationInterval: valueDiscretizationInterval)
        try accountant.composePoissonSubsampledGaussian(samplingRate: q, noiseMultiplier: sigma, count: steps)
        return try accountant.epsilon(delta: delta)
    }
}

/// A probability mass function on the privacy-loss grid: mass `probs[i]` at loss (lowerLoss + i)·d,
/// plus `infinityMass` at +∞.
struct DensePLDPmf: Sendable {
    let discretization: Double
    let lowerLoss: Int
    let probs: [Double]
    let infinityMass: Double

    func compose(_ other: DensePLDPmf, truncation: Double) throws(PrivacyError) -> DensePLDPmf {
        guard probs.count + other.probs.count <= PLDAccountant.maxGridPoints else {
            throw .parameterOutOfRange(.gridPoints, value: Double(PLDAccountant.maxGridPoints + 1))
        }
        let conv = FFT.linearConvolution(probs, other.probs)
        let inf = infinityMass + other.infinityMass - infinityMass * other.infinityMass
        let (offset, truncated, rightMass) = truncateTails(conv, truncation)
        return DensePLDPmf(discretization: discretization, lowerLoss: lowerLoss + other.lowerLoss + offset,
                           probs: truncated, infinityMass: inf + rightMass)
    }

    /// dp-accounting's `_truncate_tails` (pessimistic): drops prefix and suffix of mass ≤ t/2 each; the
    /// prefix mass moves to the first kept point, the suffix mass to +∞.
    func truncateTails(_ p: [Double], _ t: Double) -> (Int, [Double], Double) {
        if t == 0 { return (0, p, 0) }
        func prefixToTruncate<C: Collection>(_ a: C) -> Int where C.Element == Double {
            var s = 0.0, i = 0
            for v in a { s += v; if s > t / 2 { return i }; i += 1 }
            return i
        }
        let left = prefixToTruncate(p)
        var right = p.count - prefixToTruncate(p.reversed())
        right = max(right, left + 1)
        let leftMass = p[..<left].reduce(0, +)
        let rightMass = right < p.count ? p[right...].reduce(0, +) : 0
        var kept = Array(p[left..<min(right, p.count)])
        if kept.isEmpty { kept = [0] }
        kept[0] += leftMass
        return (left, kept, rightMass)
    }

    /// dp-accounting's `DensePLDPmf.self_compose` with `common.self_convolve`.
    func selfCompose(_ times: Int, truncation: Double) throws(PrivacyError) -> DensePLDPmf {
        if times == 1 { return self }
        let n = probs.count
        var upper = (n - 1) * times
        var lower = 0
        if truncation > 0 {
            var orders: [Double] = []
            for k in -20..<0 { orders.append(Double(k) / Double(n)) }
            for k in 1...20 { orders.append(Double(k) / Double(n)) }
            let firstNonzero = probs.firstIndex { $0 > 0 } ?? 0
            let lastNonzero = probs.lastIndex { $0 > 0 } ?? 0
            for order in orders {
                // log Σ p_i e^{i·order}, relative to the largest exponent; the weights e^{(i − i*)·order}
                // are built by repeated multiplication (relative error about n·2^-53, ample for a bound).
                var s = 0.0, w = 1.0
                let m: Double
                if order > 0 {
                    m = Double(lastNonzero) * order
                    let step = exp(-order)
                    for i in stride(from: lastNonzero, through: 0, by: -1) { s += probs[i] * w; w *= step }
                } else {
                    m = Double(firstNonzero) * order
                    let step = exp(order)
                    for i in firstNonzero..<n { s += probs[i] * w; w *= step }
                }
                let logMgf = m + log(s)
                let bound = (Double(times) * logMgf + log(2 / truncation)) / order
                guard bound.isFinite else { continue }
                if order > 0 { upper = min(upper, Int(bound.rounded(.up))) }
                if order < 0 { lower = max(lower, Int(bound.rounded(.down))) }
            }
        }
        let outputLength = upper - lower + 1
        guard outputLength >= 1, outputLength <= PLDAccountant.maxGridPoints else {
            throw .parameterOutOfRange(.gridPoints, value: Double(outputLength))
        }
        var size = 1
        while size < max(outputLength, n) { size <<= 1 }
        var re = probs + [Double](repeating: 0, count: size - n)
        var im = [Double](repeating: 0, count: size)
        FFT.transform(&re, &im, inverse: false)
        let t = Double(times)
        for k in 0..<size {
            // z^times by binary exponentiation.
            var (br, bi) = (re[k], im[k])
            var (rr, ri) = (1.0, 0.0)
            var e = times
            while e > 0 {
                if e & 1 == 1 { (rr, ri) = (rr * br - ri * bi, rr * bi + ri * br) }
                e >>= 1
                if e > 0 { (br, bi) = (br * br - bi * bi, 2 * br * bi) }
            }
            re[k] = rr
            im[k] = ri
        }
        FFT.transform(&re, &im, inverse: true)
        var out = [Double](repeating: 0, count: outputLength)
        let shift = ((lower % size) + size) % size
        for i in 0..<outputLength { out[i] = re[(i + shift) % size] }
        let inf = truncation - expm1(t * log1p(-infinityMass))
        return DensePLDPmf(discretization: discretization, lowerLoss: lowerLoss * times + lower,
                           probs: out, infinityMass: inf)
    }

    func loss(_ i: Int) -> Double { Double(lowerLoss + i) * discretization }

    /// dp-accounting's `_get_epsilon_for_delta`.
    func epsilon(forDelta delta: Double) -> Double {
        if infinityMass > delta { return .infinity }
        var massUpper = infinityMass, massLower = 0.0
        for i in stride(from: probs.count - 1, through: 0, by: -1) {
            let l = loss(i), p = probs[i]
            if massUpper > delta && massLower > 0 && log((massUpper - delta) / massLower) >= l { break }
            massUpper += p
            massLower += exp(-l) * p
            if massUpper >= delta && massLower == 0 { return max(0, l) }
        }
        if massUpper <= massLower + delta { return 0 }
        return log((massUpper - delta) / massLower)
    }

    /// dp-accounting's `_get_delta_for_epsilon`.
    func delta(forEpsilon epsilon: Double) -> Double {
        var d = infinityMass
        for i in probs.indices {
            let l = loss(i)
            if l > epsilon { d += -expm1(epsilon - l) * probs[i] }
        }
        return d
    }
}

/// The privacy loss of the (subsampled) Gaussian mechanism with sensitivity 1
/// (dp-accounting's `GaussianPrivacyLoss`).
struct GaussianPrivacyLoss {
    enum Adjacency { case add, remove }
    let sigma: Double
    let samplingRate: Double
    let adjacency: Adjacency
    let sensitivity = 1.0

    func lossWithoutSubsamplingRemove(_ x: Double) -> Double {
        sensitivity * (-0.5 * sensitivity - x) / (sigma * sigma)
    }

    func lossRemove(_ x: Double) -> Double {
        let l = lossWithoutSubsamplingRemove(x)
        if samplingRate == 1 { return l }
        return logATimesExpBPlusC(samplingRate, l, 1 - samplingRate)
    }

    func privacyLoss(_ x: Double) -> Double {
        switch adjacency {
        case .remove: return lossRemove(x)
        case .add: return -lossRemove(-x)
        }
    }

    func inverseWithoutSubsamplingRemove(_ l: Double) -> Double {
        -0.5 * sensitivity - l * sigma * sigma / sensitivity
    }

    func inverseLoss(_ l: Double) -> Double {
        let q = samplingRate
        switch adjacency {
        case .remove:
            if q == 1 { return inverseWithoutSubsamplingRemove(l) }
            let threshold = log(1 - q)
            if isClose(l, threshold) || l <= threshold { return inverseWithoutSubsamplingRemove(-.infinity) }
            return inverseWithoutSubsamplingRemove(logATimesExpBPlusC(1 / q, l, 1 - 1 / q))
        case .add:
            if q == 1 { return sensitivity + inverseWithoutSubsamplingRemove(l) }
            let threshold = -log(1 - q)
            if isClose(l, threshold) || l >= threshold { return sensitivity + inverseWithoutSubsamplingRemove(.infinity) }
            return sensitivity + inverseWithoutSubsamplingRemove(-logATimesExpBPlusC(1 / q, -l, 1 - 1 / q))
        }
    }

    func muUpperCDF(_ x: Double) -> Double {
        switch adjacency {
        case .add: return normalCDF(x / sigma)
        case .remove:
            if samplingRate == 1 { return normalCDF((x + sensitivity) / sigma) }
            return (1 - samplingRate) * normalCDF(x / sigma) + samplingRate * normalCDF((x + sensitivity) / sigma)
        }
    }

    func muLowerLogCDF(_ x: Double) -> Double {
        switch adjacency {
        case .add:
            if samplingRate == 1 { return logNormalCDF((x - sensitivity) / sigma) }
            return logAddExp(log1p(-samplingRate) + logNormalCDF(x / sigma),
                             log(samplingRate) + logNormalCDF((x - sensitivity) / sigma))
        case .remove:
            return logNormalCDF(x / sigma)
        }
    }

    func delta(forEpsilon epsilon: Double) -> Double {
        let q = samplingRate
        if q < 1 {
            switch adjacency {
            case .add: if !(epsilon < -log1p(-q)) { return 0 }
            case .remove: if !(epsilon > log1p(-q)) { return min(1, max(0, -expm1(epsilon))) }
            }
        }
        let x = inverseLoss(epsilon)
        let d = muUpperCDF(x) - exp(epsilon + muLowerLogCDF(x))
        return min(1, max(0, d))
    }

    /// Pessimistic connect-the-dots discretization (`create_pmf_pessimistic_connect_dots_fixed_gap`).
    func discretize(interval: Double) throws(PrivacyError) -> DensePLDPmf {
        let z = standardNormalQuantile(logProbability: log(0.5) + PLDAccountant.logMassTruncationBound)
        var lowerX = sigma * z
        var upperX = -lowerX
        switch adjacency {
        case .add: upperX += sensitivity
        case .remove: lowerX -= sensitivity
        }
        let epsilonUpper = privacyLoss(lowerX), epsilonLower = privacyLoss(upperX)
        let upperIndexD = (epsilonUpper / interval).rounded(.up)
        let lowerIndexD = (epsilonLower / interval).rounded(.down)
        guard upperIndexD.isFinite, lowerIndexD.isFinite,
              upperIndexD - lowerIndexD < Double(PLDAccountant.maxGridPoints) else {
            throw .parameterOutOfRange(.gridPoints, value: Double(PLDAccountant.maxGridPoints + 1))
        }
        let lo = Int(lowerIndexD), hi = Int(upperIndexD)
        var deltas = (lo...hi).map { delta(forEpsilon: Double($0) * interval) }
        if lo == hi {
            return DensePLDPmf(discretization: interval, lowerLoss: lo, probs: [1 - deltas[0]], infinityMass: deltas[0])
        }
        for i in 1..<deltas.count { deltas[i] = min(deltas[i], deltas[i - 1]) }
        let em1 = expm1(interval), e = exp(interval), em1neg = expm1(-interval)
        var probs = [Double](repeating: 0, count: deltas.count)
        probs[0] = 1 - deltas[0] + (deltas[1] - deltas[0]) / em1
        if deltas.count > 2 {
            for i in 1..<(deltas.count - 1) {
                let next = deltas[i + 1] - deltas[i], previous = deltas[i] - deltas[i - 1]
                probs[i] = (next - previous * e) / em1
            }
        }
        let last = deltas.count - 1
        probs[last] = (deltas[last] - deltas[last - 1]) / em1neg
        for i in probs.indices { probs[i] = max(0, probs[i]) }
        return DensePLDPmf(discretization: interval, lowerLoss: lo, probs: probs, infinityMass: deltas[last])
    }
}

// MARK: Numerics

@inline(__always)
func isClose(_ a: Double, _ b: Double) -> Bool {
    a == b || (a - b).magnitude <= 1e-9 * max(a.magnitude, b.magnitude)
}

@inline(__always)
func logAddExp(_ a: Double, _ b: Double) -> Double {
    if a == -.infinity { return b }
    if b == -.infinity { return a }
    let m = max(a, b)
    return m + log1p(exp(-(a - b).magnitude))
}

/// log(a·e^b + c), dp-accounting's `log_a_times_exp_b_plus_c`.
func logATimesExpBPlusC(_ a: Double, _ b: Double, _ c: Double) -> Double {
    func logSub(_ x: Double, _ y: Double) -> Double { x + log1p(-exp(y - x)) }
    if a == 0 { return log(c) }
    if a < 0 { return logSub(log(c), log(-a) + b) }
    if b == 0 { return log(a + c) }
    let d = b + log(a)
    if c == 0 { return d }
    if c < 0 { return logSub(d, log(-c)) }
    return logAdd(d, log(c))
}

/// The z with log Φ(z) = `logProbability` (for logProbability < log(1/2)), by bisection to full precision.
func standardNormalQuantile(logProbability: Double) -> Double {
    var lo = -60.0, hi = 0.0
    for _ in 0..<200 {
        let mid = (lo + hi) / 2
        if mid == lo || mid == hi { break }
        if logNormalCDF(mid) < logProbability { lo = mid } else { hi = mid }
    }
    return (lo + hi) / 2
}

/// Radix-2 complex FFT on split real/imaginary arrays.
enum FFT {
    /// In-place transform; `re.count` must be a power of two. The inverse includes the 1/n factor.
    static func transform(_ re: inout [Double], _ im: inout [Double], inverse: Bool) {
        let n = re.count
        precondition(n == im.count && n > 0 && n & (n - 1) == 0, "FFT size must be a power of two")
        if n == 1 { return }
        // Bit reversal.
        var j = 0
        for i in 1..<n {
            var bit = n >> 1
            while j & bit != 0 { j ^= bit; bit >>= 1 }
            j |= bit
            if i < j { re.swapAt(i, j); im.swapAt(i, j) }
        }
        // Twiddles for the largest stage; smaller stages use strided entries.
        let half = n / 2
        var wr = [Double](repeating: 0, count: half), wi = [Double](repeating: 0, count: half)
        let sign = inverse ? 1.0 : -1.0
        for k in 0..<half {
            let angle = 2 * Double.pi * Double(k) / Double(n)
            wr[k] = cos(angle)
            wi[k] = sign * sin(angle)
        }
        wr.withUnsafeBufferPointer { wr in
        wi.withUnsafeBufferPointer { wi in
        re.withUnsafeMutableBufferPointer { r in
            im.withUnsafeMutableBufferPointer { m in
                var length = 2
                while length <= n {
                    let halfLength = length / 2
                    let stride = n / length
                    var start = 0
                    while start < n {
                        for k in 0..<halfLength {
                            let c = wr[k * stride], s = wi[k * stride]
                            let a = start + k, b = a + halfLength
                            let tr = r[b] * c - m[b] * s
                            let ti = r[b] * s + m[b] * c
                            r[b] = r[a] - tr
                            m[b] = m[a] - ti
                            r[a] += tr
                            m[a] += ti
                        }
                        start += length
                    }
                    length <<= 1
                }
                if inverse {
                    let scale = 1 / Double(n)
                    for i in 0..<n { r[i] *= scale; m[i] *= scale }
                }
            }
        }
        }
        }
    }

    /// The full linear convolution of two real sequences (direct for small inputs, FFT otherwise).
    static func linearConvolution(_ a: [Double], _ b: [Double]) -> [Double] {
        let outLength = a.count + b.count - 1
        if a.count == 1 || b.count == 1 || a.count * b.count <= 4096 {
            var out = [Double](repeating: 0, count: outLength)
            for i in a.indices { for j in b.indices { out[i + j] += a[i] * b[j] } }
            return out
        }
        var size = 1
        while size < outLength { size <<= 1 }
        var ar = a + [Double](repeating: 0, count: size - a.count), ai = [Double](repeating: 0, count: size)
        var br = b + [Double](repeating: 0, count: size - b.count), bi = [Double](repeating: 0, count: size)
        transform(&ar, &ai, inverse: false)
        transform(&br, &bi, inverse: false)
        for k in 0..<size {
            let r = ar[k] * br[k] - ai[k] * bi[k]
            let i = ar[k] * bi[k] + ai[k] * br[k]
            ar[k] = r
            ai[k] = i
        }
        transform(&ar, &ai, inverse: true)
        return Array(ar[0..<outLength])
    }
}
