import DataFiSupport
import Foundation

/// Reads credit relations from CSV text with columns `source,target[,weight][,timestamp]`.
///
/// Format:
/// - The SDK's CSV (`CSVReader`, RFC 4180): comma separated, fields may be double-quoted, `\n` or
///   `\r\n` line ends, a UTF-8 byte-order mark skipped, blank lines (or lines of spaces) skipped,
///   invalid UTF-8 refused.
///   Spaces and tabs around a field are trimmed.
/// - A header is detected, not required: when the first record has `source` and `target` as its
///   first two fields (any case), it is a header and may name `weight` and `timestamp` columns in
///   any order after them. Without a header, the third column is the weight and the fourth the
///   timestamp.
/// - Every record must have the same number of fields as the first one (2 to 4). Weights and
///   timestamps are plain decimal numbers (no hex, no leading `+`, no `inf` or `nan`); weights are
///   finite and non-negative, timestamps finite seconds.
public enum EdgeListCSV {
    /// Largest input accepted, in bytes.
    public static let maxBytes = 1 << 30

    /// Parses `text` into a graph with `String` node ids (in order of first appearance).
    /// - Throws: `malformedEdgeList` with the 1-based line number and the problem, `graphTooLarge`.
    public static func parse(_ text: String) throws(ZhangRankError) -> CreditGraph<String> {
        var text = text
        let result: Result<CreditGraph<String>, ZhangRankError> = text.withUTF8 { bytes in
            Result { () throws(ZhangRankError) in try parse(bytes: bytes) }
        }
        return try result.get()
    }

    /// Parses UTF-8 bytes; see `parse(_:)`.
    public static func parse(bytes: UnsafeBufferPointer<UInt8>) throws(ZhangRankError) -> CreditGraph<String> {
        guard bytes.count <= maxBytes else { throw .malformedEdgeList(line: 0, problem: .inputTooLarge(limit: maxBytes)) }
        var graph = CreditGraph<String>()
        var columns = 0  // fields per record, fixed by the first one
        var weightColumn: Int? = nil
        var timestampColumn: Int? = nil
        do {
            try CSVReader.forEachRecord(bytes, limits: CSVLimits(maxRecords: Int.max, maxFields: 4)) {
                (raw, line) throws(ZhangRankError) in
                let fields = raw.map(trimmed)
                if fields == [""] { return }  // a line of spaces is blank
                if columns == 0 {
                    guard (2...4).contains(fields.count) else {
                        throw .malformedEdgeList(line: line, problem: .columnCount(expected: columns, found: fields.count))
                    }
                    columns = fields.count
                    if fields[0].lowercased() == "source" && fields[1].lowercased() == "target" {
                        for c in 2..<columns {
                            switch fields[c].lowercased() {
                            case "weight" where weightColumn == nil: weightColumn = c
                            case "timestamp" where timestampColumn == nil: timestampColumn = c
                            default: throw .malformedEdgeList(line: line, problem: .unknownColumn(Truncated.text(fields[c])))
                            }
                        }
                        return
                    }
                    weightColumn = columns >= 3 ? 2 : nil
                    timestampColumn = columns == 4 ? 3 : nil
                }
                guard fields.count == columns else {
                    throw .malformedEdgeList(line: line, problem: .columnCount(expected: columns, found: fields.count))
                }
                guard !fields[0].isEmpty, !fields[1].isEmpty else {
                    throw .malformedEdgeList(line: line, problem: .emptyNodeID)
                }
                var weight = 1.0
                if let c = weightColumn {
                    guard let w = DecimalText.double(fields[c]), w.isFinite, w >= 0 else {
                        throw .malformedEdgeList(line: line, problem: .invalidWeight(Truncated.text(fields[c])))
                    }
                    weight = w
                }
                var timestamp: Double? = nil
                if let c = timestampColumn {
                    guard let t = DecimalText.double(fields[c]), t.isFinite else {
                        throw .malformedEdgeList(line: line, problem: .invalidTimestamp(Truncated.text(fields[c])))
                    }
                    timestamp = t
                }
                try graph.addEdge(from: fields[0], to: fields[1], weight: weight, timestamp: timestamp)
            }
        } catch {
            switch error {
            case .csv(let csv): throw .malformedEdgeList(line: csv.line ?? 0, problem: .csv(csv))
            case .body(let error): throw error
            }
        }
        return graph
    }

    /// Reads seed accounts for personalization: one `node` or `node,weight` record per line (weight 1
    /// when omitted), in the SDK's CSV; blank lines skipped; an optional header `node[,weight]`.
    /// Repeated nodes add up.
    /// - Throws: `malformedEdgeList` with the 1-based line number and the problem.
    public static func parseSeeds(_ text: String) throws(ZhangRankError) -> [String: Double] {
        var seeds: [String: Double] = [:]
        var first = true
        var text = text
        let result: Result<Void, CSVFailure<ZhangRankError>> = text.withUTF8 { bytes in
            Result { () throws(CSVFailure<ZhangRankError>) in
                try CSVReader.forEachRecord(bytes, limits: CSVLimits(maxRecords: Int.max, maxFields: 2)) {
                    (raw, line) throws(ZhangRankError) in
                    let fields = raw.map(trimmed)
                    if fields == [""] { return }
                    defer { first = false }
                    if first && fields[0].lowercased() == "node" && (fields.count == 1 || fields[1].lowercased() == "weight") {
                        return
                    }
                    guard !fields[0].isEmpty else { throw .malformedEdgeList(line: line, problem: .emptyNodeID) }
                    var weight = 1.0
                    if fields.count == 2 {
                        guard let w = DecimalText.double(fields[1]), w.isFinite, w >= 0 else {
                            throw .malformedEdgeList(line: line, problem: .invalidWeight(Truncated.text(fields[1])))
                        }
                        weight = w
                    }
                    seeds[fields[0], default: 0] += weight
                }
            }
        }
        switch result {
        case .success: return seeds
        case .failure(.csv(let csv)): throw .malformedEdgeList(line: csv.line ?? 0, problem: .csv(csv))
        case .failure(.body(let error)): throw error
        }
    }

    private static func trimmed(_ field: String) -> String {
        field.trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
    }
}

/// What was wrong with a record of an edge list or seed list.
public enum EdgeListProblem: Equatable, Sendable, CustomStringConvertible {
    /// The CSV itself was refused (quoting, UTF-8, too many fields, too long a field).
    case csv(CSVError)
    /// The input is larger than `EdgeListCSV.maxBytes`.
    case inputTooLarge(limit: Int)
    /// A record has a different number of fields than the first (0 expected: the first record, which
    /// must have 2 to 4).
    case columnCount(expected: Int, found: Int)
    /// A header names a column other than `weight` and `timestamp`, or names one twice.
    case unknownColumn(String)
    /// A source, target or seed node is empty.
    case emptyNodeID
    /// A weight is not a finite, non-negative decimal number.
    case invalidWeight(String)
    /// A timestamp is not a finite decimal number.
    case invalidTimestamp(String)

    /// A one-line description.
    public var description: String {
        switch self {
        case .csv(let error): return error.reason
        case .inputTooLarge(let limit): return "input larger than \(limit) bytes"
        case .columnCount(0, let found): return "expected 2 to 4 columns, found \(found)"
        case .columnCount(let expected, let found): return "expected \(expected) columns, found \(found)"
        case .unknownColumn(let name): return "unknown or repeated column '\(name)'"
        case .emptyNodeID: return "empty node id"
        case .invalidWeight(let text): return "weight '\(text)' must be a finite, non-negative decimal number"
        case .invalidTimestamp(let text): return "timestamp '\(text)' must be a finite decimal number"
        }
    }
}
