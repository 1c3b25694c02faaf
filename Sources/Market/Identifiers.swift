import DataFiAMM
import DataFiSodium

/// A market account: a short name (`"maya"`, `"node-1"`) or the lowercase hex of an Ed25519 public key.
///
/// An account id is 1...64 characters from `A-Z a-z 0-9 _ . -`. Token and pool addresses inside the
/// market contain a `:` (`token:ALITA`, `pool:HEALTH`), so no account can ever be mistaken for one.
/// A ledger that signs transactions uses ``init(publicKey:)``; simulations and demos use names.
public struct AccountID: Hashable, Comparable, Codable, Sendable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    /// The longest account id, in characters (an Ed25519 key in hex is exactly this long).
    public static let maxLength = 64

    /// The identifier text.
    public let rawValue: String

    /// Wraps `rawValue` without checking it; ``Market/apply(_:by:at:)`` refuses invalid ids.
    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// Creates an account id from a literal.
    public init(stringLiteral value: String) { rawValue = value }

    /// The account of an Ed25519 key: its 64 lowercase hex digits.
    public init(publicKey: Signing.PublicKey) { rawValue = Hex.encode(publicKey.rawRepresentation) }

    /// Decodes a single JSON string.
    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    /// Encodes a single JSON string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// True when the id has 1...64 characters, all from `A-Z a-z 0-9 _ . -`.
    public var isValid: Bool {
        let count = rawValue.utf8.count
        guard count > 0 && count <= AccountID.maxLength else { return false }
        return rawValue.utf8.withContiguousStorageIfAvailable(Self.validBytes) ?? Self.validBytes(Array(rawValue.utf8))
    }

    private static func validBytes<C: Collection<UInt8>>(_ bytes: C) -> Bool {
        bytes.allSatisfy { b in
            (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b)
                || b == UInt8(ascii: "_") || b == UInt8(ascii: ".") || b == UInt8(ascii: "-")
        }
    }

    /// The AMM address of this account (liquidity-token holder, swap recipient).
    public var address: Address { Address(rawValue) }

    /// The identifier text.
    public var description: String { rawValue }

    /// Orders ids by their UTF-8 bytes.
    public static func < (lhs: AccountID, rhs: AccountID) -> Bool {
        lhs.rawValue.utf8.lexicographicallyPrecedes(rhs.rawValue.utf8)
    }
}

/// A token symbol: 2...12 characters from `A-Z 0-9`, starting with a letter (`"ALITA"`, `"HEALTH"`).
///
/// Every data token carries the symbol of its dataset, so a ``DatasetID`` and its data token share text.
public struct TokenID: Hashable, Comparable, Codable, Sendable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    /// The symbol text.
    public let rawValue: String

    /// Wraps a symbol without checking it; the market refuses invalid symbols.
    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// Creates a token id from a literal.
    public init(stringLiteral value: String) { rawValue = value }

    /// Decodes a single JSON string.
    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    /// Encodes a single JSON string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// True for 2...12 characters of `A-Z 0-9` starting with a letter.
    public var isValid: Bool { Self.isValidSymbol(rawValue) }

    static func isValidSymbol(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (2...12).contains(bytes.count), (0x41...0x5A).contains(bytes[0]) else { return false }
        return bytes.allSatisfy { (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) }
    }

    /// The token's address inside the AMM, `token:<symbol>`.
    public var address: Address { Address("token:" + rawValue) }

    /// The symbol.
    public var description: String { rawValue }

    /// Orders symbols by their UTF-8 bytes.
    public static func < (lhs: TokenID, rhs: TokenID) -> Bool {
        lhs.rawValue.utf8.lexicographicallyPrecedes(rhs.rawValue.utf8)
    }
}

/// A dataset's identifier: the symbol of its data token (same rules as ``TokenID``).
public struct DatasetID: Hashable, Comparable, Codable, Sendable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    /// The symbol text.
    public let rawValue: String

    /// Wraps a symbol without checking it; the market refuses invalid symbols.
    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// Creates a dataset id from a literal.
    public init(stringLiteral value: String) { rawValue = value }

    /// Decodes a single JSON string.
    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    /// Encodes a single JSON string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// The dataset's data token.
    public var token: TokenID { TokenID(rawValue) }

    /// The address of the dataset's pool, `pool:<symbol>`.
    public var poolAddress: Address { Address("pool:" + rawValue) }

    /// The symbol.
    public var description: String { rawValue }

    /// Orders ids by their UTF-8 bytes.
    public static func < (lhs: DatasetID, rhs: DatasetID) -> Bool {
        lhs.rawValue.utf8.lexicographicallyPrecedes(rhs.rawValue.utf8)
    }
}
