import DataFiCreditData
import DataFiFederated
import DataFiSupport
import Foundation
import Hummingbird
import Logging
import NIOCore
import SwiftProtobuf
import Synchronization
import Testing
@testable import DataFiFlower

/// A stand-in SuperLink on loopback: it serves crafted messages and objects over the Fleet API and records
/// what the node pushes back.
final class FakeFleet: Sendable {
    struct State {
        /// Messages still to hand out, one per pull-messages call.
        var queue: [(Flwr_Proto_Message, Flwr_Proto_ObjectTree)] = []
        /// Object bytes served by id (crafted: the bytes need not hash to the id).
        var objects: [String: [UInt8]] = [:]
        /// Every push-messages request, in order.
        var pushed: [Flwr_Proto_PushMessagesRequest] = []
        /// Every pushed object by id.
        var pushedObjects: [String: [UInt8]] = [:]
        /// Message ids whose receipt the node confirmed.
        var confirmed: [String] = []
    }

    let state = Mutex(State())
    static let nodeID: UInt64 = 4242

    /// The protobuf answer to one Fleet API call, or nil for an unknown method.
    func answer(_ method: String, _ body: [UInt8]) throws -> [UInt8]? {
        func encode<M: SwiftProtobuf.Message>(_ message: M) -> [UInt8] { FlowerObjects.serialize(message) }
        switch method {
        case "register-node": return encode(Flwr_Proto_RegisterNodeFleetResponse())
        case "activate-node":
            var response = Flwr_Proto_ActivateNodeResponse()
            response.nodeID = Self.nodeID
            return encode(response)
        case "send-node-heartbeat":
            var response = Flwr_Proto_SendNodeHeartbeatResponse()
            response.success = true
            return encode(response)
        case "pull-messages":
            var response = Flwr_Proto_PullMessagesResponse()
            state.withLock { state in
                guard !state.queue.isEmpty else { return }
                let (message, tree) = state.queue.removeFirst()
                response.messagesList = [message]
                response.messageObjectTrees = [tree]
            }
            return encode(response)
        case "pull-object":
            let request = try Flwr_Proto_PullObjectRequest(serializedBytes: body)
            var response = Flwr_Proto_PullObjectResponse()
            if let bytes = state.withLock({ $0.objects[request.objectID] }) {
                response.objectFound = true
                response.objectAvailable = true
                response.objectContent = Data(bytes)
            }
            return encode(response)
        case "confirm-message-received":
            let request = try Flwr_Proto_ConfirmMessageReceivedRequest(serializedBytes: body)
            state.withLock { $0.confirmed.append(request.messageObjectID) }
            return encode(Flwr_Proto_ConfirmMessageReceivedResponse())
        case "push-messages":
            let request = try Flwr_Proto_PushMessagesRequest(serializedBytes: body)
            state.withLock { $0.pushed.append(request) }
            var response = Flwr_Proto_PushMessagesResponse()
            var ids: [String] = []
            var stack = request.messageObjectTrees
            while let tree = stack.popLast() {
                ids.append(tree.objectID)
                stack += tree.children
            }
            response.objectsToPush = ids
            response.sessionID = "session"
            return encode(response)
        case "push-object":
            let request = try Flwr_Proto_PushObjectRequest(serializedBytes: body)
            state.withLock { $0.pushedObjects[request.objectID] = Array(request.objectContent) }
            return encode(Flwr_Proto_PushObjectResponse())
        case "deactivate-node": return encode(Flwr_Proto_DeactivateNodeResponse())
        case "unregister-node": return encode(Flwr_Proto_UnregisterNodeFleetResponse())
        default: return nil
        }
    }

    /// Serves the Fleet API on a free loopback port while `body` runs.
    func serve(_ body: @Sendable (String) async throws -> Void) async throws {
        let router = Router()
        router.post("/v1/fleet/:method") { [self] request, context -> Response in
            let method = context.parameters.get("method") ?? ""
            let bytes = Array(buffer: try await request.body.collect(upTo: 16 << 20))
            guard let answer = try? answer(method, bytes) else {
                return Response(status: .badRequest)
            }
            return Response(
                status: .ok, headers: [.contentType: "application/protobuf"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer)))
        }
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) })
        let server = Task { try await app.runService() }
        defer { server.cancel() }
        var ports = stream.makeAsyncIterator()
        guard let port = await ports.next() else { throw CancellationError() }
        try await body("http://127.0.0.1:\(port)")
    }
}

/// Hands every log line to a `LogLines`.
struct RecordingLogHandler: LogHandler {
    let sink: LogLines
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) { sink.lines.withLock { $0.append("\(event.level) \(event.message)") } }
}

/// Every line logged through `logger`.
final class LogLines: Sendable {
    let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }
    var logger: Logger { Logger(label: "test") { _ in RecordingLogHandler(sink: self) } }
}

/// A value set inside a `@Sendable` closure and read after it.
final class Box<Value: Sendable>: Sendable {
    let value = Mutex<Value?>(nil)
}

/// One array of a crafted message: the `Array` object's dtype and shape, and the chunk's bytes.
struct CraftedArray {
    var name: String
    var dtype: String
    var shape: [Int]
    var npy: [UInt8]

    /// A well-formed float64 array.
    static func float64(_ name: String, _ values: [Double]) throws -> CraftedArray {
        CraftedArray(
            name: name, dtype: "float64", shape: [values.count],
            npy: try NpyArray(dtype: .float64, shape: [values.count], values: values).npy())
    }
}

/// A message as a SuperLink would hand it out: metadata, object tree and every object's bytes.
struct CraftedMessage {
    var message: Flwr_Proto_Message
    var tree: Flwr_Proto_ObjectTree
    var objects: [String: [UInt8]]
    var id: String { message.metadata.messageID }
    /// Ids of the `ArrayChunk` objects, in the order of the arrays.
    var chunks: [String]

    /// Builds the object tree of a message with one array record `arrays` and the config record `config`.
    init(type: String, arrays: [CraftedArray], createdAt: Double = Date().timeIntervalSince1970, ttl: Double = 600) {
        var objects: [String: [UInt8]] = [:]
        func store(_ object: FlowerObject) -> String {
            objects[object.id] = object.content
            return object.id
        }
        var arrayRefs: [(String, String)] = [], arrayTrees: [Flwr_Proto_ObjectTree] = []
        var chunks: [String] = []
        for array in arrays {
            let chunk = store(FlowerObject(type: "ArrayChunk", children: [], body: array.npy))
            let shape = array.shape.map(String.init).joined(separator: ", ")
            let meta =
                "{\"dtype\": \"\(array.dtype)\", \"shape\": [\(shape)], \"stype\": \"numpy.ndarray\", "
                + "\"arraychunk_ids\": [0]}"
            let id = store(FlowerObject(type: "Array", children: [chunk], body: Array(meta.utf8)))
            chunks.append(chunk)
            arrayRefs.append((array.name, id))
            arrayTrees.append(FlowerObjects.tree(id, [FlowerObjects.tree(chunk)]))
        }
        let record = store(
            FlowerObject(type: "ArrayRecord", children: arrayTrees.map(\.objectID), body: FlowerObjects.json(arrayRefs))
        )
        var config = Flwr_Proto_ConfigRecord()
        for (key, value) in [("lr", 0.5), ("local-epochs", 1.0)] {
            var item = Flwr_Proto_ConfigRecord.Item()
            item.key = key
            item.value.double = value
            config.items.append(item)
        }
        let configID = store(
            FlowerObject(type: "ConfigRecord", children: [], body: FlowerObjects.serialize(config)))
        let dict = store(
            FlowerObject(
                type: "RecordDict", children: [record, configID],
                body: FlowerObjects.json([("arrays", record), ("config", configID)])))
        var metadata = Flwr_Proto_Metadata()
        metadata.runID = 7
        metadata.srcNodeID = 1
        metadata.dstNodeID = FakeFleet.nodeID
        metadata.groupID = UUID().uuidString  // every crafted message has an id of its own
        metadata.ttl = ttl
        metadata.createdAt = createdAt
        metadata.messageType = type
        var body = Flwr_Proto_Message()
        body.metadata = metadata
        let root = store(FlowerObject(type: "Message", children: [dict], body: FlowerObjects.serialize(body)))
        metadata.messageID = root
        message = Flwr_Proto_Message()
        message.metadata = metadata
        message.content = Flwr_Proto_RecordDict()
        let records = [FlowerObjects.tree(record, arrayTrees), FlowerObjects.tree(configID)]
        self.tree = FlowerObjects.tree(root, [FlowerObjects.tree(dict, records)])
        self.objects = objects
        self.chunks = chunks
    }
}

/// Hostile messages arriving over the Fleet API, through a server: each one gets an error reply or is dropped
/// with a log line, the node keeps serving, and only the good message is trained on.
@Suite struct HostileFleetTests {
    static let model = try? [CraftedArray.float64("coefficients", [0.25, -0.5]), .float64("intercept", [0.1])]

    @Test(.timeLimit(.minutes(2)))
    func hostileMessagesGetErrorRepliesOrAreDroppedAndTheNextGoodOneIsAnswered() async throws {
        let good = try #require(Self.model)
        let intercept = good[1]
        func coefficients(_ change: (inout CraftedArray) -> Void) -> [CraftedArray] {
            var array = good[0]
            change(&array)
            return [array, intercept]
        }
        // An int64 array, as NumPy writes it, declared as such and disguised as float64.
        var int64 = try CraftedArray.float64("coefficients", [0, 0]).npy
        let descr = try #require(int64.indices.dropLast(2).first { Array(int64[$0..<($0 + 3)]) == Array("<f8".utf8) })
        int64.replaceSubrange(descr..<(descr + 3), with: Array("<i8".utf8))
        int64.replaceSubrange((int64.count - 16)..., with: [UInt8](repeating: 1, count: 16))
        let maxElements = 64
        var cases: [(name: String, message: CraftedMessage, reason: String?)] = [
            (
                "int64 array",
                CraftedMessage(
                    type: "train",
                    arrays: coefficients {
                        $0.dtype = "int64"
                        $0.npy = int64
                    }), "\(FlowerError.npyUnsupportedDType("int64"))"
            ),
            (
                "int64 bytes under a float64 label",
                CraftedMessage(type: "train", arrays: coefficients { $0.npy = int64 }),
                "\(FlowerError.npyUnsupportedDType("<i8"))"
            ),
            (
                "truncated .npy",
                CraftedMessage(type: "train", arrays: coefficients { $0.npy.removeLast(5) }),
                "\(FlowerError.npyLength(expected: 16, actual: 11))"
            ),
            (
                "array past the size limit",
                CraftedMessage(
                    type: "train",
                    arrays: [try .float64("coefficients", [Double](repeating: 1, count: maxElements + 1)), intercept]),
                "\(FlowerError.arrayTooLarge(limit: maxElements))"
            ),
            (
                "wrong shape",
                CraftedMessage(type: "train", arrays: [try .float64("coefficients", [1, 2, 3]), intercept]),
                "\(FlowerError.shapeMismatch(expected: [2], actual: [3]))"
            ),
            (
                "unknown message type", CraftedMessage(type: "query.secret", arrays: good),
                "\(FlowerError.unsupportedMessageType("query.secret"))"
            ),
            (
                "expired TTL",
                CraftedMessage(type: "train", arrays: good, createdAt: Date().timeIntervalSince1970 - 700, ttl: 600),
                nil
            ),
        ]
        // A chunk whose bytes were swapped for another well-formed array: nothing of it may be trained on.
        var tampered = CraftedMessage(
            type: "train", arrays: [try .float64("coefficients", [0.75, 0.5]), intercept])
        tampered.objects[tampered.chunks[0]] =
            FlowerObject(
                type: "ArrayChunk", children: [],
                body: try NpyArray(dtype: .float64, shape: [2], values: [9, 9]).npy()
            ).content
        cases.append(("hash mismatch", tampered, "\(FlowerError.objectHashMismatch(expected: tampered.chunks[0]))"))
        // An object the server never makes available: dropped.
        var missing = CraftedMessage(
            type: "train", arrays: [try .float64("coefficients", [0.3, 0.3]), try .float64("intercept", [0.7])])
        missing.objects[missing.chunks[1]] = nil
        cases.append(("missing object", missing, nil))
        let valid = CraftedMessage(type: "train", arrays: good)

        let fleet = FakeFleet()
        fleet.state.withLock { state in
            for c in cases + [("valid", valid, nil)] {
                state.queue.append((c.message.message, c.message.tree))
                state.objects.merge(c.message.objects) { old, _ in old }
            }
        }
        let rows = 50
        let data = try SuperLinkTests.partition(rows: rows, seed: 5)
        let log = LogLines()
        let finished = Box<(SuperNodeSummary, FlowerTrainer)>()
        try await fleet.serve { url in
            let node = try SuperNode(
                superlink: url, identity: NodeIdentity(),
                trainer: FlowerTrainer(client: FederatedClient(data: data)),
                options: SuperNodeOptions(
                    heartbeatInterval: 30, pollInterval: 0.1, maxElements: maxElements, objectRetries: 1,
                    fleet: FleetClientOptions(timeout: 10, retries: 2, backoff: 0.05)),
                logger: log.logger)
            let run = Task { try await node.run() }
            // Until every message is answered or dropped (the queue empty, the good one answered); at most a minute.
            for _ in 0..<600 {
                let done = fleet.state.withLock { state in
                    state.queue.isEmpty
                        && state.pushed.contains { $0.messagesList.first?.metadata.replyToMessageID == valid.id }
                }
                if done { break }
                try await Task.sleep(nanoseconds: 100_000_000)
            }
            #expect(node.activeNodeID == FakeFleet.nodeID, "the node is still serving")
            node.stop()
            let summary = try await run.value
            finished.value.withLock { $0 = (summary, node.trainerSnapshot) }
        }
        let (result, trainer) = try #require(finished.value.withLock { $0 })
        let state = fleet.state.withLock { $0 }
        let replies = Dictionary(
            state.pushed.compactMap { request in
                request.messagesList.first.map { ($0.metadata.replyToMessageID, request) }
            },
            uniquingKeysWith: { first, _ in first })

        for (name, message, reason) in cases {
            if let reason {
                let reply = try #require(replies[message.id], "\(name): no reply")
                let pushed = try #require(reply.messagesList.first)
                #expect(pushed.hasError && pushed.error.code == 2, "\(name)")
                #expect(pushed.error.reason == reason, "\(name)")
                #expect(pushed.metadata.dstNodeID == 1 && pushed.metadata.srcNodeID == FakeFleet.nodeID, "\(name)")
                // An error reply carries no content: its Message object has no children.
                #expect(reply.messageObjectTrees.first?.children.isEmpty == true, "\(name)")
            } else {
                #expect(replies[message.id] == nil, "\(name): dropped without a reply")
            }
        }
        let lines = log.all
        #expect(lines.contains { $0.contains(String(cases[6].message.id.prefix(12))) && $0.contains("TTL") })
        #expect(lines.contains { $0.contains(String(missing.id.prefix(12))) && $0.contains("unavailable") })
        #expect(!state.confirmed.contains(cases[6].message.id))

        // Trained once, on the good message only, from the model it carried; its reply holds the new model.
        #expect(trainer.updates.count == 1)
        #expect(result.replied == 1 && result.errorReplies == cases.count - 2 && result.dropped == 2)
        let reply = try #require(replies[valid.id])
        let tree = try #require(reply.messageObjectTrees.first)
        var objects: [String: FlowerObject] = [:]
        for (id, bytes) in state.pushedObjects { objects[id] = try FlowerObject(content: bytes, id: id) }
        let content = try #require(
            try FlowerObjects.decodeMessage(root: tree.objectID, objects: objects, maxElements: 1000).content)
        let update = try #require(trainer.updates.first)
        let arrays = try #require(content.arrays["arrays"])
        #expect(arrays.first { $0.name == "coefficients" }?.array.values == update.model.coefficients)
        #expect(arrays.first { $0.name == "intercept" }?.array.values == [update.model.intercept])
        #expect(content.metrics["metrics"]?["num-examples"] == .int(Int64(rows)))
        // The update started from the good message's model: retraining from it gives the same result.
        var check = FederatedClient(data: data)
        var options = LocalTrainingOptions()
        options.learningRate = 0.5
        options.localEpochs = 1
        var rng = SystemRandomNumberGenerator()
        let again = try check.train(
            from: FederatedModel(intercept: 0.1, coefficients: [0.25, -0.5]), options: options, using: &rng)
        #expect(again.model == update.model)
    }
}
