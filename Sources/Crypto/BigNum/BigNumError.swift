/// An error from parsing, converting or computing with DataFi's big numbers.
///
/// Every case describes input a caller passed in; programmer mistakes (for example `/` by zero)
/// trap instead, like Swift's own integers.
public enum BigNumError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A division or modulus with a zero divisor.
    case divisionByZero
    /// The result does not fit the type (for `UInt256`: exceeds 2^256 − 1).
    case overflow
    /// The result would be below the type's minimum (for `UInt256`: below zero).
    case underflow
    /// The text is empty (or holds only a sign, prefix or decimal point).
    case empty
    /// The text holds a character that is not a digit of the expected radix, or a misplaced sign or point.
    case invalidDigits
    /// The input is longer than the documented limit (in characters or bytes).
    case inputTooLong(limit: Int)
    /// A byte encoding has the wrong length.
    case wrongByteCount(expected: Int, actual: Int)
    /// A negative value where only non-negative values are allowed.
    case negative
    /// A decimal amount has more fractional digits than the token's decimals allow.
    case excessPrecision(maxDecimals: Int)
    /// A radix outside 2...36.
    case invalidRadix(Int)
    /// A decimals count outside the supported range.
    case invalidDecimals(Int)
    /// Two token amounts with different decimals were combined.
    case decimalsMismatch(Int, Int)
    /// A result would need more bits than the documented limit, so it is refused before allocating.
    case resultTooLarge(limitBits: Int)

    /// A short English description of the error.
    public var description: String {
        switch self {
        case .divisionByZero: "division by zero"
        case .overflow: "result does not fit the type"
        case .underflow: "result would be negative"
        case .empty: "empty number"
        case .invalidDigits: "invalid character in number"
        case .inputTooLong(let limit): "input longer than the limit of \(limit)"
        case .wrongByteCount(let expected, let actual): "expected \(expected) bytes, got \(actual)"
        case .negative: "negative value not allowed"
        case .excessPrecision(let maxDecimals): "more than \(maxDecimals) fractional digits"
        case .invalidRadix(let radix): "radix \(radix) outside 2...36"
        case .invalidDecimals(let decimals): "decimals \(decimals) outside the supported range"
        case .decimalsMismatch(let a, let b): "amounts with \(a) and \(b) decimals cannot be combined"
        case .resultTooLarge(let limitBits): "result would exceed \(limitBits) bits"
        }
    }
}
