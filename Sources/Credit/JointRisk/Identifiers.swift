import Foundation

/// Why joint-risk input was rejected.
public enum JointRiskError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An identifier is empty after normalization.
    case emptyIdentifier(kind: IdentifierKind)
    /// A phone number has too few or too many digits after normalization (E.164 allows 8...15 with
    /// country code).
    case invalidPhoneNumber(String)
    /// A fee total does not fit in 64 bits.
    case feeOverflow(provider: String)
    /// Two providers or platforms share a name.
    case duplicateName(String)
    /// A PSI message failed.
    case protocolFailure(String)

    public var description: String {
        switch self {
        case .emptyIdentifier(let kind): "empty \(kind.rawValue) identifier"
        case .invalidPhoneNumber(let raw): "not a phone number: \(raw)"
        case .feeOverflow(let provider): "fee total for \(provider) exceeds 2^64 − 1"
        case .duplicateName(let name): "duplicate name \(name)"
        case .protocolFailure(let why): "PSI failed: \(why)"
        }
    }
}

/// The kinds of identifiers lenders compare.
public enum IdentifierKind: String, Sendable, CaseIterable, Codable {
    /// A bank account number.
    case bankAccount = "bank"
    /// A phone number.
    case phone
    /// A national identity document number.
    case nationalID = "id"
}

/// A normalized identifier. Two spellings of the same account, phone or ID normalize to the same
/// value, so PSI (which compares exact bytes) finds them.
///
/// Normalization: trim surrounding whitespace, case-fold (Unicode lowercase), remove spaces,
/// dashes, dots and parentheses. Phone numbers then keep only digits and get a country code:
/// a leading "+" or "00" means the country code is already there; otherwise one leading trunk "0"
/// is dropped and `defaultCountryCode` is prepended. The result has 8...15 digits (E.164).
/// The PSI item is `"<kind>:<value>"`, so different kinds never match each other.
public struct Identifier: Hashable, Sendable, CustomStringConvertible {
    /// The identifier's kind.
    public let kind: IdentifierKind
    /// The normalized value.
    public let value: String

    /// The country calling code used for phone numbers written without one (China, "86").
    public static let defaultCountryCode = "86"

    /// Normalizes `raw` as an identifier of `kind`.
    /// - Throws: `JointRiskError.emptyIdentifier`, `.invalidPhoneNumber`.
    public init(_ kind: IdentifierKind, _ raw: String, countryCode: String = Identifier.defaultCountryCode) throws(JointRiskError) {
        self.kind = kind
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let separators: Set<Character> = [" ", "-", ".", "(", ")", "\t", "\u{00A0}"]
        let compact = String(trimmed.filter { !separators.contains($0) })
        guard !compact.isEmpty else { throw .emptyIdentifier(kind: kind) }
        switch kind {
        case .bankAccount, .nationalID:
            value = compact
        case .phone:
            var digits: String
            if compact.hasPrefix("+") {
                digits = String(compact.dropFirst())
            } else if compact.hasPrefix("00") {
                digits = String(compact.dropFirst(2))
            } else {
                var national = Substring(compact)
                if national.hasPrefix("0") { national = national.dropFirst() }
                digits = countryCode + national
            }
            guard digits.allSatisfy({ $0.isASCII && $0.isNumber }), (8...15).contains(digits.count) else {
                throw .invalidPhoneNumber(raw)
            }
            value = digits
        }
    }

    /// The string hashed by PSI: `"<kind>:<value>"`.
    public var item: String { "\(kind.rawValue):\(value)" }

    public var description: String { item }
}


