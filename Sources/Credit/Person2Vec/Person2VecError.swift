/// Everything that can go wrong while training, reading or writing embeddings.
public enum Person2VecError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A configuration value is out of range; `name` says which.
    case invalidConfiguration(name: String, value: String)
    /// No token reaches the minimum count, so there is nothing to train.
    case emptyVocabulary
    /// The model would need more parameters than `limit` floats.
    case modelTooLarge(limit: Int)
    /// A sequence or a token is larger than the stated limit.
    case inputTooLarge(what: String, limit: Int)
    /// The first line of a word-vector file is not `count dimension`.
    case malformedHeader(String)
    /// The header promises more rows than the file holds.
    case truncated(expectedRows: Int, foundRows: Int)
    /// A row has the wrong number of values.
    case wrongValueCount(line: Int, expected: Int, found: Int)
    /// A value is not a finite number.
    case invalidNumber(line: Int, token: String)
    /// The same word appears twice.
    case duplicateWord(line: Int, word: String)
    /// There are rows after the promised count.
    case trailingData(line: Int)
    /// Vectors of different dimensions were combined.
    case dimensionMismatch(expected: Int, found: Int)
    /// A name is empty or contains whitespace, so it cannot be written in the text format.
    case unwritableWord(String)

    public var description: String {
        switch self {
        case let .invalidConfiguration(name, value): return "invalid \(name): \(value)"
        case .emptyVocabulary: return "no token reaches the minimum count"
        case let .modelTooLarge(limit): return "model would exceed \(limit) parameters"
        case let .inputTooLarge(what, limit): return "\(what) exceeds the limit of \(limit)"
        case let .malformedHeader(line): return "malformed header '\(line.prefix(80))': expected 'count dimension'"
        case let .truncated(expected, found): return "file is truncated: header promises \(expected) rows, found \(found)"
        case let .wrongValueCount(line, expected, found):
            return "line \(line): expected \(expected) values, found \(found)"
        case let .invalidNumber(line, token): return "line \(line): '\(token.prefix(40))' is not a finite number"
        case let .duplicateWord(line, word): return "line \(line): word '\(word.prefix(40))' appears twice"
        case let .trailingData(line): return "line \(line): more rows than the header promises"
        case let .dimensionMismatch(expected, found): return "dimension \(found) does not match \(expected)"
        case let .unwritableWord(word): return "'\(word.prefix(40))' is empty or contains whitespace"
        }
    }
}
