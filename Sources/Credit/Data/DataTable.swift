/// A small column-oriented table of text cells read from CSV, with numeric and categorical columns.
///
/// CSV is parsed by this module's own RFC 4180 reader: comma separated, first line is the header,
/// fields may be double-quoted (`""` is a literal quote, quoted fields may hold commas and line breaks),
/// lines end in LF or CRLF, a final empty line is ignored. Every row must have as many fields as the header.
public struct DataTable: Sendable, Equatable {
    /// Column names in file order.
    public let columnNames: [String]
    /// Cells column by column: `columns[c][r]` is row `r` of column `c`.
    public let columns: [[String]]

    /// Number of data rows.
    public var rowCount: Int { columns.first?.count ?? 0 }

    /// Builds a table from named columns of equal length.
    /// - Throws: `CreditError.duplicateColumn`, `.lengthMismatch`.
    public init(columnNames: [String], columns: [[String]]) throws(CreditError) {
        guard columnNames.count == columns.count else {
            throw .lengthMismatch(what: "columns", expected: columnNames.count, actual: columns.count)
        }
        var seen = Set<String>()
        for name in columnNames where !seen.insert(name).inserted { throw .duplicateColumn(name) }
        let rows = columns.first?.count ?? 0
        for (c, column) in columns.enumerated() where column.count != rows {
            throw .lengthMismatch(what: "column \(columnNames[c])", expected: rows, actual: column.count)
        }
        self.columnNames = columnNames
        self.columns = columns
    }

    /// Index of a named column; throws `CreditError.missingColumn`.
    public func index(of name: String) throws(CreditError) -> Int {
        guard let i = columnNames.firstIndex(of: name) else { throw .missingColumn(name) }
        return i
    }

    /// Cells of a named column; throws `CreditError.missingColumn`.
    public func column(_ name: String) throws(CreditError) -> [String] { columns[try index(of: name)] }

    /// True when every cell of the column parses as a number (so it is treated as numeric).
    public func isNumeric(_ name: String) throws(CreditError) -> Bool {
        let cells = try column(name)
        return !cells.isEmpty && cells.allSatisfy { Double($0) != nil }
    }

    /// The table restricted to the given rows, in that order.
    public func selecting(rows indices: [Int]) -> DataTable {
        // Same names and equal-length columns, so the unchecked initializer is safe.
        DataTable(unchecked: columnNames, columns.map { column in indices.map { column[$0] } })
    }

    init(unchecked names: [String], _ columns: [[String]]) {
        columnNames = names
        self.columns = columns
    }

    /// Parses CSV text (see the type's description).
    /// - Parameters:
    ///   - text: the CSV text.
    ///   - maxRows: bound on data rows; more throws `CreditError.tooLarge`.
    ///   - maxColumns: bound on the header's field count.
    /// - Throws: `CreditError.malformedCSV` (unterminated quote, stray quote, ragged row, empty header),
    ///   `.duplicateColumn`, `.emptyInput` (header only), `.tooLarge`.
    public init(csv text: String, maxRows: Int = 10_000_000, maxColumns: Int = 10_000) throws(CreditError) {
        var header: [String]? = nil
        var field: [UInt8] = []
        var record: [String] = []
        var line = 1, recordLine = 1
        var inQuotes = false, wasQuoted = false, afterQuote = false
        var columns: [[String]] = []

        func endRecord() throws(CreditError) {
            if let header {
                guard record.count == header.count else {
                    throw .malformedCSV(line: recordLine, reason: "expected \(header.count) fields, found \(record.count)")
                }
                guard columns.first.map({ $0.count < maxRows }) ?? true else {
                    throw .tooLarge("more than \(maxRows) rows")
                }
                for (c, value) in record.enumerated() { columns[c].append(value) }
            } else {
                guard record.count <= maxColumns else { throw .tooLarge("more than \(maxColumns) columns") }
                header = record
                columns = [[String]](repeating: [], count: record.count)
            }
            record.removeAll(keepingCapacity: true)
        }
        func endField() {
            record.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            wasQuoted = false
            afterQuote = false
        }

        var bytes = Array(text.utf8)
        // Strip a UTF-8 byte-order mark.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        var i = 0
        let count = bytes.count
        var recordStarted = false
        while i < count {
            let byte = bytes[i]
            if inQuotes {
                if byte == UInt8(ascii: "\"") {
                    if i + 1 < count && bytes[i + 1] == UInt8(ascii: "\"") {
                        field.append(byte)
                        i += 2
                        continue
                    }
                    inQuotes = false
                    afterQuote = true
                } else {
                    if byte == UInt8(ascii: "\n") { line += 1 }
                    field.append(byte)
                }
                i += 1
                continue
            }
            switch byte {
            case UInt8(ascii: ","):
                endField()
                recordStarted = true
            case UInt8(ascii: "\r"):
                guard i + 1 < count, bytes[i + 1] == UInt8(ascii: "\n") else {
                    throw .malformedCSV(line: line, reason: "bare carriage return")
                }
            case UInt8(ascii: "\n"):
                endField()
                try endRecord()
                line += 1
                recordLine = line
                recordStarted = false
            case UInt8(ascii: "\""):
                guard field.isEmpty && !wasQuoted && !afterQuote else {
                    throw .malformedCSV(line: line, reason: "quote inside an unquoted field")
                }
                inQuotes = true
                wasQuoted = true
                recordStarted = true
            default:
                guard !afterQuote else {
                    throw .malformedCSV(line: line, reason: "text after a closing quote")
                }
                field.append(byte)
                recordStarted = true
            }
            i += 1
        }
        guard !inQuotes else { throw .malformedCSV(line: recordLine, reason: "unterminated quoted field") }
        if recordStarted || !field.isEmpty {
            endField()
            try endRecord()
        }
        guard let names = header, !names.isEmpty, !(names.count == 1 && names[0].isEmpty) else {
            throw .malformedCSV(line: 1, reason: "missing header")
        }
        guard let first = columns.first, !first.isEmpty else { throw .emptyInput }
        try self.init(columnNames: names, columns: columns)
    }

    /// The table as CSV text (fields quoted when they contain a comma, quote or line break).
    public func csv() -> String {
        func quote(_ s: String) -> String {
            if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
                return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }
            return s
        }
        var out = columnNames.map(quote).joined(separator: ",") + "\n"
        for r in 0..<rowCount {
            out += columns.map { quote($0[r]) }.joined(separator: ",") + "\n"
        }
        return out
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
