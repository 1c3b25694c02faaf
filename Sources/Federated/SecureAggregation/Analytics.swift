import DataFiPrivacy
import DataFiSupport

/// A federated analytics query ("federated MapReduce"): each owner maps its own records to a small
/// integer vector, secure aggregation reduces the vectors, and only the aggregate is decoded.
public enum AnalyticsQuery: Sendable, Hashable {
    /// The number of records.
    case count
    /// The sum of a column clamped to [lower, upper].
    case sum(lower: Double, upper: Double)
    /// The mean of a column clamped to [lower, upper] (sum and count aggregated together).
    case mean(lower: Double, upper: Double)
    /// Counts of a column clamped to [lower, upper] in `bins` equal bins.
    case histogram(lower: Double, upper: Double, bins: Int)
    /// The q-quantile, read from a histogram of `bins` bins over [lower, upper].
    case quantile(Double, lower: Double, upper: Double, bins: Int)
}

/// The decoded aggregate of a federated analytics job.
public struct AnalyticsResult: Sendable {
    /// The query answered.
    public let query: AnalyticsQuery
    /// The scalar answer (count, sum, mean or quantile); nil for a histogram.
    public let value: Double?
    /// The bin counts of a histogram (or of the histogram behind a quantile).
    public let histogram: [Double]?
    /// Owners whose contribution is in the aggregate.
    public let survivors: Int
    /// Owners that took part.
    public let owners: Int
    /// The ε spent by this job at `delta` (with distributed DP), computed for the actual survivors.
    public let epsilon: Double?
    /// The δ of the guarantee (with distributed DP).
    public let delta: Double?
    /// Each owner's discrete Gaussian variance in integer units (with distributed DP).
    public let perOwnerVariance: Double?
    /// Mean bytes sent per owner.
    public let bytesPerOwner: Double
}

/// Federated analytics over secure aggregation, optionally with distributed differential privacy.
///
/// Encoding: record values are clamped to [lower, upper] and scaled by
/// `scaleBits`-bit fixed point (2^scaleBits / max(|lower|, |upper|)), so one record moves a sum by at
/// most 2^scaleBits integer units; counts and histogram bins move by 1 per record. Under the
/// add/remove-one-record relation the L2 sensitivity is 1 (count, histogram, quantile),
/// 2^scaleBits (sum) and √2·2^scaleBits (mean, whose count coordinate is also in 2^scaleBits
/// units so both coordinates get the same relative noise). Vectors live in Z_{2^62}; a job is refused
/// (`SecAggError.overflowRisk`) unless records × 2^scaleBits + owners × noise margin < 2^61, the
/// noise margin bounding each owner's noise except with probability 2^-40 per coordinate.
public enum FederatedAnalytics {
    /// Fixed-point bits of a clamped record value.
    public static let scaleBits = 16
    /// The largest number of records in a job.
    public static let maxRecords = 1 << 30
    /// The largest number of histogram bins.
    public static let maxBins = 65_536
    static let bits = 62

    /// The map step: one owner's local vector of signed integers.
    /// - Throws: `SecAggError.invalidQuantization` for bounds that are not finite with lower < upper,
    ///   `.invalidDimension` for a bin count outside 1...`maxBins`, `.invalidPrivacyParameter` for a
    ///   quantile outside [0, 1], `.nonFiniteValue` for a NaN or infinite record.
    public static func localVector(_ records: [Double], query: AnalyticsQuery) throws(SecAggError) -> [Int64] {
        try validate(query)
        if let bad = records.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteValue(index: bad) }
        switch query {
        case .count:
            return [Int64(records.count)]
        case .sum(let lower, let upper):
            return [records.reduce(Int64(0)) { $0 + fixedPoint($1, lower, upper) }]
        case .mean(let lower, let upper):
            // The count is in the same 2^scaleBits units, so the noise is shared evenly.
            return [records.reduce(Int64(0)) { $0 + fixedPoint($1, lower, upper) }, Int64(records.count) << Int64(scaleBits)]
        case .histogram(let lower, let upper, let bins), .quantile(_, let lower, let upper, let bins):
            var counts = [Int64](repeating: 0, count: bins)
            for x in records {
                let clamped = Swift.min(Swift.max(x, lower), upper)
                let index = Swift.min(bins - 1, Int(((clamped - lower) / (upper - lower) * Double(bins)).rounded(.down)))
                counts[Swift.max(0, index)] += 1
            }
            return counts
        }
    }

    static func validate(_ query: AnalyticsQuery) throws(SecAggError) {
        switch query {
        case .count: return
        case .sum(let l, let u), .mean(let l, let u):
            guard l.isFinite, u.isFinite, l < u else { throw .invalidQuantization(clip: l, scale: u) }
        case .histogram(let l, let u, let bins):
            guard l.isFinite, u.isFinite, l < u else { throw .invalidQuantization(clip: l, scale: u) }
            guard (1...maxBins).contains(bins) else { throw .invalidDimension(bins) }
        case .quantile(let q, let l, let u, let bins):
            guard l.isFinite, u.isFinite, l < u else { throw .invalidQuantization(clip: l, scale: u) }
            guard (1...maxBins).contains(bins) else { throw .invalidDimension(bins) }
            guard q.isFinite, q >= 0, q <= 1 else { throw .invalidPrivacyParameter("quantile \(q) must be in [0, 1]") }
        }
    }

    static func scale(_ lower: Double, _ upper: Double) -> Double {
        Double(1 << scaleBits) / Swift.max(abs(lower), abs(upper))
    }

    static func fixedPoint(_ x: Double, _ lower: Double, _ upper: Double) -> Int64 {
        let clamped = Swift.min(Swift.max(x, lower), upper)
        let limit = Int64(1 << scaleBits)
        return Swift.min(Swift.max(Int64((clamped * scale(lower, upper)).rounded()), -limit), limit)
    }

    /// The L2 sensitivity of the query's vector to one record, in integer units.
    public static func sensitivity(of query: AnalyticsQuery) -> Double {
        switch query {
        case .count, .histogram, .quantile: 1
        case .sum: Double(1 << scaleBits)
        case .mean: 2.0.squareRoot() * Double(1 << scaleBits)
        }
    }

    /// Runs a job over the owners' records in one simulated secure-aggregation round (one client
    /// per owner, complete graph, threshold `threshold` or ⌊n/2⌋ + 1), with ⌊dropout·n + ½⌋ owners,
    /// chosen by `SplitMix64(seed:)`, dropping before their masked input. With `privacy`, each
    /// owner adds discrete Gaussian noise (libsodium randomness) calibrated so that t survivors
    /// give (ε, δ)-DP; the reported ε is computed for the actual survivors.
    /// - Throws: `SecAggError` for an invalid query, fewer than 2 owners, too many records,
    ///   invalid privacy parameters, `.overflowRisk`, or `.tooFewSurvivors` when dropouts leave
    ///   fewer than t owners (no aggregate is released then).
    public static func run(shards: [[Double]], query: AnalyticsQuery, privacy: (epsilon: Double, delta: Double)? = nil,
                           threshold: Int? = nil, dropout: Double = 0, seed: UInt64 = 0) throws(SecAggError) -> AnalyticsResult {
        try validate(query)
        let n = shards.count
        guard n >= 2, n <= SecAggConfig.maxClients else { throw .invalidClientID(UInt32(clamping: n)) }
        guard dropout.isFinite, dropout >= 0, dropout <= 1 else { throw .invalidDropout(dropout) }
        let records = shards.reduce(0) { $0 + $1.count }
        guard records <= maxRecords else { throw .tooManyEntries(declared: records, limit: maxRecords) }
        let t = threshold ?? Swift.min(n, n / 2 + 1)
        let locals = try shards.map { shard throws(SecAggError) in try localVector(shard, query: query) }
        let dimension = locals[0].count
        let config = try SecAggConfig(session: seed, threshold: t, dimension: dimension, bits: bits)

        var mechanism: DistributedDiscreteGaussian?
        var margin: UInt64 = 0
        if let privacy {
            let m = try DistributedDiscreteGaussian.calibrated(epsilon: privacy.epsilon, delta: privacy.delta,
                                                               sensitivity: sensitivity(of: query), dimension: dimension,
                                                               minimumSurvivors: t)
            mechanism = m
            margin = m.noiseMargin(tailProbability: 0x1p-40)
        }
        // Overflow bound: |Σ local| ≤ records · 2^scaleBits, |Σ noise| ≤ n · margin.
        let bound = Double(records) * Double(1 << scaleBits) + Double(n) * Double(margin)
        guard bound < 0x1p61 else { throw .overflowRisk(clients: n, magnitude: bound / Double(n), bits: bits) }

        var inputs: [ClientID: [UInt64]] = [:]
        var noiseSource = SecureBitSource()
        for (i, local) in locals.enumerated() {
            var v = local.map { UInt64(bitPattern: $0) & config.valueMask }
            mechanism?.addNoise(to: &v, bits: bits, using: &noiseSource)
            inputs[ClientID(i + 1)] = v
        }
        var rng = SplitMix64(seed: seed)
        var order = Array(1...UInt32(n))
        order.shuffle(using: &rng)
        var drops: [ClientID: DropPhase] = [:]
        for id in order.prefix(Int((dropout * Double(n)).rounded())) { drops[id] = .beforeMaskedInput }
        let report = try SecAggSimulation.run(config: config, inputs: inputs, drops: drops)

        let shift = UInt64(64 - bits)
        let aggregate = report.sum.map { Int64(bitPattern: $0 << shift) >> Int64(shift) }
        var epsilon: Double?
        if let mechanism, let privacy {
            var accountant = DistributedDPAccountant()
            try accountant.compose(mechanism, survivors: report.survivors.count)
            epsilon = try accountant.epsilon(delta: privacy.delta).epsilon
        }
        let value: Double?
        var histogram: [Double]?
        switch query {
        case .count:
            value = Double(aggregate[0])
        case .sum(let l, let u):
            value = Double(aggregate[0]) / scale(l, u)
        case .mean(let l, let u):
            let count = Swift.max(1, Double(aggregate[1]) / Double(1 << scaleBits))
            value = Swift.min(Swift.max(Double(aggregate[0]) / scale(l, u) / count, l), u)
        case .histogram:
            value = nil
            histogram = aggregate.map(Double.init)
        case .quantile(let q, let l, let u, let bins):
            let counts = aggregate.map { Swift.max(0, Double($0)) }
            histogram = aggregate.map(Double.init)
            value = quantileFromHistogram(counts, q: q, lower: l, upper: u, bins: bins)
        }
        return AnalyticsResult(query: query, value: value, histogram: histogram, survivors: report.survivors.count,
                               owners: n, epsilon: epsilon, delta: privacy?.delta,
                               perOwnerVariance: mechanism?.perClientVariance.doubleValue,
                               bytesPerOwner: report.bytesPerClient)
    }

    /// The q-quantile of a histogram over [lower, upper], interpolating linearly inside the bin
    /// where the cumulative count reaches q·total (negative noisy counts taken as 0).
    public static func quantileFromHistogram(_ counts: [Double], q: Double, lower: Double, upper: Double, bins: Int) -> Double {
        let total = counts.reduce(0, +)
        guard total > 0 else { return lower }
        let target = q * total
        let width = (upper - lower) / Double(bins)
        var cumulative = 0.0
        for (i, c) in counts.enumerated() {
            if cumulative + c >= target, c > 0 {
                return lower + width * (Double(i) + (target - cumulative) / c)
            }
            cumulative += c
        }
        return upper
    }
}
