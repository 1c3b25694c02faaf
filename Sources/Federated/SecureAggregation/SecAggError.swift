import DataFiSodium

/// A client identifier in a secure-aggregation round: a positive integer, unique in the round, that
/// is also the client's x-coordinate in Shamir sharing.
public typealias ClientID = UInt32

/// The four phases of a secure-aggregation round, in order.
public enum SecAggPhase: UInt8, Sendable, Hashable, CustomStringConvertible {
    /// Clients advertise their two public keys.
    case advertiseKeys = 0
    /// Clients send encrypted Shamir shares of their secrets to their neighbours.
    case shareKeys = 1
    /// Clients send their masked input vectors.
    case maskedInput = 2
    /// Surviving clients reveal the shares the server needs to remove the masks.
    case unmask = 3
    /// The round is over (aggregate computed, or the client answered its last message).
    case finished = 4

    /// The phase name.
    public var description: String {
        switch self {
        case .advertiseKeys: "advertise keys"
        case .shareKeys: "share keys"
        case .maskedInput: "masked input"
        case .unmask: "unmask"
        case .finished: "finished"
        }
    }
}

/// Why a secure-aggregation operation refused its input. Every case leaves the client or server
/// state unchanged.
public enum SecAggError: Error, Equatable, Sendable, CustomStringConvertible {
    // Configuration
    /// The threshold must be at least 2 and at most the neighbourhood size plus one.
    case invalidThreshold(threshold: Int, maximum: Int)
    /// The vector dimension must be in 1...`SecAggConfig.maxDimension`.
    case invalidDimension(Int)
    /// The bit width of the group Z_{2^k} must be in 1...62.
    case invalidBitWidth(Int)
    /// The SecAgg+ neighbourhood size must be even and at least 2.
    case invalidNeighbourCount(Int)
    /// A client identifier must be in 1...`SecAggConfig.maxClients`.
    case invalidClientID(UInt32)
    /// An input vector has the wrong length.
    case wrongDimension(expected: Int, actual: Int)
    /// An input value is not below 2^bits.
    case valueOutOfRange(index: Int)
    /// The clipping bound or scale of a quantizer is not positive and finite.
    case invalidQuantization(clip: Double, scale: Double)
    /// A real input value is NaN or infinite.
    case nonFiniteValue(index: Int)
    /// n clients × the largest quantized magnitude (plus the noise margin) does not fit in
    /// 2^(bits−1): the sum could wrap around.
    case overflowRisk(clients: Int, magnitude: Double, bits: Int)
    /// A differential-privacy parameter is out of range (named).
    case invalidPrivacyParameter(String)
    /// A simulated dropout fraction is outside [0, 1].
    case invalidDropout(Double)

    // Wire format
    /// The message ends before its declared content.
    case truncated(expected: Int, actual: Int)
    /// The message has bytes after its content.
    case trailingBytes(Int)
    /// The version byte is not 1.
    case unsupportedVersion(UInt8)
    /// The message is of another kind.
    case wrongMessageType(expected: UInt8, actual: UInt8)
    /// A declared count exceeds its limit.
    case tooManyEntries(declared: Int, limit: Int)
    /// Identifiers in a list are not strictly increasing (duplicates or disorder).
    case unsortedIdentifiers
    /// A Shamir share value is not below the field prime.
    case invalidShare

    // Protocol
    /// The message belongs to another round.
    case wrongSession(expected: UInt64, actual: UInt64)
    /// The operation is not allowed in the current phase.
    case wrongPhase(expected: SecAggPhase, actual: SecAggPhase)
    /// The same client already sent a message in this phase (a replay).
    case duplicateMessage(from: ClientID)
    /// The sender is not a participant of this phase.
    case unknownSender(ClientID)
    /// The message is addressed to another client.
    case wrongRecipient(expected: ClientID, actual: ClientID)
    /// The key directory does not list this client with the keys it advertised.
    case ownKeysMissing
    /// Two clients advertise the same public key.
    case duplicateKey
    /// An X25519 public key is a low-order point.
    case lowOrderKey(ClientID)
    /// Encrypted shares are not addressed exactly to the sender's neighbours.
    case wrongShareRecipients(from: ClientID)
    /// An encrypted share does not name the sender and recipient it was delivered between.
    case misaddressedShare(from: ClientID)
    /// An encrypted share failed authentication (tampered, or encrypted for someone else).
    case shareAuthenticationFailed(from: ClientID)
    /// Fewer clients than the threshold remain in a phase: no partial result is produced.
    case tooFewSurvivors(phase: SecAggPhase, survivors: Int, threshold: Int)
    /// A client's mask cannot be removed: fewer than the threshold of its neighbours answered.
    case notEnoughShares(client: ClientID, have: Int, need: Int)
    /// The server asked for both the self-mask share and the key share of the same peer, or for a
    /// share kind that contradicts one already revealed: an honest client refuses.
    case safetyViolation(peer: ClientID)
    /// The unmask request lists this client as dropped although it sent its masked input.
    case listedAsDropped
    /// An unmask request or response lists a client that is not in the right set.
    case inconsistentUnmaskList(ClientID)
    /// The masking key reconstructed from shares does not match the key the client advertised.
    case reconstructionMismatch(client: ClientID)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .invalidThreshold(let t, let m): "threshold \(t) must be in 2...\(m)"
        case .invalidDimension(let d): "dimension \(d) must be in 1...\(SecAggConfig.maxDimension)"
        case .invalidBitWidth(let b): "bit width \(b) must be in 1...62"
        case .invalidNeighbourCount(let k): "neighbour count \(k) must be even and at least 2"
        case .invalidClientID(let id): "client id \(id) must be in 1...\(SecAggConfig.maxClients)"
        case .wrongDimension(let e, let a): "vector has \(a) values, expected \(e)"
        case .valueOutOfRange(let i): "value \(i) is not below 2^bits"
        case .invalidQuantization(let c, let s): "clip \(c) and scale \(s) must be positive and finite"
        case .nonFiniteValue(let i): "value \(i) is not a finite number"
        case .overflowRisk(let n, let m, let b): "\(n) clients × magnitude \(m) does not fit in 2^\(b - 1): the sum could wrap"
        case .invalidPrivacyParameter(let what): "privacy parameter out of range: \(what)"
        case .invalidDropout(let f): "dropout fraction \(f) must be in [0, 1]"
        case .truncated(let e, let a): "message truncated: need \(e) bytes, got \(a)"
        case .trailingBytes(let n): "message has \(n) unexpected trailing bytes"
        case .unsupportedVersion(let v): "unsupported secure-aggregation message version \(v)"
        case .wrongMessageType(let e, let a): "expected message type \(e), got \(a)"
        case .tooManyEntries(let d, let l): "message declares \(d) entries (limit \(l))"
        case .unsortedIdentifiers: "client identifiers are not strictly increasing"
        case .invalidShare: "share value is not a field element"
        case .wrongSession(let e, let a): "message of round \(a), expected round \(e)"
        case .wrongPhase(let e, let a): "operation of phase '\(e)' in phase '\(a)'"
        case .duplicateMessage(let id): "client \(id) already sent a message in this phase"
        case .unknownSender(let id): "client \(id) is not a participant of this phase"
        case .wrongRecipient(let e, let a): "message for client \(a), expected \(e)"
        case .ownKeysMissing: "the key directory does not list this client's keys"
        case .duplicateKey: "two clients advertise the same public key"
        case .lowOrderKey(let id): "client \(id) advertised a low-order public key"
        case .wrongShareRecipients(let id): "client \(id) did not address its shares exactly to its neighbours"
        case .misaddressedShare(let id): "share from client \(id) names another sender or recipient"
        case .shareAuthenticationFailed(let id): "share from client \(id) failed authentication"
        case .tooFewSurvivors(let p, let s, let t): "only \(s) clients left in phase '\(p)', threshold is \(t)"
        case .notEnoughShares(let id, let h, let n): "client \(id): \(h) shares, \(n) needed"
        case .safetyViolation(let id): "refused: the server asked for both secrets of client \(id)"
        case .listedAsDropped: "refused: the unmask request lists this client as dropped"
        case .inconsistentUnmaskList(let id): "client \(id) is listed in the wrong set"
        case .reconstructionMismatch(let id): "reconstructed key of client \(id) does not match its advertised key"
        }
    }
}
