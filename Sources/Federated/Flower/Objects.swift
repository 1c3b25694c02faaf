import Crypto
import Foundation
import SwiftProtobuf

/// One content-addressed object of Flower's message tree: `"<Type> <child ids> <body length>\0<body>"`,
/// whose id is the SHA-256 hex of those bytes.
public struct FlowerObject: Sendable, Equatable {
    /// Object type (`Message`, `RecordDict`, `ArrayRecord`, `Array`, `ArrayChunk`, `ConfigRecord`,
    /// `MetricRecord`).
    public let type: String
    /// Ids of the child objects, in order.
    public let children: [String]
    /// The body.
    public let body: [UInt8]

    /// The largest object accepted (a 5 MiB chunk plus its header).
    public static let maxSize = 5 * 1024 * 1024 + 4096

    /// An object from its parts.
    public init(type: String, children: [String], body: [UInt8]) {
        self.type = type
        self.children = children
        self.body = body
    }

    /// The serialized object.
    public var content: [UInt8] {
        Array("\(type) \(children.joined(separator: ",")) \(body.count)".utf8) + [0] + body
    }

    /// The object id: SHA-256 hex of `content`.
    public var id: String { Self.id(of: content) }

    /// SHA-256 hex of `bytes`.
    public static func id(of bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    /// Parses pulled bytes after checking that they hash to `id`.
    /// - Parameters:
    ///   - content: the bytes the SuperLink returned.
    ///   - id: the id the object tree names.
    /// - Throws: `FlowerError.objectHashMismatch` (nothing else is read), `.malformedObject`.
    public init(content: [UInt8], id: String) throws(FlowerError) {
        guard content.count <= Self.maxSize else { throw .malformedObject("oversized") }
        guard Self.id(of: content) == id else { throw .objectHashMismatch(expected: id) }
        guard let nul = content.firstIndex(of: 0), nul <= 64 * 1024,
            let head = String(bytes: content[..<nul], encoding: .utf8)
        else { throw .malformedObject("header") }
        let parts = head.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, let length = Int(parts[2]), length == content.count - nul - 1
        else { throw .malformedObject("header") }
        type = String(parts[0])
        children =
            parts[1].isEmpty ? [] : parts[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard children.allSatisfy({ $0.count == 64 && $0.allSatisfy(\.isHexDigit) }) else {
            throw .malformedObject("header")
        }
        body = Array(content[(nul + 1)...])
    }
}

/// A scalar of a Flower config or metric record.
public enum FlowerScalar: Sendable, Equatable {
    /// A float64.
    case double(Double)
    /// A signed integer.
    case int(Int64)
    /// An unsigned integer.
    case uint(UInt64)
    /// A boolean (config records only).
    case bool(Bool)
    /// A string (config records only).
    case string(String)

    /// The value as a `Double` when it is a number.
    public var number: Double? {
        switch self {
        case let .double(v): return v
        case let .int(v): return Double(v)
        case let .uint(v): return Double(v)
        case .bool, .string: return nil
        }
    }
}

/// The records of a message: named array, config and metric records.
public struct FlowerContent: Sendable, Equatable {
    /// Array records by name; each keeps its arrays in order.
    public var arrays: [String: [(name: String, array: NpyArray)]]
    /// Config records by name.
    public var configs: [String: [String: FlowerScalar]]
    /// Metric records by name (only numbers).
    public var metrics: [String: [String: FlowerScalar]]

    /// Content from its records.
    public init(
        arrays: [String: [(name: String, array: NpyArray)]] = [:],
        configs: [String: [String: FlowerScalar]] = [:], metrics: [String: [String: FlowerScalar]] = [:]
    ) {
        self.arrays = arrays
        self.configs = configs
        self.metrics = metrics
    }

    /// Equal when every record holds the same names and values.
    public static func == (a: FlowerContent, b: FlowerContent) -> Bool {
        guard a.configs == b.configs, a.metrics == b.metrics, Set(a.arrays.keys) == Set(b.arrays.keys) else {
            return false
        }
        for (key, left) in a.arrays {
            guard let right = b.arrays[key], left.count == right.count else { return false }
            for (l, r) in zip(left, right) where l.name != r.name || l.array != r.array { return false }
        }
        return true
    }
}

/// Encodes and decodes Flower message object trees.
package enum FlowerObjects {
    /// Decodes the tree under a `Message` object from verified objects.
    /// - Throws: `FlowerError.missingRecord`, `.unexpectedObjectType`, `.malformedObject`, `.npy…`,
    ///   `.arrayTooLarge` (more than `maxElements` in all).
    package static func decodeMessage(root: String, objects: [String: FlowerObject], maxElements: Int)
        throws(FlowerError) -> (message: Flwr_Proto_Message, content: FlowerContent?)
    {
        let object = try get(root, "Message", objects)
        let message: Flwr_Proto_Message
        do { message = try Flwr_Proto_Message(serializedBytes: object.body) } catch {
            throw .malformedObject("Message")
        }
        guard let recordDictID = object.children.first else { return (message, nil) }
        guard object.children.count == 1 else { throw .malformedObject("Message") }
        let dict = try get(recordDictID, "RecordDict", objects)
        var content = FlowerContent()
        var budget = maxElements
        for (name, id) in try refs(dict) {
            guard dict.children.contains(id), let child = objects[id] else { throw .missingRecord(name) }
            switch child.type {
            case "ArrayRecord":
                var entries: [(name: String, array: NpyArray)] = []
                for (arrayName, arrayID) in try refs(child) {
                    guard child.children.contains(arrayID) else { throw .malformedObject("ArrayRecord") }
                    let array: NpyArray
                    do { array = try decodeArray(try get(arrayID, "Array", objects), objects, budget: budget) } catch {
                        if case .arrayTooLarge = error { throw .arrayTooLarge(limit: maxElements) }
                        throw error
                    }
                    budget -= array.values.count
                    entries.append((arrayName, array))
                }
                content.arrays[name] = entries
            case "ConfigRecord":
                let record: Flwr_Proto_ConfigRecord
                do { record = try Flwr_Proto_ConfigRecord(serializedBytes: child.body) } catch {
                    throw .malformedObject("ConfigRecord")
                }
                var values: [String: FlowerScalar] = [:]
                for item in record.items {
                    switch item.value.value {
                    case let .double(v)?: values[item.key] = .double(v)
                    case let .sint64(v)?: values[item.key] = .int(v)
                    case let .uint64(v)?: values[item.key] = .uint(v)
                    case let .bool(v)?: values[item.key] = .bool(v)
                    case let .string(v)?: values[item.key] = .string(v)
                    default: continue  // lists and bytes are not used by this node
                    }
                }
                content.configs[name] = values
            case "MetricRecord":
                let record: Flwr_Proto_MetricRecord
                do { record = try Flwr_Proto_MetricRecord(serializedBytes: child.body) } catch {
                    throw .malformedObject("MetricRecord")
                }
                var values: [String: FlowerScalar] = [:]
                for item in record.items {
                    switch item.value.value {
                    case let .double(v)?: values[item.key] = .double(v)
                    case let .sint64(v)?: values[item.key] = .int(v)
                    case let .uint64(v)?: values[item.key] = .uint(v)
                    default: continue
                    }
                }
                content.metrics[name] = values
            default: throw .unexpectedObjectType(expected: "a record", actual: child.type)
            }
        }
        return (message, content)
    }

    private static func get(_ id: String, _ type: String, _ objects: [String: FlowerObject]) throws(FlowerError)
        -> FlowerObject
    {
        guard let object = objects[id] else { throw .malformedObject(type) }
        guard object.type == type else { throw .unexpectedObjectType(expected: type, actual: object.type) }
        return object
    }

    /// A JSON body mapping names to object ids, in the body's order.
    private static func refs(_ object: FlowerObject) throws(FlowerError) -> [(String, String)] {
        guard let dict = (try? JSONSerialization.jsonObject(with: Data(object.body))) as? [String: Any] else {
            throw .malformedObject(object.type)
        }
        var out: [(String, String)] = []
        for (key, value) in dict {
            guard let id = value as? String else { throw .malformedObject(object.type) }
            out.append((key, id))
        }
        // JSONSerialization loses the order; the names' order is the order the children were listed in.
        return out.sorted {
            (object.children.firstIndex(of: $0.1) ?? 0, $0.0) < (object.children.firstIndex(of: $1.1) ?? 0, $1.0)
        }
    }

    private static func decodeArray(_ object: FlowerObject, _ objects: [String: FlowerObject], budget: Int)
        throws(FlowerError) -> NpyArray
    {
        guard let meta = (try? JSONSerialization.jsonObject(with: Data(object.body))) as? [String: Any],
            let stype = meta["stype"] as? String, let positions = meta["arraychunk_ids"] as? [Int],
            let shape = meta["shape"] as? [Int], let dtype = meta["dtype"] as? String
        else { throw .malformedObject("Array") }
        guard stype == "numpy.ndarray" else { throw .malformedObject("Array") }
        guard dtype == NpyDType.float32.numpyName || dtype == NpyDType.float64.numpyName else {
            throw .npyUnsupportedDType(dtype)
        }
        var bytes: [UInt8] = []
        for position in positions {
            guard object.children.indices.contains(position) else { throw .malformedObject("Array") }
            let chunk = try get(object.children[position], "ArrayChunk", objects)
            bytes += chunk.body
            guard bytes.count <= 8 * max(budget, 0) + 64 * 1024 + 16 else { throw .arrayTooLarge(limit: budget) }
        }
        let array = try NpyArray(npy: bytes, maxElements: max(budget, 0))
        guard array.shape == shape, array.dtype.numpyName == dtype else {
            throw .shapeMismatch(expected: shape, actual: array.shape)
        }
        return array
    }

    /// The objects of a reply: a `Message` (metadata without content or id) over a `RecordDict` of the given
    /// records, or over nothing for an error reply. Returns the message id, every object by id and the tree.
    package static func encodeMessage(
        metadata: Flwr_Proto_Metadata, content: FlowerContent?,
        error: Flwr_Proto_Error? = nil
    )
        -> (id: String, objects: [String: [UInt8]], tree: Flwr_Proto_ObjectTree)
    {
        var objects: [String: [UInt8]] = [:]
        func store(_ object: FlowerObject) -> String {
            let bytes = object.content
            let id = FlowerObject.id(of: bytes)
            objects[id] = bytes
            return id
        }
        var records: [(String, String)] = [], recordTrees: [Flwr_Proto_ObjectTree] = []
        if let content {
            for name in content.arrays.keys.sorted() {
                var arrayRefs: [(String, String)] = [], arrayTrees: [Flwr_Proto_ObjectTree] = []
                for (arrayName, array) in content.arrays[name] ?? [] {
                    let chunkID = store(FlowerObject(type: "ArrayChunk", children: [], body: array.npy()))
                    let shape = array.shape.map(String.init).joined(separator: ", ")
                    let meta =
                        "{\"dtype\": \"\(array.dtype.numpyName)\", \"shape\": [\(shape)], "
                        + "\"stype\": \"numpy.ndarray\", \"arraychunk_ids\": [0]}"
                    let arrayID = store(FlowerObject(type: "Array", children: [chunkID], body: Array(meta.utf8)))
                    arrayRefs.append((arrayName, arrayID))
                    if !arrayTrees.contains(where: { $0.objectID == arrayID }) {
                        arrayTrees.append(Self.tree(arrayID, [Self.tree(chunkID)]))
                    }
                }
                let children = arrayTrees.map(\.objectID)
                let id = store(FlowerObject(type: "ArrayRecord", children: children, body: Self.json(arrayRefs)))
                records.append((name, id))
                recordTrees.append(Self.tree(id, arrayTrees))
            }
            for name in content.configs.keys.sorted() {
                var record = Flwr_Proto_ConfigRecord()
                for (key, value) in (content.configs[name] ?? [:]).sorted(by: { $0.key < $1.key }) {
                    var item = Flwr_Proto_ConfigRecord.Item()
                    item.key = key
                    switch value {
                    case let .double(v): item.value.double = v
                    case let .int(v): item.value.sint64 = v
                    case let .uint(v): item.value.uint64 = v
                    case let .bool(v): item.value.bool = v
                    case let .string(v): item.value.string = v
                    }
                    record.items.append(item)
                }
                let id = store(FlowerObject(type: "ConfigRecord", children: [], body: serialize(record)))
                records.append((name, id))
                recordTrees.append(Self.tree(id))
            }
            for name in content.metrics.keys.sorted() {
                var record = Flwr_Proto_MetricRecord()
                for (key, value) in (content.metrics[name] ?? [:]).sorted(by: { $0.key < $1.key }) {
                    var item = Flwr_Proto_MetricRecord.Item()
                    item.key = key
                    switch value {
                    case let .int(v): item.value.sint64 = v
                    case let .uint(v): item.value.uint64 = v
                    default: item.value.double = value.number ?? 0
                    }
                    record.items.append(item)
                }
                let id = store(FlowerObject(type: "MetricRecord", children: [], body: serialize(record)))
                records.append((name, id))
                recordTrees.append(Self.tree(id))
            }
        }
        var unique: [Flwr_Proto_ObjectTree] = []
        for t in recordTrees where !unique.contains(where: { $0.objectID == t.objectID }) { unique.append(t) }
        var message = Flwr_Proto_Message()
        message.metadata = metadata
        message.metadata.messageID = ""
        if let error { message.error = error }
        var messageChildren: [Flwr_Proto_ObjectTree] = []
        if content != nil {
            let dictID = store(
                FlowerObject(type: "RecordDict", children: unique.map(\.objectID), body: Self.json(records)))
            messageChildren = [Self.tree(dictID, unique)]
        }
        let messageID = store(
            FlowerObject(
                type: "Message", children: messageChildren.map(\.objectID),
                body: serialize(message)))
        return (messageID, objects, Self.tree(messageID, messageChildren))
    }

    /// The tree node of object `id` over `children`.
    package static func tree(_ id: String, _ children: [Flwr_Proto_ObjectTree] = []) -> Flwr_Proto_ObjectTree {
        var t = Flwr_Proto_ObjectTree()
        t.objectID = id
        t.children = children
        return t
    }

    /// The JSON body of a `RecordDict` or an `ArrayRecord`: names to object ids, in the given order.
    package static func json(_ pairs: [(String, String)]) -> [UInt8] {
        let inner = pairs.map { "\(quote($0.0)): \(quote($0.1))" }.joined(separator: ", ")
        return Array("{\(inner)}".utf8)
    }

    private static func quote(_ s: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [s])) ?? Data("[\"\"]".utf8)
        return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
    }

    package static func serialize<M: SwiftProtobuf.Message>(_ message: M) -> [UInt8] {
        var options = BinaryEncodingOptions()
        options.useDeterministicOrdering = true
        return (try? message.serializedBytes(options: options)) ?? []
    }
}
