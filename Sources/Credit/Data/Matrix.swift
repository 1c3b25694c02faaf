/// A dense row-major matrix of `Double`: `rows × columns`, element `(i, j)` at `values[i * columns + j]`.
public struct Matrix: Sendable, Equatable, Codable {
    /// Number of rows (observations).
    public let rows: Int
    /// Number of columns (features).
    public let columns: Int
    /// Row-major storage, `rows * columns` values.
    public var values: [Double]

    /// Wraps row-major `values`; throws `CreditError.lengthMismatch` when the count is not `rows * columns`.
    public init(rows: Int, columns: Int, values: [Double]) throws(CreditError) {
        guard rows >= 0, columns >= 0 else { throw .outOfRange(.matrixSize) }
        let (count, overflow) = rows.multipliedReportingOverflow(by: columns)
        guard !overflow else { throw .tooLarge("\(rows) × \(columns) matrix") }
        guard values.count == count else { throw .lengthMismatch(what: "matrix values", expected: count, actual: values.count) }
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    /// Builds a matrix from rows of equal length; throws `CreditError.lengthMismatch` on a ragged row.
    public init(rows rowArrays: [[Double]]) throws(CreditError) {
        let columns = rowArrays.first?.count ?? 0
        var values: [Double] = []
        values.reserveCapacity(rowArrays.count * columns)
        for (i, row) in rowArrays.enumerated() {
            guard row.count == columns else {
                throw .lengthMismatch(what: "row \(i + 1)", expected: columns, actual: row.count)
            }
            values.append(contentsOf: row)
        }
        self.rows = rowArrays.count
        self.columns = columns
        self.values = values
    }

    /// Element at row `i`, column `j` (programmer error when out of range).
    public subscript(i: Int, j: Int) -> Double {
        get { values[i * columns + j] }
        set { values[i * columns + j] = newValue }
    }

    /// Row `i` as an array.
    public func row(_ i: Int) -> [Double] { Array(values[(i * columns)..<((i + 1) * columns)]) }

    /// The matrix restricted to the given row indices, in that order.
    public func selecting(rows indices: [Int]) -> Matrix {
        var out: [Double] = []
        out.reserveCapacity(indices.count * columns)
        for i in indices { out.append(contentsOf: values[(i * columns)..<((i + 1) * columns)]) }
        return Matrix(unchecked: indices.count, columns, out)
    }

    private enum CodingKeys: String, CodingKey { case rows, columns, values }

    /// Decodes a matrix and checks that `values` holds exactly `rows × columns` numbers.
    /// - Throws: `DecodingError.dataCorrupted` when the sizes do not match.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let rows = try container.decode(Int.self, forKey: .rows)
        let columns = try container.decode(Int.self, forKey: .columns)
        let values = try container.decode([Double].self, forKey: .values)
        do {
            self = try Matrix(rows: rows, columns: columns, values: values)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: [CodingKeys.values], debugDescription: error.description))
        }
    }

    package init(unchecked rows: Int, _ columns: Int, _ values: [Double]) {
        self.rows = rows
        self.columns = columns
        self.values = values
    }
}
