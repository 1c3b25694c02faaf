import DataFiSupport

/// A small column-oriented table of text cells read from CSV, with numeric and categorical columns.
///
/// CSV is parsed by the SDK's one RFC 4180 reader (`DataFiSupport.CSVReader`): comma separated, first line is the header,
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

    /// True when every cell of the column is a decimal number (`DataFiSupport.DecimalText`: no `+`, hex,
    /// `inf` or `nan`), so it is treated as numeric.
    public func isNumeric(_ name: String) throws(CreditError) -> Bool {
        let cells = try column(name)
        return !cells.isEmpty && cells.allSatisfy { DecimalText.isDecimal($0) }
    }

    /// Whether a feature column is read as numbers, by one explicit rule: numeric when every cell is a
    /// decimal number, categorical when none is (or when the column is named in `categorical`). A column
    /// that mixes numbers with blank or other cells is refused rather than silently turned into categories.
    /// - Throws: `CreditError.missingColumn`; `.nonFinite` for `nan`/`inf`/overflowing cells among numbers;
    ///   `.nonNumericCell` (its first blank or non-numeric cell) for a mixed column.
    public func readsAsNumeric(_ name: String, categorical: Set<String> = []) throws(CreditError) -> Bool {
        let cells = try column(name)
        if categorical.contains(name) { return false }
        guard cells.contains(where: { DecimalText.isDecimal($0) }) else { return false }
        for (r, cell) in cells.enumerated() where !DecimalText.isDecimal(cell) {
            if let v = Double(cell), !v.isFinite { throw .nonFinite(what: "column \(name)", row: r) }
            throw .nonNumericCell(column: name, row: r, value: Truncated.text(cell, 40))
        }
        return true
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

    /// Parses CSV text with the SDK's one reader, `DataFiSupport.CSVReader` (see the type's description;
    /// an empty line is a record of one empty field, so a one-column table keeps its empty cells).
    /// - Parameters:
    ///   - text: the CSV text.
    ///   - maxRows: bound on data rows; more throws `CreditError.tooLarge`.
    ///   - maxColumns: bound on the header's field count.
    /// - Throws: `CreditError.malformedCSV` (unterminated quote, stray quote, ragged row, empty header),
    ///   `.duplicateColumn`, `.emptyInput` (header only), `.tooLarge`.
    public init(csv text: String, maxRows: Int = 10_000_000, maxColumns: Int = 10_000) throws(CreditError) {
        let table: CSVTable
        do {
            table = try CSVReader.table(text.utf8, limits: CSVLimits(maxRecords: maxRows + 1, maxFields: maxColumns),
                                        skipBlankLines: false)
        } catch {
            switch error {
            case .tooManyRecords: throw .tooLarge("more than \(maxRows) rows")
            case .tooManyFields: throw .tooLarge("more than \(maxColumns) columns")
            case .duplicateHeader(let name): throw .duplicateColumn(name)
            case .missingHeader: throw .malformedCSV(line: 1, reason: "missing header")
            default:
                throw .malformedCSV(line: error.line ?? 1, reason: error.reason)
            }
        }
        guard !table.header.isEmpty, !(table.header.count == 1 && table.header[0].isEmpty) else {
            throw .malformedCSV(line: 1, reason: "missing header")
        }
        guard !table.records.isEmpty else { throw .emptyInput }
        var columns = [[String]](repeating: [], count: table.header.count)
        for c in columns.indices { columns[c].reserveCapacity(table.records.count) }
        for record in table.records {
            for (c, value) in record.enumerated() { columns[c].append(value) }
        }
        try self.init(columnNames: table.header, columns: columns)
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
