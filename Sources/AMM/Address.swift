/// An account, token or pair identifier.
///
/// DataFi's AMM does not model a chain, so an address is any string. Token ids, account names and pair
/// addresses share one namespace, as Ethereum addresses do: sending swap output to a token's own address
/// is refused with ``AMMError/invalidTo``. Addresses order by the bytes of their UTF-8 form, which is how
/// ``Factory`` sorts a pair's two tokens into `token0` and `token1`.
public struct Address: Hashable, Sendable, Comparable, Codable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    /// The identifier text.
    public let rawValue: String

    /// Creates an address from its text.
    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// Creates an address from a string literal.
    public init(stringLiteral value: String) { self.rawValue = value }

    /// Decodes an address from a single JSON string.
    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    /// Encodes the address as a single JSON string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// The zero address `"0"`: the holder of the permanently locked minimum liquidity, and "no fee
    /// recipient" when used as `feeTo`.
    public static let zero = Address("0")

    /// True for ``zero``.
    public var isZero: Bool { rawValue == "0" }

    /// The identifier text.
    public var description: String { rawValue }

    /// Orders addresses by the bytes of their UTF-8 form.
    public static func < (lhs: Address, rhs: Address) -> Bool {
        lhs.rawValue.utf8.lexicographicallyPrecedes(rhs.rawValue.utf8)
    }
}
