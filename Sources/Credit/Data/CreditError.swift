/// Errors raised by DataFiCredit when input data or a model cannot be used.
public enum CreditError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input has no rows (or no usable rows).
    case emptyInput
    /// Two inputs that must have the same length do not (`expected`, `actual`).
    case lengthMismatch(what: String, expected: Int, actual: Int)
    /// A value is NaN or infinite (`what` names it, `row` is 0-based when known).
    case nonFinite(what: String, row: Int?)
    /// A parameter is outside its allowed range.
    case invalidParameter(String)
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
        case let .invalidParameter(message): return "invalid parameter: \(message)"
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
