/// Why JSON text was refused before decoding.
public enum JSONKeyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An object names the same key twice (after unescaping); decoders disagree on which value wins.
    case duplicateKey(String)
    /// Objects and arrays nest deeper than the limit.
    case tooDeep(limit: Int)

    /// One line for people: what is wrong (and where, when known).
    public var description: String {
        switch self {
        case .duplicateKey(let key): return "duplicate JSON key \"\(Truncated.text(key, 40))\""
        case .tooDeep(let limit): return "JSON nests deeper than \(limit) levels (the limit)"
        }
    }
}

/// A pre-check every JSON reader of the SDK runs before decoding: it refuses an object with a duplicate
/// key (`JSONDecoder`, `JSONSerialization` and hand-written parsers would each pick a different value)
/// and nesting beyond a bound. Syntax errors are left to the decoder that follows: this scan only looks at
/// object keys, and it never accepts what the decoder would reject.
public enum JSONKeys {
    /// Deepest nesting accepted.
    public static let maxDepth = 512

    /// Throws when any object in `bytes` repeats a key or nesting exceeds `maxDepth`.
    /// - Throws: `JSONKeyError`.
    public static func check(_ bytes: some Collection<UInt8>) throws(JSONKeyError) {
        let result: Result<Void, JSONKeyError>? = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(JSONKeyError) in try scan(buffer) }
        }
        switch result ?? Array(bytes).withUnsafeBufferPointer({ buffer in Result { () throws(JSONKeyError) in try scan(buffer) } }) {
        case .success: return
        case .failure(let error): throw error
        }
    }

    private static func scan(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONKeyError) {
        // One entry per open container: the keys seen so far (nil for an array) and whether the next
        // string in an object is a key.
        var stack: [(keys: Set<[UInt8]>?, expectKey: Bool)] = []
        var i = 0
        let count = bytes.count
        while i < count {
            let byte = bytes[i]
            switch byte {
            case UInt8(ascii: "{"):
                guard stack.count < maxDepth else { throw .tooDeep(limit: maxDepth) }
                stack.append((Set(), true))
                i += 1
            case UInt8(ascii: "["):
                guard stack.count < maxDepth else { throw .tooDeep(limit: maxDepth) }
                stack.append((nil, false))
                i += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if !stack.isEmpty { stack.removeLast() }
                i += 1
            case UInt8(ascii: ","):
                if let last = stack.last, last.keys != nil { stack[stack.count - 1].expectKey = true }
                i += 1
            case UInt8(ascii: "\""):
                var text: [UInt8] = []
                i += 1
                while i < count, bytes[i] != UInt8(ascii: "\"") {
                    if bytes[i] == UInt8(ascii: "\\"), i + 1 < count {
                        let escaped = bytes[i + 1]
                        switch escaped {
                        case UInt8(ascii: "u"):
                            // Decode \uXXXX (and a surrogate pair) so "\u0061" and "a" are the same key.
                            guard i + 6 <= count, var unit = hex4(bytes, i + 2) else { return }
                            i += 6
                            if (0xD800..<0xDC00).contains(unit), i + 6 <= count, bytes[i] == UInt8(ascii: "\\"),
                               bytes[i + 1] == UInt8(ascii: "u"), let low = hex4(bytes, i + 2), (0xDC00..<0xE000).contains(low) {
                                unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                                i += 6
                            }
                            text.append(contentsOf: Array(String(Unicode.Scalar(unit).map(Character.init) ?? "\u{FFFD}").utf8))
                        case UInt8(ascii: "n"): text.append(0x0A); i += 2
                        case UInt8(ascii: "t"): text.append(0x09); i += 2
                        case UInt8(ascii: "r"): text.append(0x0D); i += 2
                        case UInt8(ascii: "b"): text.append(0x08); i += 2
                        case UInt8(ascii: "f"): text.append(0x0C); i += 2
                        default: text.append(escaped); i += 2
                        }
                        continue
                    }
                    text.append(bytes[i])
                    i += 1
                }
                i += 1
                if var top = stack.popLast() {
                    if top.expectKey, var keys = top.keys {
                        top.keys = nil
                        guard keys.insert(text).inserted else { throw .duplicateKey(String(decoding: text, as: UTF8.self)) }
                        top = (keys, false)
                    }
                    stack.append(top)
                }
            default:
                i += 1
            }
        }
    }

    private static func hex4(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int) -> UInt32? {
        var value: UInt32 = 0
        for k in start..<(start + 4) {
            let b = bytes[k]
            let digit: UInt8
            switch b {
            case 0x30...0x39: digit = b - 0x30
            case 0x41...0x46: digit = b - 0x41 + 10
            case 0x61...0x66: digit = b - 0x61 + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }
}
