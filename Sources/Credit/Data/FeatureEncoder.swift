import DataFiSupport
import Foundation

/// How one input column becomes design-matrix columns.
public enum FeatureKind: Sendable, Equatable, Codable {
    /// Used as it is (optionally standardized).
    case numeric
    /// One-hot encoded; `levels` in sorted (byte-wise) order; the first level is the reference and gets no column.
    case categorical(levels: [String])
}

/// One input column of a model.
public struct FeatureSpec: Sendable, Equatable, Codable {
    /// Column name in the table.
    public var name: String
    /// Numeric or categorical with its levels.
    public var kind: FeatureKind
}

/// Turns table columns into a design matrix: numeric columns as they are, categorical columns one-hot
/// encoded with the first level (in sorted order) dropped as the reference — for every λ, so that a model
/// has the same columns with and without a penalty (scikit-learn fixtures use the same encoding).
/// With `standardize`, numeric columns are centred and divided by their population standard deviation
/// (a constant column keeps scale 1), remembered here and applied again at predict time; dummy columns are
/// left as 0/1.
public struct FeatureEncoder: Sendable, Equatable, Codable {
    /// Input columns in order.
    public var features: [FeatureSpec]
    /// Names of the design-matrix columns: `name` for numeric, `name=level` for a dummy.
    public var encodedNames: [String]
    /// Whether numeric columns are standardized.
    public var standardize: Bool
    /// Per encoded column: value subtracted (0 for dummies or without standardization).
    public var centers: [Double]
    /// Per encoded column: divisor (1 for dummies or without standardization).
    public var scales: [Double]

    /// Learns the encoding of `featureColumns` from `table`: a column whose every cell is a number is
    /// numeric, any other column is categorical.
    /// - Throws: `CreditError.missingColumn`, `.emptyInput`, `.nonFinite` (NaN or infinity in a numeric column), `.duplicateColumn` (a category level spelling another column, e.g. `cat=B`).
    ///
    /// The numeric/categorical rule is `DataTable.readsAsNumeric`: a column mixing numbers with blank or
    /// other cells throws `.nonNumericCell` unless it is named in `categorical`.
    public static func fit(_ table: DataTable, featureColumns: [String], standardize: Bool = false,
                           categorical: Set<String> = [])
        throws(CreditError) -> FeatureEncoder {
        guard table.rowCount > 0 else { throw .emptyInput }
        var features: [FeatureSpec] = []
        for name in featureColumns {
            if try table.readsAsNumeric(name, categorical: categorical) {
                features.append(FeatureSpec(name: name, kind: .numeric))
            } else {
                let levels = Set(try table.column(name)).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
                features.append(FeatureSpec(name: name, kind: .categorical(levels: levels)))
            }
        }
        var encoder = FeatureEncoder(features: features, standardize: false)
        // A level can spell another column's name ("cat" level "B" and a column "cat=B").
        var seen = Set<String>()
        for name in encoder.encodedNames where !seen.insert(name).inserted { throw .duplicateColumn(name) }
        if standardize {
            let raw = try encoder.transform(table)
            encoder.standardize = true
            for (j, name) in encoder.encodedNames.enumerated() where encoder.numericColumns.contains(name) {
                var mean = 0.0
                for i in 0..<raw.rows { mean += raw[i, j] }
                mean /= Double(raw.rows)
                var variance = 0.0
                for i in 0..<raw.rows { variance += (raw[i, j] - mean) * (raw[i, j] - mean) }
                let sd = (variance / Double(raw.rows)).squareRoot()
                encoder.centers[j] = mean
                encoder.scales[j] = sd > 0 && sd.isFinite ? sd : 1
            }
        }
        return encoder
    }

    /// Creates an encoder from explicit feature specifications (no standardization).
    public init(features: [FeatureSpec], standardize: Bool = false) {
        self.features = features
        self.standardize = standardize
        var names: [String] = []
        for feature in features {
            switch feature.kind {
            case .numeric: names.append(feature.name)
            case let .categorical(levels): names += levels.dropFirst().map { "\(feature.name)=\($0)" }
            }
        }
        encodedNames = names
        centers = [Double](repeating: 0, count: names.count)
        scales = [Double](repeating: 1, count: names.count)
    }

    private var numericColumns: Set<String> {
        Set(features.compactMap { if case .numeric = $0.kind { return $0.name } else { return nil } })
    }

    /// Encodes the table's rows into a design matrix with `encodedNames.count` columns.
    /// - Throws: `CreditError.missingColumn`, `.nonNumericCell`, `.nonFinite`, `.unseenCategory`,
    ///   `.inconsistentModel(.encoderShape)` for an inconsistent (for example hand-edited) encoder.
    public func transform(_ table: DataTable) throws(CreditError) -> Matrix {
        let n = table.rowCount, width = encodedNames.count
        let expectedWidth = features.reduce(0) { total, feature in
            if case let .categorical(levels) = feature.kind { return total + max(levels.count - 1, 0) }
            return total + 1
        }
        guard expectedWidth == width, centers.count == width, scales.count == width else {
            throw .inconsistentModel(.encoderShape(names: width, centers: centers.count, scales: scales.count,
                                                    columns: expectedWidth))
        }
        var values = [Double](repeating: 0, count: n * width)
        var offset = 0
        for feature in features {
            let cells = try table.column(feature.name)
            switch feature.kind {
            case .numeric:
                for (r, cell) in cells.enumerated() {
                    guard DecimalText.isDecimal(cell) || Double(cell).map({ !$0.isFinite }) == true, let v = Double(cell) else {
                        throw .nonNumericCell(column: feature.name, row: r, value: Truncated.text(cell, 40))
                    }
                    guard v.isFinite else { throw .nonFinite(what: "column \(feature.name)", row: r) }
                    values[r * width + offset] = (v - centers[offset]) / scales[offset]
                }
                offset += 1
            case let .categorical(levels):
                var index: [String: Int] = [:]
                for (k, level) in levels.enumerated() { index[level] = k }
                for (r, cell) in cells.enumerated() {
                    guard let k = index[cell] else { throw .unseenCategory(column: feature.name, value: cell) }
                    if k > 0 { values[r * width + offset + k - 1] = 1 }
                }
                offset += max(levels.count - 1, 0)
            }
        }
        return Matrix(unchecked: n, width, values)
    }
}

/// Which column is the outcome and which of its values counts as positive (label 1, e.g. "bad" / default).
public struct TargetSpec: Sendable, Equatable, Codable {
    /// Target column name.
    public var column: String
    /// The cell value that means label 1; every other value is label 0.
    public var positive: String

    /// Creates a target specification.
    public init(column: String, positive: String) {
        self.column = column
        self.positive = positive
    }

    /// Chooses the positive value: `positive` when given, otherwise "1" when the column holds only 0 and 1.
    /// - Throws: `CreditError.missingColumn`, `.positiveValueNotFound`, `.positiveValueRequired`.
    public static func resolve(_ table: DataTable, column: String, positive: String?) throws(CreditError) -> TargetSpec {
        let cells = try table.column(column)
        if let positive {
            guard cells.contains(positive) else {
                throw .positiveValueNotFound(column: column, value: positive)
            }
            return TargetSpec(column: column, positive: positive)
        }
        let distinct = Set(cells)
        if distinct.isSubset(of: ["0", "1"]) { return TargetSpec(column: column, positive: "1") }
        throw .positiveValueRequired(column: column)
    }

    /// 0/1 labels for the table's rows; throws `CreditError.missingColumn`.
    ///
    /// A label must be readable: with the positive value "1" (a 0/1 target) every cell must be "0" or "1";
    /// with a named positive value any other non-blank cell is negative. A blank cell, or another value
    /// in a 0/1 target, throws `CreditError.invalidLabel` instead of counting as negative.
    public func labels(_ table: DataTable) throws(CreditError) -> [Double] {
        var out: [Double] = []
        for (r, cell) in try table.column(column).enumerated() {
            if cell == positive { out.append(1); continue }
            guard !cell.trimmingCharacters(in: .whitespaces).isEmpty, positive != "1" || cell == "0" else {
                throw .invalidLabel(row: r)
            }
            out.append(0)
        }
        return out
    }
}
