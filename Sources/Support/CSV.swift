/// Bounds on what `CSVReader` accepts; exceeding one throws a `CSVError` that names it.
public struct CSVLimits: Sendable, Equatable {
    /// Most records (the header counts as one).
    public var maxRecords: Int
    /// Most fields in one record.
    public var maxFields: Int
    /// Most bytes in one field (after unquoting).
    public var maxFieldBytes: Int

    /// Creates limits; every bound must be positive.
    public init(maxRecords: Int = 10_000_000, maxFields: Int = 10_000, maxFieldBytes: Int = 1 << 20) {
        precondition(maxRecords > 0 && maxFields > 0 && maxFieldBytes > 0, "CSV limits must be positive")
        self.maxRecords = maxRecords
        self.maxFields = maxFields
        self.maxFieldBytes = maxFieldBytes
    }
}

/// Why CSV text was refused. `line` is the 1-based physical line where the problem is, `field` the
/// 1-based field number within its record.
public enum CSVError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A quoted field runs to the end of the input.
    case unterminatedQuote(line: Int, field: Int)
    /// A `"` inside a field that did not start with one.
    case quoteInUnquotedField(line: Int, field: Int)
    /// Characters between a closing quote and the next separator.
    case textAfterClosingQuote(line: Int, field: Int)
    /// A carriage return not followed by a line feed outside quotes.
    case bareCarriageReturn(line: Int, field: Int)
    /// A record whose field count differs from the header's.
    case raggedRecord(line: Int, expected: Int, found: Int)
    /// A field that is not valid UTF-8.
    case invalidUTF8(line: Int, field: Int)
    /// More records than `CSVLimits.maxRecords`.
    case tooManyRecords(limit: Int)
    /// A record with more fields than `CSVLimits.maxFields`.
    case tooManyFields(line: Int, limit: Int)
    /// A field longer than `CSVLimits.maxFieldBytes`.
    case fieldTooLong(line: Int, field: Int, limit: Int)
    /// No header record (empty input).
    case missingHeader
    /// Two header fields with the same name.
    case duplicateHeader(name: String)

    /// The 1-based line the error is at, when it has one.
    public var line: Int? {
        switch self {
        case let .unterminatedQuote(line, _), let .quoteInUnquotedField(line, _), let .textAfterClosingQuote(line, _),
             let .bareCarriageReturn(line, _), let .raggedRecord(line, _, _), let .invalidUTF8(line, _),
             let .tooManyFields(line, _), let .fieldTooLong(line, _, _):
            return line
        case .tooManyRecords, .missingHeader, .duplicateHeader: return nil
        }
    }

    /// What is wrong, without the position.
    public var reason: String {
        switch self {
        case .unterminatedQuote: return "unterminated quoted field"
        case .quoteInUnquotedField: return "quote inside an unquoted field"
        case .textAfterClosingQuote: return "text after a closing quote"
        case .bareCarriageReturn: return "carriage return without a line feed"
        case let .raggedRecord(_, expected, found): return "expected \(expected) fields, found \(found)"
        case .invalidUTF8: return "not valid UTF-8"
        case let .tooManyRecords(limit): return "more than \(limit) records (the limit)"
        case let .tooManyFields(_, limit): return "more than \(limit) fields (the limit)"
        case let .fieldTooLong(_, _, limit): return "a field longer than \(limit) bytes (the limit)"
        case .missingHeader: return "empty: a header record is required"
        case let .duplicateHeader(name): return "the header names column \(Truncated.text(name, 64)) twice"
        }
    }

    /// One line for people: what is wrong (and where, when known).
    public var description: String {
        switch self {
        case let .unterminatedQuote(line, field), let .quoteInUnquotedField(line, field),
             let .textAfterClosingQuote(line, field), let .bareCarriageReturn(line, field),
             let .invalidUTF8(line, field), let .fieldTooLong(line, field, _):
            return "CSV line \(line), field \(field): \(reason)"
        case let .raggedRecord(line, _, _), let .tooManyFields(line, _): return "CSV line \(line): \(reason)"
        case .tooManyRecords, .missingHeader, .duplicateHeader: return "CSV: \(reason)"
        }
    }
}

/// A CSV file read into memory: the header and the data records, all with the header's field count.
public struct CSVTable: Sendable, Equatable {
    /// The header's fields, as written.
    public let header: [String]
    /// Data records in file order; `lines[i]` is the physical line where `records[i]` starts.
    public let records: [[String]]
    /// The 1-based line where each data record starts (for error messages).
    public let lines: [Int]

    /// A table from its parts; `lines` has one entry per record.
    public init(header: [String], records: [[String]], lines: [Int]) {
        precondition(records.count == lines.count, "one line number per record")
        self.header = header
        self.records = records
        self.lines = lines
    }

    /// The index of a header field, or nil.
    public func index(of name: String) -> Int? { header.firstIndex(of: name) }
}

/// The SDK's one CSV reader (RFC 4180): comma separated; fields may be double-quoted, with `""` for a
/// quote and commas and line breaks inside; records end with LF or CRLF; a UTF-8 byte-order mark at the
/// start is skipped; a final line break is optional. Fields are not trimmed. Everything is bounded by
/// `CSVLimits` and every refusal is a `CSVError` with its line and field.
public enum CSVReader {
    /// Reads every record, calling `body` with the record's fields and its starting line.
    ///
    /// - Parameters:
    ///   - skipBlankLines: skip lines with no characters at all (outside quotes) instead of reading them as
    ///     a record of one empty field.
    ///   - bytes: the CSV text as UTF-8 bytes.
    ///   - limits: bounds on records, fields and field size.
    ///   - body: called once per record, header included; it may throw to stop.
    /// - Throws: `CSVError`, or what `body` throws.
    public static func forEachRecord<E: Error>(
        _ bytes: UnsafeBufferPointer<UInt8>, limits: CSVLimits = CSVLimits(), skipBlankLines: Bool = true,
        _ body: (_ fields: [String], _ line: Int) throws(E) -> Void
    ) throws(CSVFailure<E>) {
        var i = 0
        let count = bytes.count
        if count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
        var record: [String] = []
        var line = 1, recordLine = 1, records = 0
        var fieldStart = i
        // Quoted fields with "" escapes are assembled here; plain fields are sliced from the input.
        var scratch: [UInt8] = []
        var quoted = false

        func emitField(end: Int) throws(CSVFailure<E>) {
            let text: String?
            if quoted {
                text = String(validating: scratch, as: UTF8.self)
            } else {
                guard end - fieldStart <= limits.maxFieldBytes else {
                    throw .csv(.fieldTooLong(line: line, field: record.count + 1, limit: limits.maxFieldBytes))
                }
                text = String(validating: UnsafeBufferPointer(rebasing: bytes[fieldStart..<end]), as: UTF8.self)
            }
            guard let text else { throw .csv(.invalidUTF8(line: line, field: record.count + 1)) }
            guard record.count < limits.maxFields else { throw .csv(.tooManyFields(line: line, limit: limits.maxFields)) }
            record.append(text)
            quoted = false
        }
        func emitRecord() throws(CSVFailure<E>) {
            records += 1
            guard records <= limits.maxRecords else { throw .csv(.tooManyRecords(limit: limits.maxRecords)) }
            do { try body(record, recordLine) } catch { throw .body(error) }
            record.removeAll(keepingCapacity: true)
        }

        while i < count {
            // Start of a field.
            fieldStart = i
            if bytes[i] == UInt8(ascii: "\"") {
                quoted = true
                scratch.removeAll(keepingCapacity: true)
                i += 1
                while true {
                    guard i < count else { throw .csv(.unterminatedQuote(line: recordLine, field: record.count + 1)) }
                    let byte = bytes[i]
                    if byte == UInt8(ascii: "\"") {
                        if i + 1 < count && bytes[i + 1] == UInt8(ascii: "\"") {
                            scratch.append(byte)
                            i += 2
                            continue
                        }
                        i += 1
                        break
                    }
                    if byte == 0x0A { line += 1 }
                    scratch.append(byte)
                    guard scratch.count <= limits.maxFieldBytes else {
                        throw .csv(.fieldTooLong(line: line, field: record.count + 1, limit: limits.maxFieldBytes))
                    }
                    i += 1
                }
                // After the closing quote: a separator, a line end or the end of input.
                if i < count {
                    let byte = bytes[i]
                    if byte != UInt8(ascii: ",") && byte != 0x0A && !(byte == 0x0D && i + 1 < count && bytes[i + 1] == 0x0A) {
                        throw .csv(.textAfterClosingQuote(line: line, field: record.count + 1))
                    }
                }
            } else {
                while i < count {
                    let byte = bytes[i]
                    if byte == UInt8(ascii: ",") || byte == 0x0A { break }
                    if byte == 0x0D {
                        guard i + 1 < count, bytes[i + 1] == 0x0A else {
                            throw .csv(.bareCarriageReturn(line: line, field: record.count + 1))
                        }
                        break
                    }
                    if byte == UInt8(ascii: "\"") { throw .csv(.quoteInUnquotedField(line: line, field: record.count + 1)) }
                    i += 1
                }
            }
            let end = i
            if i >= count {
                try emitField(end: end)
                try emitRecord()
                break
            }
            let separator = bytes[i]
            if separator == UInt8(ascii: ",") {
                try emitField(end: end)
                i += 1
                if i == count {
                    // "a," at the very end: the record ends with an empty field.
                    fieldStart = i
                    try emitField(end: i)
                    try emitRecord()
                }
                continue
            }
            // A line end (LF or CRLF).
            let blank = record.isEmpty && !quoted && end == fieldStart
            if blank && skipBlankLines {
                record.removeAll(keepingCapacity: true)
            } else {
                try emitField(end: end)
                try emitRecord()
            }
            i += separator == 0x0D ? 2 : 1
            line += 1
            recordLine = line
        }
    }

    /// Reads a whole CSV text with a header record.
    ///
    /// - Parameters:
    ///   - bytes: the CSV text as UTF-8 bytes.
    ///   - limits: bounds on records, fields and field size.
    ///   - skipBlankLines: skip empty lines instead of reading them as one-field records.
    /// - Throws: `CSVError`: any of the reader's errors, `.missingHeader`, `.duplicateHeader`, `.raggedRecord`.
    public static func table(_ bytes: some Collection<UInt8>, limits: CSVLimits = CSVLimits(),
                             skipBlankLines: Bool = true) throws(CSVError) -> CSVTable {
        var header: [String]? = nil
        var records: [[String]] = []
        var lines: [Int] = []
        func read(_ buffer: UnsafeBufferPointer<UInt8>) -> Result<Void, CSVFailure<CSVError>> {
            Result { () throws(CSVFailure<CSVError>) in
                try forEachRecord(buffer, limits: limits, skipBlankLines: skipBlankLines) { (fields, line) throws(CSVError) in
                    if let header {
                        guard fields.count == header.count else {
                            throw .raggedRecord(line: line, expected: header.count, found: fields.count)
                        }
                        records.append(fields)
                        lines.append(line)
                    } else {
                        var seen = Set<String>()
                        for name in fields where !seen.insert(name).inserted { throw .duplicateHeader(name: name) }
                        header = fields
                    }
                }
            }
        }
        let outcome = bytes.withContiguousStorageIfAvailable(read) ?? Array(bytes).withUnsafeBufferPointer(read)
        switch outcome {
        case .success: break
        case .failure(.csv(let error)), .failure(.body(let error)): throw error
        }
        guard let header else { throw .missingHeader }
        return CSVTable(header: header, records: records, lines: lines)
    }
}

/// A failure of `CSVReader.forEachRecord`: the text was refused, or the record callback threw.
public enum CSVFailure<E: Error>: Error {
    /// The CSV text was refused.
    case csv(CSVError)
    /// The callback threw.
    case body(E)
}

/// Text shortened for an error message, so a hostile input never fills the terminal.
public enum Truncated {
    /// `text` as is when at most `limit` characters, else its first `limit` characters, "…" and the
    /// full length in bytes.
    public static func text(_ text: some StringProtocol, _ limit: Int = 64) -> String {
        guard text.count > limit else { return String(text) }
        return String(text.prefix(limit)) + "… (\(text.utf8.count) bytes)"
    }
}
