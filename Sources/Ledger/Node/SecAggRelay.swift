import DataFiLedger
import DataFiSecAgg
import DataFiSodium
import Foundation
import Hummingbird
import NIOCore
import Synchronization

/// Bounds on the memory the secure-aggregation relay holds.
public struct RelayLimits: Sendable {
    /// Most rounds alive at once; beyond it creating a round gets 503 with `Retry-After`.
    public var maxRounds: Int
    /// Most participants in one round.
    public var maxParticipants: Int
    /// Largest message payload, in bytes.
    public var maxMessageBytes: Int
    /// Most payload bytes one round holds.
    public var maxRoundBytes: Int
    /// Most payload bytes all rounds hold together.
    public var maxTotalBytes: Int
    /// Most messages one round holds.
    public var maxMessagesPerRound: Int
    /// Largest job description, in bytes.
    public var maxJobBytes: Int
    /// Longest lifetime of a round, in seconds; a round and its messages are dropped when it expires.
    public var maxLifetime: UInt64

    /// 64 rounds of up to 1,000 participants, 1 MiB messages, 64 MiB per round, 256 MiB in all,
    /// 20,000 messages per round, 4 KiB job descriptions, lifetimes up to an hour.
    public init(
        maxRounds: Int = 64, maxParticipants: Int = 1000, maxMessageBytes: Int = 1 << 20,
        maxRoundBytes: Int = 64 << 20, maxTotalBytes: Int = 256 << 20, maxMessagesPerRound: Int = 20_000,
        maxJobBytes: Int = 4096, maxLifetime: UInt64 = 3600
    ) {
        self.maxRounds = maxRounds
        self.maxParticipants = maxParticipants
        self.maxMessageBytes = maxMessageBytes
        self.maxRoundBytes = maxRoundBytes
        self.maxTotalBytes = maxTotalBytes
        self.maxMessagesPerRound = maxMessagesPerRound
        self.maxJobBytes = maxJobBytes
        self.maxLifetime = maxLifetime
    }
}

/// A mailbox for secure-aggregation rounds: the coordinator creates a round with an opaque job
/// description, owners join it with their Ed25519 keys and get participant ids 1...n, and every
/// participant posts signed, opaque, size-limited messages per step (`SecAggRelayStep`) and fetches
/// those addressed to it. The relay checks signatures (`SecAggRelayAuth`), keeps one message per
/// (step, sender, recipient) so replays are refused, and drops a round when it expires. It never
/// sees an owner's plaintext: the payloads are the protocol's masked vectors and encrypted shares.
public final class SecAggRelay: Sendable {
    /// A live round.
    struct Round {
        let id: String
        let coordinator: Signing.PublicKey
        let job: [UInt8]
        let capacity: Int
        let expiresAt: UInt64
        var participants: [Signing.PublicKey] = []
        var messages: [MessageKey: [UInt8]] = [:]
        var bytes: Int

        func key(of participant: UInt32) -> Signing.PublicKey? {
            participant == 0
                ? coordinator : participant <= participants.count ? participants[Int(participant) - 1] : nil
        }
    }

    struct MessageKey: Hashable {
        let step: UInt8
        let from: UInt32
        let to: UInt32?
    }

    struct State {
        var rounds: [String: Round] = [:]
        var bytes = 0
    }

    /// The limits applied.
    public let limits: RelayLimits
    let clock: @Sendable () -> UInt64
    let state = Mutex(State())

    /// A relay with `limits`, reading the time in seconds from `clock`.
    public init(
        limits: RelayLimits = .init(),
        clock: @escaping @Sendable () -> UInt64 = { UInt64(max(0, Date().timeIntervalSince1970)) }
    ) {
        self.limits = limits
        self.clock = clock
    }

    /// Rounds alive now.
    public var roundCount: Int {
        state.withLock { s in
            Self.expire(&s, now: clock()); return s.rounds.count
        }
    }

    static func expire(_ s: inout State, now: UInt64) {
        for (id, round) in s.rounds where round.expiresAt <= now {
            s.bytes -= round.bytes
            s.rounds[id] = nil
        }
    }

    func withRound<T>(_ id: String, _ body: (inout Round, inout State) throws(NodeRefusal) -> T) throws(NodeRefusal)
        -> T
    {
        let now = clock()
        return try state.withLock { (s: inout State) throws(NodeRefusal) -> T in
            Self.expire(&s, now: now)
            guard var round = s.rounds[id] else {
                throw NodeRefusal(.notFound, "unknown_round", "no live round \(id.prefix(64))")
            }
            s.rounds[id] = nil  // one reference while the body mutates it
            defer { s.rounds[id] = round }
            return try body(&round, &s)
        }
    }

    /// Opens a round for `participants` owners with the coordinator's key and an opaque job
    /// description, alive for `lifetime` seconds; returns its id and expiry time.
    /// - Throws: `NodeRefusal` for a count outside 2...`maxParticipants`, a job larger than
    ///   `maxJobBytes`, a lifetime outside 1...`maxLifetime`, or (503) when `maxRounds` are alive.
    public func create(coordinator: Signing.PublicKey, participants: Int, job: [UInt8], lifetime: UInt64)
        throws(NodeRefusal) -> (id: String, expiresAt: UInt64)
    {
        guard (2...limits.maxParticipants).contains(participants) else {
            throw NodeRefusal(.badRequest, "invalid_field", "participants must be in 2...\(limits.maxParticipants)")
        }
        guard job.count <= limits.maxJobBytes else {
            throw NodeRefusal(
                .contentTooLarge, "job_too_large", "job of \(job.count) bytes (limit \(limits.maxJobBytes))")
        }
        guard (1...limits.maxLifetime).contains(lifetime) else {
            throw NodeRefusal(.badRequest, "invalid_field", "lifetime must be in 1...\(limits.maxLifetime) seconds")
        }
        let now = clock()
        let id = Hex.encode(SecureRandom.bytes(count: 16))
        return try state.withLock { (s: inout State) throws(NodeRefusal) -> (id: String, expiresAt: UInt64) in
            Self.expire(&s, now: now)
            guard s.rounds.count < limits.maxRounds else {
                throw NodeRefusal(
                    .serviceUnavailable, "too_many_rounds", "\(limits.maxRounds) rounds are open",
                    retryAfter: 10)
            }
            guard s.bytes + job.count <= limits.maxTotalBytes else {
                throw NodeRefusal(
                    .serviceUnavailable, "relay_full", "the relay holds its limit of bytes", retryAfter: 10)
            }
            let round = Round(
                id: id, coordinator: coordinator, job: job, capacity: participants,
                expiresAt: now + lifetime, bytes: job.count)
            s.rounds[id] = round
            s.bytes += job.count
            return (id, round.expiresAt)
        }
    }

    /// Adds the owner with `key` to the round (its signature over `SecAggRelayAuth.joinMessage`
    /// proves it holds the key) and returns its participant id; joining again returns the same id.
    /// - Throws: `NodeRefusal` for an unknown or expired round (404), a bad signature (403), or a
    ///   full round (409).
    public func join(round id: String, key: Signing.PublicKey, signature: [UInt8]) throws(NodeRefusal) -> UInt32 {
        guard key.isValidSignature(signature, for: SecAggRelayAuth.joinMessage(round: id)) else {
            throw NodeRefusal(.forbidden, "bad_signature", "the signature does not verify under the key")
        }
        return try withRound(id) { (round, _) throws(NodeRefusal) -> UInt32 in
            if let index = round.participants.firstIndex(of: key) { return UInt32(index + 1) }
            guard round.participants.count < round.capacity else {
                throw NodeRefusal(.conflict, "round_full", "all \(round.capacity) participants have joined")
            }
            round.participants.append(key)
            return UInt32(round.participants.count)
        }
    }

    /// Stores one message of `round`.
    /// - Throws: `NodeRefusal` for an unknown or expired round (404), a step outside 0...7, a
    ///   broadcast not from the coordinator or a recipient that is no participant (400), a
    ///   payload larger than `maxMessageBytes` or a round over its limits (413), a sender that
    ///   has not joined or a bad signature (403), a second message for the same (step, sender,
    ///   recipient) (409), or (503) when the relay holds `maxTotalBytes`.
    public func post(round id: String, step: UInt8, from: UInt32, to: UInt32?, payload: [UInt8], signature: [UInt8])
        throws(NodeRefusal)
    {
        guard SecAggRelayStep(rawValue: step) != nil else {
            throw NodeRefusal(.badRequest, "invalid_field", "step must be in 0...7")
        }
        guard payload.count <= limits.maxMessageBytes else {
            throw NodeRefusal(
                .contentTooLarge, "message_too_large",
                "payload of \(payload.count) bytes (limit \(limits.maxMessageBytes))")
        }
        guard to != nil || from == 0 else {
            throw NodeRefusal(.badRequest, "invalid_field", "only the coordinator (0) may broadcast")
        }
        let signed = SecAggRelayAuth.postMessage(round: id, step: step, from: from, to: to, payload: payload)
        try withRound(id) { (round, s) throws(NodeRefusal) in
            guard let key = round.key(of: from) else {
                throw NodeRefusal(.forbidden, "unknown_sender", "participant \(from) has not joined")
            }
            if let to, to > round.participants.count {
                throw NodeRefusal(.badRequest, "invalid_field", "recipient \(to) has not joined")
            }
            guard key.isValidSignature(signature, for: signed) else {
                throw NodeRefusal(
                    .forbidden, "bad_signature", "the signature does not verify under participant \(from)'s key")
            }
            let messageKey = MessageKey(step: step, from: from, to: to)
            guard round.messages[messageKey] == nil else {
                throw NodeRefusal(.conflict, "duplicate_message", "step \(step) from \(from) was already posted")
            }
            guard round.messages.count < limits.maxMessagesPerRound, round.bytes + payload.count <= limits.maxRoundBytes
            else {
                throw NodeRefusal(.contentTooLarge, "round_too_large", "the round holds its limit of messages or bytes")
            }
            guard s.bytes + payload.count <= limits.maxTotalBytes else {
                throw NodeRefusal(
                    .serviceUnavailable, "relay_full", "the relay holds its limit of bytes", retryAfter: 10)
            }
            round.messages[messageKey] = payload
            round.bytes += payload.count
            s.bytes += payload.count
        }
    }

    /// The messages of `step` addressed to `to` and the coordinator's broadcasts of that step, by
    /// sender.
    /// - Throws: `NodeRefusal` for an unknown or expired round (404).
    public func messages(round id: String, step: UInt8, to: UInt32) throws(NodeRefusal)
        -> [(from: UInt32, to: UInt32?, payload: [UInt8])]
    {
        try withRound(id) { (round, _) throws(NodeRefusal) in
            round.messages.compactMap { key, payload in
                key.step == step && (key.to == to || key.to == nil) ? (key.from, key.to, payload) : nil
            }.sorted { $0.from < $1.from }
        }
    }

    /// A round's public description.
    func describe(_ round: Round) -> JSONValue {
        .object([
            ("round", .string(round.id)), ("coordinator", .string(Hex.encode(round.coordinator.rawRepresentation))),
            ("job", NodeHTTP.b64(round.job)), ("participants", NodeHTTP.int(UInt64(round.capacity))),
            ("joined", .array(round.participants.map { .string(Hex.encode($0.rawRepresentation)) })),
            ("expiresAt", NodeHTTP.int(round.expiresAt)),
        ])
    }

    // MARK: HTTP

    func routes(_ router: Router<BasicRequestContext>, maxBodyBytes: Int) {
        let relay = self
        let bodyLimit = min(maxBodyBytes, limits.maxMessageBytes / 3 * 4 + 8192)
        router.post("/v1/secagg/rounds") { request, _ in
            let body = try await Self.body(request, limit: bodyLimit)
            let key = try Self.publicKey(body, "coordinator")
            let participants = try Self.count(body, "participants")
            let lifetime = body["lifetime"] == nil ? 600 : UInt64(try Self.count(body, "lifetime"))
            let job = try Self.base64(body, "job")
            let (id, expiresAt) = try relay.create(
                coordinator: key, participants: participants, job: job, lifetime: lifetime)
            return NodeHTTP.json(.object([("round", .string(id)), ("expiresAt", NodeHTTP.int(expiresAt))]))
        }
        router.get("/v1/secagg/rounds") { _, _ in
            let now = relay.clock()
            let list = relay.state.withLock { s in
                Self.expire(&s, now: now)
                return s.rounds.values.sorted { $0.id < $1.id }.map { relay.describe($0) }
            }
            return NodeHTTP.json(.object([("rounds", .array(list))]))
        }
        router.get("/v1/secagg/rounds/{round}") { _, context in
            let id = context.parameters.get("round") ?? ""
            return NodeHTTP.json(try relay.withRound(id) { (round, _) throws(NodeRefusal) in relay.describe(round) })
        }
        router.post("/v1/secagg/rounds/{round}/join") { request, context in
            let body = try await Self.body(request, limit: bodyLimit)
            let client = try relay.join(
                round: context.parameters.get("round") ?? "", key: try Self.publicKey(body, "key"),
                signature: try Self.signature(body))
            return NodeHTTP.json(.object([("participant", NodeHTTP.int(UInt64(client)))]))
        }
        router.post("/v1/secagg/rounds/{round}/messages") { request, context in
            let body = try await Self.body(request, limit: bodyLimit)
            let step = try Self.count(body, "step")
            guard step <= Int(UInt8.max) else {
                throw NodeRefusal(.badRequest, "invalid_field", "step must be in 0...7")
            }
            let from = try Self.count(body, "from")
            let to = body["to"] == nil ? nil : try Self.count(body, "to")
            guard from <= Int(UInt32.max), (to ?? 0) <= Int(UInt32.max) else {
                throw NodeRefusal(.badRequest, "invalid_field", "participant ids are below 2^32")
            }
            let payload = try Self.base64(body, "payload")
            try relay.post(
                round: context.parameters.get("round") ?? "", step: UInt8(step), from: UInt32(from),
                to: to.map { UInt32($0) }, payload: payload, signature: try Self.signature(body))
            return NodeHTTP.json(.object([("stored", .bool(true))]))
        }
        router.get("/v1/secagg/rounds/{round}/messages") { request, context in
            let step = try NodeHTTP.uint(request, "step")
            let to = try NodeHTTP.uint(request, "to")
            guard step <= 7, to <= UInt64(UInt32.max) else {
                throw NodeRefusal(.badRequest, "bad_query", "step must be in 0...7 and to below 2^32")
            }
            let list = try relay.messages(
                round: context.parameters.get("round") ?? "", step: UInt8(step), to: UInt32(to))
            return NodeHTTP.json(
                .object([
                    (
                        "messages",
                        .array(
                            list.map { m in
                                var members: [(String, JSONValue)] = [("from", NodeHTTP.int(UInt64(m.from)))]
                                if let to = m.to { members.append(("to", NodeHTTP.int(UInt64(to)))) }
                                members.append(("payload", NodeHTTP.b64(m.payload)))
                                return .object(members)
                            })
                    )
                ]))
        }
    }

    static func body(_ request: Request, limit: Int) async throws -> JSONValue {
        let bytes: [UInt8]
        do {
            bytes = Array(try await request.body.collect(upTo: limit).readableBytesView)
        } catch is NIOTooManyBytesError {
            throw NodeRefusal(.contentTooLarge, "body_too_large", "request body larger than \(limit) bytes")
        }
        let tree: JSONValue
        do { tree = try CanonicalJSON.parse(bytes) } catch { throw NodeRefusal(error) }
        guard case .object = tree else { throw NodeRefusal(.badRequest, "invalid_field", "body must be an object") }
        return tree
    }

    static func count(_ body: JSONValue, _ name: String) throws(NodeRefusal) -> Int {
        guard case .number(let text)? = body[name], let v = Int(text), v >= 0 else {
            throw NodeRefusal(.badRequest, "invalid_field", "\(name) must be a non-negative integer")
        }
        return v
    }

    static func base64(_ body: JSONValue, _ name: String) throws(NodeRefusal) -> [UInt8] {
        guard case .string(let text)? = body[name], let data = Data(base64Encoded: text) else {
            throw NodeRefusal(.badRequest, "invalid_field", "\(name) must be base64")
        }
        return Array(data)
    }

    static func publicKey(_ body: JSONValue, _ name: String) throws(NodeRefusal) -> Signing.PublicKey {
        guard case .string(let text)? = body[name], let bytes = try? Hex.decode(text, length: 32),
            let key = try? Signing.PublicKey(rawRepresentation: bytes)
        else {
            throw NodeRefusal(.badRequest, "invalid_field", "\(name) must be an Ed25519 public key in hex")
        }
        return key
    }

    static func signature(_ body: JSONValue) throws(NodeRefusal) -> [UInt8] {
        guard case .string(let text)? = body["signature"], let bytes = try? Hex.decode(text, length: 64) else {
            throw NodeRefusal(.badRequest, "invalid_field", "signature must be 64 bytes in hex")
        }
        return bytes
    }
}
