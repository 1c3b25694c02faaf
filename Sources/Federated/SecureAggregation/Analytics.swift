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

    /// The public parameters of one job, shared by the coordinator and every owner: the query, the
    /// round's configuration and, with distributed DP, the noise each owner adds.
    public struct Plan: Sendable {
        /// The query.
        public let query: AnalyticsQuery
        /// The secure-aggregation round (complete graph, 62-bit group).
        public let config: SecAggConfig
        /// The owners invited.
        public let owners: Int
        /// The most records one owner may contribute (keeps the aggregate below the overflow bound).
        public let maxRecordsPerOwner: Int
        /// The privacy target, when the job is differentially private.
        public let privacy: (epsilon: Double, delta: Double)?
        let mechanism: DistributedDiscreteGaussian?
        let margin: UInt64

        /// Each owner's discrete Gaussian variance in integer units (with distributed DP).
        public var perOwnerVariance: Double? { mechanism?.perClientVariance.doubleValue }
    }

    /// The plan of a job for `owners` owners with threshold `threshold` (default ⌊n/2⌋ + 1) in
    /// round `session`; with `privacy`, the noise is calibrated so that `threshold` survivors
    /// give (ε, δ)-DP.
    /// - Throws: `SecAggError` for an invalid query, owners outside 2...`SecAggConfig.maxClients`,
    ///   an invalid threshold or privacy parameters, or `.overflowRisk` when `maxRecords` records and
    ///   the owners' noise could overflow.
    public static func plan(query: AnalyticsQuery, owners: Int, threshold: Int? = nil,
                            privacy: (epsilon: Double, delta: Double)? = nil, session: UInt64 = 0) throws(SecAggError) -> Plan {
        try validate(query)
        guard owners >= 2, owners <= SecAggConfig.maxClients else { throw .invalidClientID(UInt32(clamping: owners)) }
        let t = threshold ?? Swift.min(owners, owners / 2 + 1)
        let dimension = try localVector([], query: query).count
        let config = try SecAggConfig(session: session, threshold: t, dimension: dimension, bits: bits)
        var mechanism: DistributedDiscreteGaussian?
        var margin: UInt64 = 0
        if let privacy {
            let m = try DistributedDiscreteGaussian.calibrated(epsilon: privacy.epsilon, delta: privacy.delta,
                                                               sensitivity: sensitivity(of: query), dimension: dimension,
                                                               minimumSurvivors: t)
            mechanism = m
            margin = m.noiseMargin(tailProbability: 0x1p-40)
        }
        try checkOverflow(records: maxRecords, owners: owners, margin: margin)
        return Plan(query: query, config: config, owners: owners, maxRecordsPerOwner: maxRecords / owners,
                    privacy: privacy, mechanism: mechanism, margin: margin)
    }

    /// |Σ local| ≤ records · 2^scaleBits and |Σ noise| ≤ owners · margin must stay below 2^61.
    static func checkOverflow(records: Int, owners: Int, margin: UInt64) throws(SecAggError) {
        let bound = Double(records) * Double(1 << scaleBits) + Double(owners) * Double(margin)
        guard bound < 0x1p61 else { throw .overflowRisk(clients: owners, magnitude: bound / Double(owners), bits: bits) }
    }

    /// One owner's input to the round: the map of its records, with its share of the noise when
    /// the job is differentially private (libsodium randomness), in Z_{2^62}.
    /// - Throws: `SecAggError.tooManyEntries` above `Plan.maxRecordsPerOwner` records, and the
    ///   errors of `localVector(_:query:)`.
    public static func ownerInput(_ records: [Double], plan: Plan) throws(SecAggError) -> [UInt64] {
        guard records.count <= plan.maxRecordsPerOwner else {
            throw .tooManyEntries(declared: records.count, limit: plan.maxRecordsPerOwner)
        }
        var noiseSource = SecureBitSource()
        return encode(try localVector(records, query: plan.query), plan: plan, noise: &noiseSource)
    }

    static func encode(_ local: [Int64], plan: Plan, noise: inout SecureBitSource) -> [UInt64] {
        var v = local.map { UInt64(bitPattern: $0) & plan.config.valueMask }
        plan.mechanism?.addNoise(to: &v, bits: bits, using: &noise)
        return v
    }

    /// Decodes the aggregate of a round (the server's sum over `survivors` owners) into the answer;
    /// with distributed DP, the ε spent is computed for the actual survivors.
    /// - Parameters:
    ///   - sum: The aggregate, `plan.config.dimension` values in Z_{2^62}.
    ///   - plan: The job's plan.
    ///   - survivors: The owners whose input is in the sum.
    ///   - bytesPerOwner: Mean bytes an owner sent, for the report.
    /// - Throws: `SecAggError.wrongDimension` for a sum of another length; the accountant's errors.
    public static func decode(sum: [UInt64], plan: Plan, survivors: Int, bytesPerOwner: Double = 0)
        throws(SecAggError) -> AnalyticsResult
    {
        guard sum.count == plan.config.dimension else {
            throw .wrongDimension(expected: plan.config.dimension, actual: sum.count)
        }
        let shift = UInt64(64 - bits)
        let aggregate = sum.map { Int64(bitPattern: $0 << shift) >> Int64(shift) }
        var epsilon: Double?
        if let mechanism = plan.mechanism, let privacy = plan.privacy {
            var accountant = DistributedDPAccountant()
            try accountant.compose(mechanism, survivors: survivors)
            epsilon = try accountant.epsilon(delta: privacy.delta).epsilon
        }
        let value: Double?
        var histogram: [Double]?
        switch plan.query {
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
        return AnalyticsResult(query: plan.query, value: value, histogram: histogram, survivors: survivors,
                               owners: plan.owners, epsilon: epsilon, delta: plan.privacy?.delta,
                               perOwnerVariance: plan.perOwnerVariance, bytesPerOwner: bytesPerOwner)
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
        let plan = try plan(query: query, owners: n, threshold: threshold, privacy: privacy, session: seed)
        try checkOverflow(records: records, owners: n, margin: plan.margin)

        var inputs: [ClientID: [UInt64]] = [:]
        var noiseSource = SecureBitSource()
        for (i, shard) in shards.enumerated() {
            inputs[ClientID(i + 1)] = encode(try localVector(shard, query: query), plan: plan, noise: &noiseSource)
        }
        var rng = SplitMix64(seed: seed)
        var order = Array(1...UInt32(n))
        order.shuffle(using: &rng)
        var drops: [ClientID: DropPhase] = [:]
        for id in order.prefix(Int((dropout * Double(n)).rounded())) { drops[id] = .beforeMaskedInput }
        let report = try SecAggSimulation.run(config: plan.config, inputs: inputs, drops: drops)
        return try decode(sum: report.sum, plan: plan, survivors: report.survivors.count,
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
