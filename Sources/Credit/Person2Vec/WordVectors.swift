import Foundation

/// A table of named vectors (words or persons) with cosine nearest-neighbour queries and the
/// word2vec text format: a header `count dimension`, then one `name v1 v2 … vD` line per row.
public struct WordVectors: Sendable, Equatable {
    /// Largest dimension accepted when reading a file.
    public static let maxDimension = 100_000
    /// Largest number of floats accepted when reading a file.
    public static let maxValues = 1 << 28

    /// Number of values per vector.
    public let dimension: Int
    /// Row names in file order.
    public let words: [String]
    /// Row-major values: row `i` is `values[i*dimension ..< (i+1)*dimension]`.
    public let values: [Float]
    let index: [String: Int]

    /// Creates a table; `values.count` must equal `words.count * dimension`.
    /// - Throws: `dimensionMismatch` when the sizes disagree, `duplicateWord` on a repeated name.
    public init(words: [String], dimension: Int, values: [Float]) throws(Person2VecError) {
        guard dimension >= 0, values.count == words.count * dimension else {
            throw .dimensionMismatch(expected: words.count * dimension, found: values.count)
        }
        var index: [String: Int] = [:]
        index.reserveCapacity(words.count)
        for (i, word) in words.enumerated() {
            guard index.updateValue(i, forKey: word) == nil else { throw .duplicateWord(line: i + 2, word: word) }
        }
        self.dimension = dimension
        self.words = words
        self.values = values
        self.index = index
    }

    /// Number of rows.
    public var count: Int { words.count }

    /// The vector of `word`, or nil when absent.
    public func vector(for word: String) -> [Float]? {
        guard let i = index[word] else { return nil }
        return Array(values[i * dimension ..< (i + 1) * dimension])
    }

    /// Cosine similarity of two rows, or nil when either is absent (0 when either vector is zero).
    public func similarity(_ a: String, _ b: String) -> Float? {
        guard let i = index[a], let j = index[b] else { return nil }
        guard dimension > 0 else { return 0 }
        return values.withUnsafeBufferPointer { v in
            let x = v.baseAddress! + i * dimension, y = v.baseAddress! + j * dimension
            let den = (dot(x, x, dimension) * dot(y, y, dimension)).squareRoot()
            return den > 0 ? dot(x, y, dimension) / den : 0
        }
    }

    /// The `count` rows most cosine-similar to `word` (excluding itself), best first; empty when absent.
    public func nearest(to word: String, count: Int) -> [(word: String, similarity: Float)] {
        guard let i = index[word] else { return [] }
        return nearest(to: Array(values[i * dimension ..< (i + 1) * dimension]), count: count, excluding: [i])
    }

    /// The `count` rows most cosine-similar to `query`, best first (ties by row order).
    /// - Throws: `dimensionMismatch` when `query.count` is not the table's dimension.
    public func nearest(to query: [Float], count: Int) throws(Person2VecError) -> [(word: String, similarity: Float)] {
        guard query.count == dimension else { throw .dimensionMismatch(expected: dimension, found: query.count) }
        return nearest(to: query, count: count, excluding: [])
    }

    func nearest(to query: [Float], count k: Int, excluding: Set<Int>) -> [(word: String, similarity: Float)] {
        guard k > 0, dimension > 0 else { return [] }
        var scored: [(Int, Float)] = []
        scored.reserveCapacity(words.count)
        values.withUnsafeBufferPointer { v in
            query.withUnsafeBufferPointer { q in
                let qn = dot(q.baseAddress!, q.baseAddress!, dimension).squareRoot()
                for i in 0..<words.count where !excluding.contains(i) {
                    let row = v.baseAddress! + i * dimension
                    let den = qn * dot(row, row, dimension).squareRoot()
                    scored.append((i, den > 0 ? dot(q.baseAddress!, row, dimension) / den : 0))
                }
            }
        }
        scored.sort { $0.1 > $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
        return scored.prefix(k).map { (words[$0.0], $0.1) }
    }

    // MARK: word2vec text format

    /// The table in word2vec text format (values printed so they read back exactly).
    /// - Throws: `unwritableWord` when a name is empty or contains whitespace.
    public func text() throws(Person2VecError) -> String {
        for word in words where word.isEmpty || word.contains(where: { $0.isWhitespace }) {
            throw .unwritableWord(word)
        }
        var out = "\(words.count) \(dimension)\n"
        out.reserveCapacity(words.count * (dimension * 11 + 16))
        for (i, word) in words.enumerated() {
            out += word
            for j in 0..<dimension {
                out += " "
                out += values[i * dimension + j].description
            }
            out += "\n"
        }
        return out
    }

    /// Reads the word2vec text format.
    ///
    /// Values are separated by spaces or tabs (a trailing separator, as word2vec.c writes, is fine);
    /// lines end in `\n` or `\r\n`; blank lines after the last row are ignored. Sizes are checked
    /// against the header and the text length before anything is allocated.
    /// - Throws: `malformedHeader`, `truncated`, `wrongValueCount`, `invalidNumber`, `duplicateWord`,
    ///   `trailingData`, `inputTooLarge`.
    public init(text: String) throws(Person2VecError) {
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })[...]
        guard let headerLine = lines.popFirst() else { throw .malformedHeader("") }
        let header = Self.fields(headerLine)
        guard header.count == 2, let rows = Int(header[0]), let dimension = Int(header[1]),
              rows >= 0, dimension >= 1 else {
            throw .malformedHeader(String(headerLine))
        }
        guard dimension <= Self.maxDimension else { throw .inputTooLarge(what: "dimension", limit: Self.maxDimension) }
        guard rows <= Self.maxValues / dimension else { throw .inputTooLarge(what: "rows × dimension", limit: Self.maxValues) }
        // Each value needs at least two characters ("0 "), so a shorter text cannot hold the rows.
        let available = text.utf8.count
        if rows * (dimension * 2 + 2) > available + 1 {
            let found = lines.filter { !$0.allSatisfy(\.isWhitespace) }.count
            throw .truncated(expectedRows: rows, foundRows: min(found, rows))
        }
        var words: [String] = []
        words.reserveCapacity(rows)
        var values: [Float] = []
        values.reserveCapacity(rows * dimension)
        var lineNumber = 1
        while words.count < rows {
            guard let line = lines.popFirst() else { throw .truncated(expectedRows: rows, foundRows: words.count) }
            lineNumber += 1
            let parts = Self.fields(line)
            if parts.isEmpty {
                if lines.allSatisfy({ Self.fields($0).isEmpty }) {
                    throw .truncated(expectedRows: rows, foundRows: words.count)
                }
                throw .wrongValueCount(line: lineNumber, expected: dimension, found: 0)
            }
            guard parts.count == dimension + 1 else {
                throw .wrongValueCount(line: lineNumber, expected: dimension, found: parts.count - 1)
            }
            for token in parts.dropFirst() {
                guard let value = Float(token), value.isFinite else {
                    throw .invalidNumber(line: lineNumber, token: String(token))
                }
                values.append(value)
            }
            words.append(String(parts[0]))
        }
        while let line = lines.popFirst() {
            lineNumber += 1
            guard Self.fields(line).isEmpty else { throw .trailingData(line: lineNumber) }
        }
        do {
            try self.init(words: words, dimension: dimension, values: values)
        } catch let .duplicateWord(line, word) {
            throw .duplicateWord(line: line, word: word)
        } catch {
            throw error
        }
    }

    static func fields(_ line: Substring) -> [Substring] {
        line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
    }
}
