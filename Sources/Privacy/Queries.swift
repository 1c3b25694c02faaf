/// Differentially private statistics over a dataset, for the add/remove-one-record neighbouring relation.
///
/// Every query is ε-differentially private and uses exact discrete noise. Values are clamped to the
/// caller's bounds explicitly; the bounds are public parameters, not read from the data.
public enum PrivateQueries {
    /// Maximum number of records a query accepts (bounds memory and keeps sums in range).
    public static let maxRecords = 50_000_000

    /// The number of records plus discrete Laplace noise of scale 1/ε.
    public static func count<R: RandomNumberGenerator>(_ count: Int, epsilon: Double, using rng: inout R) throws(PrivacyError) -> Int64 {
        guard count >= 0 else { throw .negativeCount(count) }
        return try LaplaceMechanism(sensitivity: 1, epsilon: epsilon).release(integer: Int64(count), using: &rng)
    }

    /// The sum of the values clamped to [lower, upper], with discrete Laplace noise on the grid.
    ///
    /// Each clamped value is rounded to the grid (spacing about max(|lower|, |upper|)/1024) and the grid
    /// integers are summed exactly, so the sensitivity in grid units is max(|lower|, |upper|) in grid units.
    public static func boundedSum<R: RandomNumberGenerator>(
        _ values: [Double], lower: Double, upper: Double, epsilon: Double, using rng: inout R
    ) throws(PrivacyError) -> Double {
        try checkBounds(lower, upper)
        try checkEpsilon(epsilon)
        guard values.count <= maxRecords else { throw .valueCount(values.count, allowed: 0...maxRecords) }
        let magnitude = max(lower.magnitude, upper.magnitude)
        let grid = try NoiseGrid.relative(to: magnitude)
        let lo = try grid.units(lower), hi = try grid.units(upper)
        var total: Int64 = 0
        for (index, value) in values.enumerated() {
            guard !value.isNaN else { throw .notANumber(index: index) }
            let units = try grid.units(min(max(value, lower), upper))
            total += min(max(units, lo), hi)   // |units| ≤ 2^12, count ≤ 5·10^7: no overflow
        }
        let sensitivity = max(lo.magnitude, hi.magnitude, 1)
        let scale = try conservativeScale(Double(sensitivity), over: epsilon)
        let noise = try ExactSampler.discreteLaplace(scale: scale, using: &rng)
        return grid.value(total + noise)
    }

    /// The mean of the values clamped to [lower, upper]: a noisy sum (ε/2) over a noisy count (ε/2),
    /// the ratio clamped to [lower, upper]. Returns the midpoint when the noisy count is below 1.
    public static func boundedMean<R: RandomNumberGenerator>(
        _ values: [Double], lower: Double, upper: Double, epsilon: Double, using rng: inout R
    ) throws(PrivacyError) -> Double {
        try checkBounds(lower, upper)
        try checkEpsilon(epsilon)
        let sum = try boundedSum(values, lower: lower, upper: upper, epsilon: epsilon / 2, using: &rng)
        let n = try count(values.count, epsilon: epsilon / 2, using: &rng)
        guard n >= 1 else { return lower / 2 + upper / 2 }
        return min(max(sum / Double(n), lower), upper)
    }

    /// Noisy counts of values in `bins` equal-width bins over [lower, upper] (values outside are clamped
    /// into the first or last bin). Adding or removing one record changes one bin by one, so each bin gets
    /// discrete Laplace noise of scale 1/ε.
    public static func histogram<R: RandomNumberGenerator>(
        _ values: [Double], lower: Double, upper: Double, bins: Int, epsilon: Double, using rng: inout R
    ) throws(PrivacyError) -> [Int64] {
        try checkBounds(lower, upper)
        try checkEpsilon(epsilon)
        guard (1...100_000).contains(bins) else { throw .parameterOutOfRange(.bins, value: Double(bins)) }
        guard values.count <= maxRecords else { throw .valueCount(values.count, allowed: 0...maxRecords) }
        var counts = [Int64](repeating: 0, count: bins)
        // Halves (exact for normal numbers) keep the width finite when upper − lower exceeds the largest Double.
        let halfWidth = (upper / 2 - lower / 2) / Double(bins)
        for (index, value) in values.enumerated() {
            guard !value.isNaN else { throw .notANumber(index: index) }
            let position = ((min(max(value, lower), upper) / 2 - lower / 2) / halfWidth).rounded(.down)
            // Compared before converting, so a NaN or huge position (subnormal width) cannot trap.
            counts[position >= Double(bins - 1) ? bins - 1 : position > 0 ? Int(position) : 0] += 1
        }
        return try noisyCounts(counts, epsilon: epsilon, using: &rng)
    }

    /// Adds discrete Laplace noise of scale 1/ε to each count of a histogram in which one record
    /// contributes to one bin.
    public static func noisyCounts<R: RandomNumberGenerator>(
        _ counts: [Int64], epsilon: Double, using rng: inout R
    ) throws(PrivacyError) -> [Int64] {
        let mechanism = try LaplaceMechanism(sensitivity: 1, epsilon: epsilon)
        let scale = try mechanism.integerScale()
        var out: [Int64] = []
        out.reserveCapacity(counts.count)
        for c in counts {
            let noisy = c.addingReportingOverflow(try ExactSampler.discreteLaplace(scale: scale, using: &rng))
            guard !noisy.overflow else { throw .answerOverflow(value: Double(c)) }
            out.append(noisy.partialValue)
        }
        return out
    }

    /// The `quantile` (in [0, 1]) of the values clamped to [lower, upper], by the exponential mechanism.
    ///
    /// The range is cut into about 2^20 grid points. A grid point with k data points below it has
    /// utility −|k − q·n| (sensitivity 1), and is chosen with probability ∝ exp(−ε·(u* − u)/2): the sampler
    /// proposes a grid point uniformly and accepts it with an exact Bernoulli(exp(−ε·(u* − u)/2)),
    /// which yields exactly the exponential-mechanism distribution (no Gumbel or floating-point noise).
    public static func quantile<R: RandomNumberGenerator>(
        _ values: [Double], quantile q: Double, lower: Double, upper: Double, epsilon: Double, using rng: inout R
    ) throws(PrivacyError) -> Double {
        try checkBounds(lower, upper)
        try checkEpsilon(epsilon)
        guard q.isFinite, q >= 0, q <= 1 else { throw .invalidProbability(q) }
        guard values.count <= maxRecords else { throw .valueCount(values.count, allowed: 0...maxRecords) }
        let grid = try NoiseGrid.relative(to: upper - lower, bits: 20)
        let a = try grid.units(lower), b = try grid.units(upper)
        var points: [Int64] = []
        points.reserveCapacity(values.count)
        for (index, value) in values.enumerated() {
            guard !value.isNaN else { throw .notANumber(index: index) }
            points.append(min(max(try grid.units(min(max(value, lower), upper)), a), b))
        }
        points.sort()
        // Interval i covers grid points [z_i, z_{i+1}) with z_0 = a, z_{n+1} = b + 1; k = i points lie below.
        let n = points.count
        let precision: UInt128 = 1 << 20
        let target = UInt128((q * Double(precision)).rounded()) * UInt128(n)   // q·n in units of 2^-20
        var widths: [UInt64] = []
        var gaps: [UInt128] = []
        widths.reserveCapacity(n + 1)
        gaps.reserveCapacity(n + 1)
        var best = UInt128.max
        for i in 0...n {
            let start = i == 0 ? a : points[i - 1]
            let end = i == n ? b + 1 : points[i]
            widths.append(UInt64(end - start))
            let k = UInt128(i) * precision
            let distance = k >= target ? k - target : target - k
            gaps.append(distance)
            if end > start { best = min(best, distance) }
        }
        for i in gaps.indices { gaps[i] = gaps[i] >= best ? gaps[i] - best : 0 }
        // γ_i = ε·gap_i / (2·2^20)
        let eps = try PrivacyRational.roundingDown(epsilon)
        let choice = ExponentialSampler.sample(
            widths: widths, gaps: gaps, gapScale: (UInt128(eps.numerator), UInt128(eps.denominator) * 2 * precision),
            using: &rng)
        let start = choice.index == 0 ? a : points[choice.index - 1]
        return grid.value(start + Int64(choice.offset))
    }

    /// Report noisy max, realised as the exponential mechanism: returns index i with probability
    /// ∝ exp(ε·score_i / (2Δ)), or ∝ exp(ε·score_i / Δ) when `monotonic` (scores such as counts that move
    /// in the same direction for all candidates). Equal in distribution to report-noisy-max with Gumbel
    /// noise; sampled exactly by uniform proposals and Bernoulli(exp(·)) acceptance.
    public static func reportNoisyMax<R: RandomNumberGenerator>(
        scores: [Int64], sensitivity: Int64 = 1, epsilon: Double, monotonic: Bool = false, using rng: inout R
    ) throws(PrivacyError) -> Int {
        try checkEpsilon(epsilon)
        guard sensitivity > 0 else { throw .invalidSensitivity(Double(sensitivity)) }
        guard (1...10_000_000).contains(scores.count) else { throw .valueCount(scores.count, allowed: 1...10_000_000) }
        let top = scores.max() ?? 0
        var gaps: [UInt128] = []
        gaps.reserveCapacity(scores.count)
        for s in scores { gaps.append(UInt128(UInt64(bitPattern: top &- s))) }
        let eps = try PrivacyRational.roundingDown(epsilon)
        let factor: UInt128 = monotonic ? 1 : 2
        return ExponentialSampler.sample(
            widths: [UInt64](repeating: 1, count: scores.count), gaps: gaps,
            gapScale: (UInt128(eps.numerator), UInt128(eps.denominator) * factor * UInt128(sensitivity)),
            using: &rng).index
    }
}

/// Exact sampling of a finite distribution with weights width_i · exp(−gap_i · num/den).
enum ExponentialSampler {
    /// Proposes an index with probability ∝ width, accepts with Bernoulli(exp(−gap·num/den)). At least one
    /// index with positive width must have gap 0. Returns the index and the uniform offset inside it.
    static func sample<R: RandomNumberGenerator>(
        widths: [UInt64], gaps: [UInt128], gapScale: (UInt128, UInt128), using rng: inout R
    ) -> (index: Int, offset: UInt64) {
        var prefix: [UInt64] = []
        prefix.reserveCapacity(widths.count)
        var total: UInt64 = 0
        for w in widths { total += w; prefix.append(total) }
        precondition(total > 0, "total width must be positive")
        while true {
            let r = rng.next(upperBound: total)
            // First index with prefix > r.
            var lo = 0, hi = prefix.count - 1
            while lo < hi {
                let mid = (lo + hi) / 2
                if prefix[mid] > r { hi = mid } else { lo = mid + 1 }
            }
            let offset = r - (prefix[lo] - widths[lo])
            let (num, overflow) = gaps[lo].multipliedReportingOverflow(by: gapScale.0)
            // Overflow means γ ≥ 2^128 / den ≥ 2^60: acceptance probability below e^-(2^60).
            if overflow { continue }
            if ExactSampler.bernoulliExpUnchecked(num, gapScale.1, &rng) { return (lo, offset) }
        }
    }
}

extension PrivateQueries {
    /// `count(_:epsilon:using:)` with noise from libsodium's CSPRNG.
    public static func count(_ count: Int, epsilon: Double) throws(PrivacyError) -> Int64 {
        var rng = SecureBitSource()
        return try self.count(count, epsilon: epsilon, using: &rng)
    }

    /// `boundedSum(_:lower:upper:epsilon:using:)` with noise from libsodium's CSPRNG.
    public static func boundedSum(_ values: [Double], lower: Double, upper: Double, epsilon: Double) throws(PrivacyError) -> Double {
        var rng = SecureBitSource()
        return try boundedSum(values, lower: lower, upper: upper, epsilon: epsilon, using: &rng)
    }

    /// `boundedMean(_:lower:upper:epsilon:using:)` with noise from libsodium's CSPRNG.
    public static func boundedMean(_ values: [Double], lower: Double, upper: Double, epsilon: Double) throws(PrivacyError) -> Double {
        var rng = SecureBitSource()
        return try boundedMean(values, lower: lower, upper: upper, epsilon: epsilon, using: &rng)
    }

    /// `histogram(_:lower:upper:bins:epsilon:using:)` with noise from libsodium's CSPRNG.
    public static func histogram(_ values: [Double], lower: Double, upper: Double, bins: Int, epsilon: Double)
        throws(PrivacyError) -> [Int64]
    {
        var rng = SecureBitSource()
        return try histogram(values, lower: lower, upper: upper, bins: bins, epsilon: epsilon, using: &rng)
    }

    /// `quantile(_:quantile:lower:upper:epsilon:using:)` with randomness from libsodium's CSPRNG.
    public static func quantile(_ values: [Double], quantile q: Double, lower: Double, upper: Double, epsilon: Double)
        throws(PrivacyError) -> Double
    {
        var rng = SecureBitSource()
        return try quantile(values, quantile: q, lower: lower, upper: upper, epsilon: epsilon, using: &rng)
    }
}
