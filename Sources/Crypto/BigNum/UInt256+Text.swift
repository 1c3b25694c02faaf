// Decimal, hexadecimal and byte encodings of UInt256, literals and Codable.

extension UInt256 {
    /// Longest decimal text accepted: 78 digits (2^256 − 1 has 78 digits).
    public static let maxDecimalDigits = 78
    /// Longest hexadecimal text accepted, without the optional `0x` prefix.
    public static let maxHexDigits = 64

    /// Parses a decimal string of ASCII digits only (no sign, spaces or separators), at most 78 characters.
    /// Returns nil for empty, too long, non-digit or larger-than-`max` input.
    @inlinable
    public init?(_ decimal: String) {
        guard let value = try? UInt256(decimalString: decimal) else { return nil }
        self = value
    }

    /// Parses a decimal string of ASCII digits only, at most ``maxDecimalDigits`` characters.
    /// - Throws: `BigNumError.empty`, `.inputTooLong(limit: 78)`, `.invalidDigits`, or `.overflow` when
    ///   the value exceeds 2^256 − 1.
    public init(decimalString text: some StringProtocol) throws(BigNumError) {
        let utf8 = text.utf8
        if utf8.isEmpty { throw .empty }
        if utf8.count > UInt256.maxDecimalDigits { throw .inputTooLong(limit: UInt256.maxDecimalDigits) }
        var value = UInt256.zero
        var chunk: UInt64 = 0
        var chunkDigits = 0
        var scale: UInt64 = 1
        for byte in utf8 {
            guard byte >= 0x30 && byte <= 0x39 else { throw .invalidDigits }
            chunk = chunk &* 10 &+ UInt64(byte &- 0x30)
            scale &*= 10
            chunkDigits += 1
            if chunkDigits == 19 {
                let (v, carry) = value.multipliedAdding(scale, chunk)
                if carry != 0 { throw .overflow }
                value = v
                chunk = 0
                chunkDigits = 0
                scale = 1
            }
        }
        if chunkDigits > 0 {
            let (v, carry) = value.multipliedAdding(scale, chunk)
            if carry != 0 { throw .overflow }
            value = v
        }
        self = value
    }

    /// Parses hexadecimal digits (either case) with an optional `0x`/`0X` prefix, at most 64 digits.
    /// Returns nil for empty, too long or non-hex input.
    public init?(hex text: some StringProtocol) {
        var bytes = Substring(text).utf8[...]
        if bytes.count >= 2, bytes.first == 0x30, let x = bytes.dropFirst().first, x == 0x78 || x == 0x58 {
            bytes = bytes.dropFirst(2)
        }
        guard !bytes.isEmpty, bytes.count <= UInt256.maxHexDigits else { return nil }
        var value = UInt256.zero
        for byte in bytes {
            let digit: UInt64
            switch byte {
            case 0x30...0x39: digit = UInt64(byte - 0x30)
            case 0x61...0x66: digit = UInt64(byte - 0x61 + 10)
            case 0x41...0x46: digit = UInt64(byte - 0x41 + 10)
            default: return nil
            }
            value = value.shiftedLeft(4) | UInt256(digit)
        }
        self = value
    }

    /// Lowercase hexadecimal with a `0x` prefix and no leading zeros (`"0x0"` for zero).
    public var hexString: String {
        if isZero { return "0x0" }
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(66)
        var started = false
        for i in stride(from: 3, through: 0, by: -1) {
            let w = limb(i)
            for nibble in stride(from: 60, through: 0, by: -4) {
                let d = Int((w >> UInt64(nibble)) & 0xF)
                if d != 0 { started = true }
                if started { out.append(digits[d]) }
            }
        }
        return "0x" + String(decoding: out, as: UTF8.self)
    }

    /// Decimal digits without leading zeros (`"0"` for zero).
    public var description: String {
        if let small = uint64Value { return String(small) }
        // Peel off 19 decimal digits at a time with one-limb division.
        var chunks: [UInt64] = []
        chunks.reserveCapacity(5)
        var rest = self
        while !rest.isZero {
            let (q, r) = rest.dividedBySmall(10_000_000_000_000_000_000)
            chunks.append(r.l0)
            rest = q
        }
        var text = String(chunks.removeLast())
        for chunk in chunks.reversed() {
            let part = String(chunk)
            text += String(repeating: "0", count: 19 - part.count) + part
        }
        return text
    }

    /// Reads exactly 32 big-endian bytes (the Ethereum ABI word), so a truncated or padded encoding is
    /// caught rather than silently reinterpreted.
    /// - Throws: `BigNumError.wrongByteCount(expected: 32, actual:)` for any other length.
    public init(bigEndianBytes bytes: some Collection<UInt8>) throws(BigNumError) {
        let count = bytes.count
        guard count == 32 else { throw .wrongByteCount(expected: 32, actual: count) }
        var limbs: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var index = 0
        for byte in bytes {
            let limbIndex = 3 - index / 8
            switch limbIndex {
            case 3: limbs.3 = limbs.3 << 8 | UInt64(byte)
            case 2: limbs.2 = limbs.2 << 8 | UInt64(byte)
            case 1: limbs.1 = limbs.1 << 8 | UInt64(byte)
            default: limbs.0 = limbs.0 << 8 | UInt64(byte)
            }
            index += 1
        }
        self.init(littleEndianLimbs: limbs)
    }

    /// The 32-byte big-endian encoding (leading zero bytes included).
    public var bigEndianBytes: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(32)
        for i in stride(from: 3, through: 0, by: -1) {
            let w = limb(i)
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: w >> UInt64(shift))) }
        }
        return out
    }
}

extension UInt256: CustomStringConvertible {}

extension UInt256: ExpressibleByIntegerLiteral {
    /// Creates a value from any integer literal up to 2^256 − 1 (checked at run time; a negative or too
    /// large literal is a programmer error and traps).
    public init(integerLiteral value: StaticBigInt) {
        precondition(value.signum() >= 0, "negative literal for UInt256")
        precondition(value.bitWidth <= 257, "literal exceeds UInt256.max")
        var limbs: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        limbs.0 = UInt64(truncatingIfNeeded: value[0])
        if UInt.bitWidth == 64 {
            limbs.1 = UInt64(truncatingIfNeeded: value[1])
            limbs.2 = UInt64(truncatingIfNeeded: value[2])
            limbs.3 = UInt64(truncatingIfNeeded: value[3])
        } else {
            limbs.0 |= UInt64(truncatingIfNeeded: value[1]) << 32
            limbs.1 = UInt64(truncatingIfNeeded: value[2]) | UInt64(truncatingIfNeeded: value[3]) << 32
            limbs.2 = UInt64(truncatingIfNeeded: value[4]) | UInt64(truncatingIfNeeded: value[5]) << 32
            limbs.3 = UInt64(truncatingIfNeeded: value[6]) | UInt64(truncatingIfNeeded: value[7]) << 32
        }
        self.init(littleEndianLimbs: limbs)
    }
}

extension UInt256: Codable {
    /// Decodes a decimal string (at most 78 digits).
    /// - Throws: `DecodingError.dataCorrupted` when the string is not a valid `UInt256`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try UInt256(decimalString: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "UInt256: \(error)")
        }
    }

    /// Encodes as a decimal string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
