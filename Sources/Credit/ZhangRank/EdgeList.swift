import Foundation

/// Reads credit relations from CSV text with columns `source,target[,weight][,timestamp]`.
///
/// Format:
/// - One edge per line; fields separated by commas; surrounding spaces trimmed; blank lines skipped;
///   `\n` or `\r\n` line ends. Quoting is not supported: a `"` in a field is an error.
/// - A header is detected, not required: when the first non-blank line has `source` and `target` as
///   its first two fields (any case), it is a header and may name `weight` and `timestamp` columns in
///   any order after them. Without a header, the third column is the weight and the fourth the
///   timestamp.
/// - Every line must have the same number of fields as the first one (2 to 4). An empty weight cell
///   is an error; weights are finite and non-negative; timestamps are finite seconds.
public enum EdgeListCSV {
    /// Largest input accepted, in bytes.
    public static let maxBytes = 1 << 30

    /// Parses `text` into a graph with `String` node ids (in order of first appearance).
    /// - Throws: `malformedEdgeList` with the 1-based line number, `invalidWeight`, `graphTooLarge`.
    public static func parse(_ text: String) throws(ZhangRankError) -> CreditGraph<String> {
        var text = text
        let result: Result<CreditGraph<String>, ZhangRankError> = text.withUTF8 { bytes in
            Result { () throws(ZhangRankError) in try parse(bytes: bytes) }
        }
        return try result.get()
    }

    /// Parses UTF-8 bytes; see `parse(_:)`.
    public static func parse(bytes: UnsafeBufferPointer<UInt8>) throws(ZhangRankError) -> CreditGraph<String> {
        guard bytes.count <= maxBytes else { throw .malformedEdgeList(line: 0, reason: "input larger than \(maxBytes) bytes") }
        var graph = CreditGraph<String>()
        var lineNumber = 0
        var columns = 0              // fields per line, fixed by the first line
        var weightColumn: Int? = nil
        var timestampColumn: Int? = nil
        var fields: [Range<Int>] = []
        fields.reserveCapacity(8)
        let count = bytes.count
        // Skip a UTF-8 byte-order mark so a header written by a spreadsheet is still recognised.
        var position = count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
        while position < count {
            lineNumber += 1
            var end = position
            while end < count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
            let lineEnd = end > position && bytes[end - 1] == UInt8(ascii: "\r") ? end - 1 : end
            defer { position = end + 1 }
            // Split into trimmed fields.
            fields.removeAll(keepingCapacity: true)
            var start = position
            var i = position
            var blank = true
            while i <= lineEnd {
                if i == lineEnd || bytes[i] == UInt8(ascii: ",") {
                    var a = start, b = i
                    while a < b && (bytes[a] == 32 || bytes[a] == 9) { a += 1 }
                    while b > a && (bytes[b - 1] == 32 || bytes[b - 1] == 9) { b -= 1 }
                    if b > a { blank = false }
                    fields.append(a..<b)
                    start = i + 1
                } else if bytes[i] == UInt8(ascii: "\"") {
                    throw .malformedEdgeList(line: lineNumber, reason: "quoted fields are not supported")
                }
                i += 1
            }
            if blank && fields.count == 1 { continue }
            func text(_ r: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: bytes[r]), as: UTF8.self) }
            if columns == 0 {
                guard (2...4).contains(fields.count) else {
                    throw .malformedEdgeList(line: lineNumber, reason: "expected 2 to 4 columns, found \(fields.count)")
                }
                columns = fields.count
                if text(fields[0]).lowercased() == "source" && text(fields[1]).lowercased() == "target" {
                    for c in 2..<columns {
                        switch text(fields[c]).lowercased() {
                        case "weight" where weightColumn == nil: weightColumn = c
                        case "timestamp" where timestampColumn == nil: timestampColumn = c
                        default:
                            throw .malformedEdgeList(line: lineNumber, reason: "unknown or repeated column '\(text(fields[c]))'")
                        }
                    }
                    continue
                }
                weightColumn = columns >= 3 ? 2 : nil
                timestampColumn = columns == 4 ? 3 : nil
            }
            guard fields.count == columns else {
                throw .malformedEdgeList(line: lineNumber, reason: "expected \(columns) columns, found \(fields.count)")
            }
            guard !fields[0].isEmpty, !fields[1].isEmpty else {
                throw .malformedEdgeList(line: lineNumber, reason: "empty node id")
            }
            var weight = 1.0
            if let c = weightColumn {
                guard let w = Double(text(fields[c])) else {
                    throw .malformedEdgeList(line: lineNumber, reason: "weight '\(text(fields[c]))' is not a number")
                }
                guard w.isFinite, w >= 0 else {
                    throw .malformedEdgeList(line: lineNumber, reason: "weight \(text(fields[c])) must be finite and non-negative")
                }
                weight = w
            }
            var timestamp: Double? = nil
            if let c = timestampColumn {
                guard let t = Double(text(fields[c])), t.isFinite else {
                    throw .malformedEdgeList(line: lineNumber, reason: "timestamp '\(text(fields[c]))' is not a finite number")
                }
                timestamp = t
            }
            try graph.addEdge(from: text(fields[0]), to: text(fields[1]), weight: weight, timestamp: timestamp)
        }
        return graph
    }

    /// Reads seed accounts for personalization: one `node` or `node,weight` per line (weight 1 when
    /// omitted); blank lines skipped; an optional header line `node[,weight]`. Repeated nodes add up.
    /// - Throws: `malformedEdgeList` with the 1-based line number.
    public static func parseSeeds(_ text: String) throws(ZhangRankError) -> [String: Double] {
        var seeds: [String: Double] = [:]
        var lineNumber = 0
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNumber += 1
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            if fields.count == 1 && fields[0].isEmpty { continue }
            if lineNumber == 1 && fields[0].lowercased() == "node" && (fields.count == 1 || fields[1].lowercased() == "weight") {
                continue
            }
            guard fields.count <= 2, !fields[0].isEmpty else {
                throw .malformedEdgeList(line: lineNumber, reason: "expected node[,weight]")
            }
            var weight = 1.0
            if fields.count == 2 {
                guard let w = Double(fields[1]), w.isFinite, w >= 0 else {
                    throw .malformedEdgeList(line: lineNumber, reason: "seed weight '\(fields[1])' must be finite and non-negative")
                }
                weight = w
            }
            seeds[fields[0], default: 0] += weight
        }
        return seeds
    }
}
