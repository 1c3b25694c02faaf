import DataFiSodium

/// A decimal number written as text, as a task order carries it: signed transactions hold only integers and
/// strings, so bounds and privacy parameters travel as decimal strings and the signed bytes stay exact.
///
/// The accepted form is `-?(0|[1-9][0-9]{0,14})(\.[0-9]{0,11}[1-9])?`: at most 15 integer digits, at most 12
/// fraction digits, no trailing fraction zeros, no exponent, no `-0`. ``value`` is `nil` for any other text.
public struct TaskDecimal: Codable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The text as written.
    public let text: String

    /// Wraps `text` without checking it; a task order with a malformed number is refused on submission.
    public init(_ text: String) { self.text = text }

    /// Creates a number from a literal.
    public init(stringLiteral value: String) { text = value }

    /// Decodes a single JSON string.
    public init(from decoder: any Decoder) throws {
        text = try decoder.singleValueContainer().decode(String.self)
    }

    /// Encodes a single JSON string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }

    /// The number, or `nil` when ``text`` is not of the accepted form.
    public var value: Double? {
        var bytes = Array(text.utf8)[...]
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        let integer = bytes.prefix { (0x30...0x39).contains($0) }
        guard (1...15).contains(integer.count), integer.count == 1 || integer.first != 0x30 else { return nil }
        let rest = bytes.dropFirst(integer.count)
        if let dot = rest.first {
            let fraction = rest.dropFirst()
            guard dot == UInt8(ascii: "."), (1...12).contains(fraction.count),
                fraction.allSatisfy({ (0x30...0x39).contains($0) }), fraction.last != 0x30
            else { return nil }
        }
        guard text != "-0", let number = Double(text), number.isFinite else { return nil }
        return number
    }

    /// The text as written.
    public var description: String { text }
}

/// The map-reduce query of a federated job: each owner's agent maps its own records to a small vector,
/// secure aggregation sums the vectors, and only the sum is decoded. Values of `column` are clamped to
/// [`lower`, `upper`].
public enum FederatedTaskQuery: Codable, Hashable, Sendable {
    /// The number of records.
    case count
    /// The sum of a column.
    case sum(column: String, lower: TaskDecimal, upper: TaskDecimal)
    /// The mean of a column.
    case mean(column: String, lower: TaskDecimal, upper: TaskDecimal)
    /// Counts of a column in `bins` equal bins over [`lower`, `upper`].
    case histogram(column: String, lower: TaskDecimal, upper: TaskDecimal, bins: Int)
    /// The `q`-quantile (0...1) of a column, read from a histogram of `bins` bins over [`lower`, `upper`].
    case quantile(column: String, q: TaskDecimal, lower: TaskDecimal, upper: TaskDecimal, bins: Int)

    /// The query's name: `count`, `sum`, `mean`, `histogram` or `quantile`.
    public var kind: String {
        switch self {
        case .count: "count"
        case .sum: "sum"
        case .mean: "mean"
        case .histogram: "histogram"
        case .quantile: "quantile"
        }
    }

    /// The column read, or `nil` for a count.
    public var column: String? {
        switch self {
        case .count: nil
        case .sum(let column, _, _), .mean(let column, _, _), .histogram(let column, _, _, _),
            .quantile(let column, _, _, _, _):
            column
        }
    }
}

/// Distributed differential privacy of a federated job: each owner adds discrete Gaussian noise so that the
/// aggregate of `threshold` owners is (ε, δ)-differentially private.
public struct FederatedTaskPrivacy: Codable, Hashable, Sendable {
    /// ε, in (0, ``FederatedTaskJob/maxEpsilon``].
    public var epsilon: TaskDecimal
    /// δ, in (0, 1).
    public var delta: TaskDecimal

    /// Creates the target.
    public init(epsilon: TaskDecimal, delta: TaskDecimal) {
        self.epsilon = epsilon
        self.delta = delta
    }
}

/// The job a federated compute task runs: the owners' agents compute their part locally and a secure
/// aggregation round releases only the sum of the contributing owners' parts. One verified asset is one
/// participant of the round.
public struct FederatedTaskJob: Codable, Hashable, Sendable {
    /// The largest ε a job may ask for.
    public static let maxEpsilon = 100.0
    /// The most histogram bins (the secure-aggregation module's limit).
    public static let maxBins = 65_536
    /// The longest column name, in UTF-8 bytes.
    public static let maxColumnLength = 64

    /// What is computed.
    public var query: FederatedTaskQuery
    /// The fewest contributors whose sum may be released (at least 2, at most the dataset's verified assets
    /// when the task is submitted).
    public var threshold: Int
    /// Distributed differential privacy, if any.
    public var privacy: FederatedTaskPrivacy?

    /// Creates a job.
    public init(query: FederatedTaskQuery, threshold: Int, privacy: FederatedTaskPrivacy? = nil) {
        self.query = query
        self.threshold = threshold
        self.privacy = privacy
    }

    /// What is wrong with the job on its own, or `nil` when it is well formed.
    public var problem: FederatedTaskProblem? {
        guard threshold >= 2 else { return .threshold(threshold) }
        switch query {
        case .count:
            break
        case .sum(let column, let lower, let upper), .mean(let column, let lower, let upper):
            if let problem = Self.check(column: column, lower: lower, upper: upper) { return problem }
        case .histogram(let column, let lower, let upper, let bins):
            if let problem = Self.check(column: column, lower: lower, upper: upper) { return problem }
            guard (1...Self.maxBins).contains(bins) else { return .bins(bins) }
        case .quantile(let column, let q, let lower, let upper, let bins):
            if let problem = Self.check(column: column, lower: lower, upper: upper) { return problem }
            guard (1...Self.maxBins).contains(bins) else { return .bins(bins) }
            guard let value = q.value, value >= 0, value <= 1 else { return .quantile(q) }
        }
        if let privacy {
            guard let epsilon = privacy.epsilon.value, epsilon > 0, epsilon <= Self.maxEpsilon else {
                return .epsilon(privacy.epsilon)
            }
            guard let delta = privacy.delta.value, delta > 0, delta < 1 else { return .delta(privacy.delta) }
        }
        return nil
    }

    private static func check(column: String, lower: TaskDecimal, upper: TaskDecimal) -> FederatedTaskProblem? {
        guard PrintableText.isValid(column, limit: maxColumnLength) else { return .column }
        guard let low = lower.value else { return .number(lower) }
        guard let high = upper.value else { return .number(upper) }
        guard low < high else { return .bounds(lower: lower, upper: upper) }
        return nil
    }

    /// The digest a ``Transaction/recordFederatedResult(task:contributors:digest:)`` carries for the aggregate
    /// `values` (the secure-aggregation sum, one value per coordinate) of task `task`: BLAKE2b-256 of the
    /// ASCII domain `datafi.federated.aggregate.v1`, the task id and each value as 8 little-endian bytes,
    /// in lowercase hex. The consumer who receives the aggregate recomputes it to check that it is the one
    /// recorded.
    public static func aggregateDigest(task: UInt64, values: [UInt64]) -> String {
        var bytes = Array("datafi.federated.aggregate.v1".utf8)
        bytes.reserveCapacity(bytes.count + 8 * (values.count + 1))
        for word in [task] + values {
            withUnsafeBytes(of: word.littleEndian) { bytes.append(contentsOf: $0) }
        }
        return Hex.encode(BLAKE2b.hash256(bytes))
    }

    /// Whether `digest` has the form of ``aggregateDigest(task:values:)``: 64 lowercase hex digits.
    public static func isWellFormedDigest(_ digest: String) -> Bool {
        digest.utf8.count == 64 && digest.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}

/// What is wrong with a ``FederatedTaskJob``.
public enum FederatedTaskProblem: Hashable, Sendable, CustomStringConvertible {
    /// The threshold is below 2 (one contributor's "aggregate" is its own data).
    case threshold(Int)
    /// The threshold is above the dataset's verified assets: the round could never complete.
    case thresholdAboveParticipants(threshold: Int, participants: Int)
    /// The column name is not 1...``FederatedTaskJob/maxColumnLength`` bytes without control characters.
    case column
    /// A bound is not a decimal number of the accepted form (``TaskDecimal``).
    case number(TaskDecimal)
    /// The lower bound is not below the upper bound.
    case bounds(lower: TaskDecimal, upper: TaskDecimal)
    /// The bin count is not in 1...``FederatedTaskJob/maxBins``.
    case bins(Int)
    /// The quantile is not a decimal in [0, 1].
    case quantile(TaskDecimal)
    /// ε is not a decimal in (0, ``FederatedTaskJob/maxEpsilon``].
    case epsilon(TaskDecimal)
    /// δ is not a decimal in (0, 1).
    case delta(TaskDecimal)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .threshold(let t): "threshold \(t) must be at least 2"
        case .thresholdAboveParticipants(let t, let n): "threshold \(t) above the dataset's \(n) verified assets"
        case .column: "column must be 1-\(FederatedTaskJob.maxColumnLength) bytes without control characters"
        case .number(let text): "\"\(text)\" is not a decimal number"
        case .bounds(let lower, let upper): "lower bound \(lower) must be below upper bound \(upper)"
        case .bins(let bins): "bins \(bins) outside 1...\(FederatedTaskJob.maxBins)"
        case .quantile(let q): "quantile \(q) must be a decimal in [0, 1]"
        case .epsilon(let e): "epsilon \(e) must be a decimal in (0, \(Int(FederatedTaskJob.maxEpsilon))]"
        case .delta(let d): "delta \(d) must be a decimal in (0, 1)"
        }
    }
}

/// What completed a federated task: the verified assets whose owners' parts are in the aggregate, and the
/// aggregate's digest (``FederatedTaskJob/aggregateDigest(task:values:)``).
public struct FederatedTaskOutcome: Codable, Hashable, Sendable {
    /// The contributing assets' indexes, ascending.
    public var contributors: [Int]
    /// The aggregate's digest, 64 lowercase hex digits.
    public var digest: String

    /// Creates an outcome.
    public init(contributors: [Int], digest: String) {
        self.contributors = contributors
        self.digest = digest
    }
}

/// A task order's federated job, held by reference (an order's job never changes once made). Encodes as the job.
final class FederatedJobStorage: Codable, Hashable, Sendable {
    let job: FederatedTaskJob

    init(_ job: FederatedTaskJob) { self.job = job }

    init(from decoder: any Decoder) throws { job = try FederatedTaskJob(from: decoder) }

    func encode(to encoder: any Encoder) throws { try job.encode(to: encoder) }

    static func == (lhs: FederatedJobStorage, rhs: FederatedJobStorage) -> Bool { lhs.job == rhs.job }

    func hash(into hasher: inout Hasher) { hasher.combine(job) }
}

/// A federated task's job and, once recorded, its outcome.
struct FederatedTaskState: Hashable, Sendable {
    let job: FederatedTaskJob
    var outcome: FederatedTaskOutcome?
}
