/// Strict decimal number text, the one number syntax of the tool's inputs (CSV cells, options).
///
/// Swift's `Double(_:)` also accepts hexadecimal (`0x10`), a leading `+`, `inf`, `nan` and surrounding
/// forms a user did not mean as a decimal number; these functions accept only
/// `-?(digits[.digits]|.digits)([eE][+-]?digits)?` for reals and `-?digits` for integers.
public enum DecimalText {
    /// The finite `Double` that `text` spells in strict decimal notation, or nil.
    public static func double(_ text: some StringProtocol) -> Double? {
        guard isDecimalReal(text.utf8), let value = Double(String(text)), value.isFinite else { return nil }
        return value
    }

    /// The integer that `text` spells as `-?digits` (no sign `+`, no leading zeros beyond "0"), or nil.
    public static func integer<T: FixedWidthInteger>(_ text: some StringProtocol, as: T.Type = T.self) -> T? {
        var utf8 = Substring(text).utf8[...]
        if utf8.first == UInt8(ascii: "-") { utf8 = utf8.dropFirst() }
        guard !utf8.isEmpty, utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        if utf8.count > 1 && utf8.first == 0x30 { return nil }
        return T(String(text), radix: 10)
    }

    /// Whether `text` is a number in strict decimal notation (it may still overflow a `Double`).
    public static func isDecimal(_ text: some StringProtocol) -> Bool { isDecimalReal(text.utf8) }

    static func isDecimalReal(_ utf8: some Collection<UInt8>) -> Bool {
        var index = utf8.startIndex
        func digits() -> Int {
            var n = 0
            while index != utf8.endIndex, utf8[index] >= 0x30, utf8[index] <= 0x39 { index = utf8.index(after: index); n += 1 }
            return n
        }
        if index != utf8.endIndex, utf8[index] == UInt8(ascii: "-") { index = utf8.index(after: index) }
        var mantissa = digits()
        if index != utf8.endIndex, utf8[index] == UInt8(ascii: ".") {
            index = utf8.index(after: index)
            mantissa += digits()
        }
        guard mantissa > 0 else { return false }
        if index != utf8.endIndex, utf8[index] == UInt8(ascii: "e") || utf8[index] == UInt8(ascii: "E") {
            index = utf8.index(after: index)
            if index != utf8.endIndex, utf8[index] == UInt8(ascii: "+") || utf8[index] == UInt8(ascii: "-") {
                index = utf8.index(after: index)
            }
            guard digits() > 0 else { return false }
        }
        return index == utf8.endIndex
    }
}
