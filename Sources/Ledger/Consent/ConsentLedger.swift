import DataFiLedger
import DataFiSodium
import DataFiWallet

/// A ledger of consent transactions over any store.
public typealias ConsentLedger<Store: LedgerStore> = Ledger<ConsentMachine, Store>

/// Evidence that a grant is on the ledger: the log entry that recorded it and its inclusion proof against
/// a checkpoint. Anyone holding the checkpoint signed by the operator can check it offline.
///
/// Inclusion shows the grant was recorded and applied; that it is unrevoked and unexpired at the time
/// asked is the ledger's answer from its state, whose hash the same checkpoint carries.
public struct ConsentEvidence: Sendable {
    /// The grant.
    public let grant: ConsentGrant
    /// Index of the log entry that recorded it.
    public let entryIndex: UInt64
    /// The entry's leaf data (`LogEntry.encoded()`): the person's signed envelope and its outcome.
    public let entry: [UInt8]
    /// Inclusion proof of the entry in the tree of the checkpoint's size.
    public let proof: [LogHash]
    /// The checkpoint the proof is against.
    public let checkpoint: Checkpoint

    /// Creates evidence (for example from a receipt read back from JSON).
    public init(grant: ConsentGrant, entryIndex: UInt64, entry: [UInt8], proof: [LogHash], checkpoint: Checkpoint) {
        self.grant = grant
        self.entryIndex = entryIndex
        self.entry = entry
        self.proof = proof
        self.checkpoint = checkpoint
    }

    /// The entry's leaf hash.
    public var leafHash: LogHash { MerkleTree.leafHash(entry) }

    /// Whether the evidence holds: the grant's signature verifies; the entry decodes, was applied, records
    /// exactly this grant and is signed by its grantor with a valid envelope signature; the inclusion
    /// proof verifies against the checkpoint's root.
    public func verify() -> Bool {
        guard grant.isSignatureValid, let logged = try? LogEntry<ConsentTransaction>(encoded: entry),
              logged.outcome == .applied, logged.envelope.transaction == .grant(grant.bytes),
              logged.envelope.signer == grant.grantor, logged.envelope.origin == checkpoint.origin,
              logged.envelope.isSignatureValid else { return false }
        return MerkleTree.verifyInclusion(index: entryIndex, size: checkpoint.size, leafHash: leafHash, proof: proof,
                                          root: checkpoint.root)
    }

    /// ``verify()`` against a checkpoint note: the note must be signed by `operatorKey` and be this
    /// evidence's checkpoint.
    public func verify(signedCheckpoint note: String, operatorKey: Signing.PublicKey) -> Bool {
        guard let opened = try? Checkpoint.verify(note: note, publicKey: operatorKey), opened == checkpoint else {
            return false
        }
        return verify()
    }
}

/// The ledger's answer to "may this data use proceed?".
public enum ConsentVerdict: Sendable {
    /// A valid, unrevoked, unexpired grant allows it.
    case allowed(ConsentEvidence)
    /// No grant allows it, and why.
    case denied(ConsentDenial)
}

extension Ledger where Machine == ConsentMachine {
    /// The next nonce `signer` must use.
    public func nextNonce(of signer: Signing.PublicKey) -> UInt64 { nonces[signer.rawRepresentation] ?? 0 }

    /// The index of the applied entry that recorded grant `id`, or `nil` (a scan of the log: O(size)).
    /// - Throws: `LedgerError.corrupt(entry:reason:)` for an entry that does not decode; storage errors.
    public func grantEntryIndex(id: [UInt8]) throws(LedgerError) -> UInt64? {
        guard let recorded = state.consent(id: id) else { return nil }
        let wanted = ConsentTransaction.grant(recorded.grant.bytes)
        var start: UInt64 = 0
        while start < size {
            let count = min(size - start, 4096)
            for (offset, data) in try store.leaves(from: start, count: count).enumerated() {
                let index = start + UInt64(offset)
                let entry: LogEntry<ConsentTransaction>
                do { entry = try LogEntry(encoded: data) } catch { throw .corrupt(entry: index, reason: "\(error)") }
                if entry.outcome == .applied && entry.envelope.transaction == wanted { return index }
            }
            start += count
        }
        return nil
    }

    /// The check a data user runs before using data: is there a valid, unrevoked, unexpired recorded grant
    /// by which `person` lets `subject` use their data for `purpose` at `time`? When there is, the verdict
    /// carries the grant's entry with an inclusion proof against the current checkpoint.
    /// - Throws: as ``grantEntryIndex(id:)``; `LedgerError.missing(_:)` when the state holds a grant the
    ///   log does not.
    public func checkConsent(person: Signing.PublicKey, subject: ConsentSubject, purpose: String,
                             at time: Int64) throws(LedgerError) -> ConsentVerdict {
        let recorded: RecordedConsent
        do { recorded = try state.check(person: person, subject: subject, purpose: purpose, at: time) } catch {
            return .denied(error)
        }
        guard let index = try grantEntryIndex(id: recorded.grant.id) else {
            throw .missing("log entry of consent grant \(recorded.grant.idHex)")
        }
        let checkpoint = try self.checkpoint()
        return .allowed(ConsentEvidence(grant: recorded.grant, entryIndex: index, entry: try store.leaf(index),
                                        proof: try inclusionProof(index: index, size: checkpoint.size),
                                        checkpoint: checkpoint))
    }
}

extension PersonalWallet {
    /// Signs the envelope that records one of this wallet's grants or revocations on a consent ledger,
    /// with the wallet's key (which stays inside the wallet).
    /// - Parameters:
    ///   - transaction: ``ConsentTransaction/grant(_:)`` or ``ConsentTransaction/revocation(_:)`` of a
    ///     record the wallet holds (``ConsentTransaction/record(_:)-(ConsentGrant)``).
    ///   - origin: the ledger's origin.
    ///   - nonce: the person's next nonce on that ledger (`Ledger.nextNonce(of:)`).
    ///   - deadline: latest ledger time to accept it.
    /// - Throws: `LedgerError.invalidField(_:)` when the record is not one of this wallet's, or for an
    ///   invalid origin.
    public func consentEnvelope(_ transaction: ConsentTransaction, origin: String, nonce: UInt64,
                                deadline: UInt64) throws(LedgerError) -> Envelope<ConsentTransaction> {
        let held: Bool
        switch transaction {
        case .grant(let bytes): held = consents.grants.contains { $0.bytes == bytes }
        case .revocation(let bytes): held = consents.revocations.contains { $0.bytes == bytes }
        }
        guard held else { throw .invalidField("the consent record is not one of this wallet's") }
        return try Envelope.sign(transaction, origin: origin, nonce: nonce, deadline: deadline, with: signingKey)
    }
}
