import Foundation
import Logging
import Synchronization

/// Settings of a `SuperNode`.
public struct SuperNodeOptions: Sendable, Equatable {
    /// Heartbeat interval announced to the SuperLink, in seconds; heartbeats go out three times as often.
    public var heartbeatInterval: Double
    /// Seconds between polls while idle. Right after a message the node polls again after 0.1 s, then
    /// doubles the pause up to this: the next message of a round (evaluate after train) usually follows
    /// soon, and an idle node still costs the SuperLink one request per interval.
    public var pollInterval: Double
    /// Largest number of array elements accepted in one message (all arrays together).
    public var maxElements: Int
    /// Polls of an object the SuperLink has not made available yet, 0.2 s apart.
    public var objectRetries: Int
    /// Timeouts and retries of each Fleet API call.
    public var fleet: FleetClientOptions

    /// Creates options (defaults: 30 s heartbeat interval, 1 s polling, 4 Mi elements, 50 object polls).
    public init(
        heartbeatInterval: Double = 30, pollInterval: Double = 1, maxElements: Int = 1 << 22,
        objectRetries: Int = 50, fleet: FleetClientOptions = FleetClientOptions()
    ) {
        self.heartbeatInterval = heartbeatInterval
        self.pollInterval = pollInterval
        self.maxElements = maxElements
        self.objectRetries = objectRetries
        self.fleet = fleet
    }
}

/// What a node did before it stopped.
public struct SuperNodeSummary: Sendable, Equatable {
    /// The node id the SuperLink assigned.
    public var nodeID: UInt64 = 0
    /// Messages answered with a reply.
    public var replied = 0
    /// Messages answered with an error reply (bad content, unsupported type, failed training).
    public var errorReplies = 0
    /// Messages dropped without a reply (expired, or their objects could not be pulled).
    public var dropped = 0
}

/// A Flower 1.42 SuperNode in Swift: registers and activates with the SuperLink, sends heartbeats, pulls
/// messages and their object trees (checking every object's SHA-256 against its id before reading it),
/// answers `train` and `evaluate` with a `FlowerTrainer`, pushes the reply's objects, and deactivates and
/// unregisters when `stop()` is called. A bad message gets an error reply and the node keeps serving.
public final class SuperNode: Sendable {
    private let fleet: FleetClient
    private let identity: NodeIdentity
    private let options: SuperNodeOptions
    private let logger: Logger
    private let trainer: Mutex<FlowerTrainer>
    private let stopped = Atomic<Bool>(false)
    private let halted = Atomic<Bool>(false)
    private let activeID = Atomic<UInt64>(0)

    /// A node for the SuperLink at `superlink` (`http://host:port`).
    /// - Parameters:
    ///   - superlink: base URL of the SuperLink's Fleet API.
    ///   - identity: the node's key.
    ///   - trainer: answers the messages.
    ///   - options: polling, limits and retries.
    ///   - logger: where the node reports what it does.
    /// - Throws: `FlowerError.invalidSuperLinkURL` unless `superlink` is `http(s)://host[:port]`.
    public init(
        superlink: String, identity: NodeIdentity, trainer: FlowerTrainer,
        options: SuperNodeOptions = SuperNodeOptions(), logger: Logger = Logger(label: "datafi.flower")
    ) throws(FlowerError) {
        fleet = try FleetClient(superlink: superlink, identity: identity, options: options.fleet)
        self.identity = identity
        self.options = options
        self.logger = logger
        self.trainer = Mutex(trainer)
    }

    /// A copy of the trainer as it is now (its client's privacy record and the updates it sent).
    public var trainerSnapshot: FlowerTrainer { trainer.withLock { $0 } }

    /// The node id while `run()` serves (after activation, before deactivation); nil otherwise.
    public var activeNodeID: UInt64? {
        let id = activeID.load(ordering: .sequentiallyConsistent)
        return id == 0 ? nil : id
    }

    /// Asks `run()` to finish: it completes the message in hand, then deactivates and unregisters.
    public func stop() { stopped.store(true, ordering: .sequentiallyConsistent) }

    /// Makes `run()` end as a killed process would, for tests of the federation's side: after the message in
    /// hand it sends nothing more (no pulls, no heartbeats, no deactivation) and returns its summary, so the
    /// SuperLink only learns of the loss when the node's heartbeats stop.
    package func halt() {
        halted.store(true, ordering: .sequentiallyConsistent)
        stopped.store(true, ordering: .sequentiallyConsistent)
    }

    private var isStopped: Bool { stopped.load(ordering: .sequentiallyConsistent) }

    /// Serves until `stop()` is called.
    /// - Returns: counts of what was handled.
    /// - Throws: `FlowerError` when the SuperLink refuses registration or activation, or becomes unreachable
    ///   after every retry.
    public func run() async throws(FlowerError) -> SuperNodeSummary {
        let publicKey = Data(identity.publicKeyPEM.utf8)
        var register = Flwr_Proto_RegisterNodeFleetRequest()
        register.publicKey = publicKey
        do {
            _ = try await fleet.call("register-node", register, as: Flwr_Proto_RegisterNodeFleetResponse.self)
        } catch .httpStatus(_, let status) where status < 500 {
            logger.info("register-node answered \(status); activating a node registered before")
        }
        var activate = Flwr_Proto_ActivateNodeRequest()
        activate.publicKey = publicKey
        activate.heartbeatInterval = options.heartbeatInterval
        let nodeID = try await fleet.call("activate-node", activate, as: Flwr_Proto_ActivateNodeResponse.self).nodeID
        var node = Flwr_Proto_Node()
        node.nodeID = nodeID
        logger.info("node \(nodeID) active")
        activeID.store(nodeID, ordering: .sequentiallyConsistent)
        var summary = SuperNodeSummary(nodeID: nodeID)
        let heartbeat = Task { [fleet, options, logger] in
            var request = Flwr_Proto_SendNodeHeartbeatRequest()
            request.node = node
            request.heartbeatInterval = options.heartbeatInterval
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: UInt64(options.heartbeatInterval / 3 * 1e9))
                if Task.isCancelled { break }
                do {
                    _ = try await fleet.call(
                        "send-node-heartbeat", request, as: Flwr_Proto_SendNodeHeartbeatResponse.self)
                } catch { logger.warning("heartbeat failed: \(error)") }
            }
        }
        var failure: FlowerError?
        var pause = options.pollInterval
        while !isStopped {
            var pull = Flwr_Proto_PullMessagesRequest()
            pull.node = node
            let pulled: Flwr_Proto_PullMessagesResponse
            do { pulled = try await fleet.call("pull-messages", pull, as: Flwr_Proto_PullMessagesResponse.self) } catch
            {
                failure = error
                break
            }
            if pulled.messagesList.isEmpty {
                var waited = 0.0
                while waited < pause, !isStopped {
                    try? await Task.sleep(nanoseconds: 100_000_000)
                    waited += 0.1
                }
                pause = min(pause * 2, options.pollInterval)
                continue
            }
            pause = min(0.1, options.pollInterval)
            for (message, tree) in zip(pulled.messagesList, pulled.messageObjectTrees) {
                await handle(message, tree, node: node, summary: &summary)
            }
        }
        heartbeat.cancel()
        activeID.store(0, ordering: .sequentiallyConsistent)
        if halted.load(ordering: .sequentiallyConsistent) {
            logger.warning("node \(nodeID) halted without deactivating")
            if let failure { throw failure }
            return summary
        }
        var deactivate = Flwr_Proto_DeactivateNodeRequest()
        deactivate.nodeID = nodeID
        var unregister = Flwr_Proto_UnregisterNodeFleetRequest()
        unregister.nodeID = nodeID
        do {
            _ = try await fleet.call("deactivate-node", deactivate, as: Flwr_Proto_DeactivateNodeResponse.self)
            _ = try await fleet.call("unregister-node", unregister, as: Flwr_Proto_UnregisterNodeFleetResponse.self)
            logger.info("node \(nodeID) deactivated and unregistered")
        } catch {
            logger.warning("node \(nodeID) could not deactivate cleanly: \(error)")
            if failure == nil { failure = error }
        }
        if let failure { throw failure }
        return summary
    }

    /// Pulls, verifies, answers and confirms one message; never throws: problems become error replies or
    /// log lines.
    private func handle(
        _ message: Flwr_Proto_Message, _ tree: Flwr_Proto_ObjectTree, node: Flwr_Proto_Node,
        summary: inout SuperNodeSummary
    ) async {
        let metadata = message.metadata
        let now = Date().timeIntervalSince1970
        let remaining = metadata.createdAt + metadata.ttl - now
        guard remaining > 0 else {
            logger.warning("dropped message \(metadata.messageID.prefix(12)): its TTL has passed")
            summary.dropped += 1
            return
        }
        var objects: [String: FlowerObject] = [:]
        var content: FlowerContent?
        var problem: FlowerError?
        do {
            objects = try await pullTree(tree, runID: metadata.runID, node: node)
            var confirm = Flwr_Proto_ConfirmMessageReceivedRequest()
            confirm.node = node
            confirm.runID = metadata.runID
            confirm.messageObjectID = tree.objectID
            _ = try await fleet.call(
                "confirm-message-received", confirm, as: Flwr_Proto_ConfirmMessageReceivedResponse.self)
            content = try FlowerObjects.decodeMessage(
                root: tree.objectID, objects: objects,
                maxElements: options.maxElements
            ).content
        } catch .transport(let method) {
            logger.warning("dropped message \(metadata.messageID.prefix(12)): \(method) failed")
            summary.dropped += 1
            return
        } catch .objectUnavailable(let id) {
            logger.warning("dropped message \(metadata.messageID.prefix(12)): object \(id.prefix(12)) unavailable")
            summary.dropped += 1
            return
        } catch {
            problem = error
        }
        var reply: FlowerContent?
        if problem == nil {
            do {
                let type = metadata.messageType
                let incoming = content ?? FlowerContent()
                reply = try trainer.withLock { trainer in try trainer.respond(messageType: type, content: incoming) }
            } catch {
                logger.warning("message \(metadata.messageID.prefix(12)) (\(metadata.messageType)): \(error)")
                await push(reply: nil, error: "\(error)", to: metadata, node: node, summary: &summary)
                return
            }
        } else {
            logger.warning("message \(metadata.messageID.prefix(12)) refused: \(problem.map { "\($0)" } ?? "")")
        }
        await push(reply: reply, error: problem.map { "\($0)" }, to: metadata, node: node, summary: &summary)
    }

    private func push(
        reply: FlowerContent?, error reason: String?, to incoming: Flwr_Proto_Metadata,
        node: Flwr_Proto_Node, summary: inout SuperNodeSummary
    ) async {
        let now = Date().timeIntervalSince1970
        var metadata = Flwr_Proto_Metadata()
        metadata.runID = incoming.runID
        metadata.srcNodeID = node.nodeID
        metadata.dstNodeID = incoming.srcNodeID
        metadata.replyToMessageID = incoming.messageID
        metadata.groupID = incoming.groupID
        metadata.ttl = incoming.createdAt + incoming.ttl - now
        metadata.messageType = incoming.messageType
        metadata.createdAt = now
        if incoming.hasDstTaskID { metadata.srcTaskID = incoming.dstTaskID }
        if incoming.hasSrcTaskID { metadata.dstTaskID = incoming.srcTaskID }
        guard metadata.ttl > 0 else {
            logger.warning("no reply to \(incoming.messageID.prefix(12)): its TTL passed while it was handled")
            summary.dropped += 1
            return
        }
        var error: Flwr_Proto_Error?
        if let reason {
            var e = Flwr_Proto_Error()
            e.code = 2  // Flower's ErrorCode.CLIENT_APP_RAISED_EXCEPTION
            e.reason = reason
            error = e
        }
        let encoded = FlowerObjects.encodeMessage(
            metadata: metadata, content: reason == nil ? reply : nil,
            error: error)
        metadata.messageID = encoded.id
        var message = Flwr_Proto_Message()
        message.metadata = metadata
        if let error { message.error = error } else { message.content = Flwr_Proto_RecordDict() }
        var request = Flwr_Proto_PushMessagesRequest()
        request.node = node
        request.messagesList = [message]
        request.messageObjectTrees = [encoded.tree]
        request.clientappRuntimeList = [max(0, Date().timeIntervalSince1970 - now)]
        do {
            let pushed = try await fleet.call("push-messages", request, as: Flwr_Proto_PushMessagesResponse.self)
            for id in pushed.objectsToPush {
                guard let bytes = encoded.objects[id] else { continue }
                var object = Flwr_Proto_PushObjectRequest()
                object.node = node
                object.runID = incoming.runID
                object.objectID = id
                object.objectContent = Data(bytes)
                object.sessionID = pushed.sessionID
                _ = try await fleet.call("push-object", object, as: Flwr_Proto_PushObjectResponse.self)
            }
            if reason == nil { summary.replied += 1 } else { summary.errorReplies += 1 }
        } catch {
            logger.warning("reply to \(incoming.messageID.prefix(12)) not delivered: \(error)")
            summary.dropped += 1
        }
    }

    /// Every object of the tree, children first, each checked against its id and its listed children.
    private func pullTree(_ tree: Flwr_Proto_ObjectTree, runID: UInt64, node: Flwr_Proto_Node)
        async throws(FlowerError) -> [String: FlowerObject]
    {
        var objects: [String: FlowerObject] = [:]
        var totalBytes = 0
        let byteLimit = options.maxElements * 8 + (1 << 20)
        var stack: [(Flwr_Proto_ObjectTree, Bool)] = [(tree, false)]
        var visited = 0
        while let (next, expanded) = stack.popLast() {
            visited += 1
            guard visited <= 100_000 else { throw .malformedObject("ObjectTree") }
            if !expanded {
                stack.append((next, true))
                for child in next.children.reversed() { stack.append((child, false)) }
                continue
            }
            if objects[next.objectID] != nil { continue }
            var request = Flwr_Proto_PullObjectRequest()
            request.node = node
            request.runID = runID
            request.objectID = next.objectID
            var attempt = 0
            while true {
                let answer = try await fleet.call("pull-object", request, as: Flwr_Proto_PullObjectResponse.self)
                if answer.objectFound && answer.objectAvailable {
                    totalBytes += answer.objectContent.count
                    guard totalBytes <= byteLimit else { throw .arrayTooLarge(limit: options.maxElements) }
                    let object = try FlowerObject(content: Array(answer.objectContent), id: next.objectID)
                    guard Set(object.children) == Set(next.children.map(\.objectID)) else {
                        throw .malformedObject(object.type)
                    }
                    objects[next.objectID] = object
                    break
                }
                attempt += 1
                guard answer.objectFound, attempt <= options.objectRetries else {
                    throw .objectUnavailable(next.objectID)
                }
                try? await Task.sleep(nanoseconds: 200_000_000)
            }
        }
        return objects
    }
}
