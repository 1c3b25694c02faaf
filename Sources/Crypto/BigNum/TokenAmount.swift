/// A token amount: an integer number of raw units (`UInt256`) and the token's decimals count, so that
/// `raw / 10^decimals` is the amount people read. With 18 decimals, `"1.5"` is 1500000000000000000 raw.
///
/// Arithmetic stays in raw units and is exact; only parsing and formatting deal with the decimal point.
/// Equality compares both the raw units and the decimals (1.0 with 6 decimals is not 1.0 with 18).
public struct TokenAmount: Sendable, Hashable {
    /// The amount in the token's smallest unit.
    public let raw: UInt256
    /// Digits after the decimal point, 0...77.
    public let decimals: Int

    /// The largest decimals count: 10^77 is the largest power of ten below 2^256.
    public static let maxDecimals = 77
    /// Longest text accepted by ``init(parsing:decimals:)``: 200 characters.
    public static let maxTextLength = 200

    /// Creates an amount from raw units.
    /// - Throws: `BigNumError.invalidDecimals` when `decimals` is outside 0...77.
    public init(raw: UInt256, decimals: Int) throws(BigNumError) {
        guard (0...TokenAmount.maxDecimals).contains(decimals) else { throw .invalidDecimals(decimals) }
        self.raw = raw
        self.decimals = decimals
    }

    /// Zero with the given decimals.
    /// - Throws: `BigNumError.invalidDecimals` when `decimals` is outside 0...77.
    public static func zero(decimals: Int) throws(BigNumError) -> TokenAmount {
        try TokenAmount(raw: .zero, decimals: decimals)
    }

    /// 10^decimals: the raw units in one whole token.
    public var unit: UInt256 { TokenAmount.powerOfTen(decimals) }

    /// 10^n for n in 0...77.
    static func powerOfTen(_ n: Int) -> UInt256 {
        var value = UInt256.one
        for _ in 0..<n { value = value.multipliedAdding(10, 0).value }
        return value
    }

    /// Parses a human-readable amount: ASCII digits with at most one `.` that has a digit on each side
    /// (`"1"`, `"1.5"`, `"0.000001"`). Trailing zeros beyond `decimals` are accepted since the value is
    /// exact (`"1.50"` with 1 decimal); any other digit beyond them is excess precision.
    /// - Throws: `BigNumError.invalidDecimals`, `.empty`, `.inputTooLong(limit: 200)`, `.negative` for a
    ///   leading `-`, `.invalidDigits` (signs, spaces, exponents, separators, misplaced points),
    ///   `.excessPrecision(maxDecimals:)`, or `.overflow` when the raw amount exceeds 2^256 − 1.
    public init(parsing text: some StringProtocol, decimals: Int) throws(BigNumError) {
        guard (0...TokenAmount.maxDecimals).contains(decimals) else { throw .invalidDecimals(decimals) }
        let utf8 = Array(text.utf8)
        if utf8.isEmpty { throw .empty }
        if utf8.count > TokenAmount.maxTextLength { throw .inputTooLong(limit: TokenAmount.maxTextLength) }
        if utf8.first == UInt8(ascii: "-") { throw .negative }
        let point = utf8.firstIndex(of: UInt8(ascii: "."))
        let wholeDigits = utf8[..<(point ?? utf8.endIndex)]
        var fractionDigits = point.map { utf8[($0 + 1)...] } ?? []
        for byte in wholeDigits where !(0x30...0x39).contains(byte) { throw .invalidDigits }
        for byte in fractionDigits where !(0x30...0x39).contains(byte) { throw .invalidDigits }
        if wholeDigits.isEmpty && fractionDigits.isEmpty { throw .empty }
        if wholeDigits.isEmpty || (point != nil && fractionDigits.isEmpty) { throw .invalidDigits }
        // Drop trailing zeros past the token's precision; anything else there is excess precision.
        while fractionDigits.count > decimals, fractionDigits.last == UInt8(ascii: "0") { fractionDigits.removeLast() }
        if fractionDigits.count > decimals { throw .excessPrecision(maxDecimals: decimals) }
        // Strip leading zeros of the whole part so long zero padding is not mistaken for overflow.
        let significantWhole = wholeDigits.drop { $0 == UInt8(ascii: "0") }
        if significantWhole.count > UInt256.maxDecimalDigits { throw .overflow }
        let whole = significantWhole.isEmpty ? UInt256.zero
            : try UInt256(decimalString: String(decoding: significantWhole, as: UTF8.self))
        var fraction = UInt256.zero
        if !fractionDigits.isEmpty {
            fraction = try UInt256(decimalString: String(decoding: fractionDigits, as: UTF8.self))
        }
        fraction = fraction * TokenAmount.powerOfTen(decimals - fractionDigits.count)
        let (scaled, overflow1) = whole.multipliedReportingOverflow(by: TokenAmount.powerOfTen(decimals))
        let (total, overflow2) = scaled.addingReportingOverflow(fraction)
        if overflow1 || overflow2 { throw .overflow }
        self.raw = total
        self.decimals = decimals
    }

    /// The amount with trailing fractional zeros trimmed: `"1.5"`, `"2"`, `"0.000001"`, `"0"`.
    public var description: String { format(trimmingZeros: true) }

    /// The amount with exactly `decimals` fractional digits: `"1.500000"`, `"2.000000"` (no point when
    /// `decimals` is 0).
    public var fixedDescription: String { format(trimmingZeros: false) }

    func format(trimmingZeros: Bool) -> String {
        let digits = raw.description
        if decimals == 0 { return digits }
        let padded = digits.count <= decimals ? String(repeating: "0", count: decimals - digits.count + 1) + digits : digits
        var whole = padded.dropLast(decimals)
        if whole.isEmpty { whole = "0" }
        var fraction = padded.suffix(decimals)[...]
        if trimmingZeros {
            while fraction.last == "0" { fraction = fraction.dropLast() }
            if fraction.isEmpty { return String(whole) }
        }
        return whole + "." + fraction
    }

    /// The sum.
    /// - Throws: `BigNumError.decimalsMismatch` or `.overflow`.
    public func adding(_ other: TokenAmount) throws(BigNumError) -> TokenAmount {
        guard decimals == other.decimals else { throw .decimalsMismatch(decimals, other.decimals) }
        let (sum, overflow) = raw.addingReportingOverflow(other.raw)
        if overflow { throw .overflow }
        return try TokenAmount(raw: sum, decimals: decimals)
    }

    /// The difference.
    /// - Throws: `BigNumError.decimalsMismatch` or `.underflow` when `other` is larger.
    public func subtracting(_ other: TokenAmount) throws(BigNumError) -> TokenAmount {
        guard decimals == other.decimals else { throw .decimalsMismatch(decimals, other.decimals) }
        let (difference, overflow) = raw.subtractingReportingOverflow(other.raw)
        if overflow { throw .underflow }
        return try TokenAmount(raw: difference, decimals: decimals)
    }

    /// The same amount expressed with `newDecimals`, rounding raw units as asked when precision is lost.
    /// - Throws: `BigNumError.invalidDecimals` or `.overflow`.
    public func rescaled(to newDecimals: Int, rounding: UInt256.Rounding = .down) throws(BigNumError) -> TokenAmount {
        guard (0...TokenAmount.maxDecimals).contains(newDecimals) else { throw .invalidDecimals(newDecimals) }
        if newDecimals >= decimals {
            let (value, overflow) = raw.multipliedReportingOverflow(by: TokenAmount.powerOfTen(newDecimals - decimals))
            if overflow { throw .overflow }
            return try TokenAmount(raw: value, decimals: newDecimals)
        }
        let value = try UInt256.mulDiv(raw, .one, TokenAmount.powerOfTen(decimals - newDecimals), rounding: rounding)
        return try TokenAmount(raw: value, decimals: newDecimals)
    }
}

extension TokenAmount: CustomStringConvertible {}

extension TokenAmount: Codable {
    private enum CodingKeys: String, CodingKey { case raw, decimals }

    /// Decodes `{"raw": "<decimal string>", "decimals": <0...77>}`.
    /// - Throws: `DecodingError.dataCorrupted` for decimals outside 0...77 or an invalid raw amount.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let raw = try container.decode(UInt256.self, forKey: .raw)
        let decimals = try container.decode(Int.self, forKey: .decimals)
        do {
            try self.init(raw: raw, decimals: decimals)
        } catch {
            throw DecodingError.dataCorruptedError(forKey: .decimals, in: container, debugDescription: "\(error)")
        }
    }

    /// Encodes `{"raw": "<decimal string>", "decimals": <n>}` (raw as a string: it can exceed 2^53).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(raw, forKey: .raw)
        try container.encode(decimals, forKey: .decimals)
    }
}
