/// The market's rule for short free-text fields (titles, purposes, scenarios): 1...limit UTF-8 bytes and no
/// control character. Printable ASCII, the common case, is recognised eight bytes at a time without any
/// Unicode lookup; other text falls back to the Unicode general category.
enum PrintableText {
    /// True when `value` has 1...`limit` UTF-8 bytes and no Unicode control character.
    static func isValid(_ value: String, limit: Int) -> Bool {
        let count = value.utf8.count
        guard count > 0 && count <= limit else { return false }
        if value.utf8.withContiguousStorageIfAvailable({ isPrintableASCII($0) }) == true { return true }
        return !value.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    /// True when every byte is in 0x20...0x7E; eight bytes at a time.
    static func isPrintableASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let raw = UnsafeRawBufferPointer(bytes)
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        var offset = 0
        while raw.count - offset >= 8 {
            let w = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            // A byte ≥ 0x80; a byte below 0x20 (bytes are < 0x80 once the first test passes); a byte 0x7F
            // (a zero byte in w ^ 0x7F…). Each test is exact (Anderson, "Bit Twiddling Hacks").
            let del = w ^ (ones &* 0x7F)
            if w & highs != 0 || (w &- ones &* 0x20) & ~w & highs != 0 || (del &- ones) & ~del & highs != 0 {
                return false
            }
            offset += 8
        }
        while offset < raw.count {
            let b = raw[offset]
            if b < 0x20 || b >= 0x7F { return false }
            offset += 1
        }
        return true
    }
}
