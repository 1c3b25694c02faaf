import Foundation

/// A JSON value as parsed, numbers kept as their text. Objects keep their members in input order.
public indirect enum JSONValue: Equatable, Sendable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// An integer in canonical decimal (`0`, `7`, `-12`; never `01`, `-0`, `1.0` or `1e3`).
    case number(String)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object: (key, value) members in input order, keys unique.
    case object([(String, JSONValue)])

    /// Compares values; object members compare as sets of keys (order ignored).
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.number(let a), .number(let b)): a == b
        case (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)):
            a.count == b.count && Dictionary(uniqueKeysWithValues: a.map { ($0.0, $0.1) })
                == Dictionary(uniqueKeysWithValues: b.map { ($0.0, $0.1) })
        default: false
        }
    }

    /// The member `key` of an object, if this is an object that has it.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }
}

/// The ledger's canonical JSON: the bytes a signature covers, the same for every implementation.
///
/// Rules (a subset of RFC 8259 output, close to RFC 8785 for integer-only data):
/// - no whitespace anywhere;
/// - object members sorted by the UTF-8 bytes of their keys; keys unique;
/// - strings in UTF-8; escaped are only `"` as `\"`, `\` as `\\`, U+0008 `\b`, U+000C `\f`, U+000A `\n`,
///   U+000D `\r`, U+0009 `\t` and the other code points below U+0020 as `\u00xx` (lowercase hex);
/// - numbers only as integers `0` or `-?[1-9][0-9]*` (large amounts travel as decimal strings);
/// - `true`, `false`, `null` as such.
///
/// Parsing is strict: duplicate keys, non-integer or non-canonical numbers, nesting deeper than
/// ``maxDepth``, invalid UTF-8 and trailing bytes are refused with a ``LedgerError``.
public enum CanonicalJSON {
    /// Deepest nesting of arrays and objects accepted.
    public static let maxDepth = 64

    /// Parses `bytes` strictly into a ``JSONValue``.
    /// - Throws: ``LedgerError/malformedJSON(offset:reason:)``, ``LedgerError/duplicateKey(_:)``,
    ///   ``LedgerError/nonCanonicalNumber(_:)``, ``LedgerError/tooDeep(limit:)``.
    public static func parse(_ bytes: some Collection<UInt8>) throws(LedgerError) -> JSONValue {
        var parser = Parser(bytes: Array(bytes))
        parser.skipSpace()
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.offset == parser.bytes.count else {
            throw .malformedJSON(offset: parser.offset, reason: "trailing bytes")
        }
        return value
    }

    /// The canonical bytes of `value`.
    public static func serialize(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        write(value, to: &out)
        return out
    }

    /// The canonical bytes of an `Encodable` value (through `JSONEncoder`, then re-serialized canonically).
    /// - Throws: ``LedgerError/invalidField(_:)`` when the value cannot be encoded or uses non-integer numbers.
    public static func encode(_ value: some Encodable) throws(LedgerError) -> [UInt8] {
        let data: Data
        do {
            data = try JSONEncoder().encode(value)
        } catch {
            throw .invalidField("cannot encode: \(error)")
        }
        return serialize(try parse(data))
    }

    /// Decodes `bytes` strictly: parses them (``parse(_:)``), decodes `T`, and requires that `T`
    /// re-encodes to the same value, which refuses unknown fields, `null`s for absent fields and
    /// alternative spellings the decoder would accept. Returns the value and its canonical bytes.
    /// - Throws: as ``parse(_:)``; ``LedgerError/invalidField(_:)`` when `T` cannot be decoded;
    ///   ``LedgerError/notCanonical(reason:)`` when the input has fields or forms `T` does not re-encode.
    public static func decode<T: Codable>(_ type: T.Type, from bytes: some Collection<UInt8>)
        throws(LedgerError) -> (value: T, canonical: [UInt8])
    {
        let tree = try parse(bytes)
        return try decode(type, from: tree)
    }

    /// Decodes an already parsed tree strictly, as ``decode(_:from:)-(_,Collection<UInt8>)`` does.
    public static func decode<T: Codable>(_ type: T.Type, from tree: JSONValue)
        throws(LedgerError) -> (value: T, canonical: [UInt8])
    {
        let canonical = serialize(tree)
        let value: T
        do {
            value = try JSONDecoder().decode(T.self, from: Data(canonical))
        } catch {
            throw .invalidField(describe(error))
        }
        let again = try encode(value)
        guard again == canonical else {
            throw .notCanonical(reason: "unknown field or a form that does not re-encode to itself")
        }
        return (value, canonical)
    }

    /// A short text for a decoding error.
    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "missing key \"\(key.stringValue)\""
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
             DecodingError.dataCorrupted(let context):
            "at \(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        default: "\(error)"
        }
    }

    private static func write(_ value: JSONValue, to out: inout [UInt8]) {
        switch value {
        case .null: out += Array("null".utf8)
        case .bool(let b): out += Array((b ? "true" : "false").utf8)
        case .number(let text): out += Array(text.utf8)
        case .string(let s): writeString(s, to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                write(item, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            let sorted = members.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
            for (i, member) in sorted.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                writeString(member.0, to: &out)
                out.append(UInt8(ascii: ":"))
                write(member.1, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func writeString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out += [0x5C, 0x22]
            case 0x5C: out += [0x5C, 0x5C]
            case 0x08: out += [0x5C, UInt8(ascii: "b")]
            case 0x0C: out += [0x5C, UInt8(ascii: "f")]
            case 0x0A: out += [0x5C, UInt8(ascii: "n")]
            case 0x0D: out += [0x5C, UInt8(ascii: "r")]
            case 0x09: out += [0x5C, UInt8(ascii: "t")]
            case 0..<0x20: out += [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hexDigits[Int(b >> 4)], hexDigits[Int(b & 15)]]
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private struct Parser {
        let bytes: [UInt8]
        var offset = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        func fail(_ reason: String) -> LedgerError { .malformedJSON(offset: offset, reason: reason) }

        mutating func skipSpace() {
            while offset < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[offset]) { offset += 1 }
        }

        mutating func literal(_ text: String, _ value: JSONValue) throws(LedgerError) -> JSONValue {
            let lit = Array(text.utf8)
            guard offset + lit.count <= bytes.count, Array(bytes[offset..<offset + lit.count]) == lit else {
                throw fail("unexpected byte")
            }
            offset += lit.count
            return value
        }

        mutating func value(depth: Int) throws(LedgerError) -> JSONValue {
            guard offset < bytes.count else { throw fail("unexpected end") }
            switch bytes[offset] {
            case UInt8(ascii: "{"):
                guard depth < CanonicalJSON.maxDepth else { throw .tooDeep(limit: CanonicalJSON.maxDepth) }
                offset += 1
                var members: [(String, JSONValue)] = []
                var seen = Set<String>()
                skipSpace()
                if offset < bytes.count, bytes[offset] == UInt8(ascii: "}") {
                    offset += 1
                    return .object([])
                }
                while true {
                    skipSpace()
                    guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else { throw fail("expected a key") }
                    let key = try string()
                    guard seen.insert(key).inserted else { throw .duplicateKey(key) }
                    skipSpace()
                    guard offset < bytes.count, bytes[offset] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                    offset += 1
                    skipSpace()
                    members.append((key, try value(depth: depth + 1)))
                    skipSpace()
                    guard offset < bytes.count else { throw fail("unexpected end") }
                    if bytes[offset] == UInt8(ascii: ",") { offset += 1; continue }
                    if bytes[offset] == UInt8(ascii: "}") { offset += 1; return .object(members) }
                    throw fail("expected ',' or '}'")
                }
            case UInt8(ascii: "["):
                guard depth < CanonicalJSON.maxDepth else { throw .tooDeep(limit: CanonicalJSON.maxDepth) }
                offset += 1
                var items: [JSONValue] = []
                skipSpace()
                if offset < bytes.count, bytes[offset] == UInt8(ascii: "]") {
                    offset += 1
                    return .array([])
                }
                while true {
                    skipSpace()
                    items.append(try value(depth: depth + 1))
                    skipSpace()
                    guard offset < bytes.count else { throw fail("unexpected end") }
                    if bytes[offset] == UInt8(ascii: ",") { offset += 1; continue }
                    if bytes[offset] == UInt8(ascii: "]") { offset += 1; return .array(items) }
                    throw fail("expected ',' or ']'")
                }
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): return try literal("true", .bool(true))
            case UInt8(ascii: "f"): return try literal("false", .bool(false))
            case UInt8(ascii: "n"): return try literal("null", .null)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
            default: throw fail("unexpected byte")
            }
        }

        mutating func number() throws(LedgerError) -> JSONValue {
            let start = offset
            let numberBytes = Set(Array("+-0123456789.eE".utf8))
            while offset < bytes.count, numberBytes.contains(bytes[offset]) { offset += 1 }
            let text = String(decoding: bytes[start..<offset], as: UTF8.self)
            let digits = text.hasPrefix("-") ? Substring(text.dropFirst()) : Substring(text)
            guard !digits.isEmpty, digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
                throw .nonCanonicalNumber(text)
            }
            guard digits == "0" ? !text.hasPrefix("-") : digits.first != "0" else { throw .nonCanonicalNumber(text) }
            return .number(text)
        }

        mutating func hex4() throws(LedgerError) -> UInt32 {
            guard offset + 4 <= bytes.count else { throw fail("truncated \\u escape") }
            var v: UInt32 = 0
            for b in bytes[offset..<offset + 4] {
                let d: UInt8
                switch b {
                case 0x30...0x39: d = b - 0x30
                case 0x61...0x66: d = b - 0x61 + 10
                case 0x41...0x46: d = b - 0x41 + 10
                default: throw fail("bad \\u escape")
                }
                v = v << 4 | UInt32(d)
            }
            offset += 4
            return v
        }

        mutating func string() throws(LedgerError) -> String {
            offset += 1   // opening quote
            var out: [UInt8] = []
            while true {
                guard offset < bytes.count else { throw fail("unterminated string") }
                let b = bytes[offset]
                offset += 1
                switch b {
                case UInt8(ascii: "\""):
                    guard let s = String(validating: out, as: UTF8.self) else { throw fail("invalid UTF-8") }
                    return s
                case 0x5C:
                    guard offset < bytes.count else { throw fail("unterminated escape") }
                    let e = bytes[offset]
                    offset += 1
                    switch e {
                    case UInt8(ascii: "\""): out.append(0x22)
                    case 0x5C: out.append(0x5C)
                    case UInt8(ascii: "/"): out.append(0x2F)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"):
                        var scalar = try hex4()
                        if (0xD800...0xDBFF).contains(scalar) {
                            guard offset + 2 <= bytes.count, bytes[offset] == 0x5C, bytes[offset + 1] == UInt8(ascii: "u")
                            else { throw fail("lone surrogate") }
                            offset += 2
                            let low = try hex4()
                            guard (0xDC00...0xDFFF).contains(low) else { throw fail("lone surrogate") }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else if (0xDC00...0xDFFF).contains(scalar) {
                            throw fail("lone surrogate")
                        }
                        guard let u = Unicode.Scalar(scalar) else { throw fail("bad code point") }
                        out += Array(String(Character(u)).utf8)
                    default: throw fail("bad escape")
                    }
                case 0..<0x20: throw fail("control character in string")
                default: out.append(b)
                }
            }
        }
    }
}
