/// Builds the canonical byte encodings of consent records and credentials: integers big-endian,
/// text as a 2-byte big-endian length followed by UTF-8, fixed-size fields as their raw bytes.
struct CanonicalWriter {
    private(set) var bytes: [UInt8] = []

    mutating func raw(_ data: some Collection<UInt8>) { bytes += data }

    mutating func u8(_ value: UInt8) { bytes.append(value) }

    mutating func u64(_ value: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    mutating func i64(_ value: Int64) { u64(UInt64(bitPattern: value)) }

    /// Text of at most 65,535 bytes (callers bound it far lower).
    mutating func text(_ string: String) {
        let utf8 = Array(string.utf8)
        precondition(utf8.count <= Int(UInt16.max), "canonical text field too long")
        bytes.append(UInt8(utf8.count >> 8))
        bytes.append(UInt8(utf8.count & 0xff))
        bytes += utf8
    }
}

/// Reads what ``CanonicalWriter`` writes; every failure is reported as `nil` and the caller turns it
/// into its own typed error.
struct CanonicalReader {
    private let bytes: [UInt8]
    private(set) var offset = 0

    init(_ bytes: some Collection<UInt8>) { self.bytes = Array(bytes) }

    var isAtEnd: Bool { offset == bytes.count }
    var remaining: Int { bytes.count - offset }

    mutating func raw(_ count: Int) -> [UInt8]? {
        guard count >= 0, remaining >= count else { return nil }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    mutating func u8() -> UInt8? { raw(1)?[0] }

    mutating func u64() -> UInt64? {
        guard let b = raw(8) else { return nil }
        return b.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

    mutating func i64() -> Int64? { u64().map { Int64(bitPattern: $0) } }

    /// Text; `.some(nil)` when the bytes are present but are not UTF-8.
    mutating func text() -> String?? {
        guard let length = raw(2) else { return nil }
        guard let body = raw(Int(length[0]) << 8 | Int(length[1])) else { return nil }
        guard let string = String(validating: body, as: UTF8.self) else { return .some(nil) }
        return .some(string)
    }
}

/// Whether `text` is 1...`maxBytes` bytes of UTF-8 without control characters.
func isCleanText(_ text: String, maxBytes: Int) -> Bool {
    let count = text.utf8.count
    guard count >= 1, count <= maxBytes else { return false }
    return !text.unicodeScalars.contains { $0.properties.generalCategory == .control }
}
