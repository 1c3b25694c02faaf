import CGMP

// Text and byte encodings of BigInt, and Codable.

extension BigInt {
    /// Parses an optional `+` or `-` followed by at least one digit of `radix` (2...36; letters in either
    /// case), at most ``maxTextLength`` characters in all. No spaces, prefixes or separators.
    /// - Throws: `BigNumError.invalidRadix`, `.empty`, `.inputTooLong(limit:)` or `.invalidDigits`.
    public init(parsing text: some StringProtocol, radix: Int = 10) throws(BigNumError) {
        guard (2...36).contains(radix) else { throw .invalidRadix(radix) }
        let utf8 = text.utf8
        if utf8.isEmpty { throw .empty }
        if utf8.count > BigInt.maxTextLength { throw .inputTooLong(limit: BigInt.maxTextLength) }
        var digits: [UInt8] = []
        digits.reserveCapacity(utf8.count + 1)
        var negative = false
        var first = true
        for byte in utf8 {
            if first {
                first = false
                if byte == UInt8(ascii: "-") { negative = true; continue }
                if byte == UInt8(ascii: "+") { continue }
            }
            let value: Int
            switch byte {
            case 0x30...0x39: value = Int(byte - 0x30)
            case 0x61...0x7A: value = Int(byte - 0x61) + 10
            case 0x41...0x5A: value = Int(byte - 0x41) + 10
            default: throw .invalidDigits
            }
            guard value < radix else { throw .invalidDigits }
            digits.append(byte)
        }
        if digits.isEmpty { throw .empty }
        digits.append(0)
        // The digits are validated above, so GMP's own parser (which would skip whitespace) sees only digits.
        var result = BigInt.computing(bits: digits.count * BigInt.bitsPerDigit(radix) + 64) { z in
            digits.withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return }
                base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { cString in
                    _ = __gmpz_set_str(z, cString, Int32(radix))
                }
            }
        }
        if negative { result.write { __gmpz_neg($0, $0) } }
        self = result
    }

    /// Parses text like ``init(parsing:radix:)``; nil for any invalid input.
    public init?<S: StringProtocol>(_ text: S, radix: Int = 10) {
        guard let value = try? BigInt(parsing: text, radix: radix) else { return nil }
        self = value
    }

    /// The digits in `radix` (2...36), with a leading `-` when negative.
    public func toString(radix: Int = 10, uppercase: Bool = false) -> String {
        precondition((2...36).contains(radix), "radix outside 2...36")
        return read { z in
            let count = __gmpz_sizeinbase(z, Int32(radix)) + 2
            var buffer = [CChar](repeating: 0, count: count)
            __gmpz_get_str(&buffer, Int32(uppercase ? -radix : radix), z)
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    /// Reads a big-endian magnitude (leading zero bytes allowed; empty means zero) and a sign.
    /// A zero magnitude with `negative: true` gives zero.
    /// - Throws: `BigNumError.inputTooLong(limit:)` when longer than ``maxByteCount`` bytes.
    public init(bigEndianMagnitude bytes: some Collection<UInt8>, negative: Bool = false) throws(BigNumError) {
        let count = bytes.count
        if count > BigInt.maxByteCount { throw .inputTooLong(limit: BigInt.maxByteCount) }
        let array = Array(bytes)
        var result = BigInt.computing(bits: count * 8) { z in
            array.withUnsafeBufferPointer { buffer in
                if buffer.count > 0 { __gmpz_import(z, buffer.count, 1, 1, 1, 0, buffer.baseAddress) }
            }
        }
        if negative { result.write { __gmpz_neg($0, $0) } }
        self = result
    }

    /// The magnitude as minimal big-endian bytes (empty for zero); the sign is `isNegative`.
    public var bigEndianMagnitude: [UInt8] {
        read { z in
            if datafi_mpz_sgn(z) == 0 { return [] }
            let count = (Int(__gmpz_sizeinbase(z, 2)) + 7) / 8
            var bytes = [UInt8](repeating: 0, count: count)
            bytes.withUnsafeMutableBufferPointer { buffer in
                var written = 0
                __gmpz_export(buffer.baseAddress, &written, 1, 1, 1, 0, z)
            }
            return bytes
        }
    }
}

extension BigInt {
    /// Bits needed per digit of `radix`, rounded up (to presize parse results).
    static func bitsPerDigit(_ radix: Int) -> Int {
        var bits = 0
        while (1 << bits) < radix { bits += 1 }
        return bits
    }
}

extension BigInt: LosslessStringConvertible, CustomStringConvertible {
    /// Parses decimal text (see ``init(parsing:radix:)``); nil for invalid input.
    public init?(_ description: String) {
        guard let value = try? BigInt(parsing: description, radix: 10) else { return nil }
        self = value
    }

    /// Decimal digits with a leading `-` when negative.
    public var description: String { toString(radix: 10) }
}

extension String {
    /// The digits of `value` in `radix` (2...36), with a leading `-` when negative.
    public init(_ value: BigInt, radix: Int = 10, uppercase: Bool = false) {
        self = value.toString(radix: radix, uppercase: uppercase)
    }
}

extension BigInt: Codable {
    /// Decodes a decimal string (see ``init(parsing:radix:)`` for the accepted form and limit).
    /// - Throws: `DecodingError.dataCorrupted` for invalid text.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try BigInt(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "BigInt: \(error)")
        }
    }

    /// Encodes as a decimal string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
