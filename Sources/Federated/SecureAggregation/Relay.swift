/// The steps of a round carried by a relay (such as the ledger node's secure-aggregation relay),
/// in order. A relay keeps at most one message per (step, sender, recipient), so a replayed
/// message is refused; it never looks inside the payloads.
public enum SecAggRelayStep: UInt8, Sendable, Hashable, CaseIterable {
    /// Client → server: `AdvertiseKeys`.
    case advertiseKeys = 0
    /// Server → every client: `KeyDirectory`.
    case keyDirectory = 1
    /// Client → server: `ShareKeys`.
    case shareKeys = 2
    /// Server → one client: `ShareBundle`.
    case shareBundle = 3
    /// Client → server: `MaskedInput`.
    case maskedInput = 4
    /// Server → every client: `UnmaskRequest`.
    case unmaskRequest = 5
    /// Client → server: `UnmaskResponse`.
    case unmaskResponse = 6
    /// Server → every client: the job's result (its encoding is the job's business).
    case result = 7
}

/// The bytes a relay participant signs (Ed25519) to authenticate itself, so a relay can refuse a
/// message posted under another participant's id, and a message copied from another round.
public enum SecAggRelayAuth {
    /// The bytes signed to join `round` (the relay's round identifier).
    public static func joinMessage(round: String) -> [UInt8] {
        Array("datafi-secagg-relay-v1 join\u{0}".utf8) + Array(round.utf8)
    }

    /// The bytes signed to post `payload` in `round` at `step` from participant `from` (0: the
    /// coordinator) to `to` (0: the coordinator; nil: every participant).
    /// - Parameters:
    ///   - round: The relay's round identifier.
    ///   - step: The step (`SecAggRelayStep` raw value).
    ///   - from: The sender's participant id.
    ///   - to: The recipient's participant id, or nil for a broadcast.
    ///   - payload: The opaque message.
    public static func postMessage(
        round: String, step: UInt8, from: UInt32, to: UInt32?,
        payload: some Collection<UInt8>
    ) -> [UInt8] {
        var out = Array("datafi-secagg-relay-v1 post\u{0}".utf8) + Array(round.utf8)
        out.append(0)
        out.append(step)
        for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: from >> UInt32(shift))) }
        out.append(to == nil ? 0 : 1)
        for shift in stride(from: 0, to: 32, by: 8) {
            out.append(UInt8(truncatingIfNeeded: (to ?? 0) >> UInt32(shift)))
        }
        out += payload
        return out
    }
}
