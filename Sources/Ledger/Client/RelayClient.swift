import DataFiLedger
import DataFiSecAgg
import DataFiSodium
import Foundation

/// A round of the node's secure-aggregation relay, as served.
public struct RelayRound: Equatable, Sendable {
    /// The round's identifier.
    public let id: String
    /// The coordinator's key (participant 0).
    public let coordinator: Signing.PublicKey
    /// The opaque job description.
    public let job: [UInt8]
    /// The owners the round admits.
    public let participants: Int
    /// The keys of the owners that joined, in participant-id order (id = position + 1).
    public let joined: [Signing.PublicKey]
    /// When the round expires (seconds since 1970).
    public let expiresAt: UInt64
}

/// One relayed message.
public struct RelayMessage: Equatable, Sendable {
    /// The sender's participant id (0: the coordinator).
    public let from: UInt32
    /// The recipient (0: the coordinator); nil for a broadcast.
    public let to: UInt32?
    /// The opaque payload.
    public let payload: [UInt8]
}

extension LedgerClient {
    /// Opens a relay round for `participants` owners, coordinated by `coordinator`'s key, with an
    /// opaque job description alive for `lifetime` seconds; returns the round's id.
    /// - Throws: `LedgerClientError.refused` with the node's code (`job_too_large`,
    ///   `too_many_rounds`, …).
    public func createRound(coordinator: Signing.PublicKey, participants: Int, job: [UInt8], lifetime: UInt64 = 600)
        async throws(LedgerClientError) -> String
    {
        let body = JSONValue.object([
            ("coordinator", .string(Hex.encode(coordinator.rawRepresentation))),
            ("participants", .number(String(participants))), ("lifetime", .number(String(lifetime))),
            ("job", .string(Data(job).base64EncodedString())),
        ])
        let bytes = try await call(.POST, "/v1/secagg/rounds", body: CanonicalJSON.serialize(body))
        guard let tree = try? CanonicalJSON.parse(bytes), case .string(let id)? = tree["round"] else {
            throw .malformed("round")
        }
        return id
    }

    /// The rounds alive on the node.
    public func rounds() async throws(LedgerClientError) -> [RelayRound] {
        guard case .array(let list)? = try await getJSON("/v1/secagg/rounds")["rounds"] else {
            throw .malformed("rounds")
        }
        return try list.map { item throws(LedgerClientError) in try Self.relayRound(item) }
    }

    /// One round.
    /// - Throws: `LedgerClientError.refused` with code `unknown_round` when it does not exist or expired.
    public func round(_ id: String) async throws(LedgerClientError) -> RelayRound {
        try Self.relayRound(try await getJSON("/v1/secagg/rounds/\(Self.escape(id))"))
    }

    /// Joins round `id` with `key`; returns the participant id (the same one when joining again).
    /// - Throws: `LedgerClientError.refused` with code `round_full`, `unknown_round`, ….
    public func joinRound(_ id: String, key: Signing.PrivateKey) async throws(LedgerClientError) -> UInt32 {
        let body = JSONValue.object([
            ("key", .string(Hex.encode(key.publicKey.rawRepresentation))),
            ("signature", .string(Hex.encode(key.signature(for: SecAggRelayAuth.joinMessage(round: id))))),
        ])
        let bytes = try await call(
            .POST, "/v1/secagg/rounds/\(Self.escape(id))/join", body: CanonicalJSON.serialize(body))
        guard let tree = try? CanonicalJSON.parse(bytes), case .number(let text)? = tree["participant"],
            let participant = UInt32(text)
        else { throw .malformed("participant") }
        return participant
    }

    /// Posts a message of round `id`, signed with `key` (the key participant `from` joined with, or
    /// the coordinator's for 0).
    /// - Parameters:
    ///   - id: The round.
    ///   - step: The protocol step.
    ///   - from: The sender's participant id.
    ///   - to: The recipient, or nil to broadcast (the coordinator only).
    ///   - payload: The message.
    ///   - key: The sender's signing key.
    /// - Throws: `LedgerClientError.refused` with code `duplicate_message`, `message_too_large`,
    ///   `bad_signature`, `unknown_round`, ….
    public func postMessage(
        round id: String, step: SecAggRelayStep, from: UInt32, to: UInt32?, payload: [UInt8],
        key: Signing.PrivateKey
    ) async throws(LedgerClientError) {
        let signed = SecAggRelayAuth.postMessage(round: id, step: step.rawValue, from: from, to: to, payload: payload)
        var members: [(String, JSONValue)] = [
            ("step", .number(String(step.rawValue))), ("from", .number(String(from))),
        ]
        if let to { members.append(("to", .number(String(to)))) }
        members += [
            ("payload", .string(Data(payload).base64EncodedString())),
            ("signature", .string(Hex.encode(key.signature(for: signed)))),
        ]
        _ = try await call(
            .POST, "/v1/secagg/rounds/\(Self.escape(id))/messages", body: CanonicalJSON.serialize(.object(members)))
    }

    /// The messages of `step` addressed to participant `to`, with the coordinator's broadcasts.
    public func messages(round id: String, step: SecAggRelayStep, to: UInt32) async throws(LedgerClientError)
        -> [RelayMessage]
    {
        let tree = try await getJSON("/v1/secagg/rounds/\(Self.escape(id))/messages?step=\(step.rawValue)&to=\(to)")
        guard case .array(let list)? = tree["messages"] else { throw .malformed("messages") }
        return try list.map { item throws(LedgerClientError) in
            guard case .number(let f)? = item["from"], let from = UInt32(f), case .string(let p)? = item["payload"],
                let payload = Data(base64Encoded: p)
            else { throw .malformed("message") }
            var recipient: UInt32?
            if case .number(let t)? = item["to"] {
                guard let v = UInt32(t) else { throw .malformed("message recipient") }
                recipient = v
            }
            return RelayMessage(from: from, to: recipient, payload: Array(payload))
        }
    }

    static func relayRound(_ item: JSONValue) throws(LedgerClientError) -> RelayRound {
        guard case .string(let id)? = item["round"], case .string(let c)? = item["coordinator"],
            let coordinator = try? Signing.PublicKey(rawRepresentation: Hex.decode(c, length: 32)),
            case .string(let j)? = item["job"], let job = Data(base64Encoded: j),
            case .number(let n)? = item["participants"], let participants = Int(n),
            case .array(let joined)? = item["joined"], case .number(let e)? = item["expiresAt"],
            let expiresAt = UInt64(e)
        else { throw .malformed("round") }
        let keys = try joined.map { value throws(LedgerClientError) in
            guard case .string(let k) = value,
                let key = try? Signing.PublicKey(rawRepresentation: Hex.decode(k, length: 32))
            else { throw .malformed("joined key") }
            return key
        }
        return RelayRound(
            id: id, coordinator: coordinator, job: Array(job), participants: participants, joined: keys,
            expiresAt: expiresAt)
    }
}
