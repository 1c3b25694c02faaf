/// Errors raised by DataFiCredit when input data or a model cannot be used.
public enum CreditError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input has no rows (or no usable rows).
    case emptyInput
    /// Two inputs that must have the same length do not (`expected`, `actual`).
    case lengthMismatch(what: String, expected: Int, actual: Int)
    /// A value is NaN or infinite (`what` names it, `row` is 0-based when known).
    case nonFinite(what: String, row: Int?)
    /// A parameter (an option or an argument) is outside its allowed range; the case names which one.
    case outOfRange(CreditParameter)
    /// A model, encoder, binning or scorecard (for example one decoded from a file) is inconsistent.
    case inconsistentModel(ModelDefect)
    /// A row weight is negative (`row` is 0-based).
    case negativeWeight(row: Int)
    /// A probability is outside [0, 1] (`row` is 0-based).
    case probabilityOutOfRange(row: Int)
    /// The positive value named for the target does not occur in its column.
    case positiveValueNotFound(column: String, value: String)
    /// The target column is not 0/1, so the positive value must be named.
    case positiveValueRequired(column: String)
    /// The target column is also listed as a feature.
    case targetIsFeature(String)
    /// The breaks of a variable's binning are not strictly increasing.
    case unsortedBreaks(variable: String)
    /// Stratified folds need at least `k` rows of each class.
    case classTooSmallForFolds(k: Int)
    /// An index names a row outside `0..<rows` (`what` names the input holding it).
    case rowOutOfRange(what: String, row: Int, rows: Int)
    /// A column has a single value, so its coefficient is not identified without a penalty.
    case constantColumn(String)
    /// The design matrix is singular or the Hessian is not positive definite.
    case singularMatrix
    /// The classes are perfectly (or quasi-perfectly) separated: without a penalty the
    /// maximum-likelihood coefficients do not exist (they grow without bound).
    case perfectSeparation
    /// The optimizer did not converge within the iteration limit.
    case notConverged(iterations: Int)
    /// A label is not 0 or 1.
    case invalidLabel(row: Int)
    /// The target column has fewer than two classes.
    case singleClass
    /// CSV text could not be parsed (`line` is 1-based).
    case malformedCSV(line: Int, reason: String)
    /// A column named by the caller or the model is missing from the table.
    case missingColumn(String)
    /// A column name occurs twice in the header.
    case duplicateColumn(String)
    /// A numeric column holds a cell that is not a number.
    case nonNumericCell(column: String, row: Int, value: String)
    /// A categorical column holds a level the model has not seen.
    case unseenCategory(column: String, value: String)
    /// The input is larger than the configured bound.
    case tooLarge(String)

    /// A one-line, human-readable explanation of the error.
    public var description: String {
        switch self {
        case .emptyInput: return "empty input: no rows"
        case let .lengthMismatch(what, expected, actual):
            return "length mismatch in \(what): expected \(expected), got \(actual)"
        case let .nonFinite(what, row):
            if let row { return "non-finite value (NaN or infinity) in \(what) at row \(row + 1)" }
            return "non-finite value (NaN or infinity) in \(what)"
        case let .outOfRange(parameter): return "\(parameter.name) must be \(parameter.allowedRange)"
        case let .inconsistentModel(defect): return "inconsistent model: \(defect)"
        case let .negativeWeight(row): return "weight at row \(row + 1) is negative"
        case let .probabilityOutOfRange(row): return "probability at row \(row + 1) is outside [0, 1]"
        case let .positiveValueNotFound(column, value):
            return "target column \(column) has no value \"\(value.prefix(40))\""
        case let .positiveValueRequired(column):
            return "target column \(column) is not 0/1; name the positive value (e.g. bad)"
        case let .targetIsFeature(name): return "the target column \(name) cannot be a feature"
        case let .unsortedBreaks(variable): return "breaks of \(variable) must be strictly increasing"
        case let .classTooSmallForFolds(k): return "each class needs at least \(k) rows for stratified folds"
        case let .rowOutOfRange(what, row, rows): return "\(what) \(row) is outside 0..<\(rows)"
        case let .constantColumn(name): return "column \(name) is constant; its coefficient is not identified without a penalty (use l2 > 0 or drop it)"
        case .singularMatrix: return "singular design matrix: columns are linearly dependent"
        case .perfectSeparation: return "perfect separation: the classes are separable, maximum-likelihood coefficients do not exist (use l2 > 0)"
        case let .notConverged(iterations): return "logistic regression did not converge in \(iterations) iterations"
        case let .invalidLabel(row): return "label at row \(row + 1) is not 0 or 1"
        case .singleClass: return "target has a single class; need both 0 and 1"
        case let .malformedCSV(line, reason): return "malformed CSV at line \(line): \(reason)"
        case let .missingColumn(name): return "missing column \(name)"
        case let .duplicateColumn(name): return "duplicate column \(name)"
        case let .nonNumericCell(column, row, value):
            return "non-numeric cell \"\(value.prefix(40))\" in column \(column) at row \(row + 1)"
        case let .unseenCategory(column, value): return "unseen category \"\(value.prefix(40))\" in column \(column)"
        case let .tooLarge(message): return "input too large: \(message)"
        }
    }
}

/// A parameter of the credit modules that has an allowed range (see `CreditError.outOfRange`).
public enum CreditParameter: String, Sendable, Equatable, CaseIterable {
    /// Matrix dimensions (rows, columns): ≥ 0.
    case matrixSize
    /// Ridge penalty: finite, ≥ 0.
    case l2
    /// Newton iteration limit: ≥ 1.
    case maxIterations
    /// Convergence tolerance: > 0.
    case tolerance
    /// Rows sampled for the Hessian: ≥ 1.
    case hessianSampleRows
    /// Privacy ε: finite, > 0.
    case epsilon
    /// Privacy δ: in (0, 1).
    case delta
    /// DP-SGD clipping norm: finite, > 0.
    case clipNorm
    /// DP-SGD expected batch size: 1…rows.
    case batchSize
    /// DP-SGD epochs: 1…10000.
    case epochs
    /// DP-SGD learning rate: finite, > 0.
    case learningRate
    /// Number of cross-validation or out-of-fold groups: 2…rows.
    case folds
    /// Number of variables to select: ≥ 1.
    case selectedVariables
    /// Variables of a scorecard: at least one.
    case variables
    /// WoE bins per variable: 1…1000.
    case maxBins
    /// Smallest bin as a fraction of the rows: [0, 0.5).
    case minBinFraction
    /// Sizes of synthetic data: > 0.
    case syntheticSize
    /// Worker threads of a call: ≥ 1 (or nil for `Parallelism.limit`).
    case threads
    /// Score scaling: finite base, base odds > 0, points to double the odds > 0.
    case scoreScaling

    /// The parameter's name as it appears in the API.
    public var name: String { rawValue }

    /// The allowed range, in words.
    public var allowedRange: String {
        switch self {
        case .matrixSize: return "≥ 0"
        case .l2: return "finite and ≥ 0"
        case .maxIterations, .hessianSampleRows, .selectedVariables, .variables, .threads: return "≥ 1"
        case .tolerance: return "> 0"
        case .epsilon, .clipNorm, .learningRate: return "finite and > 0"
        case .delta: return "in (0, 1)"
        case .batchSize: return "in 1…rows"
        case .epochs: return "in 1…10000"
        case .folds: return "between 2 and the number of rows"
        case .maxBins: return "in 1…1000"
        case .minBinFraction: return "in [0, 0.5)"
        case .syntheticSize: return "positive"
        case .scoreScaling: return "a finite base with baseOdds > 0 and pdo > 0"
        }
    }
}

/// What is inconsistent in a model, encoder, binning or scorecard (see `CreditError.inconsistentModel`).
public enum ModelDefect: Sendable, Equatable, CustomStringConvertible {
    /// The model's format version is not one this library reads.
    case unsupportedVersion(Int)
    /// The encoded column names are not those the features produce.
    case encodedNamesMismatch
    /// Two encoded columns have the same name.
    case repeatedEncodedNames
    /// The encoder's names, centers and scales do not all have one entry per encoded column.
    case encoderShape(names: Int, centers: Int, scales: Int, columns: Int)
    /// Centers, scales and coefficients do not all have `expected` entries.
    case parameterCount(expected: Int)
    /// A center, coefficient or the intercept is not finite, or a scale is not positive.
    case nonFiniteParameter
    /// The score scaling is out of range.
    case scaling
    /// A scorecard's points do not match its bins (or are not finite).
    case pointsDoNotMatchBins
    /// A scorecard's regression does not have one coefficient per variable.
    case coefficientCount
    /// A binning has no bins.
    case emptyBinning(variable: String)

    /// A short explanation.
    public var description: String {
        switch self {
        case let .unsupportedVersion(version): return "unsupported format version \(version)"
        case .encodedNamesMismatch: return "encoded names do not match the features"
        case .repeatedEncodedNames: return "encoded column names repeat"
        case let .encoderShape(names, centers, scales, columns):
            return "\(names) encoded names, \(centers) centers and \(scales) scales for \(columns) columns"
        case let .parameterCount(expected): return "expected \(expected) centers, scales and coefficients"
        case .nonFiniteParameter: return "non-finite or non-positive parameter"
        case .scaling: return "score scaling needs finite base, baseOdds > 0 and pdo > 0"
        case .pointsDoNotMatchBins: return "scorecard points do not match the bins"
        case .coefficientCount: return "scorecard needs one coefficient per variable"
        case let .emptyBinning(variable): return "binning of \(variable) has no bins"
        }
    }
}
