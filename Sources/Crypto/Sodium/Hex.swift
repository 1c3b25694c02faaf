/// Lowercase hexadecimal encoding and strict decoding of bytes.
public enum Hex {
    /// Why a hex string was rejected.
    public enum DecodingError: Error, Equatable, Sendable, CustomStringConvertible {
        /// The string has an odd number of digits.
        case oddLength(Int)
        /// The character at this offset (in UTF-8 bytes) is not a hex digit.
        case invalidCharacter(offset: Int)
        /// The decoded length differs from the one required.
        case wrongLength(expected: Int, actual: Int)

        public var description: String {
            switch self {
            case .oddLength(let n): "hex string has an odd number of digits (\(n))"
            case .invalidCharacter(let offset): "invalid hex digit at offset \(offset)"
            case .wrongLength(let expected, let actual): "expected \(expected) bytes of hex, got \(actual)"
            }
        }
    }

    private static let digits = Array("0123456789abcdef".utf8)

    /// Encodes `bytes` as lowercase hex, two digits per byte.
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes hex (either case, no prefix, no whitespace).
    /// - Parameters:
    ///   - string: the hex text.
    ///   - length: when given, the exact number of bytes required.
    /// - Throws: `DecodingError` for odd length, a non-hex character or a wrong length.
    public static func decode(_ string: some StringProtocol, length: Int? = nil) throws(DecodingError) -> [UInt8] {
        let utf8 = Array(string.utf8)
        guard utf8.count % 2 == 0 else { throw .oddLength(utf8.count) }
        if let length, utf8.count / 2 != length { throw .wrongLength(expected: length, actual: utf8.count / 2) }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = value(utf8[index]) else { throw .invalidCharacter(offset: index) }
            guard let low = value(utf8[index + 1]) else { throw .invalidCharacter(offset: index + 1) }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    private static func value(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
