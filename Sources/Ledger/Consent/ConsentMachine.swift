import DataFiLedger
import DataFiSodium
import DataFiWallet

/// A grant recorded on the ledger, with its revocation if one was recorded.
public struct RecordedConsent: Sendable, Equatable {
    /// The person's signed grant.
    public let grant: ConsentGrant
    /// Ledger time the grant was recorded at.
    public let recorded: UInt64
    /// The person's signed revocation, if recorded.
    public internal(set) var revocation: ConsentRevocation?
    /// Ledger time the revocation was recorded at.
    public internal(set) var revocationRecorded: UInt64?

    /// The grant's status at `time` (Unix seconds): revoked when a revocation takes effect at or before
    /// `time`, expired at or after `expires`, not yet valid before `issued`, otherwise valid.
    public func status(at time: Int64) -> ConsentStatus {
        if let revocation, revocation.revoked <= time { return .revoked }
        if time >= grant.expires { return .expired }
        if time < grant.issued { return .notYetValid }
        return .valid
    }
}

/// The status of a recorded grant at a time.
public enum ConsentStatus: String, Sendable, Equatable {
    case valid, revoked, expired, notYetValid
}

/// Why no recorded grant allows a data use.
public enum ConsentDenial: Error, Equatable, Sendable, CustomStringConvertible {
    /// No recorded grant of the person names the subject and the purpose.
    case noGrant
    /// The matching grant was revoked from `revoked`.
    case revoked(id: String, revoked: Int64)
    /// The matching grant expired at `expires`.
    case expired(id: String, expires: Int64)
    /// The matching grant is valid only from `issued`.
    case notYetValid(id: String, issued: Int64)

    /// A short stable code: `no_grant`, `revoked`, `expired`, `not_yet_valid`.
    public var code: String {
        switch self {
        case .noGrant: "no_grant"
        case .revoked: "revoked"
        case .expired: "expired"
        case .notYetValid: "not_yet_valid"
        }
    }

    public var description: String {
        switch self {
        case .noGrant: "no recorded consent names this subject and purpose"
        case .revoked(let id, let revoked): "consent \(id) was revoked from \(revoked)"
        case .expired(let id, let expires): "consent \(id) expired at \(expires)"
        case .notYetValid(let id, let issued): "consent \(id) is valid only from \(issued)"
        }
    }
}

/// Consent as a ledger state machine: the recorded grants of every person, by id, with their revocations.
///
/// Rules, each refusal logged with the ``ConsentLedgerError`` case name as code:
/// - a grant must decode and its own signature verify; the envelope's signer must be its grantor; its id
///   must be new; it must not have expired at the ledger time;
/// - a revocation must decode and verify, be signed (envelope and record) by the grantor of a recorded,
///   unrevoked grant, and take effect no earlier than the grant's issue time.
public struct ConsentMachine: LedgerStateMachine, Equatable {
    public typealias Transaction = ConsentTransaction

    /// Every recorded grant, by its 16-byte id.
    public private(set) var grants: [[UInt8]: RecordedConsent] = [:]

    /// No grants.
    public init() {}

    /// Applies `transaction` signed by `signer` at ledger time `time`; a ``ConsentLedgerError`` becomes a
    /// refusal with its code and changes nothing.
    public mutating func apply(_ transaction: Transaction, signer: Signing.PublicKey, time: UInt64) -> LedgerOutcome {
        do {
            try record(transaction, signer: signer, time: time)
            return .applied
        } catch {
            return .refused(code: error.code)
        }
    }

    /// Applies `transaction`, throwing the reason of a refusal (the state is then unchanged).
    /// - Throws: ``ConsentLedgerError``.
    public mutating func record(_ transaction: Transaction, signer: Signing.PublicKey,
                                time: UInt64) throws(ConsentLedgerError) {
        switch transaction {
        case .grant(let bytes):
            let grant: ConsentGrant
            do { grant = try ConsentGrant(bytes: bytes) } catch { throw Self.recordError(error) }
            guard grant.grantor == signer else { throw .signerIsNotGrantor }
            guard grants[grant.id] == nil else { throw .duplicateGrant(id: grant.idHex) }
            guard time <= UInt64(Int64.max), Int64(time) < grant.expires else {
                throw .expiredAtRecording(id: grant.idHex, expires: grant.expires, now: time)
            }
            grants[grant.id] = RecordedConsent(grant: grant, recorded: time)
        case .revocation(let bytes):
            let revocation: ConsentRevocation
            do { revocation = try ConsentRevocation(bytes: bytes) } catch { throw Self.recordError(error) }
            guard revocation.grantor == signer else { throw .signerIsNotGrantor }
            let id = Hex.encode(revocation.grantID)
            guard var recorded = grants[revocation.grantID] else { throw .unknownGrant(id: id) }
            guard recorded.grant.grantor == revocation.grantor else { throw .foreignGrant(id: id) }
            guard recorded.revocation == nil else { throw .alreadyRevoked(id: id) }
            guard revocation.revoked >= recorded.grant.issued else { throw .revocationBeforeIssue(id: id) }
            recorded.revocation = revocation
            recorded.revocationRecorded = time
            grants[revocation.grantID] = recorded
        }
    }

    private static func recordError(_ error: WalletError) -> ConsentLedgerError {
        if case .badSignature = error { return .badRecordSignature }
        return .malformedRecord(error)
    }

    // MARK: Queries

    /// The recorded grant with `id` (16 bytes).
    public func consent(id: [UInt8]) -> RecordedConsent? { grants[id] }

    /// The recorded grants of `person`, in id order.
    public func consents(of person: Signing.PublicKey) -> [RecordedConsent] {
        grants.values.filter { $0.grant.grantor == person }.sorted { $0.grant.id.lexicographicallyPrecedes($1.grant.id) }
    }

    /// The recorded grant by which `person` lets `subject` use their data for `purpose` at `time`: one that
    /// names the subject and the purpose exactly and is valid, unrevoked and unexpired at `time`. Among
    /// several, the one that expires last (then the smallest id).
    /// - Throws: ``ConsentDenial/noGrant`` when no recorded grant names them; otherwise the reason of the
    ///   most recently recorded matching grant.
    public func check(person: Signing.PublicKey, subject: ConsentSubject, purpose: String,
                      at time: Int64) throws(ConsentDenial) -> RecordedConsent {
        let matching = grants.values.filter {
            $0.grant.grantor == person && $0.grant.subject == subject && $0.grant.purpose == purpose
        }
        let valid = matching.filter { $0.status(at: time) == .valid }
        if let best = valid.min(by: { a, b in
            a.grant.expires != b.grant.expires ? a.grant.expires > b.grant.expires
                : a.grant.id.lexicographicallyPrecedes(b.grant.id)
        }) {
            return best
        }
        guard let latest = matching.max(by: { a, b in
            a.recorded != b.recorded ? a.recorded < b.recorded : b.grant.id.lexicographicallyPrecedes(a.grant.id)
        }) else { throw .noGrant }
        switch latest.status(at: time) {
        case .revoked: throw .revoked(id: latest.grant.idHex, revoked: latest.revocation?.revoked ?? 0)
        case .expired: throw .expired(id: latest.grant.idHex, expires: latest.grant.expires)
        default: throw .notYetValid(id: latest.grant.idHex, issued: latest.grant.issued)
        }
    }

    // MARK: Snapshot

    static let snapshotDomain = Array("DataFi ledger consent state v1\n".utf8)

    /// The canonical state: the domain line `DataFi ledger consent state v1\n`, the number of grants (u32),
    /// then per grant in ascending id order: recording time (u64), the grant's encoding (u16 length and
    /// bytes), `0x00`, or `0x01` followed by the revocation's recording time (u64) and its encoding (u16
    /// length and bytes). Integers big-endian.
    public func snapshot() throws(LedgerError) -> [UInt8] {
        guard grants.count <= Int(UInt32.max) else { throw .state("too many grants") }
        var out = Self.snapshotDomain
        Self.put(UInt64(grants.count), bytes: 4, into: &out)
        for id in grants.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            let item = grants[id]!
            Self.put(item.recorded, bytes: 8, into: &out)
            Self.putRecord(item.grant.bytes, into: &out)
            if let revocation = item.revocation {
                out.append(1)
                Self.put(item.revocationRecorded ?? 0, bytes: 8, into: &out)
                Self.putRecord(revocation.bytes, into: &out)
            } else {
                out.append(0)
            }
        }
        return out
    }

    /// Restores a state from ``snapshot()`` bytes, checking every record's signature and the rules that tie
    /// a revocation to its grant.
    /// - Throws: `LedgerError.state(_:)`.
    public init(snapshot bytes: [UInt8]) throws(LedgerError) {
        var r = Reader(bytes: bytes)
        guard try r.take(Self.snapshotDomain.count) == Self.snapshotDomain else { throw .state("not a consent state") }
        let count = try r.uint(4)
        var previous: [UInt8]?
        for _ in 0..<count {
            let recorded = try r.uint(8)
            let grant: ConsentGrant
            do { grant = try ConsentGrant(bytes: try r.take(Int(try r.uint(2)))) } catch let error as LedgerError {
                throw error
            } catch { throw .state("grant: \(error)") }
            if let previous, !previous.lexicographicallyPrecedes(grant.id) { throw .state("grants out of order") }
            previous = grant.id
            var item = RecordedConsent(grant: grant, recorded: recorded)
            switch try r.uint(1) {
            case 0: break
            case 1:
                let at = try r.uint(8)
                let revocation: ConsentRevocation
                do { revocation = try ConsentRevocation(bytes: try r.take(Int(try r.uint(2)))) } catch let error as LedgerError {
                    throw error
                } catch { throw .state("revocation: \(error)") }
                guard revocation.grantID == grant.id, revocation.grantor == grant.grantor,
                      revocation.revoked >= grant.issued else { throw .state("revocation does not match its grant") }
                item.revocation = revocation
                item.revocationRecorded = at
            default: throw .state("revocation flag")
            }
            grants[grant.id] = item
        }
        guard r.offset == bytes.count else { throw .state("trailing bytes") }
    }

    private static func put(_ value: UInt64, bytes: Int, into out: inout [UInt8]) {
        for shift in stride(from: 8 * (bytes - 1), through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    private static func putRecord(_ record: [UInt8], into out: inout [UInt8]) {
        put(UInt64(record.count), bytes: 2, into: &out)
        out += record
    }

    private struct Reader {
        let bytes: [UInt8]
        var offset = 0

        mutating func take(_ n: Int) throws(LedgerError) -> [UInt8] {
            guard n >= 0, bytes.count - offset >= n else { throw .state("truncated consent state") }
            defer { offset += n }
            return Array(bytes[offset..<offset + n])
        }

        mutating func uint(_ n: Int) throws(LedgerError) -> UInt64 {
            try take(n).reduce(0) { $0 << 8 | UInt64($1) }
        }
    }
}
